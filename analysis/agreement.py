"""Inter-coder agreement for nominal codes: percent agreement, Cohen's kappa, Krippendorff's alpha.

Pure (standard library only) so that every figure can be checked by hand and the same numbers
reach pages, the CLI and exports. Labels are any hashable values and ``None`` means "not coded".
Sums are kept exact with ``Fraction`` and turned into ``float`` at the end, so a degenerate case
is recognised by an exact zero rather than a rounding accident. Where a figure is undefined the
functions return ``None`` instead of raising, so a report over many codes never stops at one.
"""

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, pairwise

Unit = Sequence[Hashable] | Mapping[Hashable, Hashable]
Codings = Mapping[Hashable, Mapping[Hashable, Iterable[Hashable]]]


def _weights(weights: Iterable[float] | None, count: int) -> list[Fraction]:
    """Exact weights, one per unit: a unit of 30 characters counts as 30 units of one."""
    if weights is None:
        return [Fraction(1)] * count
    exact = [Fraction(weight) for weight in weights]
    if len(exact) != count:
        raise ValueError(f"{len(exact)} weights given for {count} units")
    if any(weight < 0 for weight in exact):
        raise ValueError("weights cannot be negative")
    return exact


def _pairs(a: Sequence, b: Sequence, weights) -> list[tuple[Hashable, Hashable, Fraction]]:
    """The units both coders labelled: a unit one coder skipped says nothing about agreement."""
    if len(a) != len(b):
        raise ValueError("both coders need a label for every unit (None where missing)")
    return [
        (x, y, w)
        for x, y, w in zip(a, b, _weights(weights, len(a)), strict=True)
        if x is not None and y is not None
    ]


def percent_agreement(a: Sequence, b: Sequence, weights=None) -> float | None:
    """Share of units on which two coders gave the same label.

    Units where either coder is missing are left out rather than counted as disagreement, as in
    the kappa and alpha beside it, so the three figures rest on the same units. None when no unit
    (or no weight) remains.
    """
    pairs = _pairs(a, b, weights)
    total = sum(w for _, _, w in pairs)
    if not total:
        return None
    return float(sum(w for x, y, w in pairs if x == y) / total)


def cohens_kappa(a: Sequence, b: Sequence, weights=None) -> float | None:
    """Cohen's kappa: observed agreement corrected for the chance agreement of each coder's own mix.

    kappa = (p_o - p_e) / (1 - p_e), computed as (n * agree - E) / (n**2 - E) with
    E = sum over labels of n_first(label) * n_second(label). Units where either coder is missing
    are left out; no units gives None. When both coders used one and the same label throughout,
    p_e = 1 and the formula divides by zero; many tools then report "undefined", we report 1.0,
    because p_e = 1 forces p_o = 1: the coders agree on every unit.
    """
    pairs = _pairs(a, b, weights)
    n = sum(w for _, _, w in pairs)
    if not n:
        return None
    first: Counter = Counter()
    second: Counter = Counter()
    for x, y, w in pairs:
        first[x] += w
        second[y] += w
    agree = sum(w for x, y, w in pairs if x == y)
    expected = sum(first[label] * second[label] for label in first)
    if expected == n * n:
        return 1.0
    return float((n * agree - expected) / (n * n - expected))


def _values(unit: Unit) -> list[Hashable]:
    values = unit.values() if isinstance(unit, Mapping) else unit
    return [value for value in values if value is not None]


def coincidence_matrix(units: Sequence[Unit], weights=None) -> Counter:
    """Krippendorff's coincidences o[(c, k)], summed over units with two or more values.

    Within a unit of m values every ordered pair of values from different coders counts
    1 / (m - 1), so each pairable value adds exactly 1 to the matrix total n, whatever the
    number of coders; a unit with a single value cannot be compared and is left out.
    """
    matrix: Counter = Counter()
    for unit, weight in zip(units, _weights(weights, len(units)), strict=True):
        counts = Counter(_values(unit))
        m = sum(counts.values())
        if m < 2 or not weight:
            continue
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[c, k] += weight * pairs / (m - 1)
    return matrix


def krippendorffs_alpha(units: Sequence[Unit], weights=None) -> float | None:
    """Nominal Krippendorff's alpha for any number of coders and missing values.

    Coincidence formulation of Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":
    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k.
    Each unit is a list of labels (one place per coder) or a mapping coder -> label, None where
    missing. No pairable values gives None. When only one label value occurs, D_e = 0 and alpha
    is undefined in the paper; we report 1.0, since with one value no pair can disagree.
    """
    units = list(units)
    matrix = coincidence_matrix(units, weights)
    n = sum(matrix.values())
    if not n:
        return None
    totals: Counter = Counter()
    for (c, _), count in matrix.items():
        totals[c] += count
    disagreeing = sum(count for (c, k), count in matrix.items() if c != k)
    expected = n * n - sum(n_c * n_c for n_c in totals.values())
    if not expected:
        return 1.0
    return float(1 - (n - 1) * disagreeing / expected)


def unit_ids(codings: Codings) -> list[Hashable]:
    """Every unit any coder coded, in the order first seen, so reports follow the sample."""
    return list(dict.fromkeys(unit for by_unit in codings.values() for unit in by_unit))


