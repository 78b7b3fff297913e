import hashlib
import re
from datetime import timedelta

import flask_babel
import pytest
from sqlalchemy import func, select

from app.errors import Conflict, InvalidInput, NotFound
from app.models import User, utcnow
from dialogues import invitations, rating, services
from dialogues.models import Invitation, Reminder
from tests import factories
from tests.conftest import PASSWORD


def link_for(dialogue_id, token):
    return f"http://x/dialogues/{dialogue_id}/join/{token}"


def token_of(issued: invitations.Issued) -> str:
    return issued.link.rsplit("/", 1)[1]


def invited(db, facilitator, dialogue, email="a@example.org"):
    """(invitation, token) for one new invitation."""
    (issued,) = invitations.invite(facilitator, dialogue, [email], link_for)
    token = token_of(issued)
    return invitations.find(dialogue, token), token


def joined(db, facilitator, dialogue, user):
    invitation, _ = invited(db, facilitator, dialogue, user.email)
    invitations.accept(invitation, user)
    return user


def profile(**changes):
    data = {
        "pseudonym": "Wijkagent Noord",
        "display_name": "",
        "professional_role": "wijkagent",
        "organisation_type": "politie",
        "locale": "nl",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    return data | changes


class FakeSMTP:
    """Stands in for smtplib.SMTP; subclasses get their own `outbox`."""

    outbox: list = []

    def __init__(self, host, port=0, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.tls = True

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        self.outbox.append(message)


@pytest.fixture
def outbox(app, monkeypatch):
    """Messages sent while a mail server is configured."""

    class Recorder(FakeSMTP):
        outbox = []

    monkeypatch.setattr("smtplib.SMTP", Recorder)
    before = app.config.get("MAIL_SERVER")
    app.config["MAIL_SERVER"] = "smtp.test"
    try:
        yield Recorder.outbox
    finally:
        app.config["MAIL_SERVER"] = before


def test_parse_addresses_keeps_unique_valid_ones_and_lists_the_rest(app):
    valid, invalid = invitations.parse_addresses(
        "A@Example.org, a@example.org; <b@example.org>\nnot-an-address x@y not-an-address"
    )
    assert valid == ["a@example.org", "b@example.org"]
    assert invalid == ["not-an-address", "x@y"]


def test_invite_stores_only_a_hash_and_hands_back_links_without_a_mail_server(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    issued = invitations.invite(facilitator, dialogue, ["a@example.org", "b@example.org"], link_for)
    assert [(i.email, i.sent) for i in issued] == [
        ("a@example.org", False),
        ("b@example.org", False),
    ]
    tokens = [token_of(i) for i in issued]
    assert len(set(tokens)) == 2 and all(len(t) >= 32 for t in tokens)
    assert issued[0].link == link_for(dialogue.id, tokens[0])
    rows = db.session.scalars(select(Invitation).order_by(Invitation.email)).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(t.encode()).hexdigest() for t in tokens]
    stored = repr([[getattr(r, c.key) for c in Invitation.__table__.columns] for r in rows])
    assert not any(token in stored for token in tokens)
    assert all(r.state == "waiting" for r in rows)


def test_invite_mails_the_link_when_a_mail_server_is_configured(db, make_user, outbox):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    (issued,) = invitations.invite(facilitator, dialogue, ["a@example.org"], link_for)
    assert issued.sent is True
    (message,) = outbox
    assert message["To"] == "a@example.org"
    assert dialogue.title in message["Subject"]
    assert issued.link in message.get_content()


def test_a_used_or_expired_token_is_a_conflict(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    invitation, token = invited(db, facilitator, dialogue)
    invitations.accept(invitation, make_user("professional"))
    with pytest.raises(Conflict):
        invitations.find(dialogue, token)
    expiring, other_token = invited(db, facilitator, dialogue, "b@example.org")
    expiring.expires_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(Conflict):
        invitations.find(dialogue, other_token)
    assert expiring.state == "expired"


def test_a_token_of_another_dialogue_or_an_unknown_one_is_not_found(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    other, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    _, token = invited(db, facilitator, dialogue)
    with pytest.raises(NotFound):
        invitations.find(other, token)
    with pytest.raises(NotFound):
        invitations.find(dialogue, token[:-2] + "xx")
    assert invitations.find(dialogue, token).email == "a@example.org"


def test_register_creates_the_professional_and_joins_the_dialogue(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    invitation, _ = invited(db, facilitator, dialogue)
    area = factories.area(db)
    user = invitations.register(
        invitation,
        PASSWORD,
        pseudonym="Buurtwerker",
        professional_role="jongerenwerker",
        organisation_type="welzijn",
        areas=[area],
        locale="en",
    )
    assert (user.email, user.role, user.pseudonym) == (
        "a@example.org",
        "professional",
        "Buurtwerker",
    )
    assert (user.professional_role, user.organisation_type) == ("jongerenwerker", "welzijn")
    assert (user.areas, user.locale) == ([area], "en")
    assert invitation.used_at is not None and invitation.user_id == user.id
    assert invitations.participants(dialogue) == [user]
    assert services.may_take_part(user, dialogue)


def test_register_refuses_an_unknown_role(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    invitation, _ = invited(db, facilitator, dialogue)
    with pytest.raises(InvalidInput):
        invitations.register(
            invitation,
            PASSWORD,
            pseudonym="X",
            professional_role="astronaut",
            organisation_type="politie",
        )
    assert invitation.used_at is None
    assert db.session.scalar(select(User).where(User.email == "a@example.org")) is None


def test_joining_through_the_link_creates_the_account_once(db, client, make_user):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    _, token = invited(db, facilitator, dialogue)
    db.session.commit()
    url = f"/dialogues/{dialogue.id}/join/{token}"
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="pseudonym"' in form.get_data(as_text=True)
    area_id = factories.area(db).id
    response = client.post(url, data=profile(areas=[area_id]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dialogues/{dialogue.id}")
    user = db.session.scalar(select(User).where(User.email == "a@example.org"))
    assert (user.pseudonym, user.professional_role) == ("Wijkagent Noord", "wijkagent")
    assert [a.id for a in user.areas] == [area_id]
    assert client.get(f"/dialogues/{dialogue.id}").status_code == 200
    assert client.get(url).status_code == 409


def test_a_logged_in_professional_joins_with_one_click(db, client, make_user, login):
    facilitator, professional = make_user("facilitator"), make_user("professional")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    invitation, token = invited(db, facilitator, dialogue, professional.email)
    db.session.commit()
    login(professional)
    response = client.post(f"/dialogues/{dialogue.id}/join/{token}")
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert invitation.user_id == professional.id
    assert invitations.participants(dialogue) == [professional]


def test_the_facilitator_page_shows_new_links_and_skipped_addresses(db, client, make_user, login):
    facilitator = make_user("facilitator")
    dialogue, _ = factories.open_dialogue(db, facilitator, visibility="invite")
    login(facilitator)
    response = client.post(
        f"/dialogues/{dialogue.id}/invitations", data={"addresses": "a@example.org, not-an-address"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (token,) = re.findall(rf"/dialogues/{dialogue.id}/join/([\w-]+)", page)
    (row,) = db.session.scalars(select(Invitation).where(Invitation.dialogue_id == dialogue.id))
    assert row.email == "a@example.org"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert "not-an-address" in page


def test_reminders_go_once_to_participants_who_did_not_take_part(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, prompt = factories.open_dialogue(db, facilitator, visibility="invite")
    wrote, quiet = (joined(db, facilitator, dialogue, make_user()) for _ in range(2))
    services.post_contribution(wrote, prompt, "Ik heb al iets gezegd.")
    reminded, sent = invitations.send_reminders(facilitator, prompt.round, "http://x/d")
    assert (reminded, sent) == (1, 0)
    reminders = db.session.scalars(select(Reminder)).all()
    assert [(r.round_id, r.user_id) for r in reminders] == [(prompt.round_id, quiet.id)]
    assert invitations.send_reminders(facilitator, prompt.round, "http://x/d") == (0, 0)


def test_a_rating_counts_as_taking_part(db, make_user):
    facilitator = make_user("facilitator")
    dialogue, prompt = factories.open_dialogue(db, facilitator, visibility="invite")
    round_ = services.add_round(facilitator, dialogue, "Beoordelen", kind="rating")
    statement = rating.add_statement(facilitator, round_, "Stelling.")
    rated, wrote = (joined(db, facilitator, dialogue, make_user()) for _ in range(2))
    rating.rate(rated, statement, None)
    services.post_contribution(wrote, prompt, "In de eerste ronde.")
    assert invitations.not_yet_active(round_) == [wrote]
    assert invitations.send_reminders(facilitator, round_, "http://x/d") == (1, 0)


def _reminder_subjects(db, make_user, outbox):
    facilitator = make_user("facilitator")
    dialogue, prompt = factories.open_dialogue(db, facilitator, visibility="invite")
    people = {locale: joined(db, facilitator, dialogue, make_user()) for locale in ("en", "nl")}
    for locale, user in people.items():
        user.locale = locale
    assert invitations.send_reminders(facilitator, prompt.round, "http://x/d") == (2, 2)
    by_address = {m["To"]: m["Subject"] for m in outbox}
    return {locale: by_address[user.email] for locale, user in people.items()}


def test_reminders_are_written_under_each_participants_locale(db, make_user, outbox, monkeypatch):
    def marked(text, **values):
        return f"[{flask_babel.get_locale()}] " + text % values

    monkeypatch.setattr(invitations, "_", marked)
    subjects = _reminder_subjects(db, make_user, outbox)
    assert subjects == {"en": "[en] Reminder: Ronde 1", "nl": "[nl] Reminder: Ronde 1"}


def test_dutch_and_english_participants_get_their_own_subject(db, make_user, outbox):
    subjects = _reminder_subjects(db, make_user, outbox)
    assert subjects["en"] == "Reminder: Ronde 1"
    with flask_babel.force_locale("nl"):
        dutch = flask_babel.gettext("Reminder: %(round)s", round="Ronde 1")
    assert subjects["nl"] == dutch != subjects["en"]


def test_send_reminders_command_reminds_for_rounds_closing_soon(db, runner, make_user):
    facilitator = make_user("facilitator")
    dialogue, prompt = factories.open_dialogue(
        db, facilitator, closes_at=utcnow() + timedelta(hours=10), visibility="invite"
    )
    waiting = make_user("professional")
    _, token = invitations.invite(facilitator, dialogue, [waiting.email], lambda d, t: (d, t))[
        0
    ].link
    invitations.accept(invitations.find(dialogue, token), waiting)
    db.session.commit()
    result = runner.invoke(
        args=["dialogues", "send-reminders", "--hours", "24", "--base-url", "https://w.test"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Reminder.id))) == 1
    later = runner.invoke(
        args=["dialogues", "send-reminders", "--hours", "1", "--base-url", "https://w.test"]
    )
    assert "reminded" not in later.output
