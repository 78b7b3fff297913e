"""The analysis start page and the page that trains and shows the model."""

import json

import pytest

from analysis import learning
from analysis.models import TrainedModel

pytestmark = pytest.mark.usefixtures("english")


def test_start_page_links_every_part_of_the_analysis(client, make_user, login):
    login(make_user("researcher"))
    page = client.get("/analysis/").get_data(as_text=True)
    for path in (
        "/analysis/coding",
        "/analysis/codebook/",
        "/analysis/dashboard",
        "/analysis/agreement",
        "/analysis/themes",
        "/analysis/models",
    ):
        assert f'href="{path}"' in page


def test_models_page_says_when_only_cues_are_used(client, make_user, login):
    login(make_user("researcher"))
    page = client.get("/analysis/models").get_data(as_text=True)
    assert "No model yet" in page


def test_training_from_the_page_shows_scores_per_code(
    client, db, make_user, login, tmp_path, monkeypatch
):
    folder = tmp_path / "examples"
    folder.mkdir()
    texts = {
        "kn_wachtlijst": [
            f"Wij wachten al {n} maanden op hulp van de jeugdzorg." for n in range(8)
        ],
        "dom_wonen": [f"De woning heeft schimmel in kamer {n}." for n in range(8)],
    }
    lines = [
        json.dumps({"text": text, "codes": [{"code": code, "quote": text}]})
        for code, items in texts.items()
        for text in items
    ]
    (folder / "few.jsonl").write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(learning, "EXAMPLES", folder)
    login(make_user("researcher"))
    response = client.post("/analysis/models", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Model 1 trained on 16 sentences" in page
    assert "<code>kn_wachtlijst</code>" in page and "How well it codes" in page
    assert db.session.query(TrainedModel).count() == 1


def test_professionals_cannot_train(client, make_user, login):
    login(make_user("professional"))
    assert client.post("/analysis/models").status_code == 403
    assert client.get("/analysis/models").status_code == 403
