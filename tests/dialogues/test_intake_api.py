"""The tablet's story API: idempotent uploads, clear JSON errors, redaction before insert."""

import threading
import uuid
from datetime import date

from sqlalchemy import func, select

from app import create_app
from app.auth import services as accounts
from app.extensions import db as database
from app.models import Area, Contribution
from dialogues import intake
from tests import factories

PASSWORD = "correct horse battery"


def _url(session, what="stories"):
    return f"/api/v1/intake-sessions/{session.id}/{what}"


def _story(**overrides):
    return {
        "client_uuid": str(uuid.uuid4()),
        "text": "De speeltuin is opgeknapt. Bel me op 06-12345678 of mail a@b.nl.",
        "language": "nl",
        "consent": True,
        "attributes": {"age_band": "45-64"},
    } | overrides


def _setup(db, make_user, login):
    facilitator = make_user("facilitator")
    session = factories.intake_session(db, facilitator)
    login(facilitator)
    return facilitator, session


def test_first_upload_creates_and_a_resend_returns_the_same_story(db, client, make_user, login):
    _, session = _setup(db, make_user, login)
    story = _story()
    first = client.post(_url(session), json=story)
    again = client.post(_url(session), json=story)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"]
    assert db.session.scalar(select(func.count(Contribution.id))) == 1


def test_story_is_redacted_before_it_is_stored(db, client, make_user, login):
    _, session = _setup(db, make_user, login)
    client.post(_url(session), json=_story())
    stored = db.session.scalar(select(Contribution.body))
    assert "12345678" not in stored and "a@b.nl" not in stored
    assert "[telefoonnummer]" in stored and "[e-mail]" in stored


def test_each_error_has_its_code_and_a_message(db, client, app, make_user, login):
    facilitator, session = _setup(db, make_user, login)
    cases = [
        (_story(consent=False), 400),
        (_story(text="   "), 400),
        (_story(attributes={"age_band": "99"}), 400),
        (_story(text="x" * 10_001), 413),
        (_story(client_uuid=""), 400),
    ]
    for body, status in cases:
        response = client.post(_url(session), json=body)
        assert response.status_code == status, body
        assert response.json["message"]
    other = factories.intake_session(db, make_user("facilitator"))
    assert client.post(_url(other), json=_story()).status_code == 403
    intake.close_session(facilitator, session)
    db.session.commit()
    assert client.post(_url(session), json=_story()).status_code == 409
    assert app.test_client().post(_url(session), json=_story()).status_code == 401


def test_a_story_sent_before_closing_is_still_acknowledged_after(db, client, make_user, login):
    facilitator, session = _setup(db, make_user, login)
    story = _story()
    client.post(_url(session), json=story)
    intake.close_session(facilitator, session)
    db.session.commit()
    assert client.post(_url(session), json=story).status_code == 200


def test_preview_screens_without_storing(db, client, make_user, login):
    _, session = _setup(db, make_user, login)
    response = client.post(
        _url(session, "preview"), json={"text": "Bel 06-12345678", "language": "nl"}
    )
    assert response.json["redacted"] == "Bel [telefoonnummer]"
    assert response.json["findings"][0]["label"] == "phone"
    assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_pin_check(db, client, make_user, login):
    _, session = _setup(db, make_user, login)
    assert client.post(_url(session, "pin"), json={"pin": factories.PIN}).json == {"ok": True}
    assert client.post(_url(session, "pin"), json={"pin": "0000"}).status_code == 403


def test_summary_suppresses_small_cells(db, make_user):
    facilitator = make_user("facilitator")
    session = factories.intake_session(db, facilitator)
    for n in range(6):
        band = "65+" if n < 5 else "18-24"
        intake.record_story(
            facilitator, session, f"Verhaal {n}", consent=True, attributes={"age_band": band}
        )
    summary = intake.summary(session)
    assert summary.stories == 6
    assert dict(summary.attributes["age_band"]) == {"65+": 5, "18-24": None}


def test_concurrent_identical_uploads_store_one_story(tmp_path):
    """Eight tablets' retries of the same story at once: one row, everyone gets its id."""
    app = create_app(
        {
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        }
    )
    with app.app_context():
        database.create_all()
        area = Area(municipality="Delft", name="Delft West")
        database.session.add(area)
        user = accounts.create_user("f@wijkstem.test", PASSWORD, "facilitator")
        session = intake.create_intake_session(user, "Buurthuis", area, date.today(), pin="1234")
        database.session.commit()
        url = _url(session)
    story, answers = _story(), []
    clients = [app.test_client() for _ in range(8)]
    for c in clients:
        c.post("/login", data={"email": "f@wijkstem.test", "password": PASSWORD})
    threads = [
        threading.Thread(target=lambda c=c: answers.append(c.post(url, json=story)))
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.json["id"] for a in answers}) == 1
    with app.app_context():
        assert database.session.scalar(select(func.count(Contribution.id))) == 1
        database.engine.dispose()


def test_wrong_pins_are_throttled(db, client, make_user, login):
    _, session = _setup(db, make_user, login)
    for _ in range(10):
        assert client.post(_url(session, "pin"), json={"pin": "0000"}).status_code == 403
    assert client.post(_url(session, "pin"), json={"pin": factories.PIN}).status_code == 429
