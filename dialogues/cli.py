"""`wijkstem dialogues ...`: bring in material gathered outside Wijkstem; `wijkstem retention`."""

import csv
from datetime import timedelta
from pathlib import Path
from typing import Optional

import click

from app.errors import WijkstemError
from app.extensions import db
from dialogues import importing, invitations, retention
from dialogues.models import Round

group = click.Group("dialogues", help="Dialogues and rating rounds.")
CSV_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@group.command("import-ratings")
@click.argument("round_id", type=int)
@click.argument("ratings_csv", type=CSV_FILE)
@click.option(
    "--statements",
    "statements_csv",
    type=CSV_FILE,
    help="CSV with columns statement,text: adds the statements the round lacks.",
)
@click.option("--replace", is_flag=True, help="Replace the ratings imported into the round before.")
def import_ratings(
    round_id: int, ratings_csv: Path, statements_csv: Optional[Path], replace: bool
) -> None:
    """Load a survey's ratings into a rating round.

    RATINGS_CSV has the columns participant, statement (the statement's key) and
    value (1-5; empty or NA for skipped), and optionally role and area (an area's name).
    """
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"There is no round {round_id}.")
    try:
        statements = _read_all(statements_csv) if statements_csv else None
        with ratings_csv.open(encoding="utf-8-sig", newline="") as handle:
            report = importing.import_ratings(
                round_, csv.DictReader(handle), statements, replace=replace
            )
        db.session.commit()
    except WijkstemError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    except (UnicodeDecodeError, csv.Error) as error:
        db.session.rollback()
        raise click.ClickException(f"Not a UTF-8 CSV file: {error}") from error
    click.echo(
        f"Imported {report.ratings} ratings from {report.participants} participants "
        f"into round {round_id}: {report.skipped} skipped, "
        f"{report.statements_created} new statement(s)."
    )


def _read_all(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@group.command("send-reminders")
@click.option("--hours", default=48, show_default=True, help="Remind for rounds closing this soon.")
@click.option("--base-url", required=True, help="Where participants reach Wijkstem, for the link.")
def send_reminders(hours: int, base_url: str) -> None:
    """Remind participants who have not taken part in a round that closes soon (run from cron)."""
    for round_ in invitations.rounds_closing_within(timedelta(hours=hours)):
        link = f"{base_url.rstrip('/')}/dialogues/{round_.dialogue_id}"
        reminded, sent = invitations.send_reminders(round_.dialogue.facilitator, round_, link)
        db.session.commit()
        click.echo(f"Round {round_.id}: {reminded} reminded, {sent} by e-mail.")


retention_group = click.Group("retention", help="Personal data past its retention date.")


@retention_group.command("apply")
@click.option("--dry-run", is_flag=True, help="Show what would be removed; change nothing.")
@click.option(
    "--today",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as on this day (YYYY-MM-DD) instead of today.",
)
def apply_retention(dry_run: bool, day) -> None:
    """Remove the personal data of dialogues and intake sessions past their date (run daily).

    Contributions, stories and ratings stay, anonymised. Each dialogue and
    session is cleared once; a second run finds nothing to do.
    """
    report = retention.apply(day.date() if day else retention.today(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in _report_lines(report):
        click.echo(line)


def _report_lines(report: retention.Report) -> list[str]:
    verb = "Would clear" if report.dry_run else "Cleared"
    lines = [f'{verb} {c.kind} {c.id} "{c.name}": {_removed(c)}.' for c in report.cleared]
    lines += [
        f'Skipped dialogue {d.id} "{d.title}": past its retention date '
        f"({retention.until(d).isoformat()}), but a round is still open or to come."
        for d in report.running
    ]
    if not report.cleared:
        lines.append(
            f"Nothing to clear on {report.day.isoformat()}: nothing past its retention date "
            "still holds personal data."
        )
    if report.dry_run:
        lines.append("Dry run: nothing was changed.")
    return lines


def _removed(clearing: retention.Clearing) -> str:
    if clearing.kind == "dialogue":
        return f"{clearing.invitations} invitation(s), {clearing.accounts} participant account(s)"
    found = (("the note", clearing.note), ("the PIN", clearing.pin))
    parts = [part for part, present in found if present]
    return (" and ".join(parts) or "no note or PIN") + "; session closed"
