"""Agreement samples: drawing, blind coding, the report against hand-computed figures, settling."""

import pytest
from sqlalchemy import func, select

from analysis import sample_report, samples, segments
from analysis.coding import Suggestion
from analysis.models import AgreementAssignment, CodedSegment, SegmentStatus
from app.errors import InvalidInput, NotAllowed
from app.models import AuditEvent, Channel, Contribution, Status
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("english")

X, Y = "kn_wachtlijst", "kn_wantrouwen"  # X comes first in the codebook


def _contributions(db, texts, channel=Channel.DIALOGUE) -> list[Contribution]:
    found = [Contribution(channel=channel, body=text, status=Status.APPROVED) for text in texts]
    db.session.add_all(found)
    db.session.flush()
    return found


def _sample(db, creator, coders, contributions, seed=1):
    sample = samples.create_sample(
        creator, "Proef", [c.id for c in coders], len(contributions), seed=seed
    )
    db.session.commit()
    return sample


def _code(sample, coder, contribution, *codes, start=0, end=None):
    for code in codes:
        end_at = len(contribution.body) if end is None else end
        segments.add(coder, contribution, code, start, end_at, sample=sample)


def _finish(sample, coder, contributions):
    for contribution in contributions:
        samples.mark_done(coder, sample, contribution)


@pytest.fixture
def team(make_user):
    """A creator who does not code, two coders and an outsider."""
    return tuple(make_user("researcher") for _ in range(4))


def _client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def needs_coding_screen(app):
    if "analysis.coding_screen" not in app.view_functions:
        pytest.skip("the coding screen is not registered in this build")


# --- drawing a sample -------------------------------------------------------------------------


def test_a_sample_draws_approved_contributions_once_per_coder(db, team, make_user):
    creator, first, second, _ = team
    contributions = _contributions(db, [f"Bijdrage {i}" for i in range(20)])
    _contributions(db, ["Een bewonersverhaal"], channel=Channel.INTAKE)
    pending = Contribution(channel=Channel.DIALOGUE, body="Wacht", status=Status.PENDING)
    db.session.add(pending)
    sample = samples.create_sample(
        creator, " Proef ", [first.id, second.id], 5, channel=Channel.DIALOGUE, seed=7
    )
    drawn = {a.contribution_id for a in sample.assignments}
    assert sample.title == "Proef" and len(drawn) == 5
    assert drawn <= {c.id for c in contributions}
    assert sorted((a.coder_id, a.contribution_id) for a in sample.assignments) == sorted(
        (coder.id, cid) for coder in (first, second) for cid in drawn
    )
    assert samples.seed_of(sample) == 7
    again = samples.create_sample(creator, "Nog eens", [first.id, second.id], 5, "dialogue", seed=7)
    other = samples.create_sample(creator, "Anders", [first.id, second.id], 5, "dialogue", seed=8)
    assert {a.contribution_id for a in again.assignments} == drawn
    assert {a.contribution_id for a in other.assignments} != drawn
    unseeded = samples.create_sample(creator, "Zonder", [first.id, second.id], 5)
    assert isinstance(samples.seed_of(unseeded), int)


@pytest.mark.parametrize(
    ("coders", "size", "message"),
    [
        ("one", 1, "at least two coders"),
        ("professional", 1, "Only researchers"),
        ("two", 0, "between 1 and 3"),
        ("two", 4, "between 1 and 3"),
    ],
)
def test_a_sample_refuses_bad_input(db, team, make_user, coders, size, message):
    creator, first, second, _ = team
    _contributions(db, ["een", "twee", "drie"])
    chosen = {
        "one": [first.id, first.id],
        "professional": [first.id, make_user("professional").id],
        "two": [first.id, second.id],
    }[coders]
    with pytest.raises(InvalidInput, match=message):
        samples.create_sample(creator, "Proef", chosen, size)
    with pytest.raises(InvalidInput, match="No approved contributions"):
        samples.create_sample(creator, "Proef", [first.id, second.id], 1, channel=Channel.INTAKE)


