"""The moderation queue and its decisions; every decision is an audit event."""

from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.models import Contribution, Role, Status, User, utcnow
from moderation import screening
from moderation.models import Report

REVIEWABLE = (Status.PENDING, Status.HIDDEN)


def queue(channel: Optional[str] = None, flag: Optional[str] = None) -> list[Contribution]:
    """Waiting and hidden contributions, oldest first; `flag` "any" keeps the flagged ones."""
    query = select(Contribution).where(Contribution.status.in_(REVIEWABLE))
    if channel:
        query = query.where(Contribution.channel == channel)
    found = db.session.scalars(query.order_by(Contribution.created_at, Contribution.id))
    if flag == "any":
        return [c for c in found if c.flags]
    return [c for c in found if flag in c.flags] if flag else list(found)


def _decide(
    moderator: User, contribution: Contribution, status: str, seen: Optional[int] = None
) -> None:
    """Decide, unless the item changed since the moderator saw version `seen`."""
    if not moderator.has_role(Role.MODERATOR):
        raise NotAllowed(_("Only moderators decide on contributions."))
    if contribution.status not in REVIEWABLE:
        raise Conflict(_("Another moderator has already decided on this contribution."))
    if seen is not None and seen != contribution.version:
        raise Conflict(_("This contribution changed while you were reading it. Look again."))
    contribution.status = status
    contribution.reviewed_at = utcnow()
    contribution.reviewed_by_id = moderator.id


def approve(
    moderator: User, contribution: Contribution, *, redact: bool = False, seen: Optional[int] = None
) -> None:
    """Publish; with `redact`, replace what screening found by placeholders first."""
    _decide(moderator, contribution, Status.APPROVED, seen)
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


def reject(
    moderator: User, contribution: Contribution, reason: str, seen: Optional[int] = None
) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason: the author will see it."))
    _decide(moderator, contribution, Status.REJECTED, seen)
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


def report(reporter: User, contribution: Contribution, reason: str, hide_after: int) -> bool:
    """Record a professional's report; hide the contribution at `hide_after` reports.

    Returns whether this report hid it.
    """
    reason = (reason or "").strip()
    if not reporter.has_role(Role.PROFESSIONAL) or contribution.author_id == reporter.id:
        raise NotAllowed(_("You can report published contributions of others."))
    if contribution.status != Status.APPROVED:
        raise Conflict(_("This contribution is already being reviewed."))
    if not reason:
        raise InvalidInput(_("Say what is wrong, so the moderator can judge it."))
    try:
        with db.session.begin_nested():
            db.session.add(
                Report(
                    contribution_id=contribution.id, reporter_id=reporter.id, reason=reason[:1000]
                )
            )
    except IntegrityError as error:
        raise Conflict(_("You have already reported this contribution.")) from error
    audit.record(reporter, "moderation.report", contribution, reason=reason[:1000])
    if len(reports_on(contribution)) < hide_after:
        return False
    contribution.status = Status.HIDDEN
    audit.record(None, "moderation.auto_hide", contribution, reports=hide_after)
    return True


def reports_on(contribution: Contribution) -> list[Report]:
    query = select(Report).where(Report.contribution_id == contribution.id)
    return list(db.session.scalars(query.order_by(Report.created_at)))
