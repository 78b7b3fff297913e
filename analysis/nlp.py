"""spaCy pipelines and cue matching. Pure: no Flask.

No Dutch model can be downloaded, so the pipeline is `spacy.blank` with the
lookup lemmatizer from spacy-lookups-data and a rule-based sentencizer. It is
built once per process and per language.
"""

import functools
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

SUPPORTED = ("nl", "en")
BATCH_SIZE = 256


@Language.component("lowercase_lemmas")
def lowercase_lemmas(doc: Doc) -> Doc:
    """Lookup tables leave unknown words as written; compare lemmas case-insensitively."""
    for token in doc:
        token.lemma_ = token.lemma_.lower()
    return doc


@functools.cache
def pipeline(language: str = "nl") -> Language:
    nlp = spacy.blank(language if language in SUPPORTED else "nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("lowercase_lemmas")
    nlp.add_pipe("sentencizer")
    nlp.initialize()
    return nlp


@dataclass(frozen=True)
class Match:
    code: str
    cue: str
    start: int  # character offsets of the cue in the text
    end: int
    sentence_start: int
    sentence_end: int


class CueMatcher:
    """Finds cue phrases by lemma and by literal lowercase form."""

    def __init__(self, cues: Mapping[str, Sequence[str]], language: str = "nl"):
        self.nlp = pipeline(language)
        self._by_lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self._by_form = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for code, phrases in cues.items():
            docs = list(self.nlp.pipe(phrase.lower() for phrase in phrases))
            self._by_lemma.add(code, docs)
            self._by_form.add(code, docs)

    def matches(self, doc: Doc) -> list[Match]:
        seen: set[tuple[str, int, int]] = set()
        found = []
        for matcher in (self._by_lemma, self._by_form):
            for match_id, start, end in matcher(doc):
                code = self.nlp.vocab.strings[match_id]
                span = doc[start:end]
                if (code, span.start_char, span.end_char) in seen:
                    continue
                seen.add((code, span.start_char, span.end_char))
                sentence = span.sent
                found.append(
                    Match(
                        code,
                        span.text.lower(),
                        span.start_char,
                        span.end_char,
                        sentence.start_char,
                        sentence.end_char,
                    )
                )
        return sorted(found, key=lambda m: (m.start, m.code))

    def match_texts(self, texts: Iterable[str]) -> Iterator[list[Match]]:
        for doc in self.nlp.pipe(texts, batch_size=BATCH_SIZE):
            yield self.matches(doc)