def test_only_the_assigned_coder_marks_a_contribution_done(db, team):
    creator, first, second, outsider = team
    one, two = _contributions(db, ["een", "twee"])
    sample = _sample(db, creator, [first, second], [one, two])
    with pytest.raises(NotAllowed):
        samples.mark_done(outsider, sample, one)
    with pytest.raises(NotAllowed):
        samples.mark_done(creator, sample, one)
    assert samples.next_for(first, sample) == one.id
    assert samples.mark_done(first, sample, one).done_at is not None
    assert samples.next_for(first, sample) == two.id
    assert [(t.done, t.total, t.next_id) for t in samples.my_assignments(first)] == [(1, 2, two.id)]
    assert [(p.coder, p.done) for p in samples.progress(sample) if p.coder == second] == [
        (second, 0)
    ]
    samples.mark_done(first, sample, two)
    assert samples.next_for(first, sample) is None
    assert samples.my_assignments(first) == []


# --- the report -------------------------------------------------------------------------------


@pytest.fixture
def coded(db, team):
    """Two coders, four contributions, two codes, each code on a whole contribution:

    code X:  first on u1 u2 u3    second on u1 u2
    code Y:  first on u1          second on u2
    """
    creator, first, second, _ = team
    units = _contributions(db, ["Eerste.", "Tweede.", "Derde.", "Vierde."])
    sample = _sample(db, creator, [first, second], units)
    u1, u2, u3, _u4 = units
    _code(sample, first, u1, X, Y)
    _code(sample, first, u2, X)
    _code(sample, first, u3, X)
    _code(sample, second, u1, X)
    _code(sample, second, u2, X, Y)
    _finish(sample, first, units)
    _finish(sample, second, units)
    db.session.commit()
    return sample, units


def test_report_at_contribution_level_matches_hand_computed_figures(coded):
    sample, _ = coded
    report = sample_report.report(sample)
    overall, x, y = report.contribution_level
    assert (overall.code, x.code, y.code) == (None, X, Y)
    # X: both u1 u2, only first u3, neither u4. p_o = 3/4.
    # first says yes 3, no 1; second yes 2, no 2: p_e = (3*2 + 1*2) / 16 = 0.5
    # kappa = (0.75 - 0.5) / (1 - 0.5) = 0.5
    # alpha: n = 8 values, n_yes = 5, n_no = 3; disagreeing coincidences 2 (u3)
    # alpha = 1 - (8 - 1) * 2 / (64 - 25 - 9) = 1 - 14/30 = 8/15
    assert (x.n, x.percent, x.kappa) == (4, pytest.approx(0.75), pytest.approx(0.5))
    assert x.alpha == pytest.approx(8 / 15)
    # Y: only first u1, only second u2, neither u3 u4. p_o = 2/4.
    # each coder yes 1, no 3: p_e = (1*1 + 3*3) / 16 = 10/16; kappa = (0.5 - 0.625) / 0.375 = -1/3
    # alpha: n_yes = 2, n_no = 6, disagreeing 4: 1 - 7 * 4 / (64 - 4 - 36) = 1 - 28/24 = -1/6
    assert (y.percent, y.kappa, y.alpha) == (
        pytest.approx(0.5),
        pytest.approx(-1 / 3),
        pytest.approx(-1 / 6),
    )
    # Pooled over 8 unit-code pairs: both 2, only first 2, only second 1, neither 3. p_o = 5/8.
    # first yes 4, no 4; second yes 3, no 5: p_e = (4*3 + 4*5) / 64 = 0.5; kappa = 0.125/0.5 = 0.25
    # alpha: n = 16, n_yes = 7, n_no = 9, disagreeing 6: 1 - 15 * 6 / (256 - 49 - 81) = 36/126
    assert (overall.n, overall.percent, overall.kappa) == (
        8,
        pytest.approx(0.625),
        pytest.approx(0.25),
    )
    assert overall.alpha == pytest.approx(2 / 7)
    assert sample_report.reading(overall.alpha) == "unreliable"
    assert [sample_report.reading(a) for a in (0.8, 0.7, 0.66)] == [
        "reliable",
        "tentative",
        "unreliable",
    ]


