"""Screening: the gate every text passes before it is stored. Pure: no Flask.

Text in, cleaned text plus personal-data findings and a redacted version out.
Findings are offsets into the cleaned text; the redacted text replaces each
finding with a placeholder in the reader's language.
"""

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from moderation import sanitize

EMAIL = "email"
PHONE = "phone"

PLACEHOLDERS = {
    "nl": {EMAIL: "[e-mail]", PHONE: "[telefoonnummer]"},
    "en": {EMAIL: "[email address]", PHONE: "[phone number]"},
}

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.I)
_SEP = r"(?: ?[.\-] ?| )?"
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:"
    # international: +31 6 12345678, 0031-20-1234567, +32 (0)2 123 45 67
    rf"(?:\+|00)\d{{2,3}}{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d){{6,10}}"
    # Dutch national, ten digits: 06-12345678, 020 123 4567, (020) 1234567
    rf"|\(0\d{{1,3}}\){_SEP}\d(?:{_SEP}\d){{5,7}}"
    rf"|0\d(?:{_SEP}\d){{8}}"
    r")(?![\w])"
)

DETECTORS = ((EMAIL, _EMAIL_RE), (PHONE, _PHONE_RE))


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


def detect(text: str) -> list[Finding]:
    """Return non-overlapping findings, earliest first; e-mail wins over phone."""
    found: list[Finding] = []
    for label, pattern in DETECTORS:
        for match in pattern.finditer(text):
            if not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(Finding(match.start(), match.end(), label))
    return sorted(found, key=lambda f: f.start)


def redact(text: str, findings: list[Finding], language: str) -> tuple[str, list[Finding]]:
    """Replace each finding by its placeholder; also return where the placeholders ended up."""
    words = PLACEHOLDERS.get(language, PLACEHOLDERS["en"])
    parts, moved, position, length = [], [], 0, 0
    for finding in findings:
        before = text[position : finding.start]
        word = words[finding.label]
        parts += [before, word]
        length += len(before)
        moved.append(replace(finding, start=length, end=length + len(word)))
        length += len(word)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts), moved


def screen(text: str, language: str = "nl", *, formatted: bool = False) -> ScreeningResult:
    """Clean `text` and find personal data in it.

    `cleaned` is always plain text (what analysis reads); with `formatted`, the
    dialogue formatting subset is kept in `html` as well.
    """
    markup = sanitize.clean(sanitize.paragraphs(text)) if formatted else None
    cleaned = sanitize.plain_text(markup if markup is not None else text)
    findings = detect(cleaned)
    redacted, placeholders = redact(cleaned, findings, language)
    redacted_html = redact(markup, detect(markup), language)[0] if markup is not None else None
    return ScreeningResult(cleaned, redacted, findings, placeholders, markup, redacted_html)
