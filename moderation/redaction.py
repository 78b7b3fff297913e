"""A moderator's redaction of one span they chose. Pure: no Flask.

Screening finds personal data by itself; a moderator sees what it missed and
selects it. The span is replaced in the plain text and in the cleaned markup
by the placeholder of its kind, and the findings follow the text.
"""

import html
import re
from dataclasses import dataclass
from typing import Optional

from moderation import screening

OTHER = "other"
# The kinds a moderator chooses from, the most frequent first.
_FIRST = ("name", "address", "phone", "email")
LABELS = (*_FIRST, *(code for code in screening.PLACEHOLDERS["nl"] if code not in _FIRST), OTHER)
# Screening has no placeholder for what a moderator removes as "other".
OTHER_PLACEHOLDERS = {"nl": "[verwijderd]", "en": "[removed]"}

_MARKUP_RE = re.compile(r"<[^>]*>|&#?\w+;")
_INLINE_TAG_RE = re.compile(r"</?(?:a|b|i|em|strong)\b", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
_LINK_TAG_RE = re.compile(r"<a\b[^>]*>", re.I)
_HREF_RE = re.compile(r"\s+href=\"([^\"]*)\"")


class Unplaced(ValueError):
    """The chosen text cannot be placed: `reason` is "empty", "missing", "ambiguous" or "markup"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Redacted:
    body: str
    body_html: Optional[str]
    findings: list[dict]


def placeholder(label: str, language: str) -> str:
    """The word that takes the place of removed text, in the text's language."""
    language = (language or "")[:2].lower()
    if label == OTHER:
        return OTHER_PLACEHOLDERS.get(language, OTHER_PLACEHOLDERS["en"])
    return screening.PLACEHOLDERS.get(language, screening.PLACEHOLDERS["en"])[label]


def redact(
    body: str,
    body_html: Optional[str],
    findings: list[dict],
    text: str,
    label: str,
    language: str,
    start: Optional[int] = None,
) -> Redacted:
    """Replace `text` (selected at `start`, if known) by the placeholder for `label`."""
    start, end = widen(findings, *locate(body, text, start))
    word = placeholder(label, language)
    markup = None if body_html is None else redact_markup(body_html, body, start, end, word)
    return Redacted(
        body[:start] + word + body[end:], markup, moved(findings, start, end, word, label)
    )


def locate(body: str, text: str, start: Optional[int] = None) -> tuple[int, int]:
    """The span of `text` in `body`: at `start` if it is there, else its only occurrence."""
    stripped = text.strip()
    if not stripped:
        raise Unplaced("empty")
    if start is not None:
        start += len(text) - len(text.lstrip())
        if start >= 0 and body[start : start + len(stripped)] == stripped:
            return start, start + len(stripped)
    first = body.find(stripped)
    if first < 0:
        raise Unplaced("missing")
    if body.find(stripped, first + 1) >= 0:
        raise Unplaced("ambiguous")
    return first, first + len(stripped)


def widen(findings: list[dict], start: int, end: int) -> tuple[int, int]:
    """Grow the span over findings it cuts into, so no half placeholder or number is left."""
    for finding in sorted(findings, key=lambda f: f["start"]):
        if finding["start"] < end and start < finding["end"]:
            start, end = min(start, finding["start"]), max(end, finding["end"])
    return start, end


def moved(findings: list[dict], start: int, end: int, word: str, label: str) -> list[dict]:
    """Findings after the span move with it; the placeholder becomes a finding of its own."""
    shift = len(word) - (end - start)
    before = [f for f in findings if f["end"] <= start]
    after = [
        {**f, "start": f["start"] + shift, "end": f["end"] + shift}
        for f in findings
        if f["start"] >= end
    ]
    new = {"start": start, "end": start + len(word), "label": label}
    new |= {"detector": "moderator", "confidence": 1.0}
    return sorted([*before, new, *after], key=lambda f: f["start"])


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, position = [], haystack.find(needle)
    while position >= 0:
        found.append(position)
        position = haystack.find(needle, position + 1)
    return found


def shown_text(markup: str) -> tuple[str, list[tuple[int, int]]]:
    """The text `markup` shows, each whitespace run as one space, and where each character is.

    Inline tags show nothing, other tags a space, entities their character.
    """
    chars: list[str] = []
    places: list[tuple[int, int]] = []
    position = 0
    for match in [*_MARKUP_RE.finditer(markup), None]:
        stop = match.start() if match else len(markup)
        pieces = [(markup[i], (i, i + 1)) for i in range(position, stop)]
        if match is not None:
            token = match.group()
            shown = "" if _INLINE_TAG_RE.match(token) else " " if token[0] == "<" else token
            pieces += [(char, match.span()) for char in html.unescape(shown)]
            position = match.end()
        for char, place in pieces:
            if char.isspace() and chars and chars[-1] == " ":
                continue
            chars.append(" " if char.isspace() else char)
            places.append(place)
    return "".join(chars), places


def redact_markup(markup: str, body: str, start: int, end: int, word: str) -> str:
    """Put `word` where the cleaned markup shows `body[start:end]`.

    The plain text and the markup are compared with whitespace and block tags
    as single spaces and entities as their characters; the same occurrence is
    found by counting. Tags inside the span are kept so the markup stays
    balanced; a link whose address holds the removed text loses the address.
    """
    target = body[start:end]
    needle = _squeezed(target)
    in_body = _occurrences(_squeezed(body), needle)
    number = sum(1 for at in in_body if at < _squeezed(body[:start] + "\0").rfind("\0"))
    shown, places = shown_text(markup)
    found = _occurrences(shown, needle)
    if len(found) != len(in_body):
        raise Unplaced("markup")
    first, last = places[found[number]][0], places[found[number] + len(needle) - 1][1]
    kept = "".join(_TAG_RE.findall(markup, first, last))
    markup = markup[:first] + html.escape(word) + kept + markup[last:]
    return _LINK_TAG_RE.sub(lambda tag: _without_href(tag.group(), target), markup)


def _without_href(tag: str, removed: str) -> str:
    href = _HREF_RE.search(tag)
    if href and removed in html.unescape(href.group(1)):
        return tag.replace(href.group(), "")
    return tag
