import json
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.auth import services as accounts
from app.errors import Conflict
from app.models import AuditEvent, Contribution, utcnow
from dialogues import intake, invitations, retention, services
from dialogues.models import Dialogue, IntakeSession, Invitation, Participation, Prompt, Round
from tests import factories
from tests.conftest import PASSWORD

UNTIL = date(2031, 1, 1)
DAY = date(2031, 1, 2)


def link_for(dialogue_id, token):
    return f"http://x/dialogues/{dialogue_id}/join/{token}"


def invite_and_join(facilitator, dialogue, user):
    (issued,) = invitations.invite(facilitator, dialogue, [user.email], link_for)
    invitations.accept(invitations.find(dialogue, issued.link.rsplit("/", 1)[1]), user)


def finished_dialogue(db, facilitator, people):
    """A closed dialogue past its retention date; each person joined by invitation and wrote."""
    dialogue, prompt = factories.open_dialogue(db, facilitator, mode="post")
    for n, person in enumerate(people):
        invite_and_join(facilitator, dialogue, person)
        services.post_contribution(person, prompt, f"De wachtlijst bij het wijkteam, punt {n}.")
    invitations.invite(facilitator, dialogue, ["never.answered@example.org"], link_for)
    services.advance_dialogue(facilitator, dialogue)
    dialogue.retention_until = UNTIL
    db.session.commit()
    return dialogue


def running_dialogue(db, facilitator, people=()):
    dialogue, _prompt = factories.open_dialogue(db, facilitator)
    for person in people:
        invite_and_join(facilitator, dialogue, person)
    db.session.commit()
    return dialogue


def bodies(db, dialogue):
    query = (
        select(Contribution)
        .join(Prompt, Prompt.id == Contribution.prompt_id)
        .join(Round, Round.id == Prompt.round_id)
        .where(Round.dialogue_id == dialogue.id)
    )
    return {c.id: (c.author_id, c.body) for c in db.session.scalars(query)}


def invitation_count(db, dialogue):
    query = select(func.count(Invitation.id)).where(Invitation.dialogue_id == dialogue.id)
    return db.session.scalar(query)


def retention_set_events(db):
    query = select(AuditEvent).where(AuditEvent.action == "retention.set")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def retention_events(db):
    query = select(AuditEvent).where(AuditEvent.action == "retention.apply")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


@pytest.fixture
def scene(db, make_user):
    """A finished dialogue with two professionals, one of whom is also in a running dialogue."""
    facilitator = make_user("facilitator")
    leaving, staying, researcher = make_user(), make_user(), make_user("researcher")
    leaving.display_name, leaving.show_real_name = "Anna de Vries", True
    leaving.areas = [factories.area(db)]
    finished = finished_dialogue(db, facilitator, [leaving, staying])
    services.join(finished.id, researcher)
    running = running_dialogue(db, facilitator, [staying])
    session = factories.intake_session(db, facilitator)
    intake.set_note(facilitator, session, "Twaalf bezoekers, koffie met de wijkagent.")
    intake.record_story(facilitator, session, "Het buurthuis sluit te vroeg.", consent=True)
    session.retention_until = UNTIL
    db.session.commit()
    return {
        "facilitator": facilitator,
        "leaving": leaving,
        "staying": staying,
        "researcher": researcher,
        "finished": finished,
        "running": running,
        "session": session,
        "leaving_email": leaving.email,
    }


def test_apply_removes_personal_data_and_keeps_the_contributions(db, scene):
    finished, leaving = scene["finished"], scene["leaving"]
    before = bodies(db, finished)
    assert len(before) == 2 and leaving.public_name == "Anna de Vries"
    report = retention.apply(DAY)
    db.session.commit()

    assert [(c.kind, c.id, c.invitations, c.accounts) for c in report.cleared[:1]] == [
        ("dialogue", finished.id, 3, 1)
    ]
    assert invitation_count(db, finished) == 0
    assert invitation_count(db, scene["running"]) == 1
    assert bodies(db, finished) == before
    assert leaving.is_erased and not leaving.active
    assert leaving.email != scene["leaving_email"] and "@" not in leaving.email
    assert (leaving.password_hash, leaving.display_name, leaving.areas) == ("", None, [])
    with force_locale("en"):
        assert leaving.public_name == "Former participant"
    assert finished.retention_applied_at is not None


