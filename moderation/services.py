"""The moderation queue and its decisions; every decision is an audit event."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple, Optional

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.errors import Conflict, InvalidInput, NotAllowed
from app.extensions import db
from app.labels import label as label_of
from app.models import Contribution, Role, Status, User, utcnow
from moderation import redaction, screening
from moderation.models import Report

REVIEWABLE = (Status.PENDING, Status.HIDDEN)
REDACTABLE = (Status.PENDING, Status.HIDDEN, Status.APPROVED)
# "Waiting longer than ...": the queue's age filter, counted from when the text came in.
WAITING = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(weeks=1)}
RECENT = timedelta(days=7)


class Origin(NamedTuple):
    """Where a contribution came from: dialogue and round, or community centre and date."""

    title: str
    part: str = ""
    held_on: Optional[date] = None


def _tables():
    """The `dialogues` tables, read by name: `moderation` imports only `app`."""
    tables = db.metadata.tables
    return tables["prompt"], tables["round"], tables["dialogue"], tables["intake_session"]


def _narrowed(query, channel=None, dialogue=None, intake_session=None):
    """The filters that the waiting queue and the published list share, in SQL."""
    if channel:
        query = query.where(Contribution.channel == channel)
    if dialogue is not None:
        prompt, round_, _dialogue, _session = _tables()
        prompts = (
            select(prompt.c.id)
            .join(round_, round_.c.id == prompt.c.round_id)
            .where(round_.c.dialogue_id == dialogue)
        )
        query = query.where(Contribution.prompt_id.in_(prompts))
    if intake_session is not None:
        query = query.where(Contribution.intake_session_id == intake_session)
    return query


def queue(
    channel: Optional[str] = None,
    flag: Optional[str] = None,
    *,
    dialogue: Optional[int] = None,
    intake_session: Optional[int] = None,
    waiting: Optional[str] = None,
    now: Optional[datetime] = None,
) -> list[Contribution]:
    """Waiting and hidden contributions, oldest first; `flag` "any" keeps the flagged ones.

    Flags are a JSON list, so that filter runs here; the others run in SQL.
    """
    query = _narrowed(
        select(Contribution).where(Contribution.status.in_(REVIEWABLE)),
        channel,
        dialogue,
        intake_session,
    )
    if waiting in WAITING:
        query = query.where(Contribution.created_at <= (now or utcnow()) - WAITING[waiting])
    found = db.session.scalars(query.order_by(Contribution.created_at, Contribution.id))
    if flag == "any":
        return [c for c in found if c.flags]
    return [c for c in found if flag in c.flags] if flag else list(found)


def recently_published(
    channel: Optional[str] = None,
    *,
    dialogue: Optional[int] = None,
    intake_session: Optional[int] = None,
    page: int = 1,
    per_page: int = 20,
    now: Optional[datetime] = None,
) -> tuple[list[Contribution], int]:
    """One page of what was published in the last week, newest first, and how many in all."""
    published_at = func.coalesce(Contribution.reviewed_at, Contribution.created_at)
    query = _narrowed(
        select(Contribution).where(
            Contribution.status == Status.APPROVED,
            published_at >= (now or utcnow()) - RECENT,
        ),
        channel,
        dialogue,
        intake_session,
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    query = query.order_by(published_at.desc(), Contribution.id.desc())
    page_query = query.limit(per_page).offset((max(page, 1) - 1) * per_page)
    return list(db.session.scalars(page_query)), total


def origins(items: list[Contribution]) -> dict[int, Origin]:
    """For each item, the dialogue and round or the intake session it came from."""
    prompt, round_, dialogue, session = _tables()
    prompt_ids = {c.prompt_id for c in items if c.prompt_id}
    session_ids = {c.intake_session_id for c in items if c.intake_session_id}
    rounds = db.session.execute(
        select(prompt.c.id, dialogue.c.title, round_.c.title)
        .join(round_, round_.c.id == prompt.c.round_id)
        .join(dialogue, dialogue.c.id == round_.c.dialogue_id)
        .where(prompt.c.id.in_(prompt_ids))
    )
    by_prompt = {row[0]: Origin(row[1], row[2]) for row in rounds}
    sessions = db.session.execute(
        select(session.c.id, session.c.centre, session.c.held_on).where(
            session.c.id.in_(session_ids)
        )
    )
    by_session = {row[0]: Origin(row[1], "", row[2]) for row in sessions}
    return {
        c.id: by_prompt.get(c.prompt_id) or by_session.get(c.intake_session_id)
        for c in items
        if c.prompt_id in by_prompt or c.intake_session_id in by_session
    }


def dialogue_choices() -> list[tuple[int, str]]:
    _prompt, _round, dialogue, _session = _tables()
    query = select(dialogue.c.id, dialogue.c.title).order_by(dialogue.c.created_at.desc())
    return [tuple(row) for row in db.session.execute(query)]


def intake_session_choices() -> list[tuple[int, str, date]]:
    *_rest, session = _tables()
    query = select(session.c.id, session.c.centre, session.c.held_on).order_by(
        session.c.held_on.desc(), session.c.id.desc()
    )
    return [tuple(row) for row in db.session.execute(query)]


def _check(
    moderator: User,
    contribution: Contribution,
    statuses: tuple[str, ...],
    seen: Optional[int],
    gone: Optional[str] = None,
) -> None:
    """Refuse unless a moderator acts on an item in `statuses` at the version they saw."""
    if not moderator.has_role(Role.MODERATOR):
        raise NotAllowed(_("Only moderators decide on contributions."))
    if contribution.status not in statuses:
        raise Conflict(gone or _("Another moderator has already decided on this contribution."))
    if seen is not None and seen != contribution.version:
        raise Conflict(_("This contribution changed while you were reading it. Look again."))


def _decide(
    moderator: User, contribution: Contribution, status: str, seen: Optional[int] = None
) -> None:
    """Decide, unless the item changed since the moderator saw version `seen`."""
    _check(moderator, contribution, REVIEWABLE, seen)
    contribution.status = status
    contribution.reviewed_at = utcnow()
    contribution.reviewed_by_id = moderator.id


def approve(
    moderator: User, contribution: Contribution, *, redact: bool = False, seen: Optional[int] = None
) -> None:
    """Publish; with `redact`, replace what screening found by placeholders first."""
    _decide(moderator, contribution, Status.APPROVED, seen)
    contribution.review_reason = None
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


def _for_author(contribution: Contribution, reason: Optional[str], note: str) -> str:
    """The listed reason in the author's language (an instance's own as given), then the note."""
    if not reason:
        return note
    author = contribution.author
    locale = (author.locale if author else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        listed = label_of(reason)
    return f"{listed}: {note}" if note else listed


def reject(
    moderator: User,
    contribution: Contribution,
    note: str = "",
    seen: Optional[int] = None,
    *,
    listed: Optional[str] = None,
    listed_reasons: tuple[str, ...] = (),
) -> None:
    """Reject with a reason from the instance's list, a note of one's own, or both.

    The author sees them together, so the note can explain the listed reason.
    """
    note = (note or "").strip()
    if listed and listed not in listed_reasons:
        raise InvalidInput(_("Choose one of the listed reasons."))
    if not listed and not note:
        raise InvalidInput(_("Give a reason: the author will see it."))
    _decide(moderator, contribution, Status.REJECTED, seen)
    contribution.review_reason = _for_author(contribution, listed, note)
    extra = {"listed_reason": listed} if listed else {}
    audit.record(
        moderator, "moderation.reject", contribution, reason=contribution.review_reason, **extra
    )


def hide(moderator: User, contribution: Contribution, reason: str, seen: Optional[int] = None):
    """Take a published contribution down until a moderator restores or rejects it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why you hide it: the author will see it."))
    _check(
        moderator, contribution, (Status.APPROVED,), seen, _("This contribution is not published.")
    )
    contribution.status = Status.HIDDEN
    contribution.review_reason = reason
    contribution.reviewed_at = utcnow()
    contribution.reviewed_by_id = moderator.id
    audit.record(moderator, "moderation.hide", contribution, reason=reason)


