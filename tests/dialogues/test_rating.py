import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput, NotAllowed
from app.models import Area
from dialogues import rating, services
from dialogues.models import Rating
from tests import factories


def rating_round(db, facilitator, statements=("Er is te weinig te doen voor jongeren.",)):
    """An open dialogue whose only round is a rating round with these statements."""
    dialogue = services.create_dialogue(facilitator, "Stellingen", "", [], visibility="all")
    round_ = services.add_round(facilitator, dialogue, "Beoordelen", kind="rating")
    for text in statements:
        rating.add_statement(facilitator, round_, text)
    services.advance_dialogue(facilitator, dialogue)
    db.session.commit()
    return round_


def rate_many(make_user, statement, values, role=None, area=None):
    """One new professional per value, with this role and area, rating `statement`."""
    for value in values:
        user = make_user("professional")
        user.professional_role = role
        user.areas = [area] if area else []
        rating.rate(user, statement, value)


def only_result(round_):
    (result,) = rating.results(round_)
    return result


def test_rate_creates_one_rating_and_then_changes_it(db, make_user):
    statement = rating_round(db, make_user("facilitator")).statements[0]
    user = make_user("professional")
    first = rating.rate(user, statement, 4)
    assert (first.participant_key, first.user_id, first.value) == (f"user:{user.id}", user.id, 4)
    second = rating.rate(user, statement, 2, "Hangt af van de buurt.")
    assert second.id == first.id
    assert (second.value, second.comment) == (2, "Hangt af van de buurt.")
    count = select(func.count(Rating.id)).where(Rating.statement_id == statement.id)
    assert db.session.scalar(count) == 1


def test_skipping_stores_no_value_but_counts_as_progress(db, make_user):
    round_ = rating_round(db, make_user("facilitator"), ["Stelling een.", "Stelling twee."])
    user = make_user("professional")
    assert rating.progress(user, round_) == (0, 2)
    skipped = rating.rate(user, round_.statements[0], None)
    assert skipped.value is None
    assert rating.progress(user, round_) == (1, 2)
    assert rating.ratings_of(user, round_) == {round_.statements[0].id: skipped}
    overall = rating.results(round_)[0].overall
    assert (overall.n, overall.skipped) == (0, 1)


@pytest.mark.parametrize("value", [0, 6, 7])
def test_values_outside_the_scale_are_refused(db, make_user, value):
    statement = rating_round(db, make_user("facilitator")).statements[0]
    with pytest.raises(InvalidInput):
        rating.rate(make_user("professional"), statement, value)
    assert db.session.scalar(select(func.count(Rating.id))) == 0


def test_role_and_area_are_copied_from_the_profile_at_rating_time(db, make_user):
    statement = rating_round(db, make_user("facilitator")).statements[0]
    user = make_user("professional")
    user.professional_role = "wijkagent"
    user.areas = [factories.area(db, "Utrecht Kanaleneiland")]
    given = rating.rate(user, statement, 3)
    assert given.role == "wijkagent"
    assert given.area_id == user.areas[0].id
    user.professional_role, user.areas = "jongerenwerker", []
    db.session.flush()
    db.session.refresh(given)
    assert given.role == "wijkagent"


def test_roles_far_apart_make_a_statement_of_dissent(db, make_user):
    round_ = rating_round(db, make_user("facilitator"))
    statement = round_.statements[0]
    rate_many(make_user, statement, [5] * 5, role="wijkagent")
    rate_many(make_user, statement, [1] * 5, role="jongerenwerker")
    result = only_result(round_)
    assert result.overall.n == 10
    assert result.overall.label == "no_consensus"
    assert result.by_role["wijkagent"].median == 5
    assert result.by_role["jongerenwerker"].median == 1
    assert result.category == "dissent"


def test_small_groups_are_hidden_but_still_counted_overall(db, make_user):
    round_ = rating_round(db, make_user("facilitator"))
    statement = round_.statements[0]
    assert round_.dialogue.min_group_size == 5
    rate_many(make_user, statement, [5] * 5, role="wijkagent")
    rate_many(make_user, statement, [1] * 4, role="jongerenwerker")
    result = only_result(round_)
    assert result.by_role["jongerenwerker"] is None
    assert result.by_role["wijkagent"].n == 5
    assert result.overall.n == 9
    assert result.overall.distribution == (4, 0, 0, 0, 5)
    assert result.category != "dissent"