def test_staff_and_professionals_with_a_running_dialogue_keep_their_accounts(db, scene):
    staying, researcher = scene["staying"], scene["researcher"]
    emails = (staying.email, researcher.email)
    report = retention.apply(DAY)
    db.session.commit()
    assert (staying.email, researcher.email) == emails
    assert not staying.is_erased and not researcher.is_erased
    assert report.running == [scene["running"]]
    assert scene["running"].retention_applied_at is None


def test_the_last_expiring_dialogue_takes_the_remaining_account(db, scene):
    retention.apply(DAY)
    db.session.commit()
    assert not scene["staying"].is_erased
    services.advance_dialogue(scene["facilitator"], scene["running"])
    db.session.commit()
    report = retention.apply(DAY)
    db.session.commit()
    assert [(c.id, c.accounts) for c in report.cleared] == [(scene["running"].id, 1)]
    assert scene["staying"].is_erased
    assert not scene["researcher"].is_erased


def test_intake_session_loses_note_and_pin_and_keeps_its_stories(db, scene):
    session = scene["session"]
    retention.apply(DAY)
    db.session.commit()
    assert (session.note, session.pin_hash, session.status) == ("", None, "closed")
    assert [s.body for s in intake.stories_of(session)] == ["Het buurthuis sluit te vroeg."]
    assert session.retention_applied_at is not None


def test_every_clearing_is_audited_with_counts_only(db, scene):
    retention.apply(DAY)
    db.session.commit()
    events = {(e.object_type, e.object_id): e.details for e in retention_events(db)}
    assert events[("dialogue", str(scene["finished"].id))] == {
        "invitations": 3,
        "accounts_erased": 1,
    }
    assert events[("intakesession", str(scene["session"].id))] == {
        "note_cleared": True,
        "pin_cleared": True,
    }
    assert ("user", str(scene["leaving"].id)) in events
    recorded = json.dumps(list(events.values()))
    assert "@" not in recorded and "koffie" not in recorded


def test_erased_account_cannot_log_in_and_its_address_is_free(db, scene, client, login):
    leaving, email = scene["leaving"], scene["leaving_email"]
    login(leaving)
    retention.apply(DAY)
    db.session.commit()
    assert client.get("/dashboard").status_code == 302
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 401
    again = accounts.create_user(email, PASSWORD, "professional")
    assert again.id != leaving.id


def test_erasure_removes_the_place_in_dialogues(db, scene):
    leaving = scene["leaving"]
    retention.apply(DAY)
    db.session.commit()
    query = select(func.count(Participation.id)).where(Participation.user_id == leaving.id)
    assert db.session.scalar(query) == 0


