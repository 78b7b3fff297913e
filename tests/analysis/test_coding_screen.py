"""The coding queue and screen over HTTP: filters, decisions, own codes, memos and blind mode."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select

from analysis import codebook, coding_views, segments, services
from analysis.models import (
    AgreementAssignment,
    AgreementSample,
    CodedSegment,
    CodingPass,
    ContributionMemo,
)
from app.extensions import db
from dialogues import intake
from dialogues import services as capture
from moderation import services as moderation
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

JSON = {"Accept": "application/json"}


@pytest.fixture
def world(db, make_user):
    """A dialogue and an intake session with approved, pending and coded contributions."""
    facilitator, author = make_user("facilitator"), make_user("professional")
    moderator, researcher = make_user("moderator"), make_user("researcher")
    _, prompt = factories.open_dialogue(db, facilitator)
    delft = factories.area(db, "Delft West", "Delft")

    def post(text, area=None, approve=True):
        contribution = capture.post_contribution(author, prompt, text, area)
        if approve:
            moderation.approve(moderator, contribution)
        db.session.commit()
        return contribution

    session = factories.intake_session(db, facilitator)
    story, _ = intake.record_story(
        facilitator, session, "Het buurthuis is dicht, nergens kunnen we heen.", consent=True
    )
    moderation.approve(moderator, story)
    world = SimpleNamespace(
        researcher=researcher,
        prompt=prompt,
        delft=delft,
        waiting=post("De wachtlijst voor jeugdzorg is veel te lang."),
        distrust=post("Er is geen vertrouwen meer in de gemeente.", area=delft),
        pending=post("De wachtlijst is lang.", approve=False),
        done=post("De wachtlijst bij de huisarts groeit."),
        story=story,
        emoji=post("Café 🏠 wachtlijst, echt waar."),
    )
    services.code_pending(researcher)
    db.session.commit()
    decided = _segments(world.done)[0]
    segments.decide(researcher, decided, "accepted")
    db.session.commit()
    return world


def _segments(contribution, **where):
    query = select(CodedSegment).where(CodedSegment.contribution_id == contribution.id)
    for name, value in where.items():
        query = query.where(getattr(CodedSegment, name) == value)
    return list(db.session.scalars(query.order_by(CodedSegment.id)))


def _reload(segment_id: int):
    """The segment as the requests left it, not as this test's session remembers it."""
    db.session.expire_all()
    return db.session.get(CodedSegment, segment_id)


def _listed(response) -> set[int]:
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return {int(i) for i in re.findall(r'href="/analysis/coding/(\d+)[?"]', html)}


def test_queue_lists_only_undecided_approved_contributions_and_filters(client, login, world):
    login(world.researcher)
    w = world
    assert _listed(client.get("/analysis/coding")) == {
        w.waiting.id,
        w.distrust.id,
        w.story.id,
        w.emoji.id,
    }
    assert _listed(client.get("/analysis/coding?channel=intake")) == {w.story.id}
    assert _listed(client.get(f"/analysis/coding?area={w.delft.id}")) == {w.distrust.id}
    assert _listed(client.get(f"/analysis/coding?round={w.prompt.round_id}")) == {
        w.waiting.id,
        w.distrust.id,
        w.emoji.id,
    }
    assert _listed(client.get("/analysis/coding?code=kn_wachtlijst")) == {w.waiting.id, w.emoji.id}
    assert w.done.id in _listed(client.get("/analysis/coding?done=1"))

    html = client.get("/analysis/coding?code=kn_wachtlijst&channel=dialogue").get_data(as_text=True)
    link = f"/analysis/coding/{w.waiting.id}?channel=dialogue&amp;code=kn_wachtlijst"
    assert link in html
    assert "1 suggestion waiting" in html


def test_queue_pages_hold_25(client, login, world, monkeypatch):
    monkeypatch.setattr(segments, "QUEUE_PAGE", 2)
    login(world.researcher)
    first, second = client.get("/analysis/coding"), client.get("/analysis/coding?page=2")
    assert len(_listed(first)) == 2 and len(_listed(second)) == 2
    assert _listed(first).isdisjoint(_listed(second))
    assert 'href="/analysis/coding?page=2"' in first.get_data(as_text=True)


def test_screen_shows_suggestions_with_their_text_and_context(client, login, world, app):
    login(world.researcher)
    html = client.get(f"/analysis/coding/{world.waiting.id}").get_data(as_text=True)
    [suggestion] = _segments(world.waiting, code_key="kn_wachtlijst")
    body = world.waiting.body
    assert f'id="segment-{suggestion.id}"' in html and "segment--suggested" in html
    assert f'<blockquote class="segment__quote">{body[suggestion.start : suggestion.end]}' in html
    assert re.search(rf'<mark [^>]*data-segments="([0-9 ]* )?{suggestion.id}[ "]', html)
    assert "Waar loopt u tegenaan?" in html and "Ronde 1" in html
    assert services.pseudonym(world.waiting.author_id, app.config["SECRET_KEY"]) in html
    assert world.waiting.author.email not in html
    story = client.get(f"/analysis/coding/{world.story.id}").get_data(as_text=True)
    assert "Buurthuis De Linde" in story


