"""deduce on Dutch text: person names and street addresses from its lists. Pure: no Flask.

deduce builds its lookup structures from its word lists once per install
(about a minute) and loads them in seconds afterwards; `prepare` does that at
install and at start-up, and `instance` keeps one per process. Of its
findings we keep names and street addresses with a house number: Wijkstem's
own detectors do numbers, e-mail and links, and places, institutions, dates
and ages are not personal data in a neighbourhood story.
"""

import logging
import re
from functools import cache

from deduce import Deduce

from moderation import names
from moderation.names import NAME, PARTICLES, TITLES, Span
from moderation.pii import ADDRESS

# Processor groups of deduce whose findings Wijkstem does not use.
_DISABLED = frozenset(
    {
        "dates",
        "ages",
        "identifiers",
        "phone_numbers",
        "email_addresses",
        "urls",
        "institutions",
        "postal_code",
        "postbus",
    }
)
# Words before a name that are not part of it: meneer, de heer.
_LEADING = TITLES | PARTICLES
_PART_RE = re.compile(r"[^.,;:!?()]+")
_WORD_RE = re.compile(r"[^\s.,;:!?()]+(?:\.(?=\S))?")


@cache
def instance() -> Deduce:
    logging.getLogger().info("Loading deduce's lookup structures")
    return Deduce()


def prepare() -> None:
    """Build or load deduce's lookup structures now rather than in a request."""
    instance()


def _names(text: str, start: int, end: int) -> list[Span]:
    """The names in one of deduce's person findings, each without titles or loose particles.

    deduce joins "De Vries. Jansen" into one finding and keeps "meneer" and a
    trailing "van de"; a lone known word at the start of a sentence (Niks,
    Link) is one of its surnames read too eagerly.
    """
    spans = []
    for part in _PART_RE.finditer(text, start, end):
        words = list(_WORD_RE.finditer(text, part.start(), part.end()))
        while words and words[0].group().lower() in _LEADING:
            words.pop(0)
        while words and words[-1].group().lower() in PARTICLES:
            words.pop()
        if not words:
            continue
        first = words[0]
        if names.is_place_or_organisation(text, first.start(), words[-1].end()):
            continue
        if (
            len(words) == 1
            and names.starts_sentence(text, first.start())
            and names.is_word(first.group().lower(), "nl")
        ):
            continue
        spans.append((first.start(), words[-1].end(), NAME))
    return spans


def _is_address(location: str) -> bool:
    """A street with a house number; deduce also reads "reed 3521" (km) as one."""
    return location[:1].isupper() and any(c.isdigit() for c in location)


def spans(text: str) -> list[Span]:
    found = []
    for annotation in instance().deidentify(text, disabled=set(_DISABLED)).annotations:
        start, end = int(annotation.start_char), int(annotation.end_char)
        if annotation.tag in ("persoon", "patient"):
            found += _names(text, start, end)
        elif annotation.tag == "locatie" and _is_address(text[start:end]):
            found.append((start, end, ADDRESS))
    return found
