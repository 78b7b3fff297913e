"""Small builders for tests: an open dialogue, an approved contribution, an intake session."""

from datetime import date

from app.models import Area
from dialogues import intake, services
from moderation import services as moderation


def area(db, name: str = "Utrecht Overvecht", municipality: str = "Utrecht") -> Area:
    found = db.session.query(Area).filter_by(name=name).one_or_none()
    if found is None:
        found = Area(municipality=municipality, name=name)
        db.session.add(found)
        db.session.flush()
    return found


def open_dialogue(
    db, facilitator, *, mode: str = "pre", opens_at=None, closes_at=None, visibility="all"
):
    """A dialogue, open, with one round and one prompt; returns (dialogue, prompt)."""
    dialogue = services.create_dialogue(facilitator, "Wat werkt?", "", [area(db)], mode, visibility)
    round_ = services.add_round(facilitator, dialogue, "Ronde 1", opens_at, closes_at)
    prompt = services.add_prompt(facilitator, round_, "Waar loopt u tegenaan?")
    services.advance_dialogue(facilitator, dialogue)
    db.session.commit()
    return dialogue, prompt


def approved_contribution(db, make_user, text: str):
    """A professional's contribution to a fresh open dialogue, approved by a moderator."""
    _, prompt = open_dialogue(db, make_user("facilitator"))
    contribution = services.post_contribution(make_user("professional"), prompt, text)
    moderation.approve(make_user("moderator"), contribution)
    db.session.commit()
    return contribution


PIN = "1357"


def intake_session(db, facilitator):
    session = intake.create_intake_session(
        facilitator, "Buurthuis De Linde", area(db), date.today(), pin=PIN
    )
    db.session.commit()
    return session
