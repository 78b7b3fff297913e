import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Contribution, utcnow
from dialogues import invitations, rating, services
from dialogues.models import Endorsement, Rating
from tests import factories

FACILITATOR_PAGES = ["/dialogues/{dialogue}/invitations", "/dialogues/{dialogue}/overview"]


def rating_round(db, facilitator, text="Er is te weinig te doen voor jongeren."):
    """An open dialogue for every professional whose only round has one statement to rate."""
    dialogue = services.create_dialogue(facilitator, "Stellingen", "", [], visibility="all")
    round_ = services.add_round(facilitator, dialogue, "Beoordelen", kind="rating")
    statement = rating.add_statement(facilitator, round_, text)
    services.advance_dialogue(facilitator, dialogue)
    db.session.commit()
    return round_, statement


def visitor(make_user, role, facilitator):
    """The dialogue's own facilitator for role "owner", else a new user with that role."""
    return facilitator if role == "owner" else make_user(role)


def posted(db, make_user, text="Jongeren hangen bij het plein."):
    """(dialogue, prompt, author, a contribution published at once under post-moderation)."""
    facilitator, author = make_user("facilitator"), make_user("professional")
    dialogue, prompt = factories.open_dialogue(db, facilitator, mode="post")
    contribution = services.post_contribution(author, prompt, text)
    db.session.commit()
    return dialogue, prompt, author, contribution


def new_badges(page: str) -> list[str]:
    """Ids of the contributions that carry the "new" badge."""
    pattern = (
        r'id="contribution-(\d+)">\s*<p class="contribution__meta">\s*<span class="badge-new">'
    )
    return re.findall(pattern, page)


@pytest.mark.parametrize("path", FACILITATOR_PAGES)
@pytest.mark.parametrize(
    "role, status",
    [("owner", 200), ("facilitator", 403), ("professional", 403), ("researcher", 403)],
)
def test_only_the_dialogues_facilitator_sees_invitations_and_overview(
    db, client, make_user, login, path, role, status
):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    login(visitor(make_user, role, facilitator))
    assert client.get(path.format(dialogue=dialogue.id)).status_code == status


@pytest.mark.parametrize(
    "role, status",
    [("owner", 200), ("researcher", 200), ("facilitator", 403), ("professional", 403)],
)
def test_results_are_for_the_facilitator_and_researchers(
    db, client, make_user, login, role, status
):
    facilitator = make_user("facilitator")
    round_, _ = rating_round(db, facilitator)
    login(visitor(make_user, role, facilitator))
    assert client.get(f"/rounds/{round_.id}/results").status_code == status


def test_a_participant_saves_ratings_through_the_form(db, client, make_user, login):
    round_, statement = rating_round(db, make_user("facilitator"))
    professional = make_user("professional")
    login(professional)
    response = client.post(f"/rounds/{round_.id}/ratings", data={f"value-{statement.id}": "4"})
    assert response.status_code == 302
    stored = db.session.scalar(select(Rating).where(Rating.statement_id == statement.id))
    assert (stored.user_id, stored.value) == (professional.id, 4)


def test_a_researcher_cannot_rate(db, client, make_user, login):
    round_, statement = rating_round(db, make_user("facilitator"))
    login(make_user("researcher"))
    response = client.post(f"/rounds/{round_.id}/ratings", data={f"value-{statement.id}": "4"})
    assert response.status_code == 403
    assert db.session.scalars(select(Rating)).all() == []


def test_contributions_since_the_previous_visit_are_marked_new_once(db, client, make_user, login):
    dialogue, prompt, _, earlier = posted(db, make_user)
    reader = make_user("professional")
    login(reader)
    url = f"/dialogues/{dialogue.id}"
    assert new_badges(client.get(url).get_data(as_text=True)) == []
    later = services.post_contribution(
        make_user("professional"), prompt, "Iets nieuws over de speeltuin in de wijk."
    )
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert f'id="contribution-{earlier.id}"' in page
    assert new_badges(page) == [str(later.id)]
    assert new_badges(client.get(url).get_data(as_text=True)) == []


