"""Delphi statistics on a 5-point agreement scale. Pure: no Flask, no database.

Everything is computed from the distribution (how many 1s, 2s, ... 5s), which
the database aggregates cheaply, so 750,000 ratings cost one GROUP BY.
Quartiles use linear interpolation between order statistics (the common
"type 7" definition, as in spreadsheet QUARTILE.INC and numpy's default).
"""

from dataclasses import dataclass
from typing import Hashable, Mapping, Optional

SCALE = (1, 2, 3, 4, 5)
CONSENSUS_AGREE = "consensus_agree"
CONSENSUS_DISAGREE = "consensus_disagree"
NO_CONSENSUS = "no_consensus"
NO_RATINGS = "no_ratings"
# Groups whose medians lie this far apart disagree with each other.
DISSENT_GAP = 2.0


@dataclass(frozen=True)
class Summary:
    n: int
    skipped: int
    distribution: tuple[int, ...]  # counts of 1..5
    median: Optional[float]
    q1: Optional[float]
    q3: Optional[float]
    agree: float  # share rating 4 or 5
    disagree: float  # share rating 1 or 2
    label: str

    @property
    def iqr(self) -> Optional[float]:
        return None if self.q1 is None else self.q3 - self.q1


def quantile(distribution: tuple[int, ...], p: float) -> float:
    """The p-quantile of the values described by `distribution` (counts of 1..5)."""
    n = sum(distribution)
    position = p * (n - 1)
    lower = _value_at(distribution, int(position))
    upper = _value_at(distribution, min(int(position) + 1, n - 1))
    return lower + (position - int(position)) * (upper - lower)


def _value_at(distribution: tuple[int, ...], index: int) -> int:
    """The value at `index` (0-based) of the sorted ratings."""
    seen = 0
    for value, count in zip(SCALE, distribution, strict=True):
        seen += count
        if index < seen:
            return value
    raise IndexError(index)


def summarise(
    counts: Mapping[Optional[int], int], *, share: float = 0.7, iqr_max: float = 1.0
) -> Summary:
    """Summarise ratings given as {value: count}; the key None counts skips."""
    distribution = tuple(int(counts.get(value, 0)) for value in SCALE)
    n, skipped = sum(distribution), int(counts.get(None, 0))
    if n == 0:
        return Summary(0, skipped, distribution, None, None, None, 0.0, 0.0, NO_RATINGS)
    q1, median, q3 = (quantile(distribution, p) for p in (0.25, 0.5, 0.75))
    agree = (distribution[3] + distribution[4]) / n
    disagree = (distribution[0] + distribution[1]) / n
    label = NO_CONSENSUS
    if q3 - q1 <= iqr_max + 1e-9:
        if agree >= share - 1e-9:
            label = CONSENSUS_AGREE
        elif disagree >= share - 1e-9:
            label = CONSENSUS_DISAGREE
    return Summary(n, skipped, distribution, median, q1, q3, agree, disagree, label)


def breakdown(
    groups: Mapping[Hashable, Mapping[Optional[int], int]],
    *,
    min_size: int,
    share: float = 0.7,
    iqr_max: float = 1.0,
) -> dict[Hashable, Optional[Summary]]:
    """Summaries per group; a group with fewer than `min_size` ratings is suppressed (None)."""
    result: dict[Hashable, Optional[Summary]] = {}
    for key, counts in groups.items():
        summary = summarise(counts, share=share, iqr_max=iqr_max)
        result[key] = summary if summary.n >= min_size else None
    return result


def dissent(groups: Mapping[Hashable, Optional[Summary]]) -> bool:
    """Whether two shown groups' medians lie at least DISSENT_GAP apart."""
    medians = [s.median for s in groups.values() if s is not None and s.median is not None]
    return len(medians) >= 2 and max(medians) - min(medians) >= DISSENT_GAP
