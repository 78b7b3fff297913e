"""Auto-coding: cue matches grouped into coded sentences. Pure: no Flask."""

import functools
from dataclasses import dataclass
from typing import Iterable, Iterator

from analysis.nlp import CueMatcher, Match


@dataclass(frozen=True)
class Suggestion:
    code: str
    start: int
    end: int
    confidence: float
    evidence: tuple[str, ...]


def confidence(cue_count: int) -> float:
    """More distinct cues in one sentence make a code more likely; never certain."""
    return round(min(0.95, 0.55 + 0.15 * (cue_count - 1)), 2)


def group(matches: list[Match], text: str) -> list[Suggestion]:
    """One suggestion per code and sentence, spanning the sentence without outer spaces."""
    by_segment: dict[tuple[str, int, int], list[str]] = {}
    for match in matches:
        key = (match.code, match.sentence_start, match.sentence_end)
        cues = by_segment.setdefault(key, [])
        if match.cue not in cues:
            cues.append(match.cue)
    suggestions = []
    for (code, start, end), cues in by_segment.items():
        sentence = text[start:end]
        start += len(sentence) - len(sentence.lstrip())
        end -= len(sentence) - len(sentence.rstrip())
        suggestions.append(Suggestion(code, start, end, confidence(len(cues)), tuple(cues)))
    return sorted(suggestions, key=lambda s: (s.start, s.code))


@functools.lru_cache(maxsize=4)
def matcher_for(cues: tuple[tuple[str, tuple[str, ...]], ...], language: str) -> CueMatcher:
    """One matcher per codebook content and language, built once per process."""
    return CueMatcher(dict(cues), language)


def suggest(
    texts: Iterable[str], cues: dict[str, list[str]], language: str = "nl"
) -> Iterator[list[Suggestion]]:
    frozen = tuple(sorted((code, tuple(phrases)) for code, phrases in cues.items()))
    matcher = matcher_for(frozen, language)
    texts = list(texts)
    for text, matches in zip(texts, matcher.match_texts(texts), strict=True):
        yield group(matches, text)
