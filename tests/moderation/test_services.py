import pytest
from sqlalchemy import select

from app.errors import Conflict, InvalidInput, NotAllowed
from app.models import AuditEvent
from dialogues import services as capture
from moderation import services
from tests import factories


@pytest.fixture
def pending(db, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator)
    first = capture.post_contribution(author, prompt, "Eerste. Bel 06-12345678.")
    second = capture.post_contribution(author, prompt, "Tweede.")
    db.session.commit()
    return first, second


def test_queue_is_oldest_first_and_filters_by_channel(db, pending):
    assert services.queue() == list(pending)
    assert services.queue("intake") == []


def test_approve_with_redaction_removes_what_screening_found(db, make_user, pending):
    moderator = make_user("moderator")
    services.approve(moderator, pending[0], redact=True)
    assert pending[0].status == "approved"
    assert pending[0].body == "Eerste. Bel [telefoonnummer]."
    assert "06-12345678" not in pending[0].body_html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.approve"))
    assert event.actor_id == moderator.id and event.details == {"redacted": True}


def test_reject_needs_a_reason_and_is_audited(db, make_user, pending):
    moderator = make_user("moderator")
    with pytest.raises(InvalidInput):
        services.reject(moderator, pending[1], "  ")
    services.reject(moderator, pending[1], "Niet over het onderwerp")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.reject"))
    assert event.reason == "Niet over het onderwerp"


def test_a_decided_item_cannot_be_decided_again(db, make_user, pending):
    services.approve(make_user("moderator"), pending[1])
    with pytest.raises(Conflict):
        services.reject(make_user("moderator"), pending[1], "Te laat")


def test_only_moderators_decide(db, make_user, pending):
    with pytest.raises(NotAllowed):
        services.approve(make_user("researcher"), pending[1])


def test_audit_events_cannot_be_changed(db, make_user, pending):
    services.approve(make_user("moderator"), pending[1])
    db.session.flush()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.approve"))
    event.reason = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()


def test_queue_filters_by_flag_and_shows_the_reasons(db, client, make_user, login, pending):
    pending[0].flags = ["abuse"]
    db.session.commit()
    assert services.queue(flag="abuse") == [pending[0]]
    assert pending[1] in services.queue(flag="any")  # "Tweede." is very short
    assert services.queue(flag="all_caps") == []
    login(make_user("moderator"))
    page = client.get("/moderation/?flag=abuse").get_data(as_text=True)
    assert f"#{pending[0].id}" in page and f"#{pending[1].id}" not in page
    assert 'class="notice"' in page


def test_a_decision_on_a_version_the_moderator_did_not_see_is_refused(db, make_user, pending):
    contribution = pending[1]
    seen = contribution.version
    capture.edit_contribution(
        contribution.author, contribution, "Tweede, nu met meer woorden erbij."
    )
    db.session.flush()
    with pytest.raises(Conflict, match="."):
        services.approve(make_user("moderator"), contribution, seen=seen)
    services.approve(make_user("moderator"), contribution, seen=contribution.version)
    assert contribution.status == "approved"


def test_two_moderators_on_the_same_item_through_the_queue(app, db, make_user, pending):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        user = make_user("moderator")
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    item = pending[1]
    seen = item.version
    first.post(f"/moderation/{item.id}/decide", data={"decision": "approve", "version": seen})
    response = second.post(
        f"/moderation/{item.id}/decide",
        data={"decision": "reject", "reason": "Te kort", "version": seen},
        follow_redirects=True,
    )
    assert "alert--error" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.status == "approved"
