"""Capture: dialogues, rounds, prompts, contributions and resident stories.

Every text goes through `moderation.screening` before it is stored.
"""

from datetime import date, datetime
from typing import Any, Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.models import Area, Channel, Contribution, Role, Status, User, as_utc, utcnow
from dialogues.models import Dialogue, DialogueStatus, IntakeSession, Prompt, Round
from moderation import screening

MAX_TEXT_LENGTH = 10_000
DEFAULT_INTAKE_PROMPTS = (
    "Wat gaat goed in uw buurt?",
    "Waar loopt u tegenaan?",
    "Wat zou helpen?",
)


def _require_text(text: Optional[str], what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("%(what)s cannot be empty.", what=what))
    return text


def create_dialogue(
    facilitator: User, title: str, intro: str, areas: Iterable[Area], moderation_mode: str = "pre"
) -> Dialogue:
    if not facilitator.has_role(Role.FACILITATOR):
        raise NotAllowed(_("Only facilitators can start a dialogue."))
    if moderation_mode not in ("pre", "post"):
        raise InvalidInput(_("Choose pre- or post-moderation."))
    dialogue = Dialogue(
        title=_require_text(title, _("The title")),
        intro=(intro or "").strip(),
        moderation_mode=moderation_mode,
        facilitator_id=facilitator.id,
        areas=list(areas),
    )
    db.session.add(dialogue)
    db.session.flush()
    audit.record(facilitator, "dialogue.create", dialogue)
    return dialogue


def add_round(
    actor: User,
    dialogue: Dialogue,
    title: str,
    opens_at: Optional[datetime] = None,
    closes_at: Optional[datetime] = None,
) -> Round:
    _require_facilitator(actor, dialogue)
    if opens_at and closes_at and closes_at <= opens_at:
        raise InvalidInput(_("A round must close after it opens."))
    round_ = Round(
        title=_require_text(title, _("The round title")),
        position=len(dialogue.rounds) + 1,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    dialogue.rounds.append(round_)
    db.session.flush()
    return round_


def add_prompt(actor: User, round_: Round, text: str) -> Prompt:
    _require_facilitator(actor, round_.dialogue)
    prompt = Prompt(text=_require_text(text, _("The question")), position=len(round_.prompts) + 1)
    round_.prompts.append(prompt)
    db.session.flush()
    return prompt


def advance_dialogue(actor: User, dialogue: Dialogue) -> str:
    """Move the dialogue one step along draft -> open -> closed -> archived."""
    _require_facilitator(actor, dialogue)
    following = DialogueStatus.NEXT.get(dialogue.status)
    if following is None:
        raise Conflict(_("An archived dialogue cannot change any more."))
    if following == DialogueStatus.OPEN and not any(r.prompts for r in dialogue.rounds):
        raise InvalidInput(_("Add a round with at least one question before opening."))
    dialogue.status = following
    audit.record(actor, f"dialogue.{following}", dialogue)
    return following


def _require_facilitator(actor: User, dialogue: Dialogue) -> None:
    if not dialogue.is_facilitated_by(actor):
        raise NotAllowed(_("Only the facilitator of this dialogue can change it."))


def round_is_open(round_: Round, now: Optional[datetime] = None) -> bool:
    now = now or utcnow()
    if round_.dialogue.status != DialogueStatus.OPEN:
        return False
    opens, closes = as_utc(round_.opens_at), as_utc(round_.closes_at)
    return (opens is None or opens <= now) and (closes is None or now < closes)


def visible_dialogues(user: User) -> list[Dialogue]:
    query = select(Dialogue).order_by(Dialogue.created_at.desc())
    if user.role == Role.FACILITATOR:
        query = query.where(Dialogue.facilitator_id == user.id)
    elif not user.has_role(Role.FACILITATOR):
        query = query.where(Dialogue.status.in_([DialogueStatus.OPEN, DialogueStatus.CLOSED]))
    return list(db.session.scalars(query))


def post_contribution(
    author: User, prompt: Prompt, text: str, area: Optional[Area] = None
) -> Contribution:
    """Screen and store a professional's contribution; it waits for moderation."""
    if author.role != Role.PROFESSIONAL:
        raise NotAllowed(_("Only professionals can contribute to a dialogue."))
    if not round_is_open(prompt.round):
        raise Conflict(_("This round is closed; contributions can no longer be added."))
    text = _require_text(text, _("Your contribution"))
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(_("Keep your contribution under %(n)d characters.", n=MAX_TEXT_LENGTH))
    result = screening.screen(text, "nl", formatted=True)
    held = prompt.round.dialogue.moderation_mode == "pre" or bool(result.findings)
    contribution = Contribution(
        channel=Channel.DIALOGUE,
        body=result.cleaned,
        body_html=result.html,
        language="nl",
        status=Status.PENDING if held else Status.APPROVED,
        author_id=author.id,
        prompt_id=prompt.id,
        area_id=area.id if area else None,
        findings=[f.as_dict() for f in result.findings],
        provenance={"source": "web", "dialogue_id": prompt.round.dialogue_id},
    )
    db.session.add(contribution)
    db.session.flush()
    audit.record(author, "contribution.create", contribution)
    return contribution


def create_intake_session(
    facilitator: User,
    centre: str,
    area: Area,
    held_on: date,
    languages: Iterable[str] = ("nl",),
    prompts: Iterable[str] = DEFAULT_INTAKE_PROMPTS,
) -> IntakeSession:
    if not facilitator.has_role(Role.FACILITATOR):
        raise NotAllowed(_("Only facilitators can run an intake session."))
    session = IntakeSession(
        centre=_require_text(centre, _("The community centre")),
        area_id=area.id,
        held_on=held_on,
        languages=list(languages) or ["nl"],
        prompts=[p for p in prompts if p.strip()] or list(DEFAULT_INTAKE_PROMPTS),
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
    text = _require_text(text, _("The story"))
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


def contributions_to(prompt: Prompt, viewer: User) -> list[Contribution]:
    """Approved contributions, plus the viewer's own whatever their status."""
    query = (
        select(Contribution)
        .where(Contribution.prompt_id == prompt.id)
        .where((Contribution.status == Status.APPROVED) | (Contribution.author_id == viewer.id))
        .order_by(Contribution.created_at)
    )
    return list(db.session.scalars(query))