def test_cli_dry_run_changes_nothing(db, scene, runner):
    finished, leaving = scene["finished"], scene["leaving"]
    result = runner.invoke(args=["retention", "apply", "--dry-run", "--today", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert f'Would clear dialogue {finished.id} "Wat werkt?": 3 invitation(s)' in result.output
    assert "1 participant account(s)" in result.output
    assert "Dry run: nothing was changed." in result.output
    db.session.expire_all()
    assert invitation_count(db, finished) == 3
    assert leaving.email == scene["leaving_email"] and not leaving.is_erased
    assert scene["session"].note and scene["session"].pin_hash
    assert retention_events(db) == []


def test_cli_second_run_finds_nothing_to_do(db, scene, runner):
    args = ["retention", "apply", "--today", DAY.isoformat()]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert f"Cleared dialogue {scene['finished'].id}" in first.output
    assert f"Cleared intake session {scene['session'].id}" in first.output
    assert "the note and the PIN; session closed" in first.output
    assert f"Skipped dialogue {scene['running'].id}" in first.output
    events = len(retention_events(db))
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    assert "Nothing to clear on 2031-01-02" in second.output
    assert "Cleared" not in second.output
    assert len(retention_events(db)) == events


def test_nothing_is_cleared_before_its_date(db, scene):
    report = retention.apply(UNTIL)
    db.session.commit()
    assert report.cleared == []
    assert invitation_count(db, scene["finished"]) == 3


def test_cli_refuses_a_malformed_day(runner):
    result = runner.invoke(args=["retention", "apply", "--today", "2-1-2031"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output or "%Y-%m-%d" in result.output


# Retention dates in the organiser's forms.


def test_new_dialogue_gets_the_default_date_and_it_follows_the_rounds(db, client, login, make_user):
    login(make_user("facilitator"))
    default = retention.today() + timedelta(days=365)
    assert f'value="{default.isoformat()}"' in client.get("/dialogues/new").get_data(as_text=True)
    response = client.post(
        "/dialogues/new",
        data={"title": "Wat werkt?", "moderation_mode": "pre", "visibility": "invite"},
    )
    assert response.status_code == 302
    dialogue = db.session.scalar(select(Dialogue).order_by(Dialogue.id.desc()))
    assert dialogue.retention_until == default
    assert retention_set_events(db) == []  # the default, not a choice
    closes = retention.today() + timedelta(days=40)
    response = client.post(
        f"/dialogues/{dialogue.id}/rounds",
        data={"title": "Ronde 1", "kind": "open", "closes_at": f"{closes.isoformat()}T12:00"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert dialogue.retention_until == closes + timedelta(days=365)


def test_a_chosen_date_stays_when_rounds_are_added(db, client, login, make_user):
    facilitator = make_user("facilitator")
    dialogue, _prompt = factories.open_dialogue(db, facilitator)
    login(facilitator)
    chosen = retention.today() + timedelta(days=90)
    response = client.post(
        f"/dialogues/{dialogue.id}/retention", data={"retention_until": chosen.isoformat()}
    )
    assert response.status_code == 302
    page = client.get(f"/dialogues/{dialogue.id}").get_data(as_text=True)
    assert f'value="{chosen.isoformat()}"' in page
    closes = retention.today() + timedelta(days=200)
    client.post(
        f"/dialogues/{dialogue.id}/rounds",
        data={"title": "Ronde 2", "kind": "open", "closes_at": f"{closes.isoformat()}T12:00"},
    )
    db.session.expire_all()
    assert dialogue.retention_until == chosen


def test_a_past_date_is_refused_and_the_form_keeps_its_values(db, client, login, make_user):
    login(make_user("facilitator"))
    yesterday = retention.today() - timedelta(days=1)
    response = client.post(
        "/dialogues/new",
        data={
            "title": "Mijn dialoog",
            "moderation_mode": "pre",
            "visibility": "invite",
            "retention_until": yesterday.isoformat(),
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Mijn dialoog"' in page and 'id="form-errors"' in page
    assert db.session.scalar(select(func.count(Dialogue.id))) == 0


def test_intake_session_date_is_set_shown_and_changed_by_its_facilitator(
    db, client, login, make_user
):
    facilitator = make_user("facilitator")
    area = factories.area(db)
    db.session.commit()
    login(facilitator)
    chosen = retention.today() + timedelta(days=30)
    response = client.post(
        "/intake/new",
        data={
            "centre": "Buurthuis De Linde",
            "area": area.id,
            "held_on": retention.today().isoformat(),
            "languages": ["nl"],
            "pin": "1357",
            "retention_until": chosen.isoformat(),
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(select(IntakeSession))
    assert session.retention_until == chosen
    assert f'value="{chosen.isoformat()}"' in client.get(f"/intake/{session.id}").get_data(
        as_text=True
    )
    response = client.post(f"/intake/{session.id}/retention", data={"retention_until": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.retention_until == retention.default_until(session)
    assert [e.details["until"] for e in retention_set_events(db)] == [
        chosen.isoformat(),
        session.retention_until.isoformat(),
    ]


def test_another_facilitator_cannot_change_the_date(db, client, login, make_user):
    session = factories.intake_session(db, make_user("facilitator"))
    login(make_user("facilitator"))
    later = (retention.today() + timedelta(days=5)).isoformat()
    response = client.post(f"/intake/{session.id}/retention", data={"retention_until": later})
    assert response.status_code == 403
    db.session.expire_all()
    assert session.retention_until is None


def test_a_cleared_session_refuses_a_new_date(db, make_user):
    facilitator = make_user("facilitator")
    session = factories.intake_session(db, facilitator)
    session.retention_applied_at = utcnow()
    with pytest.raises(Conflict):
        retention.set_until(facilitator, session, None)
