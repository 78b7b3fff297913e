from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, InvalidInput, NotAllowed
from app.models import AuditEvent, Contribution, utcnow
from dialogues import intake, services
from tests import factories


def test_contribution_is_screened_and_waits_under_pre_moderation(db, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator)
    contribution = services.post_contribution(
        author, prompt, "Wachtlijsten <script>x()</script>zijn lang."
    )
    assert contribution.status == "pending"
    assert "<script" not in contribution.body_html
    assert contribution.body == "Wachtlijsten zijn lang."


def test_post_moderation_publishes_at_once_unless_personal_data_is_found(db, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator, mode="post")
    assert services.post_contribution(author, prompt, "Het werkt hier.").status == "approved"
    held = services.post_contribution(author, prompt, "Bel me: 06-12345678")
    assert held.status == "pending"
    assert held.findings[0]["label"] == "phone"


def test_round_closed_by_time_refuses_contributions(db, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    now = utcnow()
    _, prompt = factories.open_dialogue(
        db, facilitator, opens_at=now - timedelta(days=2), closes_at=now - timedelta(hours=1)
    )
    with pytest.raises(Conflict):
        services.post_contribution(author, prompt, "Te laat.")


def test_round_not_yet_open(db, make_user):
    facilitator = make_user("facilitator")
    _, prompt = factories.open_dialogue(db, facilitator, opens_at=utcnow() + timedelta(days=1))
    assert not services.round_is_open(prompt.round)


def test_only_professionals_contribute_and_only_the_facilitator_edits(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, prompt = factories.open_dialogue(db, facilitator)
    with pytest.raises(NotAllowed):
        services.post_contribution(make_user("researcher"), prompt, "Hallo")
    with pytest.raises(NotAllowed):
        services.add_prompt(make_user("facilitator"), prompt.round, "Andere vraag")


def test_dialogue_cannot_open_without_a_question(db, make_user):
    facilitator = make_user("facilitator")
    dialogue = services.create_dialogue(facilitator, "Leeg", "", [])
    with pytest.raises(InvalidInput):
        services.advance_dialogue(facilitator, dialogue)


def test_story_is_redacted_before_insert_and_raw_text_is_gone(db, make_user):
    facilitator = make_user("facilitator")
    session = factories.intake_session(db, facilitator)
    story, created = intake.record_story(
        facilitator, session, "Bel mijn dochter op 06-12345678 of mail x@y.nl.", consent=True
    )
    assert created
    db.session.commit()
    stored = db.session.scalar(select(Contribution.body).where(Contribution.id == story.id))
    assert stored == "Bel mijn dochter op [telefoonnummer] of mail [e-mail]."
    dump = repr([(e.details, e.reason) for e in db.session.scalars(select(AuditEvent))])
    assert "12345678" not in dump and "x@y.nl" not in dump


def test_story_needs_consent_text_and_the_right_facilitator(db, make_user):
    facilitator = make_user("facilitator")
    session = factories.intake_session(db, facilitator)
    with pytest.raises(InvalidInput):
        intake.record_story(facilitator, session, "Iets", consent=False)
    with pytest.raises(InvalidInput):
        intake.record_story(facilitator, session, "   ", consent=True)
    with pytest.raises(NotAllowed):
        intake.record_story(make_user("facilitator"), session, "Iets", consent=True)
    session.status = "closed"
    with pytest.raises(Conflict):
        intake.record_story(facilitator, session, "Iets", consent=True)


def test_a_flagged_contribution_is_held_even_under_post_moderation(db, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator, mode="post")
    held = services.post_contribution(
        author, prompt, "DIT IS ECHT EEN SCHANDE VOOR DE HELE BUURT HIER"
    )
    assert held.status == "pending"
    assert held.flags == ["all_caps"]