def test_segment_level_counts_overlapping_spans_by_character(db, team):
    creator, first, second, _ = team
    [text] = _contributions(db, ["abcdefghij" * 10])  # 100 characters, no spaces to trim
    sample = _sample(db, creator, [first, second], [text])
    _code(sample, first, text, X, start=10, end=40)
    _code(sample, second, text, X, start=20, end=50)
    _finish(sample, first, [text])
    _finish(sample, second, [text])
    report = sample_report.report(sample)
    # Per contribution both applied X: one answer throughout, kappa and alpha undefined.
    overall, x = report.contribution_level
    assert (x.percent, x.kappa, x.alpha, x.no_variation) == (1.0, None, None, True)
    # Per character: ranges 0-10 / 10-20 / 20-40 / 40-50 / 50-100 agree on 10 + 20 + 50 = 80.
    # each coder marks 30 of 100: p_e = 0.3**2 + 0.7**2 = 0.58; kappa = 0.22 / 0.42 = 11/21
    # alpha: n = 200, n_x = 60, n_not = 140, agreeing 160:
    # (199 * 160 - (60*59 + 140*139)) / (200 * 199 - 23000) = 8840 / 16800 = 221/420
    pooled, segment_x = report.segment_level
    for row in (pooled, segment_x):
        assert (row.n, row.percent, row.no_variation) == (100, pytest.approx(0.8), False)
        assert (row.kappa, row.alpha) == (pytest.approx(11 / 21), pytest.approx(221 / 420))


def test_unfinished_coders_are_left_out_and_the_machine_can_take_their_place(db, team, monkeypatch):
    creator, first, second, _ = team
    one, two = _contributions(db, ["De wachtlijst is lang.", "Geen vertrouwen meer."])
    sample = _sample(db, creator, [first, second], [one, two])
    _code(sample, first, one, X)
    _code(sample, first, two, Y)
    _code(sample, second, one, Y)  # second has not finished: never compared
    _finish(sample, first, [one, two])
    assert not sample_report.report(sample).ready
    # The machine's stored code on `one` counts whatever a researcher decided on it...
    db.session.add(
        CodedSegment(
            contribution_id=one.id,
            code_key=X,
            codebook_number=1,
            start=0,
            end=5,
            source="cue",
            status=SegmentStatus.REJECTED,
        )
    )
    # ...and `two`, without stored machine codes, is coded by the current engine now.
    asked = []

    class Engine:
        def suggest(self, texts):
            asked.extend(texts)
            return iter([[Suggestion(Y, 0, 4, 0.9, ("vertrouwen",))] for _ in texts])

    monkeypatch.setattr(sample_report.learning, "current_engine", Engine)
    report = sample_report.report(sample, include_machine=True)
    assert report.coders == (first.id, samples.MACHINE)
    assert report.computed_now == 1 and asked == [two.body]
    overall, x, y = report.contribution_level
    # first and the machine both: X on one, Y on two; full agreement with variation.
    assert [(r.code, r.percent, r.kappa, r.alpha) for r in (x, y)] == [
        (X, 1.0, 1.0, 1.0),
        (Y, 1.0, 1.0, 1.0),
    ]


# --- disagreements and settling ---------------------------------------------------------------


def test_disagreements_list_exactly_the_codes_coders_differ_on(coded, team):
    sample, (u1, u2, u3, _u4) = coded
    _, first, second, _ = team
    found = sample_report.disagreements(sample)
    assert [(item.contribution.id, [d.code for d in item.codes]) for item in found] == [
        (u1.id, [Y]),
        (u2.id, [Y]),
        (u3.id, [X]),
    ]
    [y_on_u1] = found[0].codes
    assert y_on_u1.applied_by == {first.id}
    assert dict(y_on_u1.marked) == {
        first.id: (("Eerste.", True),),
        second.id: (("Eerste.", False),),
    }
    assert y_on_u1.settled is None


