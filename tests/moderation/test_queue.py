"""The moderation queue through its pages: filters, decisions, redaction, hiding, bulk approval."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent
from dialogues import services as capture
from tests import factories
from tests.moderation.test_services import item


@pytest.fixture
def moderator(client, make_user, login):
    user = make_user("moderator")
    login(user)
    return user


@pytest.fixture
def places(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, prompt = factories.open_dialogue(db, facilitator)
    session = factories.intake_session(db, facilitator)
    story = item(db, "Een verhaal uit het buurthuis.", session=session, age=timedelta(days=5))
    post = item(db, "Een bijdrage van vandaag.", prompt=prompt)
    db.session.commit()
    return dialogue, session, story, post


def _page(response) -> str:
    return response.get_data(as_text=True)


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_filters_narrow_the_queue_and_stay_chosen(client, moderator, places):
    dialogue, session, story, post = places
    everything = _page(client.get("/moderation/"))
    assert f"#{story.id}" in everything and f"#{post.id}" in everything
    assert everything.index(f"#{story.id}") < everything.index(f"#{post.id}")  # oldest first
    by_dialogue = _page(client.get(f"/moderation/?dialogue={dialogue.id}"))
    assert f"#{post.id}" in by_dialogue and f"#{story.id}" not in by_dialogue
    assert f'<option value="{dialogue.id}" selected>' in by_dialogue
    by_session = _page(client.get(f"/moderation/?intake_session={session.id}"))
    assert f"#{story.id}" in by_session and f"#{post.id}" not in by_session
    waiting = _page(client.get("/moderation/?waiting=3d"))
    assert f"#{story.id}" in waiting and f"#{post.id}" not in waiting
    assert '<option value="3d" selected>' in waiting
    assert "1 item wacht, oudste eerst." in waiting
    assert "2 items wachten, oudste eerst." in everything
    nothing = _page(client.get("/moderation/?waiting=7d&channel=dialogue"))
    assert f"#{story.id}" not in nothing and f"#{post.id}" not in nothing


def test_unknown_filter_values_are_ignored(client, moderator, places):
    _dialogue, _session, story, post = places
    page = _page(client.get("/moderation/?waiting=forever&channel=fax&flag=nope"))
    assert f"#{story.id}" in page and f"#{post.id}" in page


def test_a_decision_returns_to_the_same_filters(db, client, moderator, places):
    _dialogue, session, story, _post = places
    query = f"intake_session={session.id}&waiting=1d"
    response = client.post(
        f"/moderation/{story.id}/decide?{query}",
        data={"decision": "approve", "version": story.version, "view": "queue"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/moderation/?{query}"
    db.session.expire_all()
    assert story.status == "approved"


def test_a_listed_reason_and_a_note_reach_the_author(app, db, client, moderator, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    author.locale = "en"
    dialogue, prompt = factories.open_dialogue(db, facilitator)
    contribution = capture.post_contribution(author, prompt, "Iets heel anders dan de vraag.")
    db.session.commit()
    page = _page(client.get("/moderation/"))
    assert '<option value="Off topic">' in page
    response = client.post(
        f"/moderation/{contribution.id}/decide",
        data={
            "decision": "reject",
            "listed_reason": "Off topic",
            "reason": "Keep to the question, please.",
            "version": contribution.version,
        },
    )
    assert response.status_code == 302
    reader = app.test_client()
    reader.post("/login", data={"email": author.email, "password": "correct horse battery"})
    own = _page(reader.get(f"/dialogues/{dialogue.id}"))
    assert "Off topic: Keep to the question, please." in own


def test_a_refused_rejection_keeps_what_was_typed(client, moderator, places):
    _dialogue, _session, _story, post = places
    response = client.post(
        f"/moderation/{post.id}/decide",
        data={
            "decision": "reject",
            "listed_reason": "Not on the list",
            "reason": "Mijn toelichting",
            "version": post.version,
        },
    )
    assert response.status_code == 400
    page = _page(response)
    assert 'value="Mijn toelichting"' in page and 'id="moderation-problem"' in page
    assert post.status == "pending"


def test_redacting_a_selected_span_through_the_page(db, client, moderator, places):
    _dialogue, _session, story, _post = places
    start = story.body.index("buurthuis")
    response = client.post(
        f"/moderation/{story.id}/redact",
        data={"text": "buurthuis", "start": start, "label": "address", "version": story.version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert story.body == "Een verhaal uit het [adres]."
    (event,) = _events(db, "moderation.redact")
    assert "buurthuis" not in str(event.details) and event.details["label"] == "address"


def test_an_ambiguous_or_stale_redaction_is_refused_and_keeps_the_text(
    db, client, moderator, places
):
    _dialogue, _session, _story, post = places
    post.body = before = "Een Kees en nog een Kees."
    db.session.commit()
    response = client.post(
        f"/moderation/{post.id}/redact",
        data={"text": "Kees", "label": "name", "version": post.version},
    )
    assert response.status_code == 400
    assert 'value="Kees"' in _page(response) and post.body == before
    response = client.post(
        f"/moderation/{post.id}/redact",
        data={"text": "Een Kees", "label": "name", "version": post.version - 1},
    )
    db.session.expire_all()
    assert response.status_code == 409 and post.body == before
    assert 'id="moderation-problem"' in _page(response)


def test_hide_from_the_published_list_and_restore_from_the_queue(app, db, client, moderator):
    published = item(db, "Een gepubliceerd verhaal.", status="approved")
    db.session.commit()
    page = _page(client.get("/moderation/published"))
    assert f"#{published.id}" in page and 'aria-keyshortcuts="h"' in page
    response = client.post(
        f"/moderation/{published.id}/hide?channel=dialogue",
        data={"reason": "Noemt iemand", "version": published.version, "view": "published"},
    )
    assert response.headers["Location"] == "/moderation/published?channel=dialogue"
    db.session.expire_all()
    assert published.status == "hidden"
    queue = _page(client.get("/moderation/"))
    assert f"#{published.id}" in queue and 'data-shortcut="restore"' in queue
    response = client.post(
        f"/moderation/{published.id}/restore", data={"version": published.version}
    )
    db.session.expire_all()
    assert response.status_code == 302 and published.status == "approved"
    assert [e.reason for e in _events(db, "moderation.hide")] == ["Noemt iemand"]
    assert len(_events(db, "moderation.restore")) == 1


def test_hide_from_a_dialogue_page_goes_back_there(db, client, moderator):
    published = item(db, "Een gepubliceerd verhaal.", status="approved")
    db.session.commit()
    back = "/dialogues/1#prompt-1"
    response = client.post(
        f"/moderation/{published.id}/hide", data={"reason": "", "next": back, "version": 1}
    )
    assert response.headers["Location"] == back and published.status == "approved"
    response = client.post(
        f"/moderation/{published.id}/hide",
        data={"reason": "Kwetsend", "next": back, "version": published.version},
    )
    db.session.expire_all()
    assert response.headers["Location"] == back and published.status == "hidden"


def test_published_list_pages(app, db, client, moderator):
    first = item(db, "Eerste gepubliceerde.", status="approved", age=timedelta(hours=2))
    second = item(db, "Tweede gepubliceerde.", status="approved", age=timedelta(hours=1))
    db.session.commit()
    app.config["MODERATION_PAGE_SIZE"] = 1
    try:
        one = _page(client.get("/moderation/published"))
        two = _page(client.get("/moderation/published?page=2"))
    finally:
        app.config["MODERATION_PAGE_SIZE"] = 20
    assert f"#{second.id}" in one and f"#{first.id}" not in one
    assert f"#{first.id}" in two and 'rel="prev"' in two


def test_bulk_approval_skips_and_names_flagged_and_changed_items(db, client, moderator):
    calm = item(db, "Een rustig verhaal.")
    changed = item(db, "Een veranderd verhaal.")
    flagged = item(db, "Een verhaal met een signaal.", flags=["all_caps"])
    db.session.commit()
    page = _page(client.get("/moderation/"))
    assert f'id="select-{calm.id}"' in page and f'id="select-{flagged.id}"' not in page
    response = client.post(
        "/moderation/approve-selected",
        data={
            "item": [calm.id, changed.id, flagged.id],
            f"version-{calm.id}": calm.version,
            f"version-{changed.id}": changed.version + 1,
            f"version-{flagged.id}": flagged.version,
        },
        follow_redirects=True,
    )
    page = _page(response)
    assert f"#{changed.id}" in page and f"#{flagged.id}" in page
    db.session.expire_all()
    assert (calm.status, changed.status, flagged.status) == ("approved", "pending", "pending")
    assert [int(e.object_id) for e in _events(db, "moderation.approve")] == [calm.id]
    assert client.post("/moderation/approve-selected", data={}).status_code == 400


def test_the_queue_page_offers_shortcuts_without_inline_script(client, moderator, places):
    page = _page(client.get("/moderation/"))
    assert '<details class="shortcuts">' in page
    for key in ("a", "r", "x"):
        assert f'aria-keyshortcuts="{key}"' in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)
    assert "/moderation/static/queue.js" in page
    with client.get("/moderation/static/queue.js") as script:
        assert script.status_code == 200 and "javascript" in script.mimetype


def test_other_roles_cannot_moderate(client, make_user, login, places):
    _dialogue, _session, story, _post = places
    login(make_user("professional"))
    for path in ("redact", "hide", "restore"):
        assert client.post(f"/moderation/{story.id}/{path}").status_code == 403
    assert client.post("/moderation/approve-selected").status_code == 403
    assert client.get("/moderation/published").status_code == 403