def test_overview_shows_a_chart_and_who_has_not_taken_part(db, client, make_user, login):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    quiet = make_user("professional")
    (issued,) = invitations.invite(facilitator, dialogue, [quiet.email], lambda d, t: f"/{d}/{t}")
    invitations.accept(invitations.find(dialogue, issued.link.rsplit("/", 1)[1]), quiet)
    db.session.commit()
    login(facilitator)
    response = client.get(f"/dialogues/{dialogue.id}/overview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<svg[^>]*role="img"', page)
    assert "<table" in page
    assert quiet.pseudonym in page


def test_results_page_sorts_statements_into_three_categories(db, client, make_user, login):
    facilitator = make_user("facilitator")
    round_, statement = rating_round(db, facilitator, "Handhaving helpt.")
    services.set_consensus_rules(facilitator, round_.dialogue, 0.7, 1.0, 1)
    for role, value in (("wijkagent", 5), ("jongerenwerker", 1)):
        rater = make_user("professional")
        rater.professional_role = role
        rating.rate(rater, statement, value)
    db.session.commit()
    login(facilitator)
    page = client.get(f"/rounds/{round_.id}/results").get_data(as_text=True)
    sections = {
        name: page.index(f'id="cat-{name}"') for name in ("consensus", "dissent", "no_consensus")
    }
    where = page.index("Handhaving helpt.")
    assert sections["consensus"] < sections["dissent"] < where < sections["no_consensus"]


def test_the_author_changes_a_fresh_contribution(db, client, make_user, login):
    _, _, author, contribution = posted(db, make_user)
    login(author)
    url = f"/contributions/{contribution.id}/edit"
    form = client.get(url)
    assert form.status_code == 200
    assert "Jongeren hangen bij het plein." in form.get_data(as_text=True)
    assert client.post(url, data={"text": "Jongeren hangen bij de school."}).status_code == 302
    db.session.refresh(contribution)
    assert contribution.body == "Jongeren hangen bij de school."
    assert contribution.edited_at is not None


def test_a_contribution_older_than_fifteen_minutes_keeps_its_text(db, client, make_user, login):
    _, _, author, contribution = posted(db, make_user)
    contribution.created_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    login(author)
    response = client.post(f"/contributions/{contribution.id}/edit", data={"text": "Anders."})
    assert response.status_code == 400
    db.session.refresh(contribution)
    assert contribution.body == "Jongeren hangen bij het plein."


def test_someone_elses_unpublished_contribution_is_not_shown_in_the_edit_form(
    db, client, make_user, login
):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator, mode="pre")
    pending = services.post_contribution(author, prompt, "Nog niet gemodereerd geheim.")
    db.session.commit()
    login(make_user("professional"))
    response = client.get(f"/contributions/{pending.id}/edit")
    assert "Nog niet gemodereerd geheim." not in response.get_data(as_text=True)
    assert response.status_code in (403, 404)


def test_the_author_withdraws_a_contribution(db, client, make_user, login):
    dialogue, _, author, contribution = posted(db, make_user)
    login(author)
    response = client.post(f"/contributions/{contribution.id}/withdraw")
    assert response.status_code == 302
    assert response.headers["Location"].split("#")[0].endswith(f"/dialogues/{dialogue.id}")
    db.session.refresh(contribution)
    assert contribution.status == "withdrawn"


def test_endorsing_twice_shows_an_error_and_stores_one_endorsement(db, client, make_user, login):
    *_, contribution = posted(db, make_user)
    login(make_user("professional"))
    url = f"/contributions/{contribution.id}/endorse"
    first = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "alert--error" not in first and "alert--success" in first
    second = client.post(url, follow_redirects=True)
    assert second.status_code == 200
    assert "alert--error" in second.get_data(as_text=True)
    rows = db.session.scalars(select(Endorsement)).all()
    assert [r.contribution_id for r in rows] == [contribution.id]


def test_a_reflection_reaction_says_whether_it_agrees_or_adds_nuance(db, client, make_user, login):
    facilitator = make_user("facilitator")
    dialogue, _prompt = factories.open_dialogue(db, facilitator)
    round_ = services.add_round(
        facilitator, dialogue, "Reflectie", kind="reflection", synthesis="Vaste gezichten werken."
    )
    question = services.add_prompt(facilitator, round_, "Herkent u zich hierin?")
    db.session.commit()
    login(make_user("professional"))
    response = client.post(
        f"/prompts/{question.id}/contributions",
        data={"text": "Ja, maar het hangt af van de wijk.", "area": 0, "stance": "nuance"},
    )
    assert response.status_code == 302
    stored = db.session.scalar(select(Contribution).where(Contribution.prompt_id == question.id))
    assert stored.provenance["stance"] == "nuance"
    page = client.get(f"/dialogues/{dialogue.id}").get_data(as_text=True)
    assert "Vaste gezichten werken." in page and 'value="nuance"' in page