def test_disagreement_on_the_span_alone_is_listed_with_both_spans(db, team):
    creator, first, second, _ = team
    [text] = _contributions(db, ["Eerst dit. Dan de wachtlijst. Klaar."])
    sample = _sample(db, creator, [first, second], [text])
    _code(sample, first, text, X, start=0, end=29)
    _code(sample, second, text, X, start=11, end=29)
    _finish(sample, first, [text])
    _finish(sample, second, [text])
    [item] = sample_report.disagreements(sample)
    [x] = item.codes
    assert dict(x.marked)[second.id] == (
        ("Eerst dit. ", False),
        ("Dan de wachtlijst.", True),
        (" Klaar.", False),
    )


def test_settling_writes_the_shared_coding_and_is_audited(db, coded, team):
    sample, (u1, _u2, u3, _u4) = coded
    creator = team[0]
    assert samples.settle(creator, sample, u3, X, keep=True) == [(0, len(u3.body))]
    shared = db.session.scalars(
        select(CodedSegment).where(
            CodedSegment.sample_id.is_(None), CodedSegment.contribution_id == u3.id
        )
    ).all()
    assert [(s.code_key, s.status, s.source, s.start, s.end) for s in shared] == [
        (X, SegmentStatus.ACCEPTED, "human", 0, len(u3.body))
    ]
    suggestion, other = (
        CodedSegment(
            contribution_id=u1.id, code_key=key, codebook_number=1, start=0, end=7, source="cue"
        )
        for key in (Y, X)
    )
    db.session.add_all([suggestion, other])
    db.session.flush()
    samples.settle(creator, sample, u1, Y, keep=False)
    assert (suggestion.status, other.status) == (SegmentStatus.REJECTED, SegmentStatus.SUGGESTED)
    settled = {
        (i.contribution.id, d.code): d.settled
        for i in sample_report.disagreements(sample)
        for d in i.codes
    }
    assert settled[u3.id, X] is True and settled[u1.id, Y] is False
    actions = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == samples.SETTLED)
    ).all()
    assert [(d["contribution"], d["code"], d["keep"]) for d in actions] == [
        (u3.id, X, True),
        (u1.id, Y, False),
    ]
    samples.settle(creator, sample, u3, X, keep=True)  # again: no second copy
    assert (
        db.session.scalar(
            select(func.count(CodedSegment.id)).where(
                CodedSegment.sample_id.is_(None), CodedSegment.contribution_id == u3.id
            )
        )
        == 1
    )


# --- blindness and pages ----------------------------------------------------------------------


@pytest.fixture
def half_done(db, team):
    """first finished, second has not; both coded X on the one contribution."""
    creator, first, second, _ = team
    [text] = _contributions(db, ["De wachtlijst voor jeugdzorg is lang."])
    sample = _sample(db, creator, [first, second], [text])
    segments.add(first, text, X, 0, 12, memo="geheime notitie van de eerste", sample=sample)
    segments.add(second, text, X, 0, 12, sample=sample)
    samples.mark_done(first, sample, text)
    db.session.add(
        CodedSegment(
            contribution_id=text.id,
            code_key=Y,
            codebook_number=1,
            start=0,
            end=12,
            source="cue",
            evidence="machine-bewijs",
        )
    )
    db.session.commit()
    return sample, text


def test_results_stay_closed_to_coders_who_have_not_finished(app, half_done, team):
    sample, _ = half_done
    creator, first, second, outsider = team
    pages = [f"/analysis/agreement/{sample.id}", f"/analysis/agreement/{sample.id}/disagreements"]
    for user, status in ((second, 403), (outsider, 403), (first, 200), (creator, 200)):
        client = _client(app, user)
        assert [client.get(page).status_code for page in pages] == [status, status], user
    with pytest.raises(NotAllowed):
        samples.settle(second, sample, sample.assignments[0].contribution, X, keep=True)


