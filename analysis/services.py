"""Coding runs and exports; called alike by views, the CLI and tests."""

import csv
import hashlib
import hmac
import io
from typing import Callable, Optional

from flask_babel import gettext as _
from sqlalchemy import delete, exists, insert, select
from sqlalchemy.orm import selectinload

from analysis import codebook, coding, learning
from analysis.models import CodedSegment, CodingPass, SegmentStatus
from app import audit
from app.errors import NotAllowed
from app.extensions import db
from app.models import Area, Contribution, Role, Status, User, utcnow

BATCH = 500


def _require_researcher(user: Optional[User]) -> None:
    if user is not None and not user.has_role(Role.RESEARCHER):
        raise NotAllowed(_("Only researchers can code and export."))


def uncoded(number: int, model_number: int = 0) -> list[tuple[int, str]]:
    """(id, text) of approved contributions not yet coded with these codebook and model versions.

    Plain rows, not objects: they outlive the commits between batches.
    """
    done = exists().where(
        CodingPass.contribution_id == Contribution.id,
        CodingPass.codebook_number == number,
        CodingPass.model_number == model_number,
    )
    query = select(Contribution.id, Contribution.body).where(
        Contribution.status == Status.APPROVED, ~done
    )
    return [tuple(row) for row in db.session.execute(query.order_by(Contribution.id))]


def code_pending(
    actor: Optional[User],
    progress: Callable[[int], None] = lambda n: None,
    commit: Callable[[], None] = lambda: None,
) -> int:
    """Auto-code every approved contribution not yet coded with the current versions.

    Safe to run again: a contribution is coded once per codebook and model
    version. Undecided suggestions of earlier versions are replaced; decided
    segments (accepted, rejected, adjusted) and researchers' own codes are
    never touched, and no suggestion is made again where a researcher already
    decided on that code. `commit` runs after every batch: a long run then
    holds SQLite's write lock only while a batch is written, so stories from
    tablets keep coming in, and an interrupted run keeps the batches it finished.
    """
    _require_researcher(actor)
    engine = learning.current_engine()
    todo = uncoded(engine.codebook_number, engine.model_number)
    commit()
    for offset in range(0, len(todo), BATCH):
        batch = todo[offset : offset + BATCH]
        ids, texts = zip(*batch, strict=True)
        decided = _decided_spans(ids)
        _drop_undecided(ids)
        rows, passes = [], []
        for contribution_id, found in zip(ids, engine.suggest(texts), strict=True):
            kept = decided.get(contribution_id, {})
            rows += [
                _segment_row(contribution_id, s, engine)
                for s in found
                if not _overlaps(kept.get(s.code, ()), s.start, s.end)
            ]
            passes.append(
                {
                    "contribution_id": contribution_id,
                    "codebook_number": engine.codebook_number,
                    "model_number": engine.model_number,
                    "created_at": utcnow(),
                }
            )
        if rows:
            db.session.execute(insert(CodedSegment), rows)
        db.session.execute(insert(CodingPass), passes)
        commit()
        progress(len(batch))
    if todo:
        audit.record(
            actor,
            "analysis.code",
            None,
            contributions=len(todo),
            codebook=engine.codebook_number,
            model=engine.model_number,
        )
    return len(todo)


def _decided_spans(ids) -> dict[int, dict[str, list[tuple[int, int]]]]:
    query = select(
        CodedSegment.contribution_id, CodedSegment.code_key, CodedSegment.start, CodedSegment.end
    ).where(
        CodedSegment.contribution_id.in_(ids),
        CodedSegment.sample_id.is_(None),
        CodedSegment.status.in_(SegmentStatus.DECIDED),
    )
    spans: dict[int, dict[str, list[tuple[int, int]]]] = {}
    for contribution_id, key, start, end in db.session.execute(query):
        spans.setdefault(contribution_id, {}).setdefault(key, []).append((start, end))
    return spans


def _drop_undecided(ids) -> None:
    db.session.execute(
        delete(CodedSegment).where(
            CodedSegment.contribution_id.in_(ids),
            CodedSegment.sample_id.is_(None),
            CodedSegment.status == SegmentStatus.SUGGESTED,
        )
    )


def _overlaps(spans, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _segment_row(contribution_id: int, s: coding.Suggestion, engine) -> dict:
    return {
        "contribution_id": contribution_id,
        "code_key": s.code,
        "codebook_number": engine.codebook_number,
        "model_number": engine.model_number,
        "start": s.start,
        "end": s.end,
        "confidence": s.confidence,
        "source": s.source,
        "evidence": ", ".join(s.evidence)[:200],
        "status": SegmentStatus.SUGGESTED,
        "memo": "",
        "created_at": utcnow(),
    }


def segments(limit: Optional[int] = None) -> list[CodedSegment]:
    query = (
        select(CodedSegment)
        .where(CodedSegment.sample_id.is_(None))
        .options(selectinload(CodedSegment.contribution))
        .order_by(CodedSegment.contribution_id, CodedSegment.start)
    )
    return list(db.session.scalars(query.limit(limit)))


def pseudonym(author_id: Optional[int], secret: str) -> str:
    """A stable id for an author that cannot be turned back into the account."""
    if author_id is None:
        return ""
    digest = hmac.new(secret.encode(), f"author:{author_id}".encode(), hashlib.sha256)
    return "p-" + digest.hexdigest()[:10]


EXPORT_COLUMNS = (
    "segment_id",
    "contribution_id",
    "channel",
    "area",
    "dialogue_round",
    "prompt",
    "intake_session",
    "author",
    "code",
    "family",
    "start",
    "end",
    "text",
    "confidence",
    "source",
    "evidence",
    "status",
    "codebook_version",
)


def _provenance_rows() -> dict[int, tuple[str, str]]:
    """Round title and prompt text per prompt id, read by table name (owned by `dialogues`)."""
    prompt, round_ = db.metadata.tables["prompt"], db.metadata.tables["round"]
    query = select(prompt.c.id, round_.c.title, prompt.c.text).join(
        round_, round_.c.id == prompt.c.round_id
    )
    return {row[0]: (row[1], row[2]) for row in db.session.execute(query)}


def _cell(value):
    """Keep spreadsheet programs from reading a text cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(actor: User, secret: str) -> str:
    """Coded segments of approved contributions as CSV, with pseudonymous authors."""
    _require_researcher(actor)
    version = codebook.ensure_current()
    families = {code.key: code.family for code in version.codes}
    prompts, areas = _provenance_rows(), {a.id: a.name for a in db.session.scalars(select(Area))}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for segment in segments():
        c = segment.contribution
        if c.status != Status.APPROVED:
            continue
        round_title, prompt_text = prompts.get(c.prompt_id, ("", ""))
        writer.writerow(
            [
                _cell(value)
                for value in [
                    segment.id,
                    c.id,
                    c.channel,
                    areas.get(c.area_id, ""),
                    round_title,
                    prompt_text,
                    c.intake_session_id or "",
                    pseudonym(c.author_id, secret),
                    segment.code_key,
                    families.get(segment.code_key, ""),
                    segment.start,
                    segment.end,
                    c.body[segment.start : segment.end],
                    segment.confidence,
                    segment.source,
                    segment.evidence,
                    segment.status,
                    segment.codebook_number,
                ]
            ]
        )
        count += 1
    audit.record(actor, "export.segments_csv", None, rows=count)
    return out.getvalue()


def load_demo() -> None:
    from app.demo import demo_user

    code_pending(demo_user("researcher"))
