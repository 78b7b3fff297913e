"""Dialogues: lifecycle, rounds, and what professionals do in open rounds.

Every text goes through `moderation.screening` before it is stored.
"""

from datetime import datetime, timedelta
from typing import Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.models import Area, Channel, Contribution, Role, Status, User, as_utc, utcnow
from dialogues.models import (
    Dialogue,
    DialogueStatus,
    Endorsement,
    Participation,
    Prompt,
    Round,
    RoundKind,
)
from moderation import screening

MAX_TEXT_LENGTH = 10_000
EDIT_WINDOW = timedelta(minutes=15)


def require_text(text: Optional[str], what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("%(what)s cannot be empty.", what=what))
    return text


def create_dialogue(
    facilitator: User,
    title: str,
    intro: str,
    areas: Iterable[Area],
    moderation_mode: str = "pre",
    visibility: str = "invite",
) -> Dialogue:
    if not facilitator.has_role(Role.FACILITATOR):
        raise NotAllowed(_("Only facilitators can start a dialogue."))
    if moderation_mode not in ("pre", "post") or visibility not in ("invite", "all"):
        raise InvalidInput(_("Choose pre- or post-moderation and who may take part."))
    dialogue = Dialogue(
        title=require_text(title, _("The title")),
        intro=(intro or "").strip(),
        moderation_mode=moderation_mode,
        visibility=visibility,
        facilitator_id=facilitator.id,
        areas=list(areas),
    )
    db.session.add(dialogue)
    db.session.flush()
    audit.record(facilitator, "dialogue.create", dialogue)
    return dialogue


def set_consensus_rules(actor: User, dialogue: Dialogue, share: float, iqr: float, group: int):
    require_facilitator(actor, dialogue)
    if not (0.5 <= share <= 1 and 0 <= iqr <= 4 and 1 <= group <= 100):
        raise InvalidInput(
            _("Use a share between 50% and 100%, an IQR up to 4 and groups of 1 to 100.")
        )
    dialogue.consensus_share, dialogue.consensus_iqr, dialogue.min_group_size = share, iqr, group


def add_round(
    actor: User,
    dialogue: Dialogue,
    title: str,
    opens_at: Optional[datetime] = None,
    closes_at: Optional[datetime] = None,
    kind: str = RoundKind.OPEN,
    synthesis: str = "",
) -> Round:
    require_facilitator(actor, dialogue)
    if kind not in RoundKind.ALL:
        raise InvalidInput(_("Choose an open, rating or reflection round."))
    if opens_at and closes_at and closes_at <= opens_at:
        raise InvalidInput(_("A round must close after it opens."))
    round_ = Round(
        title=require_text(title, _("The round title")),
        position=len(dialogue.rounds) + 1,
        kind=kind,
        opens_at=opens_at,
        closes_at=closes_at,
        synthesis=screening.screen(synthesis).cleaned if synthesis else "",
    )
    dialogue.rounds.append(round_)
    db.session.flush()
    return round_


def add_prompt(actor: User, round_: Round, text: str) -> Prompt:
    require_facilitator(actor, round_.dialogue)
    if round_.kind == RoundKind.RATING:
        raise InvalidInput(_("A rating round has statements, not questions."))
    prompt = Prompt(text=require_text(text, _("The question")), position=len(round_.prompts) + 1)
    round_.prompts.append(prompt)
    db.session.flush()
    return prompt


def _has_content(round_: Round) -> bool:
    return bool(round_.statements if round_.kind == RoundKind.RATING else round_.prompts)


def advance_dialogue(actor: User, dialogue: Dialogue) -> str:
    """Move the dialogue one step along draft -> open -> closed -> archived."""
    require_facilitator(actor, dialogue)
    following = DialogueStatus.NEXT.get(dialogue.status)
    if following is None:
        raise Conflict(_("An archived dialogue cannot change any more."))
    if following == DialogueStatus.OPEN and not any(_has_content(r) for r in dialogue.rounds):
        raise InvalidInput(_("Add a round with at least one question or statement before opening."))
    dialogue.status = following
    audit.record(actor, f"dialogue.{following}", dialogue)
    return following


def require_facilitator(actor: User, dialogue: Dialogue) -> None:
    if not dialogue.is_facilitated_by(actor):
        raise NotAllowed(_("Only the facilitator of this dialogue can change it."))


