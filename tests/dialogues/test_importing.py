"""Importing a survey's ratings into a rating round, through the CLI and the service.

Messages are translated (Dutch by default), so the checks look for the line
number and the offending cell in them, not for their wording.
"""

import csv
import re
from collections import Counter
from itertools import islice

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput
from app.models import AuditEvent
from dialogues import importing, rating, services
from dialogues.models import Rating, RoundKind, Statement
from tests import factories
from tests.conftest import SHARED

KIESKOMPAS = SHARED / "data" / "kieskompas"

STATEMENTS_CSV = """statement,text
A,Deze tekst vervangt de bestaande stelling niet
B,Jongerenwerk hoort 's avonds open te zijn
"""

# Line 1 is the header. p1-p6 rate B: 4, 4.0, 5, 2, skipped (empty), skipped (NA).
RATINGS_CSV = """participant,statement,value,role,area
p1,A,3,wijkagent,Utrecht Overvecht
p1,B,4,wijkagent,Utrecht Overvecht
p2,A,5,wijkagent,
p2,B,4.0,wijkagent,
p3,A,,jongerenwerker,Utrecht Overvecht
p3,B,5,jongerenwerker,Utrecht Overvecht
p4,B,2,,
p5,B,,,
p6,B,NA,huisarts,
"""


def _rating_round(db, facilitator):
    """A rating round with one statement of its own, key A."""
    dialogue = services.create_dialogue(facilitator, "Wat werkt?", "", [factories.area(db)])
    round_ = services.add_round(facilitator, dialogue, "Stellingen", kind=RoundKind.RATING)
    rating.add_statement(facilitator, round_, "Buurtteams kennen de bewoners", key="A")
    db.session.commit()
    return round_


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import(runner, round_, ratings, *options):
    return runner.invoke(args=["dialogues", "import-ratings", str(round_.id), ratings, *options])


def _ratings(db, round_, prefix="import:"):
    query = (
        select(Rating)
        .join(Statement)
        .where(Statement.round_id == round_.id, Rating.participant_key.startswith(prefix))
    )
    return list(db.session.scalars(query))


def test_cli_imports_statements_and_ratings(db, runner, make_user, tmp_path):
    round_ = _rating_round(db, make_user("facilitator"))
    statements = _write(tmp_path / "statements.csv", STATEMENTS_CSV)
    result = _import(
        runner, round_, _write(tmp_path / "r.csv", RATINGS_CSV), "--statements", statements
    )
    assert result.exit_code == 0, result.output
    assert "Imported 9 ratings from 6 participants" in result.output
    assert "3 skipped, 1 new statement" in result.output

    a, b = round_.statements
    assert (a.key, a.text) == ("A", "Buurtteams kennen de bewoners")
    assert (b.key, b.position, b.text) == ("B", 2, "Jongerenwerk hoort 's avonds open te zijn")
    found = {(r.participant_key, r.statement_id): r for r in _ratings(db, round_)}
    assert len(found) == 9 and all(r.user_id is None for r in found.values())
    p1 = found[("import:p1", b.id)]
    assert (p1.value, p1.role, p1.area_id) == (4, "wijkagent", factories.area(db).id)
    assert found[("import:p4", b.id)].role is None and found[("import:p2", b.id)].area_id is None

    summary = {r.statement.key: r for r in rating.results(round_)}["B"].overall
    assert summary.distribution == (0, 1, 0, 2, 1) and summary.skipped == 2
    event = db.session.scalar(select(AuditEvent).filter_by(action="dialogue.import_ratings"))
    assert event.object_id == str(round_.id) and event.details["ratings"] == 9


@pytest.mark.parametrize(
    ("bad_row", "cell"),
    [
        ("p9,A,7,wijkagent,", "7"),
        ("p9,A,veel,wijkagent,", "veel"),
        ("p9,A,4.5,wijkagent,", "4.5"),
        ("p9,Z,4,wijkagent,", "Z"),
        ("p9,A,4,wijkagent,Nergenshuizen", "Nergenshuizen"),
        ("p1,B,4,wijkagent,", "p1"),  # p1 rated B on line 3 already
    ],
)
def test_a_bad_row_names_its_line_and_nothing_is_written(
    db, runner, make_user, tmp_path, bad_row, cell
):
    round_ = _rating_round(db, make_user("facilitator"))
    statements = _write(tmp_path / "statements.csv", STATEMENTS_CSV)
    text = RATINGS_CSV.replace("p6,B,NA,huisarts,\n", bad_row + "\n")  # line 10
    result = _import(runner, round_, _write(tmp_path / "r.csv", text), "--statements", statements)
    assert result.exit_code == 1
    assert re.search(r"\b10\b", result.output) and cell in result.output, result.output
    assert _ratings(db, round_) == []
    assert [s.key for s in round_.statements] == ["A"]  # B was not created either


