"""Auto-coding: cue matches and model scores turned into coded sentences. Pure: no Flask.

Per code, the engine uses the cues, the trained model or both, whichever did
best in cross-validation on researchers' codes (see `analysis.classifier`).
"""

import functools
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Optional, Sequence

import numpy

from analysis.classifier import Classifier, sentence_features
from analysis.classifier import confidence as model_confidence
from analysis.nlp import Analysed, CueMatcher, Match

CUE, MODEL, BOTH = "cue", "model", "both"


@dataclass(frozen=True)
class Suggestion:
    code: str
    start: int
    end: int
    confidence: float
    evidence: tuple[str, ...]
    source: str = CUE


def confidence(cue_count: int) -> float:
    """More distinct cues in one sentence make a code more likely; never certain."""
    return round(min(0.95, 0.55 + 0.15 * (cue_count - 1)), 2)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))


def group(matches: list[Match], text: str) -> list[Suggestion]:
    """One suggestion per code and sentence, spanning the sentence without outer spaces.

    Cues that overlap an earlier cue of the same code (a phrase and a word in
    it) count once.
    """
    by_segment: dict[tuple[str, int, int], list[Match]] = {}
    for match in matches:
        key = (match.code, match.sentence_start, match.sentence_end)
        found = by_segment.setdefault(key, [])
        if not any(
            m.cue == match.cue or (m.start < match.end and match.start < m.end) for m in found
        ):
            found.append(match)
    suggestions = []
    for (code, start, end), found in by_segment.items():
        start, end = _trimmed(text, start, end)
        cues = tuple(m.cue for m in found)
        suggestions.append(Suggestion(code, start, end, confidence(len(cues)), cues))
    return sorted(suggestions, key=lambda s: (s.start, s.code))


@dataclass
class Engine:
    """The cues and, when trained, the model of one codebook version, with the choice per code."""

    cues: Mapping[str, Sequence[str]]
    negated_cues: Mapping[str, Sequence[str]] = field(default_factory=dict)
    language: str = "nl"
    classifier: Optional[Classifier] = None
    use: Mapping[str, str] = field(default_factory=dict)  # code -> cue | model | both
    codebook_number: int = 0
    model_number: int = 0

    def __post_init__(self):
        self.matcher = _matcher(_frozen(self.cues), _frozen(self.negated_cues), self.language)

    def _method(self, code: str) -> str:
        if self.classifier is None or code not in self.classifier.labels:
            return CUE
        return self.use.get(code, CUE)

    def suggest(self, texts: Iterable[str]) -> Iterator[list[Suggestion]]:
        texts = list(texts)
        analysed = list(self.matcher.match_texts(texts))
        scored = self._model_suggestions([parsed for parsed, _ in analysed])
        for text, (_, matches), from_model in zip(texts, analysed, scored, strict=True):
            by_cue = [s for s in group(matches, text) if self._method(s.code) in (CUE, BOTH)]
            taken = {(s.code, s.start) for s in by_cue}
            by_model = [s for s in from_model if (s.code, s.start) not in taken]
            yield sorted(by_cue + by_model, key=lambda s: (s.start, s.code))

    def _model_suggestions(self, parsed: list[Analysed]) -> list[list[Suggestion]]:
        found: list[list[Suggestion]] = [[] for _ in parsed]
        if self.classifier is None:
            return found
        labels = self.classifier.labels
        active = numpy.array([self._method(code) in (MODEL, BOTH) for code in labels])
        if not active.any():
            return found
        thresholds = numpy.array([self.classifier.threshold(code) for code in labels])
        owners, bounds, feature_lists = [], [], []
        for i, analysed in enumerate(parsed):
            feature_lists += sentence_features(analysed, self.matcher.compounds, self.language)
            owners += [i] * len(analysed.sentences)
            bounds += [(s[2], s[3]) for s in analysed.sentences]
        z = self.classifier.z_scores(feature_lists)
        for row, column in zip(*numpy.nonzero((z >= thresholds) & active), strict=True):
            i = owners[row]
            start, end = _trimmed(parsed[i].doc.text, *bounds[row])
            if start < end:
                found[i].append(
                    Suggestion(
                        labels[column],
                        start,
                        end,
                        model_confidence(float(z[row, column])),
                        ("model",),
                        MODEL,
                    )
                )
        return found


def _frozen(table: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((code, tuple(phrases)) for code, phrases in table.items()))


@functools.lru_cache(maxsize=4)
def _matcher(cues, negated_cues, language: str) -> CueMatcher:
    """One matcher per codebook content and language, built once per process."""
    return CueMatcher(dict(cues), language, dict(negated_cues))


def suggest(
    texts: Iterable[str], cues: dict[str, list[str]], language: str = "nl"
) -> Iterator[list[Suggestion]]:
    """Cue-only suggestions, for callers without a codebook version at hand."""
    return Engine(cues, language=language).suggest(texts)
