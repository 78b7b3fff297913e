import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, InvalidInput, NotAllowed
from app.models import AuditEvent, Contribution, utcnow
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
    assert '<span class="flag">kwetsende taal</span>' in page


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


# Builders: contributions made directly, so these tests do not hang on what screening detects.


def item(
    db,
    body: str,
    *,
    prompt=None,
    session=None,
    author=None,
    html=None,
    findings=(),
    flags=(),
    status="pending",
    language="nl",
    age=None,
):
    contribution = Contribution(
        channel="intake" if session else "dialogue",
        body=body,
        body_html=html,
        language=language,
        status=status,
        prompt_id=prompt.id if prompt else None,
        intake_session_id=session.id if session else None,
        area_id=session.area_id if session else None,
        author_id=author.id if author else None,
        findings=list(findings),
        flags=list(flags),
    )
    if age is not None:
        contribution.created_at = utcnow() - age
    db.session.add(contribution)
    db.session.flush()
    return contribution


@pytest.fixture
def places(db, make_user):
    """Two dialogues and an intake session, each with something waiting."""
    facilitator = make_user("facilitator")
    _, first_prompt = factories.open_dialogue(db, facilitator)
    _, other_prompt = factories.open_dialogue(db, facilitator)
    session = factories.intake_session(db, facilitator)
    old = item(db, "Een oud verhaal uit het buurthuis.", session=session, age=timedelta(days=4))
    middle = item(db, "Wat al twee dagen wacht.", prompt=first_prompt, age=timedelta(days=2))
    new = item(db, "Wat net binnenkwam.", prompt=other_prompt)
    db.session.commit()
    return {"session": session, "first": first_prompt, "other": other_prompt}, (old, middle, new)


def test_queue_filters_by_dialogue_intake_session_and_waiting_time(db, places):
    where, (old, middle, new) = places
    assert services.queue() == [old, middle, new]
    assert services.queue(dialogue=where["first"].round.dialogue_id) == [middle]
    assert services.queue(dialogue=where["other"].round.dialogue_id) == [new]
    assert services.queue(intake_session=where["session"].id) == [old]
    assert services.queue(waiting="1d") == [old, middle]
    assert services.queue(waiting="3d") == [old]
    assert services.queue(waiting="7d") == []
    assert services.queue("dialogue", waiting="1d") == [middle]


def test_origins_name_the_dialogue_and_round_or_the_intake_session(db, places):
    where, (old, middle, _new) = places
    found = services.origins([old, middle])
    assert found[old.id].title == "Buurthuis De Linde" and found[old.id].held_on is not None
    assert found[middle.id] == ("Wat werkt?", "Ronde 1", None)


def test_recently_published_is_a_week_newest_first_in_pages(db, make_user, places):
    _where, (old, middle, new) = places
    moderator = make_user("moderator")
    for contribution in (old, middle, new):
        services.approve(moderator, contribution)
    old.reviewed_at = utcnow() - timedelta(days=8)
    middle.reviewed_at = utcnow() - timedelta(days=1)
    db.session.flush()
    assert services.recently_published() == ([new, middle], 2)
    assert services.recently_published(page=2, per_page=1) == ([middle], 2)
    assert services.recently_published("intake") == ([], 0)


def test_reject_with_a_listed_reason_and_a_note_in_the_authors_language(db, make_user, pending):
    author = pending[1].author
    author.locale = "en"
    reasons = ("Off topic", "Duplicate")
    with pytest.raises(InvalidInput):
        services.reject(
            make_user("moderator"), pending[1], "", listed="Made up", listed_reasons=reasons
        )
    services.reject(
        make_user("moderator"),
        pending[1],
        " Keep to the question. ",
        listed="Off topic",
        listed_reasons=reasons,
    )
    assert pending[1].review_reason == "Off topic: Keep to the question."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.reject"))
    assert event.details == {"listed_reason": "Off topic"}


def test_an_instances_own_reason_is_shown_as_given(db, make_user, pending):
    own = "Hoort in het wijkpanel thuis"
    services.reject(make_user("moderator"), pending[1], listed=own, listed_reasons=(own,))
    assert pending[1].review_reason == own


def _redact_events(db):
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "moderation.redact"))
    )


def test_redaction_replaces_the_selected_occurrence_and_audits_hashes_only(db, make_user):
    body = "Jan zei het. Later zei Jan het weer."
    contribution = item(db, body, findings=[{"start": 0, "end": 3, "label": "name"}])
    moderator, seen = make_user("moderator"), contribution.version
    services.redact(moderator, contribution, "Jan", "name", seen, start=body.rindex("Jan"))
    assert contribution.body == "Jan zei het. Later zei [naam] het weer."
    assert contribution.findings == [
        {"start": 0, "end": 3, "label": "name"},
        {"start": 23, "end": 29, "label": "name", "detector": "moderator", "confidence": 1.0},
    ]
    (event,) = _redact_events(db)
    assert event.actor_id == moderator.id and event.reason is None
    assert event.details == {
        "label": "name",
        "body_before_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "body_after_sha256": hashlib.sha256(contribution.body.encode()).hexdigest(),
    }
    assert "Jan" not in json.dumps(event.details)


