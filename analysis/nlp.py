"""spaCy pipelines and cue matching. Pure: no Flask.

No Dutch model can be downloaded, so the pipeline is `spacy.blank` with the
lookup lemmatizer from spacy-lookups-data and a rule-based sentencizer. It is
built once per process and per language.

Dutch writes compounds as one word ("jeugdzorgwachtlijst"), so a single-word
cue also matches a part of a compound the lexicon does not know as a whole.
A cue preceded by a negation ("geen wachtlijst meer") does not count for its
code; a code can instead list cues that signal it when negated ("geen
vertrouwen" is distrust).
"""

import functools
import logging
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Optional, Sequence

import spacy
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

# spaCy reports every pipeline it builds; that is noise in a server log and on the CLI.
logging.getLogger("spacy").setLevel(logging.WARNING)

SUPPORTED = ("nl", "en")
BATCH_SIZE = 256
NEGATORS = {
    "nl": {
        "geen",
        "niet",
        "nooit",
        "niets",
        "niks",
        "niemand",
        "nergens",
        "zonder",
        "nauwelijks",
        "amper",
        "onvoldoende",
        "gebrek",
        "weinig",
    },
    "en": {"no", "not", "never", "nothing", "nobody", "without", "hardly", "lack", "n't"},
}
NEGATORS_AFTER = {"nl": {"niet", "nooit", "ontbreken", "weg", "kwijt"}, "en": {"not", "never"}}
CLAUSE_BREAKS = {",", ";", ":", "maar", "en", "want", "omdat", "but", "and", "because"}
NEGATION_WINDOW = 3
MIN_COMPOUND = 8
MIN_PART = 4
LINKS = ("s", "en", "e")


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


@functools.cache
def lemma_table(language: str = "nl") -> Table:
    """Inflected form -> lemma, as the lookup lemmatizer uses it."""
    return load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")


@functools.cache
def lexicon(language: str = "nl") -> frozenset[str]:
    """Every lemma the lookup tables know: the words a compound is split into."""
    return frozenset(value for value in lemma_table(language).values() if isinstance(value, str))


class Compounds:
    """Splits compounds into the known words they are made of, with a cache per word.

    "jeugdzorgwachtlijst" gives jeugd, zorg, wachtlijst, jeugdzorg and
    zorgwachtlijst: the parts and each run of adjacent parts. The head is the
    longest known ending; a linking s or e(n) between parts is dropped. Words
    the lexicon knows stay whole.
    """

    def __init__(self, known: frozenset[str], language: str = "nl"):
        self.known = known
        self.inflected = lemma_table(language)
        self._cache: dict[str, tuple[str, ...]] = {}

    def parts(self, word: str) -> tuple[str, ...]:
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = self._parts(word)
        return found

    def _parts(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_COMPOUND or word in self.known or not word.isalpha():
            return ()
        parts = self._split(word)
        if len(parts) < 2:
            return ()
        runs = {
            "".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)
        }
        runs.discard(word)
        return tuple(sorted(runs))

    def _split(self, word: str) -> list[str]:
        for cut in range(3, len(word) - MIN_PART + 1):
            head, modifier = word[cut:], word[:cut]
            if head not in self.known:
                if head not in self.inflected:
                    continue
                head = self.inflected[head]
            stems = [modifier] + [
                modifier[: -len(link)] for link in LINKS if modifier.endswith(link)
            ]
            for stem in stems:
                if len(stem) >= 3 and stem in self.known:
                    return [stem, head]
            for stem in stems:
                inner = self._split(stem) if len(stem) >= MIN_COMPOUND else []
                if len(inner) >= 2:
                    return inner + [head]
            if len(head) > MIN_PART and len(modifier) >= MIN_PART:
                unknown = (
                    modifier[:-1] if modifier.endswith(("ings", "heids", "teits")) else modifier
                )
                return [unknown, head]
        return [word]


