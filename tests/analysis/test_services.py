import csv
import io

from sqlalchemy import func, select

from analysis import services
from analysis.models import CodedSegment, CodingPass
from dialogues import services as capture
from tests import factories


def test_code_pending_codes_once_and_keeps_decisions(db, make_user):
    researcher = make_user("researcher")
    contribution = factories.approved_contribution(
        db, make_user, "De wachtlijst voor jeugdzorg is veel te lang."
    )
    assert services.code_pending(researcher) == 1
    segment = db.session.scalar(
        select(CodedSegment).where(CodedSegment.code_key == "kn_wachtlijst")
    )
    assert contribution.body[segment.start : segment.end] == contribution.body
    segment.status = "accepted"
    assert services.code_pending(researcher) == 0
    assert segment.status == "accepted"
    count = db.session.scalar(select(func.count(CodedSegment.id)))
    assert services.code_pending(researcher) == 0
    assert db.session.scalar(select(func.count(CodedSegment.id))) == count


def test_a_long_run_commits_after_every_batch(db, make_user, monkeypatch):
    researcher = make_user("researcher")
    for text in ("De wachtlijst is lang.", "Geen vertrouwen.", "De wachtlijst groeit."):
        factories.approved_contribution(db, make_user, text)
    monkeypatch.setattr(services, "BATCH", 1)
    passes_at_commit = []

    def commit():
        passes_at_commit.append(db.session.scalar(select(func.count(CodingPass.id))))

    assert services.code_pending(researcher, commit=commit) == 3
    assert passes_at_commit == [0, 1, 2, 3]


def test_pending_contributions_are_not_coded(db, make_user):
    facilitator, author = make_user("facilitator"), make_user("professional")
    _, prompt = factories.open_dialogue(db, facilitator)
    capture.post_contribution(author, prompt, "De wachtlijst is lang.")
    assert services.code_pending(make_user("researcher")) == 0


def test_export_is_pseudonymous(db, make_user, app):
    contribution = factories.approved_contribution(
        db, make_user, "Er is geen vertrouwen meer in de gemeente, wachtlijst."
    )
    researcher = make_user("researcher")
    services.code_pending(researcher)
    rows = list(csv.DictReader(io.StringIO(services.export_csv(researcher, "secret"))))
    assert rows
    assert {row["contribution_id"] for row in rows} == {str(contribution.id)}
    assert rows[0]["author"].startswith("p-")
    author = contribution.author
    flat = repr(rows)
    assert author.email not in flat and author.pseudonym not in flat
    assert rows[0]["prompt"] == "Waar loopt u tegenaan?"


def test_csv_cells_cannot_become_formulas(db, make_user):
    factories.approved_contribution(db, make_user, '=HYPERLINK("x") de wachtlijst is lang')
    researcher = make_user("researcher")
    services.code_pending(researcher)
    rows = list(csv.DictReader(io.StringIO(services.export_csv(researcher, "secret"))))
    assert rows[0]["text"].startswith("'=")
