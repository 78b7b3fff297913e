"""Importing a real survey into a rating round, and computing and showing its results.

Loads all of Kieskompas 2023 (25,001 participants x 30 statements = 750,030
ratings, from ../shared/data/kieskompas) into a rating round of a fresh SQLite
database, then times the results computation and the results page as the
facilitator sees it. Prints progress to stderr and one JSON object on the last line.

    .venv/bin/python bench/ratings.py
"""

import contextvars
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KIESKOMPAS = ROOT.parent / "shared" / "data" / "kieskompas"
PASSWORD = "bench password, long enough"  # noqa: S105 - a throwaway database

from app import create_app  # noqa: E402
from app.auth import services as accounts  # noqa: E402
from app.extensions import db  # noqa: E402
from dialogues import importing, rating, services  # noqa: E402
from dialogues.models import Rating, RoundKind  # noqa: E402


def kieskompas_rows() -> tuple[list[dict], list[dict]]:
    """The statements, and the wide responses file turned into one row per rating."""
    with (KIESKOMPAS / "kieskompas2023_statements.csv").open(encoding="utf-8-sig") as handle:
        statements = [
            {"statement": r["nummer"], "text": r["stelling"]} for r in csv.DictReader(handle)
        ]
    keys = [s["statement"] for s in statements]
    with (KIESKOMPAS / "kieskompas2023_responses.csv").open(encoding="utf-8-sig") as handle:
        # Vote intention stands in for a professional role: a grouping to break results down by.
        ratings = [
            {
                "participant": row["participant"],
                "statement": key,
                "value": row[key],
                "role": row["vote_intention"],
            }
            for row in csv.DictReader(handle)
            for key in keys
        ]
    return statements, ratings


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s", file=sys.stderr)
    return seconds, result


def rating_round():
    facilitator = accounts.create_user("facilitator@bench.test", PASSWORD, "facilitator")
    dialogue = services.create_dialogue(facilitator, "Kieskompas 2023", "", [])
    round_ = services.add_round(facilitator, dialogue, "Stellingen", kind=RoundKind.RATING)
    db.session.commit()
    return facilitator, round_


def page_seconds(app, email: str, path: str) -> tuple[float | None, int]:
    """Median of three GETs as the facilitator; each request in its own context, like a server."""
    client = app.test_client()

    def get(*args, **kwargs):
        return contextvars.Context().run(client.open, *args, **kwargs)

    login = get("/login", method="POST", data={"email": email, "password": PASSWORD})
    if login.status_code != 302:
        sys.exit(f"logging in as the facilitator failed: HTTP {login.status_code}")
    times = []
    for _ in range(3):
        seconds, response = timed(path, lambda: get(path))
        if response.status_code != 200:
            print(f"{path}: HTTP {response.status_code}, not timed", file=sys.stderr)
            return None, response.status_code
        times.append(seconds)
    return statistics.median(times), 200


def main() -> None:
    if not KIESKOMPAS.is_dir():
        sys.exit(f"{KIESKOMPAS} is missing: this benchmark needs ../shared/data/kieskompas")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,  # the login is posted without a form page
                "SESSION_COOKIE_SECURE": False,  # the test client speaks plain http
            }
        )
        with app.app_context():
            figures = run(app)
            db.engine.dispose()
    print(json.dumps(figures))


def run(app) -> dict:
    db.create_all()
    facilitator, round_ = rating_round()
    convert_s, (statements, ratings) = timed("convert", kieskompas_rows)

    def import_all():
        report = importing.import_ratings(round_, ratings, statements)
        db.session.commit()
        return report

    import_s, report = timed("import", import_all)
    results = [timed("results", lambda: rating.results(round_))[0] for _ in range(3)]
    count = db.session.scalar(select(func.count()).select_from(Rating))
    email, round_id = facilitator.email, round_.id
    db.session.rollback()  # end the read transaction: SQLite's BEGIN IMMEDIATE holds the write lock
    page_s, status = page_seconds(app, email, f"/rounds/{round_id}/results")
    # Baseline: a page that reads no ratings, through the same login and middleware.
    dashboard_s, _ = page_seconds(app, email, "/dashboard")
    return {
        "machine_cores": os.cpu_count(),
        "ratings": count,
        "participants": report.participants,
        "skipped": report.skipped,
        "convert_s": round(convert_s, 2),
        "import_s": round(import_s, 2),
        "ratings_per_s": round(count / import_s),
        "results_s": round(statistics.median(results), 3),
        "results_page_s": None if page_s is None else round(page_s, 3),
        "results_page_status": status,
        "dashboard_page_s": None if dashboard_s is None else round(dashboard_s, 3),
    }


if __name__ == "__main__":
    main()