def test_reimport_needs_replace_and_keeps_the_ratings_of_users(db, runner, make_user, tmp_path):
    facilitator, professional = make_user("facilitator"), make_user("professional")
    round_ = _rating_round(db, facilitator)
    round_.dialogue.visibility = "all"  # every professional may rate: no invitation needed here
    services.advance_dialogue(facilitator, round_.dialogue)
    rating.rate(professional, round_.statements[0], 4)
    db.session.commit()
    first = _write(tmp_path / "first.csv", "participant,statement,value\nx1,A,1\nx2,A,2\nx3,A,3\n")
    assert _import(runner, round_, first).exit_code == 0

    second = _write(tmp_path / "second.csv", "participant,statement,value\ny1,A,5\ny2,A,5\n")
    refused = _import(runner, round_, second)
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert sorted(r.participant_key for r in _ratings(db, round_)) == [
        "import:x1",
        "import:x2",
        "import:x3",
    ]

    replaced = _import(runner, round_, second, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert sorted((r.participant_key, r.value) for r in _ratings(db, round_)) == [
        ("import:y1", 5),
        ("import:y2", 5),
    ]
    kept = _ratings(db, round_, prefix="user:")
    assert [(r.user_id, r.value) for r in kept] == [(professional.id, 4)]
    assert rating.results(round_)[0].overall.distribution == (0, 0, 0, 1, 2)


def test_service_refuses_a_round_without_ratings_and_an_empty_file(db, make_user):
    facilitator = make_user("facilitator")
    dialogue = services.create_dialogue(facilitator, "Open", "", [])
    open_round = services.add_round(facilitator, dialogue, "Vragen")
    with pytest.raises(InvalidInput):
        importing.import_ratings(open_round, [{"participant": "1", "statement": "A", "value": "4"}])
    with pytest.raises(InvalidInput, match="value"):
        importing.import_ratings(
            _rating_round(db, facilitator), [{"participant": "1", "statement": "A"}]
        )
    with pytest.raises(InvalidInput):
        importing.import_ratings(_rating_round(db, facilitator), [])


def test_spreadsheet_spellings_of_values_are_accepted(db, make_user):
    round_ = _rating_round(db, make_user("facilitator"))
    cells = ["4", "4.0", " 4 ", "4,0", "", "NA", "nan", "NaN", "na"]
    rows = [{"participant": str(i), "statement": "A", "value": v} for i, v in enumerate(cells)]
    report = importing.import_ratings(round_, rows)
    assert (report.ratings, report.participants, report.skipped) == (9, 9, 5)
    assert sorted(r.value or 0 for r in _ratings(db, round_)) == [0] * 5 + [4] * 4


def _kieskompas_rows(participants: int):
    """The wide Kieskompas file (one column per statement) as long rows, plus its statements."""
    with (KIESKOMPAS / "kieskompas2023_statements.csv").open(encoding="utf-8-sig") as handle:
        statements = [
            {"statement": r["nummer"], "text": r["stelling"]} for r in csv.DictReader(handle)
        ]
    keys = [s["statement"] for s in statements]
    with (KIESKOMPAS / "kieskompas2023_responses.csv").open(encoding="utf-8-sig") as handle:
        wide = list(islice(csv.DictReader(handle), participants))
    # Vote intention stands in for a professional role: a grouping to break results down by.
    long = [
        {
            "participant": row["participant"],
            "statement": key,
            "value": row[key],
            "role": row["vote_intention"],
        }
        for row in wide
        for key in keys
    ]
    return statements, wide, long


def test_kieskompas_sample_imports_with_the_distribution_of_the_file(db, make_user):
    if not KIESKOMPAS.is_dir():
        pytest.skip(
            f"../shared/data/kieskompas is not here: no real survey to import ({KIESKOMPAS})"
        )
    round_ = _rating_round(db, make_user("facilitator"))
    statements, wide, long = _kieskompas_rows(2_000)
    report = importing.import_ratings(round_, long, statements)
    db.session.commit()

    empty = sum(1 for row in long if not row["value"].strip())
    assert (report.statements_created, report.ratings) == (30, 60_000)
    assert (report.participants, report.skipped) == (2_000, empty)
    assert len(_ratings(db, round_)) == 60_000
    answered = [row for row in wide if row["S01"].strip()]
    expected = Counter(int(float(row["S01"])) for row in answered)
    result = {r.statement.key: r for r in rating.results(round_)}["S01"]
    assert result.overall.distribution == tuple(expected[v] for v in range(1, 6))
    assert result.overall.skipped == len(wide) - len(answered)
    pvv = Counter(int(float(row["S01"])) for row in answered if row["vote_intention"] == "pvv")
    assert result.by_role["pvv"].distribution == tuple(pvv[v] for v in range(1, 6))
    count = select(func.count()).select_from(Statement).where(Statement.round_id == round_.id)
    assert db.session.scalar(count) == 31  # A plus the 30 Kieskompas statements