def presence_matrix(codings: Codings, code, units=None, coders=None) -> list[list[bool | None]]:
    """One row per unit, one binary label per coder: did the coder apply `code` to the unit?

    `codings` maps coder -> unit -> the codes applied. An empty collection is a real "absent"
    (the coder read the unit and found the code does not apply); a unit missing from a coder's
    mapping is None (not coded) and is left out of the figures like any missing value.
    """
    coders = list(codings) if coders is None else list(coders)
    units = unit_ids(codings) if units is None else list(units)
    return [
        [None if unit not in codings[coder] else code in codings[coder][unit] for coder in coders]
        for unit in units
    ]


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (code None: pooled over all codes, each unit-code pair a unit).

    `units` counts the units at least two coders coded. Kappa and the four cells (both applied
    the code, only the first, only the second, neither) exist for exactly two coders only.
    """

    code: Hashable | None
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None
    both: int | None = None
    only_first: int | None = None
    only_second: int | None = None
    neither: int | None = None


@dataclass(frozen=True)
class AgreementReport:
    """Per code figures, their means over codes (undefined ones skipped) and pooled figures."""

    coders: tuple
    per_code: tuple[CodeAgreement, ...]
    pooled: CodeAgreement
    mean_percent: float | None
    mean_kappa: float | None
    mean_alpha: float | None


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [value for value in values if value is not None]
    return sum(defined) / len(defined) if defined else None


def _code_agreement(code, rows: list[list[bool | None]], coder_count: int) -> CodeAgreement:
    """Beyond two coders percent agreement is the mean over coder pairs, as ReCal reports it."""
    columns = [[row[i] for row in rows] for i in range(coder_count)]
    units = sum(1 for row in rows if sum(value is not None for value in row) >= 2)
    percent = _mean(percent_agreement(a, b) for a, b in combinations(columns, 2))
    alpha = krippendorffs_alpha(rows)
    if coder_count != 2:
        return CodeAgreement(code, units, percent, None, alpha)
    cells = Counter((x, y) for x, y in zip(*columns, strict=True) if None not in (x, y))
    return CodeAgreement(
        code,
        units,
        percent,
        cohens_kappa(*columns),
        alpha,
        both=cells[True, True],
        only_first=cells[True, False],
        only_second=cells[False, True],
        neither=cells[False, False],
    )


def agreement_report(codings: Codings, codes: Iterable, units=None, coders=None) -> AgreementReport:
    """Agreement per code on binary present/absent labels, plus means over codes and pooled.

    The mean weighs every code alike; pooled figures weigh every unit-code decision alike, so a
    few frequent codes dominate them. A code no coder applied has kappa and alpha 1.0 (see the
    degenerate cases above): pass only the codes in use if the means should leave such codes out.
    """
    coders = list(codings) if coders is None else list(coders)
    units = unit_ids(codings) if units is None else list(units)
    per_code, pooled_rows = [], []
    for code in codes:
        rows = presence_matrix(codings, code, units, coders)
        per_code.append(_code_agreement(code, rows, len(coders)))
        pooled_rows.extend(rows)
    return AgreementReport(
        coders=tuple(coders),
        per_code=tuple(per_code),
        pooled=_code_agreement(None, pooled_rows, len(coders)),
        mean_percent=_mean(c.percent for c in per_code),
        mean_kappa=_mean(c.kappa for c in per_code),
        mean_alpha=_mean(c.alpha for c in per_code),
    )


@dataclass(frozen=True)
class SegmentUnits:
    """One code's text as character ranges: per range a present/absent label per coder and the
    range's length as its weight, ready for the weighted percent, kappa and alpha."""

    code: Hashable
    coders: tuple
    ranges: tuple[tuple[int, int], ...]
    units: tuple[tuple[bool, ...], ...]
    weights: tuple[int, ...]


def _code_segments(code, spans: dict, coders: list, text_length: int) -> SegmentUnits:
    edges = {edge for pieces in spans.values() for piece in pieces for edge in piece}
    ranges = tuple(pairwise(sorted(edges | {0, text_length})))
    units = tuple(
        tuple(any(s <= start and end <= e for s, e in spans.get(coder, ())) for coder in coders)
        for start, end in ranges
    )
    return SegmentUnits(code, tuple(coders), ranges, units, tuple(e - s for s, e in ranges))


def segment_units(spans_by_coder: Mapping, text_length: int) -> dict[Hashable, SegmentUnits]:
    """Per code, the text cut at every start and end of that code's spans into weighted units.

    Coders who mark partly overlapping segments then agree on the overlap and disagree on the
    rest, measured in characters, instead of on whole segments that never match exactly.
    `spans_by_coder` maps coder -> [(start, end, code), ...] with 0 <= start < end <= text_length.
    Every coder is taken to have read the whole text: text nobody marked counts as agreement
    that the code is absent, and overlapping spans of one coder simply cover their union.
    """
    coders = list(spans_by_coder)
    by_code: dict[Hashable, dict[Hashable, list[tuple[int, int]]]] = {}
    for coder, spans in spans_by_coder.items():
        for start, end, code in spans:
            if not 0 <= start < end <= text_length:
                raise ValueError(f"span {start}-{end} is empty or outside 0-{text_length}")
            by_code.setdefault(code, {}).setdefault(coder, []).append((start, end))
    return {
        code: _code_segments(code, by_code[code], coders, text_length)
        for code in sorted(by_code, key=str)
    }
