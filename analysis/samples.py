"""Agreement samples: a random draw coded blind by several researchers, then compared and settled.

Coders' segments in a sample carry its id and stay out of the shared coding. Only the researcher
who drew the sample and coders who finished their part see the results, so nobody's coding is
steered by another's. Here: the draw, the coders' work and its spans, and settling into the shared
coding; `analysis.sample_report` turns the spans into figures and disagreements.
"""

import random
import secrets
from dataclasses import dataclass
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import select

from analysis import codebook, segments
from analysis.models import AgreementAssignment, AgreementSample, CodedSegment, SegmentStatus
from app import audit
from app.errors import InvalidInput, NotAllowed, NotFound
from app.extensions import db
from app.models import AuditEvent, Channel, Contribution, Role, Status, User, utcnow

MACHINE = "machine"
CREATED, SETTLED = "analysis.sample_create", "analysis.agreement_settle"
Spans = dict[object, dict[int, list[tuple[int, int, str]]]]  # coder -> contribution -> spans


@dataclass(frozen=True)
class CoderProgress:
    coder: User
    done: int
    total: int


@dataclass(frozen=True)
class Task:
    sample: AgreementSample
    done: int
    total: int
    next_id: Optional[int]


def get(sample_id: int) -> AgreementSample:
    sample = db.session.get(AgreementSample, sample_id)
    if sample is None:
        raise NotFound(_("This agreement sample does not exist."))
    return sample


def researchers() -> list[User]:
    query = select(User).where(User.role == Role.RESEARCHER, User.active.is_(True))
    return sorted(db.session.scalars(query), key=name)


def name(coder) -> str:
    if coder == MACHINE:
        return _("Machine")
    return coder.display_name or coder.pseudonym


def _coders(coder_ids) -> list[User]:
    coders = [db.session.get(User, int(i)) for i in dict.fromkeys(coder_ids)]
    if len(coders) < 2:
        raise InvalidInput(_("Choose at least two coders."))
    if any(c is None or not c.active or not c.has_role(Role.RESEARCHER) for c in coders):
        raise InvalidInput(_("Only researchers can code a sample."))
    return coders


def _candidates(channel: Optional[str], area_id: Optional[int]) -> list[int]:
    query = select(Contribution.id).where(Contribution.status == Status.APPROVED)
    if channel:
        if channel not in (Channel.DIALOGUE, Channel.INTAKE):
            raise InvalidInput(_("Choose dialogue contributions or resident stories."))
        query = query.where(Contribution.channel == channel)
    if area_id:
        query = query.where(Contribution.area_id == area_id)
    return list(db.session.scalars(query.order_by(Contribution.id)))


def create_sample(
    actor: User,
    title: str,
    coder_ids,
    size: int,
    channel: Optional[str] = None,
    area_id: Optional[int] = None,
    seed: Optional[int] = None,
) -> AgreementSample:
    """Draw `size` approved contributions; the same seed on the same material draws the same.

    Without a seed one is chosen and kept in the audit trail, so any draw can be repeated.
    """
    segments.require_researcher(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(_("Give the sample a title of at most 200 characters."))
    coders = _coders(coder_ids)
    candidates = _candidates(channel, area_id)
    if not candidates:
        raise InvalidInput(_("No approved contributions match these filters."))
    if size < 1 or size > len(candidates):
        raise InvalidInput(
            _(
                "Choose a size between 1 and %(n)d, the approved contributions that match.",
                n=len(candidates),
            )
        )
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    drawn = sorted(random.Random(seed).sample(candidates, size))  # noqa: S311 - repeatable, not secret
    sample = AgreementSample(
        title=title, codebook_number=codebook.ensure_current().number, created_by_id=actor.id
    )
    sample.assignments = [
        AgreementAssignment(contribution_id=cid, coder_id=coder.id)
        for cid in drawn
        for coder in coders
    ]
    db.session.add(sample)
    db.session.flush()
    audit.record(
        actor,
        CREATED,
        sample,
        seed=seed,
        size=size,
        channel=channel,
        area=area_id,
        coders=[c.id for c in coders],
        contributions=drawn,
    )
    return sample


def seed_of(sample: AgreementSample) -> Optional[int]:
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == CREATED, AuditEvent.object_id == str(sample.id)
        )
    )
    return event.details.get("seed") if event else None


def progress(sample: AgreementSample) -> list[CoderProgress]:
    counts: dict[int, list] = {}
    for a in sample.assignments:
        entry = counts.setdefault(a.coder_id, [a.coder, 0, 0])
        entry[1] += a.done_at is not None
        entry[2] += 1
    return sorted((CoderProgress(*entry) for entry in counts.values()), key=lambda p: name(p.coder))


def overview() -> list[tuple[AgreementSample, list[CoderProgress]]]:
    query = select(AgreementSample).order_by(
        AgreementSample.created_at.desc(), AgreementSample.id.desc()
    )
    return [(sample, progress(sample)) for sample in db.session.scalars(query)]


def _mine(user: User, sample: AgreementSample) -> list[AgreementAssignment]:
    return sorted(
        (a for a in sample.assignments if a.coder_id == user.id), key=lambda a: a.contribution_id
    )


def next_for(user: User, sample: AgreementSample) -> Optional[int]:
    """The first contribution of the sample the user has not yet marked done."""
    return next((a.contribution_id for a in _mine(user, sample) if a.done_at is None), None)


