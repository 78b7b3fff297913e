"""Retention: after its date, a dialogue or intake session keeps its material but no personal data.

Each dialogue and intake session has a retention date, by default
RETENTION_DEFAULT_DAYS after the dialogue's last round closes or after the
session was created. `apply` then removes the invitations (e-mail addresses,
token hashes), a session's note and PIN, and the accounts of professionals who
take part in nothing that is still kept. Contributions, stories and ratings
stay, anonymised: an erased author is shown as "Former participant".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Optional, Union

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, union

from app import audit
from app.auth import services as accounts
from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.models import Contribution, Role, User, as_utc, utcnow
from dialogues.blueprint import AMSTERDAM
from dialogues.models import (
    Dialogue,
    DialogueStatus,
    IntakeSession,
    Invitation,
    Participation,
    Prompt,
    Rating,
    Reminder,
    Round,
    Statement,
)
from dialogues.services import round_state

Kept = Union[Dialogue, IntakeSession]


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def period() -> timedelta:
    return timedelta(days=current_app.config["RETENTION_DEFAULT_DAYS"])


def default_until(obj: Kept) -> date:
    """The default period after a dialogue's last round closes, or after a session's creation."""
    end = as_utc(obj.created_at) or utcnow()
    if isinstance(obj, Dialogue):
        end = max((as_utc(r.closes_at) for r in obj.rounds if r.closes_at), default=end)
    return end.astimezone(AMSTERDAM).date() + period()


def until(obj: Kept) -> date:
    """The day after which the personal data goes: the organiser's choice or the default."""
    return obj.retention_until or default_until(obj)


def set_until(actor: User, obj: Kept, day: Optional[date]) -> None:
    """Choose the retention date, None for the default; a change of the date in force is audited."""
    allowed = obj.is_facilitated_by(actor) if isinstance(obj, Dialogue) else obj.is_run_by(actor)
    if not allowed:
        raise NotAllowed(_("Only its organiser can change the retention date."))
    if obj.retention_applied_at is not None:
        raise Conflict(_("The personal data has already been removed."))
    if day is not None and day < today():
        raise InvalidInput(_("Choose today or a later date."))
    previous, obj.retention_until = until(obj), day or default_until(obj)
    if obj.retention_until != previous:
        audit.record(actor, "retention.set", obj, until=obj.retention_until.isoformat())


def follow_rounds(dialogue: Dialogue, previous_default: date) -> None:
    """After a round is added, keep a date the organiser left at the default at the default."""
    if dialogue.retention_until == previous_default:
        dialogue.retention_until = default_until(dialogue)


@dataclass
class Clearing:
    """What was (or, in a dry run, would be) removed from one dialogue or intake session."""

    kind: str  # "dialogue" or "intake session"
    id: int
    name: str
    invitations: int = 0
    accounts: int = 0
    note: bool = False
    pin: bool = False


@dataclass
class Report:
    day: date
    dry_run: bool
    cleared: list[Clearing] = field(default_factory=list)
    # Past their date, but a round is still open or upcoming: never cleared while running.
    running: list[Dialogue] = field(default_factory=list)


def apply(day: date, *, dry_run: bool = False) -> Report:
    """Clear every dialogue and intake session whose retention date lies before `day`, once."""
    report = Report(day, dry_run)
    dialogues = list(db.session.scalars(select(Dialogue).order_by(Dialogue.id)))
    expired = {d.id for d in dialogues if d.retention_applied_at or _expired(d, day)}
    members = _memberships()
    erased: set[int] = set()
    for dialogue in dialogues:
        if dialogue.retention_applied_at is not None or until(dialogue) >= day:
            continue
        if dialogue.id not in expired:
            report.running.append(dialogue)
            continue
        people = _leaving(dialogue, members, expired, erased)
        erased.update(person.id for person in people)
        report.cleared.append(_clear_dialogue(dialogue, people, dry_run))
    for session in db.session.scalars(
        select(IntakeSession)
        .where(IntakeSession.retention_applied_at.is_(None))
        .order_by(IntakeSession.id)
    ):
        if until(session) < day:
            report.cleared.append(_clear_session(session, dry_run))
    return report


