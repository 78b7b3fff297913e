"""The moderation queue and its decisions; every decision is an audit event."""

from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.models import Contribution, Role, Status, User, utcnow
from moderation import screening


def queue(channel: Optional[str] = None, flag: Optional[str] = None) -> list[Contribution]:
    """Waiting contributions, oldest first; `flag` "any" keeps the flagged ones."""
    query = select(Contribution).where(Contribution.status == Status.PENDING)
    if channel:
        query = query.where(Contribution.channel == channel)
    found = db.session.scalars(query.order_by(Contribution.created_at, Contribution.id))
    if flag == "any":
        return [c for c in found if c.flags]
    return [c for c in found if flag in c.flags] if flag else list(found)


def _decide(moderator: User, contribution: Contribution, status: str) -> None:
    if not moderator.has_role(Role.MODERATOR):
        raise NotAllowed(_("Only moderators decide on contributions."))
    if contribution.status != Status.PENDING:
        raise Conflict(_("Another moderator has already decided on this contribution."))
    contribution.status = status
    contribution.reviewed_at = utcnow()
    contribution.reviewed_by_id = moderator.id


def approve(moderator: User, contribution: Contribution, *, redact: bool = False) -> None:
    """Publish; with `redact`, replace what screening found by placeholders first."""
    _decide(moderator, contribution, Status.APPROVED)
    if redact and contribution.findings:
        result = screening.screen(
            contribution.body_html or contribution.body,
            contribution.language,
            formatted=contribution.body_html is not None,
        )
        contribution.body = result.redacted
        contribution.body_html = result.redacted_html
        contribution.findings = [f.as_dict() for f in result.placeholders]
    audit.record(moderator, "moderation.approve", contribution, redacted=redact)


def reject(moderator: User, contribution: Contribution, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason: the author will see it."))
    _decide(moderator, contribution, Status.REJECTED)
    contribution.review_reason = reason
    audit.record(moderator, "moderation.reject", contribution, reason=reason)


def approve_demo_items(moderator: User) -> int:
    """Approve the demo items that the demo content marks as approved."""
    count = 0
    for contribution in queue():
        if contribution.provenance.get("demo_status") == Status.APPROVED:
            approve(moderator, contribution)
            count += 1
    return count