def my_assignments(user: User) -> list[Task]:
    """Samples in which the user still has contributions to code, with their progress."""
    query = (
        select(AgreementSample)
        .join(AgreementAssignment)
        .where(AgreementAssignment.coder_id == user.id, AgreementAssignment.done_at.is_(None))
        .distinct()
        .order_by(AgreementSample.id)
    )
    tasks = []
    for sample in db.session.scalars(query):
        mine = _mine(user, sample)
        done = sum(a.done_at is not None for a in mine)
        tasks.append(Task(sample, done, len(mine), next_for(user, sample)))
    return tasks


def mark_done(
    actor: User, sample: AgreementSample, contribution: Contribution
) -> AgreementAssignment:
    found = next((a for a in _mine(actor, sample) if a.contribution_id == contribution.id), None)
    if found is None:
        raise NotAllowed(_("Only the coder this contribution was assigned to can mark it done."))
    found.done_at = found.done_at or utcnow()
    return found


def can_see_results(user: User, sample: AgreementSample) -> bool:
    """Blindness: a coder with work left sees nothing of others, even if they drew the sample."""
    mine = _mine(user, sample)
    if any(a.done_at is None for a in mine):
        return False
    return bool(mine) or sample.created_by_id == user.id or user.role == Role.ADMIN


def require_results(user: User, sample: AgreementSample) -> None:
    if _mine(user, sample) and not can_see_results(user, sample):
        raise NotAllowed(
            _("You will see the results once you have finished your part of this sample.")
        )
    if not can_see_results(user, sample):
        raise NotAllowed(_("Only the sample's author and its finished coders see the results."))


def compared(sample: AgreementSample) -> tuple[list[int], list[int]]:
    """Coders who finished, and the approved contributions every one of them marked done."""
    done: dict[int, set[int]] = {}
    assigned: dict[int, set[int]] = {}
    for a in sample.assignments:
        assigned.setdefault(a.coder_id, set()).add(a.contribution_id)
        if a.done_at is not None:
            done.setdefault(a.coder_id, set()).add(a.contribution_id)
    coders = sorted(c for c in assigned if done.get(c) == assigned[c])
    units = set.intersection(*(done[c] for c in coders)) if coders else set()
    approved = select(Contribution.id).where(
        Contribution.id.in_(units), Contribution.status == Status.APPROVED
    )
    return coders, sorted(db.session.scalars(approved))


def bodies_of(units) -> dict[int, str]:
    query = select(Contribution.id, Contribution.body).where(Contribution.id.in_(units))
    return dict(db.session.execute(query).all())


def add_span(spans: Spans, coder, cid: int, start: int, end: int, code: str, bodies) -> None:
    if 0 <= start < end <= len(bodies[cid]):  # a redaction after coding can shorten the text
        spans.setdefault(coder, {}).setdefault(cid, []).append((start, end, code))


def human_spans(sample: AgreementSample, coders, units, bodies) -> Spans:
    """The coders' own spans in the sample, read by settling and by the report."""
    spans: Spans = {coder: {} for coder in coders}
    query = select(CodedSegment).where(
        CodedSegment.sample_id == sample.id,
        CodedSegment.coder_id.in_(coders),
        CodedSegment.contribution_id.in_(units),
        CodedSegment.status != SegmentStatus.REJECTED,
    )
    for s in db.session.scalars(query):
        add_span(spans, s.coder_id, s.contribution_id, s.start, s.end, s.code_key, bodies)
    return spans


def merged(spans) -> list[tuple[int, int]]:
    """Overlapping spans joined, so text marked twice is applied or highlighted once."""
    runs: list[list[int]] = []
    for start, end in sorted(spans):
        if runs and start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    return [(start, end) for start, end in runs]


def _apply(actor: User, contribution: Contribution, code_key: str, start: int, end: int) -> None:
    existing = db.session.scalar(
        select(CodedSegment).where(
            CodedSegment.contribution_id == contribution.id,
            CodedSegment.sample_id.is_(None),
            CodedSegment.source == "human",
            CodedSegment.code_key == code_key,
            CodedSegment.start == start,
            CodedSegment.end == end,
        )
    )
    if existing is None:
        segments.add(actor, contribution, code_key, start, end)
    elif existing.status != SegmentStatus.ACCEPTED:
        segments.decide(actor, existing, SegmentStatus.ACCEPTED)


def settle(
    actor: User,
    sample: AgreementSample,
    contribution: Contribution,
    code_key: str,
    keep: bool,
    start: Optional[int] = None,
    end: Optional[int] = None,
) -> list[tuple[int, int]]:
    """Write the agreed decision into the shared coding.

    Applying without a span takes the text any finished coder marked with the code; not applying
    rejects every shared segment of the code in the contribution, the machine's included.
    """
    require_results(actor, sample)
    if not any(a.contribution_id == contribution.id for a in sample.assignments):
        raise NotFound(_("This contribution is not part of the sample."))
    spans: list[tuple[int, int]] = []
    if keep:
        if start is not None and end is not None:
            spans = [(start, end)]
        else:
            coders, _units = compared(sample)
            marked = human_spans(sample, coders, [contribution.id], bodies_of([contribution.id]))
            spans = merged(
                (s, e)
                for by_unit in marked.values()
                for s, e, c in by_unit.get(contribution.id, ())
                if c == code_key
            )
        if not spans:
            raise InvalidInput(_("No coder marked this code here: select the text to apply it to."))
        for s, e in spans:
            _apply(actor, contribution, code_key, s, e)
    else:
        for segment in segments.for_contribution(contribution):
            if segment.code_key == code_key and segment.status != SegmentStatus.REJECTED:
                segments.decide(actor, segment, SegmentStatus.REJECTED)
    audit.record(
        actor,
        SETTLED,
        sample,
        contribution=contribution.id,
        code=code_key,
        keep=keep,
        spans=[list(span) for span in spans],
    )
    return spans
