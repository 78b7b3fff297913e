"""Researchers' coding: codes on spans, decisions on suggestions, memos and the queue.

Called alike by the coding screen, the agreement pages and tests. A decision
(accept, reject, adjust) is stored on the segment and a re-run of the machine
never replaces it.
"""

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from analysis import codebook
from analysis.models import (
    AgreementAssignment,
    AgreementSample,
    CodedSegment,
    ContributionMemo,
    SegmentStatus,
)
from app.errors import InvalidInput, NotAllowed, NotFound
from app.extensions import db
from app.models import Area, Contribution, Role, Status, User, utcnow

QUEUE_PAGE = 25


def counted():
    """The segments that count as coded in dashboards and exports: shared and not rejected."""
    return CodedSegment.sample_id.is_(None) & (CodedSegment.status != SegmentStatus.REJECTED)


def require_researcher(user: Optional[User]) -> None:
    if user is None or not user.has_role(Role.RESEARCHER):
        raise NotAllowed(_("Only researchers can code."))


def coded_contribution(contribution_id: int) -> Contribution:
    """An approved contribution: only published text is coded."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.status != Status.APPROVED:
        raise NotFound(_("This contribution cannot be coded."))
    return contribution


def for_contribution(
    contribution: Contribution,
    coder: Optional[User] = None,
    sample: Optional[AgreementSample] = None,
) -> list[CodedSegment]:
    """The shared segments of a contribution, or in a blind sample only `coder`'s own."""
    query = select(CodedSegment).where(CodedSegment.contribution_id == contribution.id)
    if sample is None:
        query = query.where(CodedSegment.sample_id.is_(None))
    else:
        query = query.where(CodedSegment.sample_id == sample.id, CodedSegment.coder_id == coder.id)
    return list(db.session.scalars(query.order_by(CodedSegment.start, CodedSegment.code_key)))


def _check_span(contribution: Contribution, start: int, end: int) -> tuple[int, int]:
    if not (0 <= start < end <= len(contribution.body)):
        raise InvalidInput(_("Select some text of the contribution first."))
    text = contribution.body[start:end]
    start += len(text) - len(text.lstrip())
    end -= len(text) - len(text.rstrip())
    if start >= end:
        raise InvalidInput(_("Select some text of the contribution first."))
    return start, end


def add(
    actor: User,
    contribution: Contribution,
    code_key: str,
    start: int,
    end: int,
    memo: str = "",
    sample: Optional[AgreementSample] = None,
) -> CodedSegment:
    """A researcher's own code on a span (outer spaces trimmed)."""
    require_researcher(actor)
    version = codebook.ensure_current()
    if version.code(code_key) is None:
        raise InvalidInput(_("There is no code %(code)s in the codebook.", code=code_key))
    start, end = _check_span(contribution, start, end)
    segment = CodedSegment(
        contribution_id=contribution.id,
        code_key=code_key,
        codebook_number=version.number,
        start=start,
        end=end,
        confidence=1.0,
        source="human",
        status=SegmentStatus.ACCEPTED,
        memo=memo.strip(),
        coder_id=actor.id,
        sample_id=sample.id if sample is not None else None,
        decided_at=utcnow(),
    )
    db.session.add(segment)
    db.session.flush()
    return segment


def get(segment_id: int, actor: User) -> CodedSegment:
    """A segment the actor may change: shared ones, or their own in a sample."""
    require_researcher(actor)
    segment = db.session.get(CodedSegment, segment_id)
    if segment is None or (segment.sample_id is not None and segment.coder_id != actor.id):
        raise NotFound(_("This code is no longer there."))
    return segment


def decide(actor: User, segment: CodedSegment, decision: str) -> CodedSegment:
    if decision not in SegmentStatus.DECIDED:
        raise InvalidInput(_("Accept or reject a suggestion."))
    segment.status = decision
    segment.coder_id = actor.id
    segment.decided_at = utcnow()
    return segment


def adjust(actor: User, segment: CodedSegment, start: int, end: int) -> CodedSegment:
    """Move a segment to another span; this accepts it."""
    segment.start, segment.end = _check_span(segment.contribution, start, end)
    return decide(actor, segment, SegmentStatus.ACCEPTED)


def remove(actor: User, segment: CodedSegment) -> None:
    """Researchers' own codes can be removed; the machine's are rejected instead, and kept."""
    if segment.source != "human":
        decide(actor, segment, SegmentStatus.REJECTED)
        return
    db.session.delete(segment)


def set_memo(segment: CodedSegment, text: str) -> None:
    segment.memo = text.strip()


def contribution_memo(contribution: Contribution, author: User) -> str:
    memo = db.session.scalar(
        select(ContributionMemo).where(
            ContributionMemo.contribution_id == contribution.id,
            ContributionMemo.author_id == author.id,
        )
    )
    return memo.text if memo else ""


def set_contribution_memo(contribution: Contribution, author: User, text: str) -> None:
    memo = db.session.scalar(
        select(ContributionMemo).where(
            ContributionMemo.contribution_id == contribution.id,
            ContributionMemo.author_id == author.id,
        )
    )
    if memo is None:
        memo = ContributionMemo(contribution_id=contribution.id, author_id=author.id)
        db.session.add(memo)
    memo.text = text.strip()