def test_accept_with_a_form_and_reject_with_json(client, login, world):
    login(world.researcher)
    [suggestion] = _segments(world.waiting, code_key="kn_wachtlijst")
    response = client.post(
        f"/analysis/segments/{suggestion.id}/decision?code=kn_wachtlijst",
        data={"decision": "accepted"},
    )
    assert response.status_code == 302
    assert response.location.endswith(
        f"/analysis/coding/{world.waiting.id}?code=kn_wachtlijst#segment-{suggestion.id}"
    )
    assert _reload(suggestion.id).status == "accepted"

    response = client.post(
        f"/analysis/segments/{suggestion.id}/decision", json={"decision": "rejected"}, headers=JSON
    )
    assert response.json["ok"] is True and response.json["segment"]["status"] == "rejected"
    stored = _reload(suggestion.id)
    assert stored.status == "rejected" and stored.coder_id == world.researcher.id

    bad = client.post(
        f"/analysis/segments/{suggestion.id}/decision", json={"decision": "maybe"}, headers=JSON
    )
    assert bad.status_code == 400 and bad.json["message"] == "Accept or reject a suggestion."


def test_adding_a_code_stores_code_point_offsets(client, login, world):
    login(world.researcher)
    body = world.emoji.body
    assert "🏠" in body and "é" in body
    start = body.index("wachtlijst")
    response = client.post(
        f"/analysis/coding/{world.emoji.id}/segments",
        json={"code": "kn_wachtlijst", "start": start, "end": start + len("wachtlijst")},
        headers=JSON,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    added = db.session.get(CodedSegment, response.json["segment"]["id"])
    assert body[added.start : added.end] == "wachtlijst" == response.json["segment"]["text"]
    assert (added.source, added.status, added.sample_id) == ("human", "accepted", None)

    café = body.index("Café")
    response = client.post(
        f"/analysis/coding/{world.emoji.id}/segments",
        data={"code": "dom_samenleven", "span": f"{café}-{café + 6}", "memo": " mijn huis "},
    )
    assert response.status_code == 302
    [mine] = _segments(world.emoji, code_key="dom_samenleven")
    assert body[mine.start : mine.end] == "Café 🏠" and mine.memo == "mijn huis"


def test_a_bad_span_or_code_explains_itself(client, login, world):
    login(world.researcher)
    url = f"/analysis/coding/{world.waiting.id}/segments"
    response = client.post(url, data={"code": "kn_wachtlijst", "span": ""})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Select some text of the contribution first." in page
    response = client.post(url, json={"code": "nope", "start": 0, "end": 3}, headers=JSON)
    assert response.status_code == 400 and "nope" in response.json["message"]
    response = client.post(url, json={"code": "", "start": 0, "end": 3}, headers=JSON)
    assert response.status_code == 400 and response.json["message"] == "Choose a code first."


def test_adjusting_a_span_and_removing_an_own_code(client, login, world):
    login(world.researcher)
    [suggestion] = _segments(world.waiting, code_key="kn_wachtlijst")
    body = world.waiting.body
    start = body.index("wachtlijst")
    response = client.post(
        f"/analysis/segments/{suggestion.id}/span",
        json={"start": start, "end": start + len("wachtlijst")},
        headers=JSON,
    )
    assert response.json["segment"]["text"] == "wachtlijst"
    moved = _reload(suggestion.id)
    assert (moved.start, moved.status) == (start, "accepted")

    own = segments.add(world.researcher, world.waiting, "dom_jeugd", 0, 2).id
    db.session.commit()
    response = client.post(f"/analysis/segments/{own}/delete", headers=JSON)
    assert response.json == {"ok": True, "message": "Code removed.", "removed": own}
    assert _reload(own) is None


def test_word_and_sentence_buttons_offer_spans_inside_the_text():
    body = "Eén zin hier. De wachtlijst is lang, echt."
    start = body.index("wachtlijst")
    offered = {
        label: (s, e)
        for label, s, e in coding_views.nudges(body, start, start + 10, [(0, 13), (14, 42)])
    }
    assert body[slice(*offered["Start one word earlier"])] == "De wachtlijst"
    assert body[slice(*offered["End one word later"])] == "wachtlijst is"
    assert body[slice(*offered["Whole sentence"])] == "De wachtlijst is lang, echt."
    assert "Start one word later" not in offered


def test_overlapping_codes_become_pieces_with_every_segment_over_them():
    body = "abcdefghij"
    one = CodedSegment(id=1, start=0, end=6, status="suggested", code_key="a")
    two = CodedSegment(id=2, start=4, end=10, status="accepted", code_key="b")
    gone = CodedSegment(id=3, start=1, end=2, status="rejected", code_key="c")
    cut = [
        (p.start, p.text, [s.id for s in p.segments])
        for p in coding_views.pieces(body, [one, two, gone])
    ]
    assert cut == [(0, "abcd", [1]), (4, "ef", [1, 2]), (6, "ghij", [2])]


def test_a_rejected_suggestion_stays_rejected_when_coding_runs_again(client, login, world):
    login(world.researcher)
    [suggestion] = _segments(world.waiting, code_key="kn_wachtlijst")
    client.post(f"/analysis/segments/{suggestion.id}/decision", data={"decision": "rejected"})
    db.session.execute(delete(CodingPass).where(CodingPass.contribution_id == world.waiting.id))
    db.session.commit()
    assert services.code_pending(world.researcher) == 1
    db.session.expire_all()
    found = _segments(world.waiting, code_key="kn_wachtlijst")
    assert [(s.id, s.status) for s in found] == [(suggestion.id, "rejected")]


def test_memos_are_saved_and_save_and_next_stays_in_the_filtered_queue(client, login, world):
    login(world.researcher)
    [suggestion] = _segments(world.waiting, code_key="kn_wachtlijst")
    client.post(f"/analysis/segments/{suggestion.id}/memo", data={"memo": "Zorg of jeugd?"})
    assert _reload(suggestion.id).memo == "Zorg of jeugd?"
    response = client.post(
        f"/analysis/coding/{world.waiting.id}/memo?code=kn_wachtlijst",
        data={"memo": "Terugkomen op dit stuk.", "next": "1"},
    )
    assert response.location.endswith(f"/analysis/coding/{world.emoji.id}?code=kn_wachtlijst")
    memo = db.session.scalar(select(ContributionMemo))
    assert (memo.contribution_id, memo.text) == (world.waiting.id, "Terugkomen op dit stuk.")
    page = client.get(f"/analysis/coding/{world.waiting.id}").get_data(as_text=True)
    assert "Terugkomen op dit stuk.</textarea>" in page

    last = client.post(
        f"/analysis/coding/{world.emoji.id}/memo?code=kn_wachtlijst", data={"next": "1"}
    )
    assert last.location.endswith("/analysis/coding?code=kn_wachtlijst")
    saved = client.post(
        f"/analysis/coding/{world.emoji.id}/memo", json={"memo": "ok"}, headers=JSON
    )
    assert saved.json["ok"] is True


def test_blind_mode_shows_only_own_codes_and_stores_them_with_the_sample(
    client, login, world, make_user
):
    coder, other = world.researcher, make_user("researcher")
    sample = AgreementSample(title="Proef", codebook_number=codebook.ensure_current().number)
    db.session.add(sample)
    db.session.flush()
    for who in (coder, other):
        db.session.add(
            AgreementAssignment(
                sample_id=sample.id, contribution_id=world.waiting.id, coder_id=who.id
            )
        )
    theirs = segments.add(other, world.waiting, "dom_zorg", 0, 2, sample=sample)
    shared = segments.add(other, world.waiting, "dom_jeugd", 3, 13)
    db.session.commit()
    [suggestion] = _segments(world.waiting, code_key="kn_wachtlijst")

    login(coder)
    url = f"/analysis/coding/{world.waiting.id}?sample={sample.id}"
    html = client.get(url).get_data(as_text=True)
    for hidden in (suggestion, theirs, shared):
        assert f'id="segment-{hidden.id}"' not in html
    assert "segment--suggested" not in html and "<mark" not in html
    assert f"/analysis/agreement/{sample.id}/contributions/{world.waiting.id}/done" in html

    response = client.post(
        f"/analysis/coding/{world.waiting.id}/segments?sample={sample.id}",
        json={"code": "kn_wachtlijst", "start": 3, "end": 13},
        headers=JSON,
    )
    mine = db.session.get(CodedSegment, response.json["segment"]["id"])
    assert (mine.sample_id, mine.coder_id) == (sample.id, coder.id)
    html = client.get(url).get_data(as_text=True)
    assert f'id="segment-{mine.id}"' in html and f'id="segment-{theirs.id}"' not in html

    assert client.get(f"/analysis/coding/{world.distrust.id}?sample={sample.id}").status_code == 404
    assert client.get(f"/analysis/coding/{world.waiting.id}?sample=x").status_code == 404


def test_only_researchers_code_and_only_approved_text(client, login, world, make_user):
    login(world.researcher)
    assert client.get(f"/analysis/coding/{world.pending.id}").status_code == 404
    assert (
        client.post(
            f"/analysis/coding/{world.pending.id}/segments",
            json={"code": "kn_wachtlijst"},
            headers=JSON,
        ).status_code
        == 404
    )
    client.post("/logout")
    login(make_user("professional"))
    [suggestion] = _segments(world.waiting, code_key="kn_wachtlijst")
    for response in (
        client.get("/analysis/coding"),
        client.get(f"/analysis/coding/{world.waiting.id}"),
        client.post(f"/analysis/segments/{suggestion.id}/decision", data={"decision": "accepted"}),
        client.post(
            f"/analysis/coding/{world.waiting.id}/segments", data={"code": "kn_wachtlijst"}
        ),
    ):
        assert response.status_code == 403
    assert _reload(suggestion.id).status == "suggested"


def test_code_colours_are_served_as_classes(client, login, world):
    login(world.researcher)
    css = client.get("/analysis/coding/codes.css").get_data(as_text=True)
    assert ".code-kn_wachtlijst{--code-colour:#" in css