def restore(moderator: User, contribution: Contribution, seen: Optional[int] = None) -> None:
    """Publish a hidden contribution again."""
    _check(moderator, contribution, (Status.HIDDEN,), seen, _("This contribution is not hidden."))
    contribution.status = Status.APPROVED
    contribution.review_reason = None
    contribution.reviewed_at = utcnow()
    contribution.reviewed_by_id = moderator.id
    audit.record(moderator, "moderation.restore", contribution)


def may_approve_in_bulk(contribution: Contribution) -> bool:
    """Only waiting items without flags or findings: anything else needs a moderator's look."""
    return (
        contribution.status == Status.PENDING
        and not contribution.flags
        and not contribution.findings
    )


@dataclass
class BulkResult:
    approved: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)


def approve_selected(moderator: User, seen: dict[int, int]) -> BulkResult:
    """Approve each chosen item at the version the moderator saw; skip and name the others."""
    if not moderator.has_role(Role.MODERATOR):
        raise NotAllowed(_("Only moderators decide on contributions."))
    if not seen:
        raise InvalidInput(_("Select at least one item to approve."))
    result = BulkResult()
    for contribution_id, version in sorted(seen.items()):
        if version is None:
            result.changed.append(contribution_id)
            continue
        contribution = db.session.get(Contribution, contribution_id)
        if contribution is None or (
            contribution.status in REVIEWABLE and not may_approve_in_bulk(contribution)
        ):
            result.refused.append(contribution_id)
            continue
        try:
            with db.session.begin_nested():
                approve(moderator, contribution, seen=version)
                db.session.flush()
        except (Conflict, StaleDataError):
            result.changed.append(contribution_id)
        else:
            result.approved.append(contribution_id)
    return result