def _expired(dialogue: Dialogue, day: date) -> bool:
    """Past its date, and no round still open or to come (seen from the start of `day`)."""
    moment = datetime.combine(day, time.min, tzinfo=AMSTERDAM)
    running = dialogue.status == DialogueStatus.OPEN and any(
        round_state(r, moment) != "closed" for r in dialogue.rounds
    )
    return until(dialogue) < day and not running


def _memberships() -> dict[int, set[int]]:
    """user id -> ids of the dialogues they joined, wrote in, rated in or are invited to."""
    query = union(
        select(Participation.user_id, Participation.dialogue_id),
        select(Contribution.author_id, Round.dialogue_id)
        .join(Prompt, Prompt.id == Contribution.prompt_id)
        .join(Round, Round.id == Prompt.round_id)
        .where(Contribution.author_id.is_not(None)),
        select(Rating.user_id, Round.dialogue_id)
        .join(Statement, Statement.id == Rating.statement_id)
        .join(Round, Round.id == Statement.round_id)
        .where(Rating.user_id.is_not(None)),
        select(User.id, Invitation.dialogue_id).join(
            Invitation, or_(Invitation.user_id == User.id, Invitation.email == User.email)
        ),
    )
    members: dict[int, set[int]] = defaultdict(set)
    for user_id, dialogue_id in db.session.execute(query):
        members[user_id].add(dialogue_id)
    return members


def _leaving(
    dialogue: Dialogue, members: dict[int, set[int]], expired: set[int], erased: set[int]
) -> list[User]:
    """Professionals of this dialogue whose every dialogue has expired: their accounts go."""
    ids = [
        user_id
        for user_id, dialogue_ids in members.items()
        if dialogue.id in dialogue_ids and dialogue_ids <= expired and user_id not in erased
    ]
    query = select(User).where(User.id.in_(ids), User.role == Role.PROFESSIONAL)
    return list(db.session.scalars(query.where(User.erased_at.is_(None)).order_by(User.id)))


def _clear_dialogue(dialogue: Dialogue, people: list[User], dry_run: bool) -> Clearing:
    invited = Invitation.dialogue_id == dialogue.id
    clearing = Clearing(
        "dialogue",
        dialogue.id,
        dialogue.title,
        invitations=db.session.scalar(select(func.count(Invitation.id)).where(invited)) or 0,
        accounts=len(people),
    )
    if dry_run:
        return clearing
    db.session.execute(delete(Invitation).where(invited))
    for person in people:
        accounts.erase_account(person)
        audit.record(None, "retention.apply", person, dialogue_id=dialogue.id)
    # Fix the date it was cleared by, whatever the default period becomes later.
    dialogue.retention_until, dialogue.retention_applied_at = until(dialogue), utcnow()
    audit.record(
        None,
        "retention.apply",
        dialogue,
        invitations=clearing.invitations,
        accounts_erased=clearing.accounts,
    )
    return clearing


def _clear_session(session: IntakeSession, dry_run: bool) -> Clearing:
    clearing = Clearing(
        "intake session",
        session.id,
        session.centre,
        note=bool(session.note),
        pin=bool(session.pin_hash),
    )
    if dry_run:
        return clearing
    session.note, session.pin_hash = "", None
    if session.status != "closed":
        session.status, session.closed_at = "closed", utcnow()
    session.retention_until, session.retention_applied_at = until(session), utcnow()
    audit.record(
        None, "retention.apply", session, note_cleared=clearing.note, pin_cleared=clearing.pin
    )
    return clearing


def forget_person(user: User) -> None:
    """Erasure hook: the invitations sent to the person, and their place in dialogues."""
    db.session.execute(
        delete(Invitation).where(or_(Invitation.user_id == user.id, Invitation.email == user.email))
    )
    db.session.execute(delete(Participation).where(Participation.user_id == user.id))
    db.session.execute(delete(Reminder).where(Reminder.user_id == user.id))