def test_redaction_with_a_stale_offset_needs_a_unique_text(db, make_user):
    contribution = item(db, "Bel Piet of Piet zijn broer Klaas.")
    moderator = make_user("moderator")
    with pytest.raises(InvalidInput, match="more than once|vaker"):
        services.redact(moderator, contribution, "Piet", "name", start=0)
    with pytest.raises(InvalidInput):
        services.redact(moderator, contribution, "Marie", "name")
    with pytest.raises(InvalidInput):
        services.redact(moderator, contribution, "Klaas", "made-up label")
    services.redact(moderator, contribution, "  Klaas", "other", start=2)
    assert contribution.body == "Bel Piet of Piet zijn broer [verwijderd]."
    assert len(_redact_events(db)) == 1


def test_redaction_on_a_version_the_moderator_did_not_see_is_refused(db, make_user, pending):
    contribution = pending[1]
    seen = contribution.version
    capture.edit_contribution(contribution.author, contribution, "Tweede, nu met Marie erbij.")
    db.session.flush()
    with pytest.raises(Conflict):
        services.redact(make_user("moderator"), contribution, "Marie", "name", seen)
    assert "Marie" in contribution.body and _redact_events(db) == []


def test_redaction_reaches_the_formatted_text_entities_and_links(db, make_user):
    body = "Tom & Els wonen hier.\n\nMail Tom & Els of bel."
    html = (
        "<p><strong>Tom</strong> &amp; Els wonen hier.</p>"
        '<p>Mail <a href="mailto:x@y.nl?subject=Tom &amp; Els" rel="nofollow">Tom &amp; Els</a>'
        " of bel.</p>"
    )
    contribution = item(db, body, html=html, language="en")
    services.redact(
        make_user("moderator"), contribution, "Tom & Els", "name", start=body.rindex("Tom")
    )
    assert contribution.body == "Tom & Els wonen hier.\n\nMail [name] of bel."
    assert contribution.body_html == (
        "<p><strong>Tom</strong> &amp; Els wonen hier.</p>"
        '<p>Mail <a rel="nofollow">[name]</a> of bel.</p>'
    )


def test_redaction_across_tags_keeps_the_markup_balanced(db, make_user):
    body = "Ik ben Anna de Vries.\n\nGroet."
    html = "<p>Ik ben <em>Anna</em> de Vries.</p><p>Groet.</p>"
    contribution = item(db, body, html=html, status="approved")
    services.redact(make_user("moderator"), contribution, "Anna de Vries", "name")
    assert contribution.body_html == "<p>Ik ben <em>[naam]</em>.</p><p>Groet.</p>"
    assert contribution.status == "approved"


def test_redaction_grows_over_a_finding_it_cuts_into(db, make_user):
    body = "Bel [telefoonnummer] of Ali."
    contribution = item(
        db, body, session=None, findings=[{"start": 4, "end": 20, "label": "phone"}]
    )
    services.redact(make_user("moderator"), contribution, "nummer] of Ali", "name")
    assert contribution.body == "Bel [naam]."
    assert [f["label"] for f in contribution.findings] == ["name"]


def test_a_rejected_contribution_is_not_redacted(db, make_user, pending):
    services.reject(make_user("moderator"), pending[1], "Te kort")
    with pytest.raises(Conflict):
        services.redact(make_user("moderator"), pending[1], "Tweede", "other")


def test_hide_and_restore_are_audited_with_the_reason(db, make_user, pending):
    moderator, contribution = make_user("moderator"), pending[1]
    with pytest.raises(Conflict):
        services.hide(moderator, contribution, "Nog niet gepubliceerd")
    services.approve(moderator, contribution)
    db.session.flush()
    with pytest.raises(InvalidInput):
        services.hide(moderator, contribution, " ")
    with pytest.raises(Conflict):
        services.hide(moderator, contribution, "Oud", seen=contribution.version - 1)
    services.hide(moderator, contribution, "Noemt een collega bij naam", contribution.version)
    assert contribution.status == "hidden" and contribution.review_reason
    assert contribution in services.queue()
    db.session.flush()
    services.restore(moderator, contribution, contribution.version)
    assert contribution.status == "approved" and contribution.review_reason is None
    with pytest.raises(Conflict):
        services.restore(moderator, contribution)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(contribution.id))
    ).all()
    assert actions[-2:] == ["moderation.hide", "moderation.restore"]
    hide_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.hide"))
    assert hide_event.reason == "Noemt een collega bij naam"
    with pytest.raises(NotAllowed):
        services.hide(make_user("researcher"), contribution, "Mag niet")


def test_bulk_approve_skips_flagged_changed_and_hidden_items(db, make_user):
    clean = item(db, "Goed verhaal over de buurt.")
    other = item(db, "Nog een goed verhaal.")
    changed = item(db, "Dit verhaal veranderde.")
    flagged = item(db, "Iets met een signaal erbij.", flags=["abuse"])
    found = item(db, "Bel 06-12345678.", findings=[{"start": 4, "end": 15, "label": "phone"}])
    hidden = item(db, "Verborgen na meldingen.", status="hidden")
    db.session.commit()
    seen = {c.id: c.version for c in (clean, other, changed, flagged, found, hidden)}
    seen[changed.id] -= 1
    moderator = make_user("moderator")
    result = services.approve_selected(moderator, seen)
    assert result.approved == [clean.id, other.id]
    assert result.changed == [changed.id]
    assert result.refused == [flagged.id, found.id, hidden.id]
    assert [c.status for c in (clean, other, changed, flagged, found, hidden)] == [
        "approved",
        "approved",
        "pending",
        "pending",
        "pending",
        "hidden",
    ]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "moderation.approve")
    ).all()
    assert sorted(int(e.object_id) for e in events) == [clean.id, other.id]
    with pytest.raises(InvalidInput):
        services.approve_selected(moderator, {})
