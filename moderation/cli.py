"""`wijkstem pii ...`: screening for machines, JSON lines in and out.

This is how the screening is evaluated on outside data, so the work is the
same pure `screening.screen` the app runs; nothing is stored.
"""

import json
import sys

import click

from moderation import screening

group = click.Group("pii", help="Find and redact personal data.")


def _item(line: str, line_number: int) -> tuple[object, str, str]:
    """The id, text and language of one input line, or an error naming the line."""
    try:
        item = json.loads(line)
        text, language = item["text"], item.get("language") or "nl"
        if not isinstance(text, str) or not isinstance(language, str):
            raise TypeError("text and language must be strings")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise click.ClickException(
            f'line {line_number}: expected {{"id", "text", "language"?}}: {error}'
        ) from error
    return item.get("id"), text, language


@group.command("prepare")
def prepare() -> None:
    """Build deduce's lookup structures and load the name lists (about a minute the first time)."""
    screening.prepare()
    click.echo("Personal-data screening is ready.")


@group.command("scan")
def scan() -> None:
    """Read JSON lines {"id", "text", "language"?} on stdin; write one result per line, in order.

    Each result is {"id", "findings": [{"start", "end", "label", "text"}], "redacted"},
    with offsets into the cleaned plain text.
    """
    for line_number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        item_id, text, language = _item(line, line_number)
        result = screening.screen(text, language)
        findings = [
            {
                "start": f.start,
                "end": f.end,
                "label": f.label,
                "text": result.cleaned[f.start : f.end],
            }
            for f in result.findings
        ]
        record = {"id": item_id, "findings": findings, "redacted": result.redacted}
        click.echo(json.dumps(record, ensure_ascii=False))
