"""`wijkstem analysis ...`: machine-readable JSON lines in and out, progress bars for people."""

import json
import sys

import click

from analysis import codebook, coding, services
from app.extensions import db

group = click.Group("analysis", help="Codebook and auto-coding.")


@group.command("code")
def code() -> None:
    """Auto-code all approved contributions not yet coded with the current codebook."""
    todo = len(services.uncoded(codebook.ensure_current().number))
    with click.progressbar(length=todo, label="Coding", file=sys.stderr) as bar:
        done = services.code_pending(None, progress=bar.update, commit=db.session.commit)
    db.session.commit()
    click.echo(f"Coded {done} contributions.")


@group.command("suggest")
def suggest() -> None:
    """Read JSON lines {"id", "text"} on stdin; write {"id", "codes": [...]} per line, in order."""
    version = codebook.ensure_current()
    db.session.commit()
    cues = {c.key: c.cues for c in version.codes}
    for line_number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = str(item["text"])
        except (ValueError, KeyError, TypeError) as error:
            raise click.ClickException(
                f'line {line_number}: expected {{"id", "text"}}: {error}'
            ) from error
        found = next(coding.suggest([text], cues))
        codes = [
            {"code": s.code, "start": s.start, "end": s.end, "confidence": s.confidence}
            for s in found
        ]
        click.echo(json.dumps({"id": item.get("id"), "codes": codes}, ensure_ascii=False))
