"""Screening: the gate every text passes before it is stored. Pure: no Flask.

Text in, cleaned text plus personal-data findings and a redacted version out.
Findings are offsets into the cleaned text; the redacted text replaces each
finding with a placeholder in the reader's language. The detectors live in
`moderation.pii`; this module chooses among overlapping findings and numbers
the placeholders.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Optional

from moderation import deduce_adapter, flags, names, pii, sanitize

EMAIL, PHONE, URL, IBAN, BSN = pii.EMAIL, pii.PHONE, pii.URL, pii.IBAN, pii.BSN
POSTCODE, LICENCE_PLATE, DATE_OF_BIRTH = pii.POSTCODE, pii.LICENCE_PLATE, pii.DATE_OF_BIRTH
NAME, ADDRESS = names.NAME, pii.ADDRESS

PLACEHOLDERS = {
    "nl": {
        NAME: "[naam]",
        ADDRESS: "[adres]",
        PHONE: "[telefoonnummer]",
        EMAIL: "[e-mail]",
        POSTCODE: "[postcode]",
        IBAN: "[iban]",
        BSN: "[bsn]",
        LICENCE_PLATE: "[kenteken]",
        URL: "[url]",
        DATE_OF_BIRTH: "[geboortedatum]",
    },
    "en": {
        NAME: "[name]",
        ADDRESS: "[address]",
        PHONE: "[phone number]",
        EMAIL: "[email address]",
        POSTCODE: "[postcode]",
        IBAN: "[iban]",
        BSN: "[bsn]",
        LICENCE_PLATE: "[licence plate]",
        URL: "[url]",
        DATE_OF_BIRTH: "[date of birth]",
    },
}
LABELS = tuple(PLACEHOLDERS["nl"])

# Per label: how far a pattern finding can be trusted. Checked numbers (IBAN,
# BSN) are near certain; a street and number is a guess from its shape.
PATTERN_CONFIDENCE = {
    EMAIL: 0.99,
    IBAN: 0.99,
    BSN: 0.95,
    PHONE: 0.95,
    URL: 0.95,
    POSTCODE: 0.9,
    LICENCE_PLATE: 0.85,
    DATE_OF_BIRTH: 0.8,
    ADDRESS: 0.8,
}
# Name and address finders: deduce's lists for Dutch, our recogniser for every language.
LIST_CONFIDENCE = {"deduce": 0.9, "names": 0.75}
# Punctuation inside these does not make another value: 06-12345678 is 06 12345678.
_COMPACTED = frozenset({PHONE, IBAN, BSN, POSTCODE, LICENCE_PLATE})
_MARKUP_RE = re.compile(r"<[^>]*>|&#?\w+;")
_TAG_RE = re.compile(r"<[^>]*>")
_INLINE_TAG_RE = re.compile(r"</?(?:a|b|i|em|strong)\b", re.I)
_LINK_TAG_RE = re.compile(r"<a\b[^>]*>", re.I)
_HREF_RE = re.compile(r"\s+href=\"([^\"]*)\"")


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    label: str
    detector: str = "pattern"
    confidence: float = 0.95

    def as_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "detector": self.detector,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class ScreeningResult:
    cleaned: str
    redacted: str
    findings: list[Finding] = field(default_factory=list)
    # The same findings, pointing at their placeholders in `redacted`.
    placeholders: list[Finding] = field(default_factory=list)
    # For formatted input: the cleaned markup, and the same with placeholders.
    html: Optional[str] = None
    redacted_html: Optional[str] = None
    # Reasons to hold the text for a moderator whatever the mode (moderation.flags).
    flags: list[str] = field(default_factory=list)


def prepare() -> None:
    """Load what the name and address finders need, so that no story waits for it."""
    deduce_adapter.prepare()
    names.prepare()


def detect(text: str, language: str = "nl") -> list[Finding]:
    """Return non-overlapping findings, earliest first.

    Of overlapping spans an e-mail address wins (it contains what looks like a
    URL or a number), then the longest, then the most trusted. deduce reads
    Dutch only; the patterns and the name recogniser read every language.
    """
    found = [
        Finding(start, end, label, "pattern", PATTERN_CONFIDENCE[label])
        for detector in pii.DETECTORS
        for start, end, label in detector(text)
    ]
    if (language or "nl")[:2].lower() == "nl":
        found += [
            Finding(*span, "deduce", LIST_CONFIDENCE["deduce"])
            for span in deduce_adapter.spans(text)
        ]
    found += [
        Finding(*span, "names", LIST_CONFIDENCE["names"]) for span in names.names(text, language)
    ]
    found.sort(key=lambda f: (f.label != EMAIL, f.start - f.end, -f.confidence, f.start))
    chosen: list[Finding] = []
    for finding in found:
        if all(finding.end <= c.start or c.end <= finding.start for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def _key(label: str, value: str) -> tuple[str, str]:
    value = re.sub(r"\s+", "", value).casefold()
    return label, re.sub(r"[-.()/]", "", value) if label in _COMPACTED else value


def placeholder_words(values: Iterable[tuple[str, str]], language: str) -> dict:
    """Map each (label, value) to its placeholder: one per distinct value within a text.

    A label with one distinct value gets the plain placeholder (`[naam]`); with
    more, they are numbered in order of appearance (`[naam 1]`, `[naam 2]`).
    """
    words = PLACEHOLDERS.get((language or "")[:2].lower(), PLACEHOLDERS["en"])
    distinct: dict[str, list[tuple[str, str]]] = {}
    for label, value in values:
        keys = distinct.setdefault(label, [])
        if _key(label, value) not in keys:
            keys.append(_key(label, value))
    numbered = {}
    for label, keys in distinct.items():
        word = words.get(label, f"[{label}]")
        for number, key in enumerate(keys, start=1):
            numbered[key] = word if len(keys) == 1 else f"{word[:-1]} {number}]"
    return numbered


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, word in spans:
        parts += [text[position:start], word]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def redact(text: str, findings: list[Finding], language: str) -> tuple[str, list[Finding]]:
    """Replace each finding by its placeholder; also return where the placeholders ended up."""
    values = [(f.label, text[f.start : f.end]) for f in findings]
    words = placeholder_words(values, language)
    spans, moved, shift = [], [], 0
    for finding, value in zip(findings, values, strict=True):
        word = words[_key(*value)]
        spans.append((finding.start, finding.end, word))
        moved.append(
            replace(finding, start=finding.start + shift, end=finding.start + shift + len(word))
        )
        shift += len(word) - (finding.end - finding.start)
    return _replace(text, spans), moved


def _markup_text(markup: str) -> tuple[str, list[tuple[int, int]]]:
    """The text that `markup` shows, and for each of its characters where it comes from.

    Inline tags show nothing, other tags a line break, entities their character.
    """
    chars: list[str] = []
    places: list[tuple[int, int]] = []
    position = 0
    for match in [*_MARKUP_RE.finditer(markup), None]:
        stop = match.start() if match else len(markup)
        chars += markup[position:stop]
        places += [(i, i + 1) for i in range(position, stop)]
        if match is None:
            break
        token = match.group()
        shown = "" if _INLINE_TAG_RE.match(token) else "\n" if token[0] == "<" else token
        shown = html.unescape(shown)
        chars += shown
        places += [match.span()] * len(shown)
        position = match.end()
    return "".join(chars), places


def _redact_markup(markup: str, values: list[tuple[str, str]], language: str) -> str:
    """Put placeholders in the cleaned markup, numbered as in the plain text.

    Tags inside a finding are kept so the markup stays balanced; links whose
    address holds personal data lose the address.
    """
    text, places = _markup_text(markup)
    found = detect(text, language)
    found_values = [(f.label, text[f.start : f.end]) for f in found]
    words = placeholder_words(values + found_values, language)
    spans = []
    for finding, value in zip(found, found_values, strict=True):
        start, end = places[finding.start][0], places[finding.end - 1][1]
        kept = "".join(_TAG_RE.findall(markup, start, end))
        spans.append((start, end, words[_key(*value)] + kept))
    return _LINK_TAG_RE.sub(lambda tag: _scrub_link(tag.group(), language), _replace(markup, spans))


def _scrub_link(tag: str, language: str) -> str:
    href = _HREF_RE.search(tag)
    if href and detect(html.unescape(href.group(1)), language):
        return tag.replace(href.group(), "")
    return tag


def screen(text: str, language: str = "nl", *, formatted: bool = False) -> ScreeningResult:
    """Clean `text` and find personal data in it.

    `cleaned` is always plain text (what analysis reads); with `formatted`, the
    dialogue formatting subset is kept in `html` as well.
    """
    markup = sanitize.clean(sanitize.paragraphs(text)) if formatted else None
    cleaned = sanitize.plain_text(markup if markup is not None else text)
    findings = detect(cleaned, language)
    redacted, placeholders = redact(cleaned, findings, language)
    redacted_html = None
    if markup is not None:
        values = [(f.label, cleaned[f.start : f.end]) for f in findings]
        redacted_html = _redact_markup(markup, values, language)
    return ScreeningResult(
        cleaned,
        redacted,
        findings,
        placeholders,
        markup,
        redacted_html,
        flags.flags(cleaned, language),
    )
