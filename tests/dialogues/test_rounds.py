from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, InvalidInput, NotAllowed
from app.models import AuditEvent, as_utc, utcnow
from dialogues import invitations, rating, services
from dialogues.models import Endorsement, Invitation
from tests import factories

LINK = "http://x/dialogues/{}/join/{}"


def timed_round(db, facilitator, opens_in=None, closes_in=None):
    """An open dialogue whose round opens and closes this long from now (None: no limit)."""
    now = utcnow()
    _, prompt = factories.open_dialogue(
        db,
        facilitator,
        opens_at=now + opens_in if opens_in is not None else None,
        closes_at=now + closes_in if closes_in is not None else None,
    )
    return prompt.round


def published(db, make_user):
    """(facilitator, author, prompt, a contribution published at once under post-moderation)."""
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator, mode="post")
    contribution = services.post_contribution(author, prompt, "Jongeren hangen bij het plein.")
    assert contribution.status == "approved"
    return facilitator, author, prompt, contribution


def test_round_state_follows_opening_and_closing_times(db, make_user):
    round_ = timed_round(db, make_user("facilitator"), timedelta(hours=1), timedelta(hours=3))
    opens, closes = as_utc(round_.opens_at), as_utc(round_.closes_at)
    assert services.round_state(round_, now=opens - timedelta(seconds=1)) == "upcoming"
    assert services.round_state(round_, now=opens) == "open"
    assert services.round_state(round_, now=opens + timedelta(hours=1)) == "open"
    assert services.round_state(round_, now=closes) == "closed"
    assert services.round_state(round_, now=closes + timedelta(days=1)) == "closed"
    assert services.round_state(round_) == "upcoming"


def test_a_closed_dialogue_closes_its_rounds_and_a_draft_is_upcoming(db, make_user):
    facilitator = make_user("facilitator")
    draft = services.create_dialogue(facilitator, "Concept", "", [])
    draft_round = services.add_round(facilitator, draft, "Ronde 1")
    assert services.round_state(draft_round) == "upcoming"
    round_ = timed_round(db, facilitator, closes_in=timedelta(days=1))
    assert services.round_state(round_) == "open"
    services.advance_dialogue(facilitator, round_.dialogue)
    assert round_.dialogue.status == "closed"
    assert services.round_state(round_) == "closed"


def test_current_round_is_the_open_one(db, make_user):
    facilitator = make_user("facilitator")
    now = utcnow()
    first = timed_round(db, facilitator, timedelta(days=-3), timedelta(days=-1))
    dialogue = first.dialogue
    second = services.add_round(facilitator, dialogue, "Ronde 2", now - timedelta(days=1))
    third = services.add_round(facilitator, dialogue, "Ronde 3", now + timedelta(days=2))
    assert services.current_round(dialogue) == second
    first.closes_at = None
    second.closes_at = now - timedelta(minutes=1)
    assert services.current_round(dialogue) == first
    first.closes_at = now - timedelta(minutes=1)
    assert services.current_round(dialogue) == second
    assert services.round_state(third) == "upcoming"


def test_contributions_are_refused_once_the_round_closed_by_time(db, make_user):
    round_ = timed_round(db, make_user("facilitator"), closes_in=timedelta(hours=1))
    author = make_user("professional")
    assert services.post_contribution(author, round_.prompts[0], "Nog op tijd.")
    round_.closes_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(Conflict):
        services.post_contribution(author, round_.prompts[0], "Te laat.")


def test_invite_only_dialogue_admits_a_professional_after_accepting(db, make_user):
    facilitator, outsider = make_user("facilitator"), make_user("professional")
    dialogue, prompt = factories.open_dialogue(db, facilitator, visibility="invite")
    assert not services.may_take_part(outsider, dialogue)
    assert dialogue not in services.visible_dialogues(outsider)
    with pytest.raises(NotAllowed):
        services.post_contribution(outsider, prompt, "Mag ik meedoen?")
    invitations.invite(facilitator, dialogue, [outsider.email], LINK.format)
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == outsider.email))
    invitations.accept(invitation, outsider)
    assert services.may_take_part(outsider, dialogue)
    assert dialogue in services.visible_dialogues(outsider)
    assert services.post_contribution(outsider, prompt, "Nu wel.").author_id == outsider.id


