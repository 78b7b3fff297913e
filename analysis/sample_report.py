"""The report on an agreement sample: its figures, the machine as one more coder, the disagreements.

Kept apart from `analysis.samples`, which draws the sample and reads the coders' spans. Every
figure comes from `analysis.agreement`, at two levels: contribution (was the code applied at all?)
and segment (did the coders mark the same characters?).
"""

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select

from analysis import agreement, codebook, learning, samples
from analysis.models import AgreementSample, CodedSegment
from app.extensions import db
from app.models import AuditEvent, Contribution


@dataclass(frozen=True)
class Figures:
    """One row of the report. `n` counts contributions, or characters at segment level.

    `no_variation`: every answer was the same (e.g. all coders applied the code everywhere);
    chance agreement is then 1 and kappa and alpha are undefined, so they are left out.
    """

    code: Optional[str]  # None: all codes pooled
    n: int
    percent: Optional[float]
    kappa: Optional[float]
    alpha: Optional[float]
    no_variation: bool = False


@dataclass(frozen=True)
class Report:
    coders: tuple  # user ids, and MACHINE when the machine is compared
    contributions: tuple[int, ...]
    contribution_level: tuple[Figures, ...]  # overall first, then per code
    segment_level: tuple[Figures, ...]
    computed_now: int = 0  # contributions whose machine codes came from the current engine

    @property
    def ready(self) -> bool:
        return len(self.coders) >= 2 and bool(self.contributions)


@dataclass(frozen=True)
class CodeDisagreement:
    code: str
    marked: tuple[tuple[int, tuple[tuple[str, bool], ...]], ...]  # coder id, text pieces
    applied_by: frozenset
    settled: Optional[bool]  # True applied, False not applied, None open


@dataclass(frozen=True)
class ContributionDisagreement:
    contribution: Contribution
    codes: tuple[CodeDisagreement, ...]


def _machine_spans(units, bodies, spans: samples.Spans) -> int:
    """The shared machine codes, whatever researchers decided; the current engine where none."""
    spans[samples.MACHINE] = {}
    query = select(CodedSegment).where(
        CodedSegment.sample_id.is_(None),
        CodedSegment.source != "human",
        CodedSegment.contribution_id.in_(units),
    )
    for s in db.session.scalars(query):
        samples.add_span(
            spans, samples.MACHINE, s.contribution_id, s.start, s.end, s.code_key, bodies
        )
    missing = [cid for cid in units if cid not in spans[samples.MACHINE]]
    if missing:
        found = learning.current_engine().suggest([bodies[cid] for cid in missing])
        for cid, suggestions in zip(missing, found, strict=True):
            for s in suggestions:
                samples.add_span(spans, samples.MACHINE, cid, s.start, s.end, s.code, bodies)
    return len(missing)


def _codes_in_use(sample: AgreementSample, spans: samples.Spans) -> list[str]:
    version = codebook.version(sample.codebook_number) or codebook.ensure_current()
    order = {code.key: i for i, code in enumerate(version.codes)}
    used = {code for by_unit in spans.values() for found in by_unit.values() for *_, code in found}
    return sorted(used, key=lambda key: (order.get(key, len(order)), key))


def _varies(rows) -> bool:
    return len({value for row in rows for value in row if value is not None}) > 1


def _contribution_level(spans: samples.Spans, coders, units, codes) -> tuple[Figures, ...]:
    codings = {
        coder: {cid: {code for *_, code in spans[coder].get(cid, ())} for cid in units}
        for coder in coders
    }
    result = agreement.agreement_report(codings, codes, units, coders)
    matrices = {code: agreement.presence_matrix(codings, code, units, coders) for code in codes}
    varies = {code: _varies(rows) for code, rows in matrices.items()}
    varies[None] = _varies(row for rows in matrices.values() for row in rows)
    return tuple(
        Figures(
            row.code,
            row.units,
            row.percent,
            row.kappa if varies[row.code] else None,
            row.alpha if varies[row.code] else None,
            not varies[row.code],
        )
        for row in (result.pooled, *result.per_code)
    )


def _weighted(code, units: list, weights: list) -> Figures:
    """Figures on character ranges; beyond two coders percent is the mean over pairs."""
    columns = list(zip(*units, strict=True)) if units else []
    pairs = [
        agreement.percent_agreement(columns[i], columns[j], weights)
        for i in range(len(columns))
        for j in range(i + 1, len(columns))
    ]
    defined = [p for p in pairs if p is not None]
    varies = _varies(unit for unit, weight in zip(units, weights, strict=True) if weight)
    kappa = agreement.cohens_kappa(*columns, weights=weights) if len(columns) == 2 else None
    alpha = agreement.krippendorffs_alpha(units, weights=weights)
    return Figures(
        code,
        sum(weights),
        sum(defined) / len(defined) if defined else None,
        kappa if varies else None,
        alpha if varies else None,
        not varies,
    )


