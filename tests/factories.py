"""Small builders for tests: a dialogue with an open round, an intake session."""

from datetime import date

from app.models import Area
from dialogues import intake, services


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


PIN = "1357"


def intake_session(db, facilitator):
    session = intake.create_intake_session(
        facilitator, "Buurthuis De Linde", area(db), date.today(), pin=PIN
    )
    db.session.commit()
    return session