def test_the_coding_screen_shows_a_coder_only_their_own_codes(app, half_done, team):
    needs_coding_screen(app)
    sample, text = half_done
    page = _client(app, team[2]).get(f"/analysis/coding/{text.id}?sample={sample.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "geheime notitie" not in body and "machine-bewijs" not in body


def test_pages_render_for_researchers_and_are_closed_to_professionals(app, db, team, make_user):
    creator, first, second, _ = team
    _contributions(db, ["De wachtlijst is lang.", "Geen vertrouwen."])
    db.session.commit()
    client = _client(app, creator)
    page = client.get("/analysis/agreement")
    assert page.status_code == 200
    assert samples.name(first) in page.get_data(as_text=True)
    refused = client.post(
        "/analysis/agreement", data={"title": "Proef", "coders": [first.id], "size": 1}
    )
    assert refused.status_code == 400 and "at least two coders" in refused.get_data(as_text=True)
    created = client.post(
        "/analysis/agreement",
        data={
            "title": "Proef",
            "coders": [first.id, second.id],
            "size": 2,
            "seed": 3,
            "machine": "y",
        },
    )
    sample_id = db.session.scalar(select(func.max(AgreementAssignment.sample_id)))
    assert created.status_code == 302
    assert created.headers["Location"].endswith(f"/analysis/agreement/{sample_id}?machine=1")
    report = client.get(f"/analysis/agreement/{sample_id}?machine=1")
    assert report.status_code == 200 and "Seed 3" in report.get_data(as_text=True)
    assert client.get(f"/analysis/agreement/{sample_id}/disagreements").status_code == 200
    professional = _client(app, make_user("professional"))
    base = f"/analysis/agreement/{sample_id}"
    for method, url in [
        ("get", "/analysis/agreement"),
        ("post", "/analysis/agreement"),
        ("get", base),
        ("get", f"{base}/disagreements"),
        ("post", f"{base}/contributions/1/done"),
        ("post", f"{base}/contributions/1/settle"),
    ]:
        assert getattr(professional, method)(url).status_code == 403, url


def test_a_coder_finishes_over_http_and_then_sees_the_report(app, db, team):
    needs_coding_screen(app)
    creator, first, second, _ = team
    one, two = _contributions(db, ["De wachtlijst is lang.", "Geen vertrouwen."])
    sample = _sample(db, creator, [first, second], [one, two])
    client = _client(app, first)
    tasks = client.get("/analysis/agreement").get_data(as_text=True)
    assert f"/analysis/coding/{one.id}?sample={sample.id}" in tasks
    assert client.get(f"/analysis/agreement/{sample.id}").status_code == 403
    done = f"/analysis/agreement/{sample.id}/contributions/%d/done"
    first_done = client.post(done % one.id)
    assert first_done.headers["Location"].endswith(f"/analysis/coding/{two.id}?sample={sample.id}")
    last_done = client.post(done % two.id)
    assert last_done.headers["Location"].endswith("/analysis/agreement")
    assert client.get(f"/analysis/agreement/{sample.id}").status_code == 200


def test_the_last_contribution_done_leads_back_to_the_tasks(app, db, team):
    creator, first, second, _ = team
    [text] = _contributions(db, ["Alleen deze."])
    sample = _sample(db, creator, [first, second], [text])
    client = _client(app, first)
    done = client.post(f"/analysis/agreement/{sample.id}/contributions/{text.id}/done")
    assert done.status_code == 302 and done.headers["Location"].endswith("/analysis/agreement")
    assert (
        _client(app, creator)
        .post(f"/analysis/agreement/{sample.id}/contributions/{text.id}/done")
        .status_code
        == 403
    )
    settled = client.post(
        f"/analysis/agreement/{sample.id}/contributions/{text.id}/settle",
        data={"code": X, "decision": "reject"},
    )
    assert settled.status_code == 302 and f"#c{text.id}-{X}" in settled.headers["Location"]
