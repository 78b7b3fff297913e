"""The only module that imports an HTML sanitizer.

nh3 (Rust's ammonia) replaces bleach, which was declared unmaintained in
June 2026; keeping it behind these two functions means a future swap touches
this file alone.
"""

import html
import re

import nh3

# Paragraphs, line breaks, lists, bold, italic and links: what the dialogue
# editor offers. Nothing else survives.
FORMATTING_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a"})
FORMATTING_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
_BLOCK_TAG = re.compile(r"<(p|ul|ol)[\s>]", re.I)
_PARAGRAPH_END = re.compile(r"</(p|ul|ol)\s*>", re.I)
_BREAK = re.compile(r"<br\s*/?>|</li\s*>", re.I)


def clean(markup: str) -> str:
    """Return `markup` reduced to the dialogue formatting subset, links made harmless."""
    return nh3.clean(
        markup,
        tags=set(FORMATTING_TAGS),
        attributes={tag: set(attrs) for tag, attrs in FORMATTING_ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def paragraphs(text: str) -> str:
    """Turn typed text into paragraphs: a blank line starts a new one, a newline is a break.

    Text that already carries block markup is left as it is.
    """
    if _BLOCK_TAG.search(text):
        return text
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join("<p>" + b.replace("\n", "<br>") + "</p>" for b in blocks)


def plain_text(markup: str) -> str:
    """Return `markup` as plain text (escape it when rendering); paragraphs stay apart."""
    markup = _BREAK.sub("\n", _PARAGRAPH_END.sub("\n\n", markup))
    text = html.unescape(nh3.clean(markup, tags=set(), strip_comments=True))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
