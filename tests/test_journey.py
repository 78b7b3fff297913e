"""One story the whole way: capture -> screening -> moderation -> coding -> export, over HTTP."""

import csv
import io
import re

from sqlalchemy import select

from app.models import Area, Contribution


def _login(app, user):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return client


def _id_from(location: str) -> int:
    return int(re.search(r"/(\d+)", location).group(1))


def test_thin_journey(app, db, make_user):
    db.session.add(Area(municipality="Utrecht", name="Utrecht Overvecht"))
    db.session.commit()
    area_id = db.session.scalar(select(Area.id))
    facilitator = _login(app, make_user("facilitator"))
    professional = _login(app, make_user("professional"))
    moderator = _login(app, make_user("moderator"))
    researcher = _login(app, make_user("researcher"))

    # A facilitator sets up a dialogue with one round and one prompt, and opens it.
    created = facilitator.post(
        "/dialogues/new",
        data={
            "title": "Wat werkt in Overvecht?",
            "intro": "",
            "areas": [area_id],
            "moderation_mode": "pre",
            "visibility": "all",
        },
    )
    dialogue_id = _id_from(created.headers["Location"])
    facilitator.post(f"/dialogues/{dialogue_id}/rounds", data={"title": "Ronde 1", "kind": "open"})
    page = facilitator.get(f"/dialogues/{dialogue_id}").get_data(as_text=True)
    round_id = int(re.search(r"/rounds/(\d+)/prompts", page).group(1))
    facilitator.post(f"/rounds/{round_id}/prompts", data={"text": "Waar loopt u tegenaan?"})
    assert facilitator.post(f"/dialogues/{dialogue_id}/advance").status_code == 302

    # A professional contributes.
    page = professional.get(f"/dialogues/{dialogue_id}").get_data(as_text=True)
    prompt_id = int(re.search(r"/prompts/(\d+)/contributions", page).group(1))
    posted = professional.post(
        f"/prompts/{prompt_id}/contributions",
        data={
            "text": "De wachtlijst voor schuldhulp is maanden. Mail me: a.b@example.org",
            "area": 0,
        },
    )
    assert posted.status_code == 302

    # The facilitator enters a resident story in an intake session.
    created = facilitator.post(
        "/intake/new",
        data={
            "centre": "Buurthuis De Boog",
            "area": area_id,
            "held_on": "2026-11-20",
            "languages": ["nl"],
            "prompts": "Waar loopt u tegenaan?",
            "pin": "2468",
        },
    )
    session_id = _id_from(created.headers["Location"])
    saved = facilitator.post(
        f"/intake/{session_id}/stories",
        data={
            "text": "Niemand luistert naar ons. Bel mijn zoon: 06-12345678.",
            "language": "nl",
            "consent": "y",
        },
    )
    assert saved.status_code == 302

    # Screening ran: the story is stored redacted, the contribution is held with its finding.
    story = db.session.scalar(select(Contribution).where(Contribution.channel == "intake"))
    assert story.body == "Niemand luistert naar ons. Bel mijn zoon: [telefoonnummer]."
    queue = moderator.get("/moderation/").get_data(as_text=True)
    assert "[telefoonnummer]" in queue and "a.b@example.org" in queue

    # A moderator approves both, the contribution with its e-mail address removed.
    contribution = db.session.scalar(select(Contribution).where(Contribution.channel == "dialogue"))
    moderator.post(f"/moderation/{contribution.id}/decide", data={"decision": "approve_redacted"})
    moderator.post(f"/moderation/{story.id}/decide", data={"decision": "approve"})
    assert "Er wacht niets" in moderator.get("/moderation/").get_data(as_text=True)

    # A researcher codes and downloads the coded segments.
    assert researcher.post("/analysis/code").status_code == 302
    export = researcher.post("/analysis/export/segments.csv")
    assert export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    codes = {(row["channel"], row["code"]) for row in rows}
    assert ("dialogue", "kn_wachtlijst") in codes
    assert ("intake", "kn_wantrouwen") in codes
    flat = export.get_data(as_text=True)
    assert "a.b@example.org" not in flat and "06-12345678" not in flat
