"""Auto-coding: cue matches and model scores turned into coded sentences. Pure: no Flask.

Per code, the engine uses the cues, the trained model or both, whichever did
best in cross-validation on researchers' codes (see `analysis.classifier`).
"""

import functools
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Optional, Sequence

from spacy.tokens import Doc

from analysis.classifier import Classifier
from analysis.classifier import confidence as model_confidence
from analysis.nlp import CueMatcher, Match

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
        scored = self._model_suggestions([doc for doc, _ in analysed])
        for text, (_, matches), from_model in zip(texts, analysed, scored, strict=True):
            by_cue = [s for s in group(matches, text) if self._method(s.code) in (CUE, BOTH)]
            taken = {(s.code, s.start) for s in by_cue}
            by_model = [
                s
                for s in from_model
                if self._method(s.code) in (MODEL, BOTH) and (s.code, s.start) not in taken
            ]
            yield sorted(by_cue + by_model, key=lambda s: (s.start, s.code))

    def _model_suggestions(self, docs: list[Doc]) -> list[list[Suggestion]]:
        if self.classifier is None or not any(m != CUE for m in self.use.values()):
            return [[] for _ in docs]
        sentences = [(i, sent) for i, doc in enumerate(docs) for sent in doc.sents]
        scores = self.classifier.predict([sent for _, sent in sentences], self.matcher.compounds)
        found: list[list[Suggestion]] = [[] for _ in docs]
        for (i, sent), cats in zip(sentences, scores, strict=True):
            start, end = _trimmed(docs[i].text, sent.start_char, sent.end_char)
            for code, score in cats.items():
                if score >= self.classifier.threshold(code) and start < end:
                    found[i].append(
                        Suggestion(code, start, end, model_confidence(score), ("model",), MODEL)
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