def _segment_level(spans: samples.Spans, coders, units, codes, bodies) -> tuple[Figures, ...]:
    """Text nobody marked with a code counts as agreement that it is absent, as it does per
    contribution, so the two levels answer the same question at different grain."""
    per_code: dict[str, tuple[list, list]] = {code: ([], []) for code in codes}
    for cid in units:
        found = agreement.segment_units(
            {c: spans[c].get(cid, []) for c in coders}, len(bodies[cid])
        )
        for code, (labels, weights) in per_code.items():
            if code in found:
                labels += found[code].units
                weights += found[code].weights
            else:
                labels.append((False,) * len(coders))
                weights.append(len(bodies[cid]))
    pooled = [sum((per_code[c][i] for c in codes), []) for i in (0, 1)]
    rows = [_weighted(None, *pooled)] if codes else []
    return tuple(rows + [_weighted(code, *per_code[code]) for code in codes])


def report(sample: AgreementSample, include_machine: bool = False) -> Report:
    """Agreement of the coders who finished, optionally with the machine as one more coder."""
    coders, units = samples.compared(sample)
    bodies = samples.bodies_of(units)
    spans = samples.human_spans(sample, coders, units, bodies)
    computed = 0
    if include_machine and units:
        computed = _machine_spans(units, bodies, spans)
        coders = [*coders, samples.MACHINE]
    if len(coders) < 2 or not units:
        return Report(tuple(coders), tuple(units), (), (), computed)
    codes = _codes_in_use(sample, spans)
    return Report(
        tuple(coders),
        tuple(units),
        _contribution_level(spans, coders, units, codes) if codes else (),
        _segment_level(spans, coders, units, codes, bodies),
        computed,
    )


def reading(alpha: Optional[float]) -> Optional[str]:
    """Krippendorff's (2004) thresholds: rely on alpha >= .800, tentative from .667."""
    if alpha is None:
        return None
    return "reliable" if alpha >= 0.8 else "tentative" if alpha >= 0.667 else "unreliable"


def pieces(text: str, spans) -> tuple[tuple[str, bool], ...]:
    """The text in runs, each marked or not, for highlighting a coder's spans."""
    found, at = [], 0
    for start, end in samples.merged(spans):
        if start > at:
            found.append((text[at:start], False))
        found.append((text[start:end], True))
        at = end
    if at < len(text):
        found.append((text[at:], False))
    return tuple(found)


def settlements(sample: AgreementSample) -> dict[tuple[int, str], bool]:
    """The latest settling decision per contribution and code, from the audit trail."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.action == samples.SETTLED, AuditEvent.object_id == str(sample.id))
        .order_by(AuditEvent.id)
    )
    return {
        (e.details["contribution"], e.details["code"]): e.details["keep"]
        for e in db.session.scalars(query)
    }


def _differs(units) -> bool:
    return any(len(set(unit)) > 1 for unit in units)


def disagreements(sample: AgreementSample) -> list[ContributionDisagreement]:
    """Per contribution the codes the finished coders applied differently, in codebook order.

    Marking other text with the same code counts as a difference too: settling fixes the span.
    """
    coders, units = samples.compared(sample)
    if len(coders) < 2:
        return []
    bodies = samples.bodies_of(units)
    spans = samples.human_spans(sample, coders, units, bodies)
    order = _codes_in_use(sample, spans)
    settled = settlements(sample)
    found = []
    for cid in units:
        by_coder = {c: spans[c].get(cid, []) for c in coders}
        codes = [
            code
            for code, su in agreement.segment_units(by_coder, len(bodies[cid])).items()
            if _differs(u for u, w in zip(su.units, su.weights, strict=True) if w)
        ]
        if codes:
            items = tuple(
                _code_disagreement(code, by_coder, bodies[cid], settled.get((cid, code)))
                for code in sorted(codes, key=order.index)
            )
            found.append(ContributionDisagreement(db.session.get(Contribution, cid), items))
    return found


def _code_disagreement(code: str, by_coder: dict, text: str, settled) -> CodeDisagreement:
    marked = tuple(
        (coder, pieces(text, [(s, e) for s, e, c in spans if c == code]))
        for coder, spans in by_coder.items()
    )
    applied = frozenset(
        coder for coder, spans in by_coder.items() if any(c == code for *_, c in spans)
    )
    return CodeDisagreement(code, marked, applied, settled)