@dataclass(frozen=True)
class QueueFilter:
    channel: Optional[str] = None
    area_id: Optional[int] = None
    round_id: Optional[int] = None
    code_key: Optional[str] = None  # has a suggestion of this code waiting
    include_done: bool = False


def _decided():
    return exists().where(
        CodedSegment.contribution_id == Contribution.id,
        CodedSegment.sample_id.is_(None),
        CodedSegment.status.in_(SegmentStatus.DECIDED),
    )


def _queue_query(filters: QueueFilter, columns):
    query = select(*columns).where(Contribution.status == Status.APPROVED)
    if not filters.include_done:
        query = query.where(~_decided())
    if filters.channel:
        query = query.where(Contribution.channel == filters.channel)
    if filters.area_id:
        query = query.where(Contribution.area_id == filters.area_id)
    if filters.round_id:
        prompt = db.metadata.tables["prompt"]
        in_round = select(prompt.c.id).where(prompt.c.round_id == filters.round_id)
        query = query.where(Contribution.prompt_id.in_(in_round))
    if filters.code_key:
        query = query.where(
            exists().where(
                CodedSegment.contribution_id == Contribution.id,
                CodedSegment.sample_id.is_(None),
                CodedSegment.code_key == filters.code_key,
                CodedSegment.status == SegmentStatus.SUGGESTED,
            )
        )
    return query.order_by(Contribution.id)


def queue(filters: QueueFilter, page: int = 1) -> tuple[list[Contribution], int]:
    """Approved contributions no researcher has decided on yet, oldest first, and their count."""
    query = _queue_query(filters, [Contribution])
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(QUEUE_PAGE).offset((max(page, 1) - 1) * QUEUE_PAGE))
    return list(rows), total or 0


def next_in_queue(after_id: int, filters: QueueFilter) -> Optional[int]:
    """The id of the next contribution in the queue after `after_id`, for "save and next"."""
    query = _queue_query(filters, [Contribution.id]).where(Contribution.id > after_id)
    return db.session.scalar(query.limit(1))


def blind_sample(sample_id: int, contribution: Contribution, coder: User) -> AgreementSample:
    """The sample, only for a coder who has this contribution in it: others learn nothing."""
    assignment = db.session.scalar(
        select(AgreementAssignment).where(
            AgreementAssignment.sample_id == sample_id,
            AgreementAssignment.contribution_id == contribution.id,
            AgreementAssignment.coder_id == coder.id,
        )
    )
    if assignment is None:
        raise NotFound(_("This contribution is not in your agreement sample."))
    return assignment.sample


def waiting(contribution_ids: Iterable[int]) -> dict[int, int]:
    """Undecided shared suggestions per contribution, for the queue."""
    query = (
        select(CodedSegment.contribution_id, func.count(CodedSegment.id))
        .where(
            CodedSegment.contribution_id.in_(list(contribution_ids)),
            CodedSegment.sample_id.is_(None),
            CodedSegment.status == SegmentStatus.SUGGESTED,
        )
        .group_by(CodedSegment.contribution_id)
    )
    return {contribution_id: count for contribution_id, count in db.session.execute(query)}


def origins(contributions: Iterable[Contribution]) -> dict[int, dict[str, Any]]:
    """Dialogue, round and prompt, or intake centre, per contribution (tables of `dialogues`)."""
    tables = db.metadata.tables
    prompt, round_, dialogue = tables["prompt"], tables["round"], tables["dialogue"]
    session = tables["intake_session"]
    contributions = list(contributions)
    prompts = db.session.execute(
        select(prompt.c.id, prompt.c.text, round_.c.title, dialogue.c.title)
        .join(round_, round_.c.id == prompt.c.round_id)
        .join(dialogue, dialogue.c.id == round_.c.dialogue_id)
        .where(prompt.c.id.in_({c.prompt_id for c in contributions if c.prompt_id}))
    )
    by_prompt = {row[0]: row[1:] for row in prompts}
    sessions = db.session.execute(
        select(session.c.id, session.c.centre, session.c.held_on).where(
            session.c.id.in_({c.intake_session_id for c in contributions if c.intake_session_id})
        )
    )
    by_session = {row[0]: row[1:] for row in sessions}
    found = {}
    for c in contributions:
        text, round_title, dialogue_title = by_prompt.get(c.prompt_id, (None, None, None))
        centre, held_on = by_session.get(c.intake_session_id, (None, None))
        found[c.id] = {
            "prompt": text,
            "round": round_title,
            "dialogue": dialogue_title,
            "centre": centre,
            "held_on": held_on,
        }
    return found


def round_choices() -> list[tuple[int, str, str]]:
    """(id, dialogue title, round title) of every round, for the queue's filter."""
    round_, dialogue = db.metadata.tables["round"], db.metadata.tables["dialogue"]
    query = (
        select(round_.c.id, dialogue.c.title, round_.c.title)
        .join(dialogue, dialogue.c.id == round_.c.dialogue_id)
        .order_by(dialogue.c.id, round_.c.position)
    )
    return [tuple(row) for row in db.session.execute(query)]


def area_choices() -> list[Area]:
    """Areas that approved contributions come from."""
    used = select(Contribution.area_id).where(Contribution.status == Status.APPROVED)
    return list(db.session.scalars(select(Area).where(Area.id.in_(used)).order_by(Area.name)))
