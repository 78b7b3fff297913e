"""Resident stories: intake sessions in community centres, each story screened and redacted."""

from datetime import date
from typing import Any, Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.models import Area, Channel, Contribution, Role, Status, User
from dialogues.models import IntakeSession
from dialogues.services import MAX_TEXT_LENGTH, require_text
from moderation import screening

DEFAULT_PROMPTS = (
    "Wat gaat goed in uw buurt?",
    "Waar loopt u tegenaan?",
    "Wat zou helpen?",
)


def create_intake_session(
    facilitator: User,
    centre: str,
    area: Area,
    held_on: date,
    languages: Iterable[str] = ("nl",),
    prompts: Iterable[str] = DEFAULT_PROMPTS,
) -> IntakeSession:
    if not facilitator.has_role(Role.FACILITATOR):
        raise NotAllowed(_("Only facilitators can run an intake session."))
    session = IntakeSession(
        centre=require_text(centre, _("The community centre")),
        area_id=area.id,
        held_on=held_on,
        languages=list(languages) or ["nl"],
        prompts=[p for p in prompts if p.strip()] or list(DEFAULT_PROMPTS),
        facilitator_id=facilitator.id,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(facilitator, "intake_session.create", session)
    return session


def record_story(
    facilitator: User,
    session: IntakeSession,
    text: str,
    *,
    language: str = "nl",
    consent: bool,
    attributes: Optional[dict[str, Any]] = None,
    client_uuid: Optional[str] = None,
) -> Contribution:
    """Store a resident's story: redacted before the insert, the raw text never kept."""
    if not session.is_run_by(facilitator):
        raise NotAllowed(_("This intake session is run by another facilitator."))
    if session.status != "open":
        raise Conflict(_("This intake session is closed."))
    if not consent:
        raise InvalidInput(_("The resident's consent is required before a story is saved."))
    text = require_text(text, _("The story"))
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(_("Keep the story under %(n)d characters.", n=MAX_TEXT_LENGTH))
    result = screening.screen(text, language)
    story = Contribution(
        channel=Channel.INTAKE,
        body=result.redacted,
        language=language,
        status=Status.PENDING,
        intake_session_id=session.id,
        area_id=session.area_id,
        client_uuid=client_uuid,
        findings=[f.as_dict() for f in result.placeholders],
        provenance={"source": "intake", "attributes": dict(attributes or {}), "consent": True},
    )
    db.session.add(story)
    db.session.flush()
    audit.record(facilitator, "story.create", story)
    return story


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