def test_a_reply_goes_to_a_top_level_contribution_only(db, make_user):
    _, _, prompt, contribution = published(db, make_user)
    replier = make_user("professional")
    reply = services.post_contribution(
        replier, prompt, "Herkenbaar.", parent=contribution, stance="agree"
    )
    assert reply.parent_id == contribution.id
    assert reply.provenance["stance"] == "agree"
    reply.status = "approved"
    with pytest.raises(InvalidInput):
        services.post_contribution(make_user("professional"), prompt, "En ik?", parent=reply)


def test_editing_within_the_window_screens_the_text_again(db, make_user):
    _, author, _, contribution = published(db, make_user)
    services.edit_contribution(author, contribution, "Bel me gerust: 06-12345678")
    assert contribution.status == "pending"
    assert [f["label"] for f in contribution.findings] == ["phone"]
    assert contribution.edited_at is not None
    assert contribution.body.startswith("Bel me gerust")


def test_editing_after_fifteen_minutes_or_by_someone_else_is_refused(db, make_user):
    _, author, _, contribution = published(db, make_user)
    with pytest.raises(NotAllowed):
        services.edit_contribution(make_user("professional"), contribution, "Overgenomen.")
    contribution.created_at = utcnow() - timedelta(minutes=16)
    assert not services.can_edit(author, contribution)
    with pytest.raises(Conflict):
        services.edit_contribution(author, contribution, "Te laat veranderd.")
    assert contribution.body == "Jongeren hangen bij het plein."


def test_withdrawn_contribution_is_audited_and_hidden_from_everyone(db, make_user):
    _, author, prompt, contribution = published(db, make_user)
    reader = make_user("professional")
    assert contribution in services.contributions_to(prompt, reader)
    services.withdraw_contribution(author, contribution)
    db.session.flush()
    assert contribution.status == "withdrawn"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contribution.withdraw")
    ).all()
    assert [(e.actor_id, e.object_id) for e in events] == [(author.id, str(contribution.id))]
    assert contribution not in services.contributions_to(prompt, reader)
    assert contribution not in services.contributions_to(prompt, author)


def test_endorsing_counts_once_per_person_and_never_ones_own(db, make_user):
    _, author, prompt, contribution = published(db, make_user)
    first, second = make_user("professional"), make_user("professional")
    services.endorse(first, contribution)
    with pytest.raises(Conflict):
        services.endorse(first, contribution)
    services.endorse(second, contribution)
    with pytest.raises(InvalidInput):
        services.endorse(author, contribution)
    assert services.endorsement_counts(prompt) == {contribution.id: 2}
    assert services.endorsed_by(first, prompt) == {contribution.id}


def test_a_pending_contribution_cannot_be_endorsed(db, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator, mode="pre")
    pending = services.post_contribution(author, prompt, "Wacht op moderatie.")
    with pytest.raises(InvalidInput):
        services.endorse(make_user("professional"), pending)
    assert db.session.scalars(select(Endorsement)).all() == []


def test_record_visit_returns_the_previous_visit_so_later_items_are_new(db, make_user):
    _, _, prompt, earlier = published(db, make_user)
    reader = make_user("professional")
    dialogue = prompt.round.dialogue
    assert services.record_visit(reader, dialogue) is None
    services.record_visit(reader, dialogue)
    later = services.post_contribution(make_user("professional"), prompt, "Iets nieuws.")
    previous = services.record_visit(reader, dialogue)
    assert as_utc(earlier.created_at) <= previous < as_utc(later.created_at)
    assert services.record_visit(reader, dialogue) >= as_utc(later.created_at)


def test_a_rating_round_needs_a_statement_before_the_dialogue_opens(db, make_user):
    facilitator = make_user("facilitator")
    dialogue = services.create_dialogue(facilitator, "Stellingen", "", [])
    round_ = services.add_round(facilitator, dialogue, "Beoordelen", kind="rating")
    with pytest.raises(InvalidInput):
        services.advance_dialogue(facilitator, dialogue)
    assert dialogue.status == "draft"
    rating.add_statement(facilitator, round_, "Er is te weinig te doen voor jongeren.")
    assert services.advance_dialogue(facilitator, dialogue) == "open"
    assert dialogue.status == "open"