def round_state(round_: Round, now: Optional[datetime] = None) -> str:
    """ "upcoming", "open" or "closed": rounds open and close by their times alone."""
    now = now or utcnow()
    if round_.dialogue.status in (DialogueStatus.CLOSED, DialogueStatus.ARCHIVED):
        return "closed"
    opens, closes = as_utc(round_.opens_at), as_utc(round_.closes_at)
    if round_.dialogue.status == DialogueStatus.DRAFT or (opens and now < opens):
        return "upcoming"
    return "closed" if closes and now >= closes else "open"


def round_is_open(round_: Round, now: Optional[datetime] = None) -> bool:
    return round_state(round_, now) == "open"


def current_round(dialogue: Dialogue) -> Optional[Round]:
    """The round to show first: the open one, else the latest that has opened."""
    states = [(r, round_state(r)) for r in dialogue.rounds]
    open_rounds = [r for r, state in states if state == "open"]
    started = [r for r, state in states if state != "upcoming"]
    return (open_rounds or started or [None])[-1] if dialogue.rounds else None


def is_participant(user: User, dialogue: Dialogue) -> bool:
    return bool(
        db.session.scalar(
            select(Participation.id).where(
                Participation.dialogue_id == dialogue.id, Participation.user_id == user.id
            )
        )
    )


def may_take_part(user: User, dialogue: Dialogue) -> bool:
    if user.role != Role.PROFESSIONAL or dialogue.status == DialogueStatus.DRAFT:
        return False
    return dialogue.visibility == "all" or is_participant(user, dialogue)


def visible_dialogues(user: User) -> list[Dialogue]:
    query = select(Dialogue).order_by(Dialogue.created_at.desc())
    if user.role == Role.FACILITATOR:
        return list(db.session.scalars(query.where(Dialogue.facilitator_id == user.id)))
    if user.has_role(Role.FACILITATOR):
        return list(db.session.scalars(query))
    member = exists().where(
        Participation.dialogue_id == Dialogue.id, Participation.user_id == user.id
    )
    query = query.where(Dialogue.status.in_([DialogueStatus.OPEN, DialogueStatus.CLOSED]))
    return list(db.session.scalars(query.where(or_(Dialogue.visibility == "all", member))))


def join(dialogue_id: int, user: User) -> Participation:
    """The user's participation in the dialogue, made when there is none yet."""
    participation = db.session.scalar(
        select(Participation).where(
            Participation.dialogue_id == dialogue_id, Participation.user_id == user.id
        )
    )
    if participation is None:
        participation = Participation(dialogue_id=dialogue_id, user_id=user.id)
        db.session.add(participation)
    return participation


def record_visit(user: User, dialogue: Dialogue) -> Optional[datetime]:
    """Note this visit; return when the participant looked before (what came since is new)."""
    participation = join(dialogue.id, user)
    participation.previous_seen_at = participation.last_seen_at
    participation.last_seen_at = utcnow()
    db.session.flush()
    return as_utc(participation.previous_seen_at)


def new_since(user: User, dialogue: Dialogue, moment: Optional[datetime]) -> int:
    """Published contributions by others in this dialogue after `moment` (a previous visit)."""
    if moment is None:
        return 0
    prompt_ids = [p.id for r in dialogue.rounds for p in r.prompts]
    query = select(func.count(Contribution.id)).where(
        Contribution.prompt_id.in_(prompt_ids),
        Contribution.status == Status.APPROVED,
        Contribution.author_id != user.id,
        Contribution.created_at > moment,
    )
    return db.session.scalar(query) or 0


def _screened(text: str) -> screening.ScreeningResult:
    text = require_text(text, _("Your contribution"))
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(_("Keep your contribution under %(n)d characters.", n=MAX_TEXT_LENGTH))
    return screening.screen(text, "nl", formatted=True)


def _held(dialogue: Dialogue, result: screening.ScreeningResult) -> bool:
    """Pre-moderation holds everything; flags and personal data hold it in any mode."""
    return dialogue.moderation_mode == "pre" or bool(result.findings or result.flags)


def post_contribution(
    author: User,
    prompt: Prompt,
    text: str,
    area: Optional[Area] = None,
    *,
    parent: Optional[Contribution] = None,
    stance: Optional[str] = None,
) -> Contribution:
    """Screen and store a professional's contribution or reply."""
    dialogue = prompt.round.dialogue
    if not may_take_part(author, dialogue):
        raise NotAllowed(_("Only invited professionals can contribute to this dialogue."))
    if not round_is_open(prompt.round):
        raise Conflict(_("This round is closed; contributions can no longer be added."))
    if parent is not None and (
        parent.prompt_id != prompt.id
        or parent.parent_id is not None
        or parent.status != Status.APPROVED
    ):
        raise InvalidInput(_("You can reply to a published contribution, not to a reply."))
    result = _screened(text)
    contribution = Contribution(
        channel=Channel.DIALOGUE,
        body=result.cleaned,
        body_html=result.html,
        language="nl",
        status=Status.PENDING if _held(dialogue, result) else Status.APPROVED,
        author_id=author.id,
        prompt_id=prompt.id,
        parent_id=parent.id if parent else None,
        area_id=area.id if area else None,
        findings=[f.as_dict() for f in result.findings],
        flags=result.flags,
        provenance={"source": "web", "dialogue_id": dialogue.id, "round_id": prompt.round_id}
        | ({"stance": stance} if stance else {}),
    )
    db.session.add(contribution)
    db.session.flush()
    audit.record(author, "contribution.create", contribution)
    return contribution


