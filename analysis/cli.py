"""`wijkstem analysis ...`: machine-readable JSON lines in and out, progress bars for people."""

import io
import json
import os
import sys
from typing import BinaryIO, Iterator

import click

from analysis import codebook, evaluation, learning, services
from app.extensions import db
from app.models import Role, User

group = click.Group("analysis", help="Codebook, auto-coding and learning from researchers.")
SUGGEST_BATCH = 256


@group.command("code")
def code() -> None:
    """Auto-code all approved contributions not yet coded with the current versions."""
    engine = learning.current_engine()
    todo = len(services.uncoded(engine.codebook_number, engine.model_number))
    with click.progressbar(length=todo, label="Coding", file=sys.stderr) as bar:
        done = services.code_pending(None, progress=bar.update, commit=db.session.commit)
    db.session.commit()
    click.echo(f"Coded {done} contributions.")


def _chunks(stream: BinaryIO) -> Iterator[list[bytes]]:
    """Lines in batches as they arrive; a lone line is not held back waiting for more."""
    try:
        fd = stream.fileno()
    except (AttributeError, io.UnsupportedOperation):
        lines = stream.read().split(b"\n")
        for start in range(0, len(lines), SUGGEST_BATCH):
            yield lines[start : start + SUGGEST_BATCH]
        return
    pending = b""
    while chunk := os.read(fd, 1 << 16):
        *complete, pending = (pending + chunk).split(b"\n")
        for start in range(0, len(complete), SUGGEST_BATCH):
            yield complete[start : start + SUGGEST_BATCH]
    yield [pending]


@group.command("suggest")
def suggest() -> None:
    """Read JSON lines {"id", "text"} on stdin; write {"id", "codes": [...]} per line, in order."""
    engine = learning.current_engine()
    db.session.commit()
    number = 0
    for lines in _chunks(sys.stdin.buffer):
        items = []
        for line in lines:
            number += 1
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                items.append((item.get("id"), str(item["text"])))
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise click.ClickException(
                    f'line {number}: expected {{"id", "text"}}: {error}'
                ) from error
        for (item_id, _), found in zip(items, engine.suggest(t for _, t in items), strict=True):
            codes = [
                {"code": s.code, "start": s.start, "end": s.end, "confidence": s.confidence}
                for s in found
            ]
            click.echo(json.dumps({"id": item_id, "codes": codes}, ensure_ascii=False))
        sys.stdout.flush()


@group.command("prepare")
def prepare() -> None:
    """Train the base model on the shipped examples, so the first coding run need not wait."""
    engine = learning.current_engine()
    db.session.commit()
    click.echo(f"Auto-coding is ready (model {engine.model_number or 'base'}).")


@group.command("train")
@click.option("--as", "email", required=True, help="E-mail address of the researcher training it.")
def train(email: str) -> None:
    """Train a new model version on the shipped examples and researchers' decisions."""
    user = db.session.query(User).filter_by(email=email.lower()).one_or_none()
    if user is None or not user.has_role(Role.RESEARCHER):
        raise click.ClickException(f"{email} is not a researcher.")
    model = learning.train(user)
    db.session.commit()
    click.echo(f"Model {model.number}: {model.examples} sentences.")
    click.echo(evaluation.families_table(model.metrics))


@group.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def evaluate(path: str) -> None:
    """Score the current auto-coding against a hand-coded JSON-lines file ({"text", "codes"}).

    Prints precision, recall and F1 per family, at contribution level.
    """
    engine = learning.current_engine()
    version = codebook.ensure_current()
    db.session.commit()
    try:
        items = evaluation.read_coded(path)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    scores = evaluation.score(engine, items, {c.key: c.family for c in version.codes})
    click.echo(json.dumps(scores, ensure_ascii=False))
