"""Flags: reasons to hold a text for a moderator whatever the dialogue's mode. Pure: no Flask.

A flag is a hint, not a verdict: the moderator sees the reasons and decides.
"""

import functools
import re
from pathlib import Path

WORDLISTS = Path(__file__).with_name("wordlists")
ABUSE, LINKS, CAPS, REPEATED, SHORT, LONG = (
    "abuse",
    "many_links",
    "all_caps",
    "repeated_text",
    "very_short",
    "very_long",
)
ALL = (ABUSE, LINKS, CAPS, REPEATED, SHORT, LONG)
MAX_LINKS = 3
MIN_WORDS, MAX_CHARS = 3, 5000
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_LINK = re.compile(r"https?://|www\.", re.I)


@functools.cache
def wordlist(language: str) -> frozenset[str]:
    path = WORDLISTS / f"{language}.txt"
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def _abusive(words: list[str], language: str) -> bool:
    listed = wordlist("nl") | wordlist("en") | wordlist(language)
    return any(word in listed for word in words)


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.7


def _repeated(text: str, words: list[str]) -> bool:
    """The same character eight times running, or the text mostly one repeated word or line."""
    if re.search(r"(.)\1{7,}", text):
        return True
    lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
    if len(lines) >= 3 and len(set(lines)) <= len(lines) / 2:
        return True
    return len(words) >= 8 and max(words.count(w) for w in set(words)) / len(words) > 0.5


def flags(text: str, language: str = "nl") -> list[str]:
    """The reasons, if any, to hold `text` (plain text) for moderation."""
    words = [w.lower() for w in _WORD.findall(text)]
    found = []
    if _abusive(words, language):
        found.append(ABUSE)
    if len(_LINK.findall(text)) >= MAX_LINKS:
        found.append(LINKS)
    if _shouting(text):
        found.append(CAPS)
    if _repeated(text, words):
        found.append(REPEATED)
    if len(words) < MIN_WORDS:
        found.append(SHORT)
    if len(text) > MAX_CHARS:
        found.append(LONG)
    return found
