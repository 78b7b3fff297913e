"""Learning from researchers: training data, cross-validation, model versions and the CLI."""

import json

import pytest
from sqlalchemy import func, select

from analysis import classifier, learning, segments, services
from analysis.models import CodedSegment, SegmentStatus, TrainedModel
from tests import factories

WAIT = [
    "Gezinnen staan maanden in de rij voor hulp.",
    "Pas na een half jaar komt er iemand van de jeugdzorg.",
    "Voor de ggz moet je eindeloos wachten.",
    "Ik wacht al een jaar op een intake bij de schuldhulp.",
    "Niemand kan op korte termijn helpen, alles zit vol.",
    "De aanmeldtermijn is zestien weken.",
]
GREEN = [
    "Het park is net opnieuw ingericht met veel bomen.",
    "Er komt meer groen op het plein.",
    "De bomen in de straat zijn gekapt.",
    "Bewoners planten geveltuinen langs de huizen.",
    "Het grasveld ligt vol zwerfvuil.",
    "In de groenstrook staan nieuwe bankjes.",
]


def _examples(tmp_path, monkeypatch):
    folder = tmp_path / "examples"
    folder.mkdir()
    lines = [
        {"text": text, "codes": [{"code": "kn_wachtlijst", "quote": text}]} for text in WAIT
    ] + [{"text": text, "codes": [{"code": "dom_wonen", "quote": text}]} for text in GREEN]
    (folder / "small.jsonl").write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8"
    )
    monkeypatch.setattr(learning, "EXAMPLES", folder)


def test_confidence_is_a_half_at_the_default_threshold_and_rises_above_it():
    assert classifier.confidence(classifier.DEFAULT_THRESHOLD) == 0.5
    assert classifier.confidence(4.0) > 0.8 > 0.2 > classifier.confidence(1.0)


def test_folds_keep_a_contribution_together():
    units = [classifier.Unit(("x",), frozenset(), group) for group in (1, 1, 2, 3, 3, 4, 5)]
    folds = classifier.folds(units, k=3)
    assert sorted(i for fold in folds for i in fold) == list(range(7))
    for fold in folds:
        groups = {units[i].group for i in fold}
        assert all(units[i].group in groups for i in range(7) if i in fold)
        assert not any(
            units[i].group in groups for other in folds if other is not fold for i in other
        )


def test_units_label_the_sentences_a_segment_covers():
    from analysis.nlp import CueMatcher

    text = "De wachtlijst is lang. Het park is mooi."
    [first, second] = learning.units([(7, text, [("kn_wachtlijst", 0, 22)])], CueMatcher({}))
    assert first.codes == {"kn_wachtlijst"} and second.codes == set()
    assert first.group == second.group == 7
    assert "wachtlijst" in first.features


def test_training_stores_a_versioned_model_that_codes_paraphrases(
    db, make_user, tmp_path, monkeypatch
):
    _examples(tmp_path, monkeypatch)
    researcher = make_user("researcher")
    model = learning.train(researcher)
    db.session.commit()
    assert model.number == 1
    assert (learning.models_dir() / "1" / "meta.json").exists()
    codes = model.metrics["codes"]
    assert set(codes) == {"kn_wachtlijst", "dom_wonen"}
    for entry in codes.values():
        assert entry["use"] in ("cue", "model", "both")
        assert set(entry["model"]) >= {"precision", "recall", "f1"}
    assert "knelpunt" in model.metrics["families"]
    engine = learning.current_engine()
    assert engine.model_number == 1 and engine.classifier is not None
    z = engine.classifier.z_scores([("wachten", "hulp"), ("schimmel", "woning")])
    assert abs(z.mean(axis=1)).max() < 1e-4 and z.shape == (2, 2)
    [found] = list(engine.suggest(["Mijn buurvrouw staat al maanden in de rij voor hulp."]))
    assert {s.code for s in found} >= (
        {"kn_wachtlijst"} if codes["kn_wachtlijst"]["use"] != "cue" else set()
    )
    assert learning.train(researcher).number == 2


def test_too_few_examples_is_a_clear_error(db, make_user, tmp_path, monkeypatch):
    monkeypatch.setattr(learning, "EXAMPLES", tmp_path)
    with pytest.raises(learning.InvalidInput):
        learning.train(make_user("researcher"))


def test_only_researchers_train(db, make_user):
    with pytest.raises(learning.NotAllowed):
        learning.train(make_user("moderator"))


def test_researchers_decisions_become_training_data(db, make_user):
    researcher = make_user("researcher")
    contribution = factories.approved_contribution(
        db, make_user, "De wachtlijst is lang. Het park is mooi."
    )
    services.code_pending(researcher)
    suggestion = db.session.scalar(
        select(CodedSegment).where(CodedSegment.code_key == "kn_wachtlijst")
    )
    segments.decide(researcher, suggestion, SegmentStatus.REJECTED)
    segments.add(researcher, contribution, "dom_wonen", 23, 39)
    [(group, text, spans)] = learning.researcher_documents()
    assert group == contribution.id and spans == [("dom_wonen", 23, 39)]


def test_a_new_model_recodes_but_keeps_decisions(db, make_user, tmp_path, monkeypatch):
    researcher = make_user("researcher")
    factories.approved_contribution(db, make_user, "De wachtlijst is lang.")
    assert services.code_pending(researcher) == 1
    suggestion = db.session.scalar(select(CodedSegment))
    segments.decide(researcher, suggestion, SegmentStatus.REJECTED)
    _examples(tmp_path, monkeypatch)
    learning.train(researcher)
    assert services.code_pending(researcher) == 1
    rows = db.session.scalars(
        select(CodedSegment).where(CodedSegment.code_key == "kn_wachtlijst")
    ).all()
    assert [(s.status, s.id) for s in rows] == [(SegmentStatus.REJECTED, suggestion.id)]
    assert db.session.scalar(select(func.count(TrainedModel.id))) == 1


def test_suggest_cli_answers_every_line_in_order(runner):
    lines = [{"id": n, "text": f"Zin {n}: de wachtlijst is lang."} for n in range(600)]
    lines.insert(3, {"id": "leeg", "text": ""})
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n"
    result = runner.invoke(args=["analysis", "suggest"], input=stdin)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["id"] for a in answers] == [line["id"] for line in lines]
    first = answers[0]["codes"][0]
    assert first["code"] == "kn_wachtlijst"
    assert lines[0]["text"][first["start"] : first["end"]] == lines[0]["text"]
    assert answers[3]["codes"] == []


def test_suggest_cli_names_a_malformed_line(runner):
    result = runner.invoke(args=["analysis", "suggest"], input='{"id": 1, "text": "x"}\n{nope\n')
    assert result.exit_code != 0
    assert "line 2" in result.output


def test_evaluate_cli_scores_per_family(runner, tmp_path):
    path = tmp_path / "coded.jsonl"
    items = [
        {"text": "De wachtlijst is lang.", "codes": [{"code": "kn_wachtlijst"}]},
        {"text": "Het weer is mooi.", "codes": [{"code": "dom_wonen"}]},
    ]
    path.write_text("\n".join(json.dumps(item) for item in items), encoding="utf-8")
    result = runner.invoke(args=["analysis", "evaluate", str(path)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["families"]["knelpunt"]["f1"] == 1.0
    assert scores["families"]["domein"]["recall"] == 0.0
    assert scores["overall"]["tp"] == 1 and scores["overall"]["fn"] == 1
