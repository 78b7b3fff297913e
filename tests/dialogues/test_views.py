from datetime import timedelta

from app.models import utcnow
from dialogues import services
from moderation import services as moderation
from tests import factories


def test_author_sees_the_reason_of_a_rejection(db, client, make_user, login):
    facilitator, author = make_user("facilitator"), make_user("professional")
    dialogue, prompt = factories.open_dialogue(db, facilitator)
    contribution = services.post_contribution(author, prompt, "Iets buiten het onderwerp.")
    moderation.reject(make_user("moderator"), contribution, "Dit gaat niet over de vraag")
    db.session.commit()
    login(author)
    page = client.get(f"/dialogues/{dialogue.id}").get_data(as_text=True)
    assert "Dit gaat niet over de vraag" in page


def test_a_refused_contribution_keeps_what_was_typed(db, client, make_user, login):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator, closes_at=utcnow() + timedelta(hours=1))
    prompt.round.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(author)
    response = client.post(
        f"/prompts/{prompt.id}/contributions", data={"text": "Mijn lange verhaal", "area": 0}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mijn lange verhaal" in page
    assert "gesloten" in page


def test_story_form_without_consent_keeps_the_story(db, client, make_user, login):
    facilitator = make_user("facilitator")
    session = factories.intake_session(db, facilitator)
    login(facilitator)
    response = client.post(
        f"/intake/{session.id}/stories", data={"text": "Het verhaal van vandaag", "language": "nl"}
    )
    assert response.status_code == 400
    assert "Het verhaal van vandaag" in response.get_data(as_text=True)


def test_new_dialogue_form_keeps_input_on_error(db, client, make_user, login):
    login(make_user("facilitator"))
    response = client.post("/dialogues/new", data={"title": "", "intro": "Mijn intro"})
    assert response.status_code == 400
    assert "Mijn intro" in response.get_data(as_text=True)
