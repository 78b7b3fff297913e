"""Invitations to a dialogue, joining it, and reminders before a round closes."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterable, Optional

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import audit, mail
from app.auth import services as accounts
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import (
    ORGANISATION_TYPES,
    PROFESSIONAL_ROLES,
    Area,
    Contribution,
    Role,
    User,
    as_utc,
    utcnow,
)
from dialogues import services
from dialogues.models import (
    Dialogue,
    Invitation,
    Participation,
    Prompt,
    Rating,
    Reminder,
    Round,
    Statement,
)
from dialogues.services import require_facilitator

VALID_FOR = timedelta(days=21)
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[a-z]{2,}$", re.I)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """Split pasted or uploaded text into valid, unique addresses and what is not one."""
    valid, invalid = [], []
    for item in re.split(r"[\s,;]+", text or ""):
        item = item.strip().strip("<>").lower()
        if not item:
            continue
        target = valid if _EMAIL.match(item) else invalid
        if item not in target:
            target.append(item)
    return valid, invalid


@dataclass(frozen=True)
class Issued:
    email: str
    link: str
    sent: bool


def invite(actor: User, dialogue: Dialogue, emails: Iterable[str], link_for) -> list[Issued]:
    """Create one single-use token per address and send it, or hand back the links.

    `link_for(dialogue_id, token)` builds the absolute link; the token itself is
    only stored as a hash, so it is shown or sent now or never.
    """
    require_facilitator(actor, dialogue)
    issued = []
    for email in emails:
        token = secrets.token_urlsafe(32)
        db.session.add(
            Invitation(
                dialogue_id=dialogue.id,
                email=email,
                token_hash=_hash(token),
                expires_at=utcnow() + VALID_FOR,
                invited_by_id=actor.id,
            )
        )
        link = link_for(dialogue.id, token)
        subject = _("Invitation: %(title)s", title=dialogue.title)
        body = _(
            'You are invited to take part in the online dialogue "%(title)s".\n\n'
            "Accept the invitation with this personal link (valid for 21 days):\n%(link)s",
            title=dialogue.title,
            link=link,
        )
        issued.append(Issued(email, link, mail.send(email, subject, body)))
    db.session.flush()
    audit.record(actor, "dialogue.invite", dialogue, invitations=len(issued))
    return issued


def find(dialogue: Dialogue, token: str) -> Invitation:
    """The usable invitation for this token and dialogue, or a clear refusal."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
    if invitation is None or invitation.dialogue_id != dialogue.id:
        raise NotFound(_("This invitation link is not valid for this dialogue."))
    if invitation.used_at is not None:
        raise Conflict(_("This invitation has already been used. Log in to take part."))
    if as_utc(invitation.expires_at) <= utcnow():
        raise Conflict(_("This invitation has expired. Ask the facilitator for a new one."))
    return invitation


def accept(invitation: Invitation, user: User) -> Participation:
    if user.role != Role.PROFESSIONAL:
        raise InvalidInput(_("Invitations are for professional accounts."))
    invitation.used_at, invitation.user_id = utcnow(), user.id
    participation = services.join(invitation.dialogue_id, user)
    db.session.flush()
    audit.record(user, "dialogue.join", invitation.dialogue)
    return participation


def register(
    invitation: Invitation,
    password: str,
    *,
    pseudonym: str,
    display_name: str = "",
    show_real_name: bool = False,
    professional_role: Optional[str] = None,
    organisation_type: Optional[str] = None,
    areas: Iterable[Area] = (),
    locale: str = "nl",
) -> User:
    """Create the professional account an invitation is for, and join the dialogue."""
    if professional_role not in PROFESSIONAL_ROLES or organisation_type not in ORGANISATION_TYPES:
        raise InvalidInput(_("Choose your professional role and type of organisation."))
    user = accounts.create_user(
        invitation.email, password, Role.PROFESSIONAL, pseudonym=pseudonym.strip() or None
    )
    user.display_name = display_name.strip() or None
    user.show_real_name = bool(show_real_name and user.display_name)
    user.professional_role, user.organisation_type = professional_role, organisation_type
    user.areas, user.locale = list(areas), locale
    accept(invitation, user)
    return user


def invitations_of(dialogue: Dialogue) -> list[Invitation]:
    query = select(Invitation).where(Invitation.dialogue_id == dialogue.id)
    return list(db.session.scalars(query.order_by(Invitation.created_at.desc())))


def participants(dialogue: Dialogue) -> list[User]:
    query = (
        select(User)
        .join(Participation, Participation.user_id == User.id)
        .where(Participation.dialogue_id == dialogue.id)
        .order_by(User.pseudonym)
    )
    return list(db.session.scalars(query))


def active_in(round_: Round) -> set[int]:
    """Ids of users who contributed to or rated something in this round."""
    wrote = select(Contribution.author_id).join(Prompt, Prompt.id == Contribution.prompt_id)
    wrote = wrote.where(Prompt.round_id == round_.id, Contribution.author_id.is_not(None))
    rated = select(Rating.user_id).join(Statement, Statement.id == Rating.statement_id)
    rated = rated.where(Statement.round_id == round_.id, Rating.user_id.is_not(None))
    return set(db.session.scalars(wrote)) | set(db.session.scalars(rated))


def not_yet_active(round_: Round) -> list[User]:
    active = active_in(round_)
    return [user for user in participants(round_.dialogue) if user.id not in active]


def rounds_closing_within(window: timedelta) -> list[Round]:
    """Open rounds of open dialogues whose closing time falls within `window` from now."""
    now = utcnow()
    query = (
        select(Round)
        .join(Dialogue, Dialogue.id == Round.dialogue_id)
        .where(Dialogue.status == "open", Round.closes_at.is_not(None))
        .where(Round.closes_at > now, Round.closes_at <= now + window)
    )
    return [r for r in db.session.scalars(query) if services.round_is_open(r, now)]


def send_reminders(actor: User, round_: Round, link: str) -> tuple[int, int]:
    """Remind participants who have not taken part yet, once per round, in their language.

    Returns (reminded, of which sent by e-mail).
    """
    require_facilitator(actor, round_.dialogue)
    done = set(db.session.scalars(select(Reminder.user_id).where(Reminder.round_id == round_.id)))
    reminded = sent = 0
    for user in not_yet_active(round_):
        if user.id in done:
            continue
        with force_locale(user.locale or "nl"):
            subject = _("Reminder: %(round)s", round=round_.title)
            body = _(
                'The round "%(round)s" of the dialogue "%(title)s" is waiting for your '
                "contribution.\n\n%(link)s",
                round=round_.title,
                title=round_.dialogue.title,
                link=link,
            )
        sent += mail.send(user.email, subject, body)
        db.session.add(Reminder(round_id=round_.id, user_id=user.id))
        reminded += 1
    audit.record(actor, "dialogue.remind", round_, reminded=reminded)
    return reminded, sent