def negated(token_start: int, token_end: int, doc: Doc, language: str = "nl") -> Optional[Token]:
    """The negation word that governs tokens [start, end) within their clause, if any."""
    negators = NEGATORS.get(language, NEGATORS["nl"])
    sentence = doc[token_start].sent
    for i in range(token_start - 1, max(sentence.start, token_start - NEGATION_WINDOW) - 1, -1):
        token = doc[i]
        if token.lower_ in CLAUSE_BREAKS:
            break
        if token.lemma_ in negators or token.lower_ in negators:
            return token
    after = NEGATORS_AFTER.get(language, NEGATORS_AFTER["nl"])
    for i in range(token_end, min(sentence.end, token_end + NEGATION_WINDOW)):
        token = doc[i]
        if token.lower_ in CLAUSE_BREAKS or token.is_punct:
            break
        if token.lemma_ in after or token.lower_ in after:
            return token
    return None


@dataclass(frozen=True)
class Match:
    code: str
    cue: str
    start: int  # character offsets of the cue in the text
    end: int
    sentence_start: int
    sentence_end: int


class CueMatcher:
    """Finds cue phrases by lemma, by literal lowercase form and inside compounds."""

    def __init__(
        self,
        cues: Mapping[str, Sequence[str]],
        language: str = "nl",
        negated_cues: Optional[Mapping[str, Sequence[str]]] = None,
    ):
        self.language = language if language in SUPPORTED else "nl"
        self.nlp = pipeline(self.language)
        self._by_lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self._by_form = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._single: dict[str, set[tuple[str, bool]]] = {}
        self._cue_negates: set[str] = set()
        negators = NEGATORS[self.language]
        for negative, table in ((False, cues), (True, negated_cues or {})):
            for code, phrases in table.items():
                label = f"{code}|neg" if negative else code
                docs = list(self.nlp.pipe(phrase.lower() for phrase in phrases))
                self._by_lemma.add(label, docs)
                self._by_form.add(label, docs)
                for doc in docs:
                    if any(t.lemma_ in negators or t.lower_ in negators for t in doc):
                        self._cue_negates.add(doc.text)
                    if len(doc) == 1 and len(doc.text) >= MIN_PART + 1:
                        for form in {doc[0].lower_, doc[0].lemma_}:
                            self._single.setdefault(form, set()).add((code, negative))
        self.compounds = Compounds(lexicon(self.language) | frozenset(self._single), self.language)

    def _raw(self, doc: Doc) -> Iterator[tuple[str, bool, int, int, str]]:
        """(code, negated-cue?, first token, end token, cue) for every cue found."""
        for matcher in (self._by_lemma, self._by_form):
            for match_id, start, end in matcher(doc):
                label = self.nlp.vocab.strings[match_id]
                code, _, neg = label.partition("|")
                yield code, bool(neg), start, end, doc[start:end].text.lower()
        for token in doc:
            for part in self.compounds.parts(token.lower_):
                for code, negative in self._single.get(part, ()):
                    yield code, negative, token.i, token.i + 1, part

    def matches(self, doc: Doc) -> list[Match]:
        seen: set[tuple[str, int, int]] = set()
        found = []
        for code, negative_cue, start, end, cue in self._raw(doc):
            span = doc[start:end]
            if (code, span.start_char, span.end_char) in seen:
                continue
            negation = (
                None
                if span.text.lower() in self._cue_negates
                else negated(start, end, doc, self.language)
            )
            if negative_cue != (negation is not None):
                continue
            seen.add((code, span.start_char, span.end_char))
            sentence = span.sent
            label = f"{negation.lower_} … {cue}" if negation is not None else cue
            found.append(
                Match(
                    code,
                    label,
                    span.start_char,
                    span.end_char,
                    sentence.start_char,
                    sentence.end_char,
                )
            )
        return sorted(found, key=lambda m: (m.start, m.code))

    def match_texts(self, texts: Iterable[str]) -> Iterator[tuple[Doc, list[Match]]]:
        for doc in self.nlp.pipe(texts, batch_size=BATCH_SIZE):
            yield doc, self.matches(doc)
