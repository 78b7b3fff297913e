"""Resident stories: intake sessions in community centres, each story screened and redacted."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import Conflict, InvalidInput, NotAllowed, TooLarge
from app.extensions import db
from app.models import Area, Channel, Contribution, Role, Status, User, utcnow
from app.security import hash_password, verify_password
from dialogues.models import IntakeSession
from dialogues.services import MAX_TEXT_LENGTH, require_text
from moderation import screening

DEFAULT_PROMPTS = (
    "Wat gaat goed in uw buurt?",
    "Waar loopt u tegenaan?",
    "Wat zou helpen?",
)
# Coarse, anonymous and always optional; cells smaller than SMALL_CELL are not shown.
ATTRIBUTES = {
    "age_band": ("0-17", "18-24", "25-44", "45-64", "65+"),
    "years_in_area": ("0-2", "3-9", "10+"),
    "household": (
        "alleenstaand",
        "samenwonend",
        "gezin met kinderen",
        "eenoudergezin",
        "bij ouders",
        "anders",
    ),
}
ATTRIBUTE_LABELS = {
    "age_band": _l("Age"),
    "years_in_area": _l("Years in the neighbourhood"),
    "household": _l("Household"),
}
SMALL_CELL = 5
_PIN = re.compile(r"^\d{4,8}$")


def create_intake_session(
    facilitator: User,
    centre: str,
    area: Area,
    held_on: date,
    languages: Iterable[str] = ("nl",),
    prompts: Iterable[str] = DEFAULT_PROMPTS,
    *,
    pin: str,
) -> IntakeSession:
    if not facilitator.has_role(Role.FACILITATOR):
        raise NotAllowed(_("Only facilitators can run an intake session."))
    if not _PIN.match(pin or ""):
        raise InvalidInput(_("The PIN must be 4 to 8 digits."))
    session = IntakeSession(
        centre=require_text(centre, _("The community centre")),
        area_id=area.id,
        held_on=held_on,
        languages=list(languages) or ["nl"],
        prompts=[p for p in prompts if p.strip()] or list(DEFAULT_PROMPTS),
        facilitator_id=facilitator.id,
        pin_hash=hash_password(pin),
    )
    db.session.add(session)
    db.session.flush()
    audit.record(facilitator, "intake_session.create", session)
    return session


def check_pin(facilitator: User, session: IntakeSession, pin: str) -> bool:
    _require_runner(facilitator, session)
    return bool(session.pin_hash) and verify_password(session.pin_hash, pin or "")


def _require_runner(facilitator: User, session: IntakeSession) -> None:
    if not session.is_run_by(facilitator):
        raise NotAllowed(_("This intake session is run by another facilitator."))


def _clean_attributes(attributes: Optional[dict[str, Any]]) -> dict[str, str]:
    cleaned = {}
    for name, value in (attributes or {}).items():
        if value in (None, ""):
            continue
        if value not in ATTRIBUTES.get(name, ()):
            raise InvalidInput(_("Unknown answer %(value)s for %(name)s.", value=value, name=name))
        cleaned[name] = value
    return cleaned


def by_client_uuid(client_uuid: str) -> Optional[Contribution]:
    return db.session.scalar(select(Contribution).where(Contribution.client_uuid == client_uuid))


def _stored_before(session: IntakeSession, client_uuid: Optional[str]) -> Optional[Contribution]:
    story = by_client_uuid(client_uuid) if client_uuid else None
    if story is not None and story.intake_session_id != session.id:
        raise Conflict(_("This story identifier belongs to another session."))
    return story


def record_story(
    facilitator: User,
    session: IntakeSession,
    text: str,
    *,
    language: str = "nl",
    consent: bool,
    attributes: Optional[dict[str, Any]] = None,
    client_uuid: Optional[str] = None,
) -> tuple[Contribution, bool]:
    """Store a resident's story, redacted before the insert; return (story, newly created).

    The same `client_uuid` twice gives back the first story: a tablet may resend
    a story whose confirmation it never received. A unique constraint, not the
    look-up, guarantees it under concurrent resends.
    """
    _require_runner(facilitator, session)
    earlier = _stored_before(session, client_uuid)
    if earlier is not None:
        return earlier, False
    story = _new_story(session, text, language, consent, attributes, client_uuid)
    try:
        with db.session.begin_nested():
            db.session.add(story)
    except IntegrityError:
        earlier = _stored_before(session, client_uuid)
        if earlier is None:
            raise
        return earlier, False
    audit.record(facilitator, "story.create", story)
    return story, True


def _new_story(session, text, language, consent, attributes, client_uuid) -> Contribution:
    if session.status != "open":
        raise Conflict(_("This intake session is closed."))
    if consent is not True:
        raise InvalidInput(_("The resident's consent is required before a story is saved."))
    text = require_text(text, _("The story"))
    if len(text) > MAX_TEXT_LENGTH:
        raise TooLarge(_("Keep the story under %(n)d characters.", n=MAX_TEXT_LENGTH))
    result = screening.screen(text, language)
    return Contribution(
        channel=Channel.INTAKE,
        body=result.redacted,
        language=language,
        status=Status.PENDING,
        intake_session_id=session.id,
        area_id=session.area_id,
        client_uuid=client_uuid,
        findings=[f.as_dict() for f in result.placeholders],
        flags=result.flags,
        provenance={
            "source": "intake",
            "attributes": _clean_attributes(attributes),
            "consent": True,
        },
    )


def close_session(facilitator: User, session: IntakeSession) -> None:
    _require_runner(facilitator, session)
    if session.status == "closed":
        raise Conflict(_("This intake session is closed."))
    session.status, session.closed_at = "closed", utcnow()
    audit.record(facilitator, "intake_session.close", session)


def set_note(facilitator: User, session: IntakeSession, note: str) -> None:
    """The facilitator's note on the afternoon; never mixed with the stories."""
    _require_runner(facilitator, session)
    session.note = screening.screen(note or "").cleaned


@dataclass
class Summary:
    stories: int
    by_status: Counter
    languages: Counter
    # attribute -> [(answer, count or None when fewer than SMALL_CELL)]
    attributes: dict[str, list[tuple[str, Optional[int]]]] = field(default_factory=dict)


def summary(session: IntakeSession) -> Summary:
    found = stories_of(session)
    result = Summary(
        len(found), Counter(s.status for s in found), Counter(s.language for s in found)
    )
    for name, answers in ATTRIBUTES.items():
        counts = Counter(s.provenance.get("attributes", {}).get(name) for s in found)
        rows = [(a, counts[a] if counts[a] >= SMALL_CELL else None) for a in answers if counts[a]]
        result.attributes[name] = rows
    return result


def intake_sessions_for(user: User) -> list[IntakeSession]:
    query = select(IntakeSession).order_by(IntakeSession.held_on.desc())
    if user.role != Role.ADMIN:
        query = query.where(IntakeSession.facilitator_id == user.id)
    return list(db.session.scalars(query))


def stories_of(session: IntakeSession) -> list[Contribution]:
    query = (
        select(Contribution)
        .where(Contribution.intake_session_id == session.id)
        .order_by(Contribution.created_at)
    )
    return list(db.session.scalars(query))
