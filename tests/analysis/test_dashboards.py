"""Dashboards count contributions per code; every number leads to exactly those contributions."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from analysis import codebook, dashboard_texts, dashboards, services
from analysis.models import AgreementSample, CodedSegment
from app.models import Contribution, Status
from dialogues import services as capture
from tests import factories


class Links(HTMLParser):
    """(href, text) of every link, and the text of every SVG element, in page order."""

    def __init__(self):
        super().__init__()
        self.links, self.svg_texts, self._href, self._in_svg_text = [], [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs)["href"], ""
        self._in_svg_text = tag == "text"

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None
        self._in_svg_text = False

    def handle_data(self, data):
        if self._href is not None:
            self._text += data
        if self._in_svg_text:
            self.svg_texts.append(data.strip())


def _parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def _counts(html: str) -> list[tuple[str, int]]:
    """Every number that links to a list of contributions."""
    return [
        (href, int(text))
        for href, text in _parse(html).links
        if href.startswith("/analysis/contributions") and text.isdigit()
    ]


def _listed(client, href: str) -> tuple[int, set[int]]:
    html = client.get(href).get_data(as_text=True)
    total = int(re.search(r'class="dash-total">(\d+) ', html).group(1))
    return total, {int(n) for n in re.findall(r'id="contribution-(\d+)"', html)}


@pytest.fixture
def material(db, make_user):
    """Five contributions, two rounds, two areas, two professional roles and a resident story."""
    codebook.ensure_current()
    facilitator = make_user("facilitator")
    dialogue, first_prompt = factories.open_dialogue(db, facilitator)
    second_round = capture.add_round(facilitator, dialogue, "Ronde 2")
    second_prompt = capture.add_prompt(facilitator, second_round, "Wat werkt wel?")
    officer, youth_worker = make_user("professional"), make_user("professional")
    officer.professional_role, youth_worker.professional_role = "wijkagent", "jongerenwerker"
    officer.display_name, officer.show_real_name = "Jan Agent", True
    overvecht, zuid = factories.area(db), factories.area(db, "Rotterdam-Zuid", "Rotterdam")

    def contribution(body, channel="dialogue", author=None, area=overvecht, prompt=None, **kw):
        found = Contribution(
            channel=channel,
            body=body,
            status=kw.get("status", Status.APPROVED),
            author_id=author.id if author else None,
            area_id=area.id if area else None,
            prompt_id=prompt.id if prompt else None,
        )
        db.session.add(found)
        db.session.flush()
        return found

    def code(found, key, phrase, status="accepted", source="human", confidence=1.0, **kw):
        start = found.body.index(phrase, kw.pop("after", 0))
        db.session.add(
            CodedSegment(
                contribution_id=found.id,
                code_key=key,
                codebook_number=1,
                start=start,
                end=start + len(phrase),
                confidence=confidence,
                source=source,
                status=status,
                **kw,
            )
        )

    c1 = contribution(
        "De wachtlijst is lang. Ook de wachtlijst voor zorg. Vertrouwen helpt.",
        author=officer,
        prompt=first_prompt,
    )
    code(c1, "kn_wachtlijst", "De wachtlijst is lang.")
    code(c1, "kn_wachtlijst", "de wachtlijst voor zorg")
    code(c1, "wp_vertrouwen", "Vertrouwen helpt.")
    c2 = contribution(
        "Wachtlijsten overal, maar wel vertrouwen in de buurt.",
        author=youth_worker,
        area=zuid,
        prompt=second_prompt,
    )
    code(c2, "kn_wachtlijst", "Wachtlijsten overal", "suggested", "model", 0.7)
    code(c2, "wp_vertrouwen", "vertrouwen in de buurt", "suggested", "cue", 0.6)
    c3 = contribution("Wachtlijst bij de huisarts, en het stigma van de wijk.", channel="intake")
    code(c3, "kn_wachtlijst", "Wachtlijst bij de huisarts")
    code(c3, "kn_stigma", "het stigma van de wijk", "rejected", "cue", 0.9)
    c4 = contribution("Het stigma blijft hangen.", author=officer, prompt=second_prompt)
    sample = AgreementSample(title="Blind", codebook_number=1)
    db.session.add(sample)
    db.session.flush()
    code(c4, "kn_stigma", "Het stigma blijft hangen.", sample_id=sample.id)
    c5 = contribution("Wachtlijst, nog niet gemodereerd.", status=Status.PENDING)
    code(c5, "kn_wachtlijst", "Wachtlijst")
    db.session.commit()
    return {
        "c": (c1, c2, c3, c4, c5),
        "rounds": (first_prompt.round_id, second_round.id),
        "areas": (overvecht, zuid),
        "dialogue": dialogue,
        "officer": officer,
    }


@pytest.fixture
def researcher(make_user, login):
    user = make_user("researcher")
    login(user)
    return user


def test_counts_contributions_per_code_channel_area_and_role(material):
    f = dashboards.Filter()
    found = dashboards.overview(f, dashboards.scope(f))
    per_code = {c.key: n for family in found.families for c, n in family.rows}
    # c1 has two segments of kn_wachtlijst and counts once; c5 is not approved.
    assert per_code["kn_wachtlijst"] == 3
    assert per_code["wp_vertrouwen"] == 2
    # Rejected (c3) and blind-sample (c4) segments do not count.
    assert per_code["kn_stigma"] == 0
    assert {family.family.id: family.total for family in found.families} == {
        "knelpunt": 3,
        "werkzaam_principe": 2,
        "domein": 0,
    }
    overvecht, zuid = material["areas"]
    splits = {split.dimension: split for split in found.splits}
    wachtlijst = {
        name: {v: n for (k, v), n in split.cells.items() if k == "kn_wachtlijst"}
        for name, split in splits.items()
    }
    assert wachtlijst["channel"] == {"dialogue": 2, "intake": 1}
    assert wachtlijst["area"] == {overvecht.id: 2, zuid.id: 1}
    assert wachtlijst["role"] == {"wijkagent": 1, "jongerenwerker": 1, "resident": 1}
    # c1 and c2 have two codes each and count once in the totals.
    assert splits["channel"].column_totals == {"dialogue": 2, "intake": 1}
    assert splits["role"].column_totals == {"wijkagent": 1, "jongerenwerker": 1, "resident": 1}
    assert found.total == 3


def test_filters_narrow_the_counts(material):
    overvecht, _zuid = material["areas"]
    f = dashboards.Filter(family="knelpunt", channel="dialogue", area_id=overvecht.id)
    found = dashboards.overview(f, dashboards.scope(f))
    assert [family.family.id for family in found.families] == ["knelpunt"]
    per_code = {c.key: n for family in found.families for c, n in family.rows}
    assert per_code["kn_wachtlijst"] == 1
    assert found.total == 1


def test_a_second_code_narrows_counts_of_the_first(material):
    f = dashboards.Filter(with_code="wp_vertrouwen")
    assert dashboards.count(f, ["kn_wachtlijst"], CodedSegment.code_key) == {("kn_wachtlijst",): 2}


def test_rounds_in_order_per_dialogue(material):
    f = dashboards.Filter()
    (found,) = dashboards.over_rounds(f, dashboards.scope(f))
    first, second = material["rounds"]
    assert found.rounds == [(first, 1, "Ronde 1"), (second, 2, "Ronde 2")]
    series = {s.code.key: s.counts for s in found.series}
    assert series == {"kn_wachtlijst": [1, 1], "wp_vertrouwen": [1, 1]}
    assert found.totals == [1, 1]


def test_cooccurrence_counts_contributions_with_both_codes(material):
    matrix = dashboards.cooccurrence(dashboards.Filter())
    assert matrix.cells == {("kn_wachtlijst", "wp_vertrouwen"): 2}
    assert matrix.totals["kn_wachtlijst"] == 3 and matrix.totals["wp_vertrouwen"] == 2
    only_intake = dashboards.cooccurrence(dashboards.Filter(channel="intake"))
    assert only_intake.cells == {}


def test_quotes_put_researchers_codes_first_one_per_contribution(material):
    f = dashboards.Filter(code="kn_wachtlijst")
    (found,) = dashboard_texts.quotes(f, dashboards.scope(f))
    assert found.count == 3
    assert [q.text for q in found.quotes] == [
        "De wachtlijst is lang.",
        "Wachtlijst bij de huisarts",
        "Wachtlijsten overal",
    ]
    assert found.quotes[0].round == "Ronde 1" and found.quotes[1].channel == "intake"


def test_marks_cover_coded_spans():
    pieces = dashboard_texts.pieces("abcdef", [(1, 3, "x"), (2, 4, "y")])
    assert pieces == [("a", ()), ("b", ("x",)), ("c", ("x", "y")), ("d", ("y",)), ("ef", ())]


def test_colours_are_darkened_until_they_stand_out():
    assert dashboards.readable("#154273") == "#154273"
    assert dashboards.contrast_on_white(dashboards.readable("#ffff00")) >= 3


def test_overview_chart_and_table_carry_the_same_numbers(client, material, researcher):
    response = client.get("/analysis/dashboard?family=knelpunt")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<svg class="chart__svg" role="img" aria-labelledby="[^"]+"', html)
    assert "<title id=" in html and "<desc id=" in html
    page = _parse(html)
    bars = page.svg_texts
    assert bars[bars.index("Wachtlijsten en toegang") + 1] == "3"
    assert ("/analysis/contributions?code=kn_wachtlijst", "3") in page.links


def test_every_number_lists_exactly_its_contributions(client, material, researcher):
    pages = [
        "/analysis/dashboard",
        "/analysis/dashboard/cooccurrence",
        "/analysis/dashboard/rounds",
    ]
    seen = 0
    for page in pages:
        for href, number in _counts(client.get(page).get_data(as_text=True)):
            total, ids = _listed(client, href)
            assert (total, len(ids)) == (number, number), href
            seen += 1
    assert seen > 20


def test_links_carry_the_filters_of_their_cell(client, material, researcher):
    c1, c2, c3, _c4, _c5 = material["c"]
    html = client.get("/analysis/dashboard?channel=intake").get_data(as_text=True)
    intake = [href for href, n in _counts(html) if "code=kn_wachtlijst" in href]
    assert intake
    assert all(parse_qs(urlsplit(href).query)["channel"] == ["intake"] for href in intake)
    assert _listed(client, intake[0]) == (1, {c3.id})
    html = client.get("/analysis/dashboard/cooccurrence").get_data(as_text=True)
    (cell,) = {href for href, n in _counts(html) if "with=wp_vertrouwen" in href and n == 2}
    assert parse_qs(urlsplit(cell).query) == {"code": ["kn_wachtlijst"], "with": ["wp_vertrouwen"]}
    assert _listed(client, cell) == (2, {c1.id, c2.id})
    first_round, second_round = material["rounds"]
    assert _listed(client, f"/analysis/contributions?code=kn_wachtlijst&round={second_round}")[
        1
    ] == {c2.id}
    assert _listed(client, "/analysis/contributions?code=kn_wachtlijst&role=resident")[1] == {c3.id}
    assert _listed(client, "/analysis/contributions?code=kn_stigma") == (0, set())


def test_list_marks_the_segment_and_shows_a_pseudonym(client, material, researcher, app):
    c1 = material["c"][0]
    officer = material["officer"]
    html = client.get(f"/analysis/contributions?code=kn_wachtlijst&round={material['rounds'][0]}")
    html = html.get_data(as_text=True)
    assert '<mark class="dash-mark">De wachtlijst is lang.</mark>' in html
    assert '<mark class="dash-mark">de wachtlijst voor zorg</mark>' in html
    assert "Vertrouwen helpt." in html and '<mark class="dash-mark">Vertrouwen' not in html
    assert services.pseudonym(officer.id, app.config["SECRET_KEY"]) in html
    assert "Waar loopt u tegenaan?" in html and f"#{c1.id}" in html
    for secret in (officer.email, officer.display_name, officer.pseudonym):
        assert secret not in html


def test_quotes_page_never_names_the_author(client, material, researcher):
    officer = material["officer"]
    html = client.get("/analysis/dashboard/quotes").get_data(as_text=True)
    assert "De wachtlijst is lang." in html and "Vertrouwen helpt." in html
    assert "het stigma van de wijk" not in html
    for secret in (officer.email, officer.display_name, officer.pseudonym):
        assert secret not in html
    one = client.get("/analysis/dashboard/quotes?code=wp_vertrouwen").get_data(as_text=True)
    assert "Vertrouwen helpt." in one and "De wachtlijst is lang." not in one


def test_list_pages_by_25(client, db, researcher, material):
    prompt_id = db.session.get(Contribution, material["c"][0].id).prompt_id
    for n in range(30):
        found = Contribution(
            channel="dialogue", body=f"Wachtlijst {n}", status=Status.APPROVED, prompt_id=prompt_id
        )
        db.session.add(found)
        db.session.flush()
        db.session.add(
            CodedSegment(
                contribution_id=found.id,
                code_key="kn_wachtlijst",
                codebook_number=1,
                start=0,
                end=10,
            )
        )
    db.session.commit()
    first = client.get("/analysis/contributions?code=kn_wachtlijst").get_data(as_text=True)
    assert len(re.findall(r'id="contribution-\d+"', first)) == 25
    assert _listed(client, "/analysis/contributions?code=kn_wachtlijst&page=2")[0] == 33
    assert len(_listed(client, "/analysis/contributions?code=kn_wachtlijst&page=2")[1]) == 8


def test_bad_filters_are_refused(client, material, researcher):
    assert client.get("/analysis/contributions?code=nonsense").status_code == 400
    assert client.get("/analysis/dashboard?area=abc").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/analysis/dashboard",
        "/analysis/dashboard/cooccurrence",
        "/analysis/dashboard/rounds",
        "/analysis/dashboard/quotes",
        "/analysis/contributions?code=kn_wachtlijst",
    ],
)
def test_only_researchers(client, make_user, login, path):
    login(make_user("professional"))
    assert client.get(path).status_code == 403