def _own_and_open(author: User, contribution: Contribution) -> Prompt:
    if contribution.author_id != author.id:
        raise NotAllowed(_("You can only change your own contributions."))
    if contribution.status == Status.WITHDRAWN:
        raise Conflict(_("This contribution has been withdrawn."))
    prompt = db.session.get(Prompt, contribution.prompt_id)
    if not round_is_open(prompt.round):
        raise Conflict(_("This round is closed; contributions can no longer be added."))
    return prompt


def can_edit(user: User, contribution: Contribution, now: Optional[datetime] = None) -> bool:
    now = now or utcnow()
    return (
        contribution.author_id == user.id
        and contribution.status != Status.WITHDRAWN
        and now - as_utc(contribution.created_at) <= EDIT_WINDOW
    )


def require_editable(author: User, contribution: Contribution) -> Prompt:
    """The author's own contribution, in an open round, within the edit window; else refused."""
    prompt = _own_and_open(author, contribution)
    if not can_edit(author, contribution):
        raise Conflict(_("Contributions can be changed for 15 minutes after posting."))
    return prompt


def edit_contribution(author: User, contribution: Contribution, text: str) -> None:
    """Change one's own contribution within 15 minutes; it is screened (and moderated) again."""
    prompt = require_editable(author, contribution)
    result = _screened(text)
    contribution.body, contribution.body_html = result.cleaned, result.html
    contribution.findings = [f.as_dict() for f in result.findings]
    contribution.flags = result.flags
    if _held(prompt.round.dialogue, result):
        contribution.status = Status.PENDING
    contribution.edited_at = utcnow()
    audit.record(author, "contribution.edit", contribution)


def withdraw_contribution(author: User, contribution: Contribution) -> None:
    """Take one's own contribution back; the audit trail keeps that it happened."""
    _own_and_open(author, contribution)
    contribution.status = Status.WITHDRAWN
    audit.record(author, "contribution.withdraw", contribution)


def endorse(user: User, contribution: Contribution) -> None:
    """Mark a published contribution as recognisable ("herkenbaar"), once per person."""
    prompt = db.session.get(Prompt, contribution.prompt_id) if contribution.prompt_id else None
    if prompt is None or not may_take_part(user, prompt.round.dialogue):
        raise NotAllowed(_("Only participants of this dialogue can do that."))
    if contribution.author_id == user.id or contribution.status != Status.APPROVED:
        raise InvalidInput(_("You can mark published contributions of others as recognisable."))
    try:
        with db.session.begin_nested():
            db.session.add(Endorsement(contribution_id=contribution.id, user_id=user.id))
    except IntegrityError as error:
        raise Conflict(_("You have already marked this contribution as recognisable.")) from error


def endorsement_counts(prompt: Prompt) -> dict[int, int]:
    query = (
        select(Endorsement.contribution_id, func.count())
        .join(Contribution, Contribution.id == Endorsement.contribution_id)
        .where(Contribution.prompt_id == prompt.id)
        .group_by(Endorsement.contribution_id)
    )
    return dict(db.session.execute(query).all())


def endorsed_by(user: User, prompt: Prompt) -> set[int]:
    query = (
        select(Endorsement.contribution_id)
        .join(Contribution, Contribution.id == Endorsement.contribution_id)
        .where(Contribution.prompt_id == prompt.id, Endorsement.user_id == user.id)
    )
    return set(db.session.scalars(query))


def contributions_to(prompt: Prompt, viewer: User) -> list[Contribution]:
    """Published contributions and replies, plus the viewer's own whatever their status."""
    query = (
        select(Contribution)
        .where(Contribution.prompt_id == prompt.id)
        .where(
            (Contribution.status == Status.APPROVED)
            | ((Contribution.author_id == viewer.id) & (Contribution.status != Status.WITHDRAWN))
        )
        .order_by(Contribution.created_at, Contribution.id)
    )
    return list(db.session.scalars(query))