def test_eight_of_ten_agreeing_closely_is_consensus(db, make_user):
    round_ = rating_round(db, make_user("facilitator"))
    rate_many(make_user, round_.statements[0], [3, 3, 4, 4, 4, 4, 5, 5, 5, 5])
    result = only_result(round_)
    assert result.overall.agree == 0.8
    assert result.overall.iqr <= 1
    assert result.overall.label == "consensus_agree"
    assert result.category == "consensus"


def test_consensus_rules_of_the_dialogue_change_the_label(db, make_user):
    facilitator = make_user("facilitator")
    round_ = rating_round(db, facilitator)
    dialogue = round_.dialogue
    rate_many(make_user, round_.statements[0], [3, 3, 3, 3, 4, 4, 4, 4, 4, 4])
    assert only_result(round_).category == "no_consensus"
    services.set_consensus_rules(facilitator, dialogue, 0.6, 1.0, 5)
    assert only_result(round_).category == "consensus"
    services.set_consensus_rules(facilitator, dialogue, 0.6, 0.5, 5)
    assert only_result(round_).category == "no_consensus"
    with pytest.raises(InvalidInput):
        services.set_consensus_rules(facilitator, dialogue, 0.4, 1.0, 5)
    with pytest.raises(NotAllowed):
        services.set_consensus_rules(make_user("facilitator"), dialogue, 0.8, 1.0, 5)
    assert (dialogue.consensus_share, dialogue.consensus_iqr) == (0.6, 0.5)


def test_group_size_rule_decides_which_groups_are_shown(db, make_user):
    facilitator = make_user("facilitator")
    round_ = rating_round(db, facilitator)
    rate_many(make_user, round_.statements[0], [5] * 3, role="wijkagent")
    rate_many(make_user, round_.statements[0], [1] * 3, role="jongerenwerker")
    assert only_result(round_).category == "no_consensus"
    services.set_consensus_rules(facilitator, round_.dialogue, 0.7, 1.0, 3)
    result = only_result(round_)
    assert result.by_role["jongerenwerker"].n == 3
    assert result.category == "dissent"


def test_statements_belong_in_a_rating_round_of_ones_own_dialogue(db, make_user):
    facilitator = make_user("facilitator")
    _, prompt = factories.open_dialogue(db, facilitator)
    with pytest.raises(InvalidInput):
        rating.add_statement(facilitator, prompt.round, "Niet in een open ronde.")
    round_ = rating_round(db, facilitator)
    with pytest.raises(NotAllowed):
        rating.add_statement(make_user("facilitator"), round_, "Niet van mij.")
    with pytest.raises(InvalidInput):
        rating.add_statement(facilitator, round_, "   ")
    assert [s.text for s in round_.statements] == ["Er is te weinig te doen voor jongeren."]


def test_areas_with_the_same_name_in_two_municipalities_stay_apart(db, make_user):
    round_ = rating_round(db, make_user("facilitator"))
    statement = round_.statements[0]
    utrecht, amsterdam = (
        Area(municipality="Utrecht", name="Centrum"),
        Area(municipality="Amsterdam", name="Centrum"),
    )
    db.session.add_all([utrecht, amsterdam])
    rate_many(make_user, statement, [5] * 5, area=utrecht)
    rate_many(make_user, statement, [1] * 5, area=amsterdam)
    shown = [s for s in only_result(round_).by_area.values() if s is not None]
    assert sum(s.n for s in shown) == 10


def test_results_show_comments_without_their_authors(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, _prompt = factories.open_dialogue(db, facilitator)
    round_ = services.add_round(facilitator, dialogue, "Stellingen", kind="rating")
    statement = rating.add_statement(facilitator, round_, "Een vast gezicht werkt.")
    author = make_user("professional")
    rating.rate(author, statement, 4, "Klopt, mail me op a@b.nl")
    [result] = rating.results(round_)
    assert result.comments == ["Klopt, mail me op [e-mail]"]
