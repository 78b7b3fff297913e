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

import bisect
import functools
import logging
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, NamedTuple, Optional, Sequence

import spacy
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

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


class Word(NamedTuple):
    lower: str
    lemma: str
    skip: bool  # punctuation or space: not a feature, but it ends a negation's reach


@dataclass
class Analysed:
    """A parsed text with its words and sentences read out once, in one pass over the tokens."""

    doc: Doc
    words: list[Word]
    starts: list[int]  # character offset of each token
    ends: list[int]
    sentences: list[tuple[int, int, int, int]]  # first token, end token, start and end character
    sentence_starts: list[int]  # first token of each sentence, for bisect

    @classmethod
    def of(cls, doc: Doc) -> "Analysed":
        # One comprehension per attribute is several times faster than one loop filling all.
        lowers = [token.lower_ for token in doc]
        words = list(
            map(
                Word,
                lowers,
                [token.lemma_ for token in doc],
                [token.is_punct or token.is_space for token in doc],
            )
        )
        starts = [token.idx for token in doc]
        ends = [token.idx + len(token) for token in doc]
        firsts = [0, *(token.i for token in doc if token.is_sent_start and token.i)]
        sentences = [
            (first, after, starts[first], ends[after - 1])
            for first, after in zip(firsts, firsts[1:] + [len(words)], strict=True)
            if after > first
        ]
        return cls(doc, words, starts, ends, sentences, [s[0] for s in sentences])

    def sentence_of(self, token: int) -> tuple[int, int, int, int]:
        return self.sentences[bisect.bisect_right(self.sentence_starts, token) - 1]

    def text_of(self, start: int, end: int) -> str:
        return " ".join(word.lower for word in self.words[start:end])


def negated(start: int, end: int, analysed: Analysed, language: str = "nl") -> Optional[Word]:
    """The negation word that governs tokens [start, end) within their clause, if any."""
    negators = NEGATORS.get(language, NEGATORS["nl"])
    first, last = analysed.sentence_of(start)[:2]
    words = analysed.words
    for i in range(start - 1, max(first, start - NEGATION_WINDOW) - 1, -1):
        if words[i].lower in CLAUSE_BREAKS:
            break
        if words[i].lemma in negators or words[i].lower in negators:
            return words[i]
    after = NEGATORS_AFTER.get(language, NEGATORS_AFTER["nl"])
    for i in range(end, min(last, end + NEGATION_WINDOW)):
        if words[i].lower in CLAUSE_BREAKS or words[i].skip:
            break
        if words[i].lemma in after or words[i].lower in after:
            return words[i]
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

    def _raw(self, analysed: Analysed) -> Iterator[tuple[str, bool, int, int, str]]:
        """(code, negated-cue?, first token, end token, cue) for every cue found."""
        for matcher in (self._by_lemma, self._by_form):
            for match_id, start, end in matcher(analysed.doc):
                code, _, neg = self.nlp.vocab.strings[match_id].partition("|")
                yield code, bool(neg), start, end, analysed.text_of(start, end)
        for i, word in enumerate(analysed.words):
            for part in self.compounds.parts(word.lower):
                for code, negative in self._single.get(part, ()):
                    yield code, negative, i, i + 1, part

    def matches(self, analysed: Analysed) -> list[Match]:
        seen: set[tuple[str, int, int]] = set()
        found = []
        negations: dict[tuple[int, int], Optional[Word]] = {}
        for code, negative_cue, start, end, cue in self._raw(analysed):
            chars = (analysed.starts[start], analysed.ends[end - 1])
            if (code, *chars) in seen:
                continue
            if cue in self._cue_negates:
                negation = None
            elif (start, end) in negations:
                negation = negations[(start, end)]
            else:
                negation = negations[(start, end)] = negated(start, end, analysed, self.language)
            if negative_cue != (negation is not None):
                continue
            seen.add((code, *chars))
            sentence = analysed.sentence_of(start)
            label = f"{negation.lower} … {cue}" if negation is not None else cue
            found.append(Match(code, label, *chars, sentence[2], sentence[3]))
        return sorted(found, key=lambda m: (m.start, m.code))

    def match_texts(self, texts: Iterable[str]) -> Iterator[tuple[Analysed, list[Match]]]:
        for doc in self.nlp.pipe(texts, batch_size=BATCH_SIZE):
            analysed = Analysed.of(doc)
            yield analysed, self.matches(analysed)