def approve_demo_items(moderator: User) -> int:
    """Approve the demo items that the demo content marks as approved."""
    count = 0
    for contribution in queue():
        if contribution.provenance.get("demo_status") == Status.APPROVED:
            approve(moderator, contribution)
            count += 1
    return count


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _unplaced_message(reason: str) -> str:
    return {
        "empty": _("Select or type the text to remove."),
        "missing": _("That text is not in the contribution. Select it again."),
        "ambiguous": _(
            "That text occurs more than once. Select the one you mean, or type a longer piece."
        ),
    }.get(reason, _("That text could not be found in the formatted version. Select it again."))


def redact(
    moderator: User,
    contribution: Contribution,
    text: str,
    label: str,
    seen: Optional[int] = None,
    start: Optional[int] = None,
) -> None:
    """Replace a span the moderator chose with its placeholder, in `body` and `body_html`.

    The audit event holds hashes of the body before and after and the label,
    never the removed text.
    """
    _check(moderator, contribution, REDACTABLE, seen, _("This contribution can no longer change."))
    if label not in redaction.LABELS:
        raise InvalidInput(_("Choose what kind of personal data it is."))
    before = contribution.body
    try:
        result = redaction.redact(
            before,
            contribution.body_html,
            contribution.findings,
            text or "",
            label,
            contribution.language,
            start,
        )
    except redaction.Unplaced as error:
        raise InvalidInput(_unplaced_message(error.reason)) from error
    contribution.body, contribution.body_html = result.body, result.body_html
    contribution.findings = result.findings
    audit.record(
        moderator,
        "moderation.redact",
        contribution,
        label=label,
        body_before_sha256=_sha256(before),
        body_after_sha256=_sha256(result.body),
    )


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
