"""Emerging themes: grouping uncoded contributions, the themes page, and a group made a code."""

import re

import pytest

from analysis import codebook
from analysis.models import CodedSegment, SegmentStatus
from analysis.themes import ThemeFilter, _features, themes, uncoded_themes
from app.models import Contribution, Status

PARKING = [
    "Er zijn veel te weinig parkeerplaatsen in onze straat, elke avond rijden auto's rondjes.",
    "De parkeerplaats bij de flat staat vol met auto's van bezoekers.",
    "Parkeren is hier een ramp, mensen zetten hun auto op de stoep.",
    "Ik kan mijn auto nooit kwijt, de parkeerplaatsen zijn altijd bezet.",
    "Bestelbusjes nemen alle parkeerplaatsen in, bewoners kunnen niet parkeren.",
    "Het parkeren op de stoep is gevaarlijk, auto's staan overal.",
    "Graag meer parkeerplaatsen want de auto's staan dubbel geparkeerd.",
    "Foutparkeerders blokkeren de straat, niemand doet iets aan het parkeren.",
    "Betaald parkeren heeft alleen maar meer auto's in onze wijk gebracht.",
    "De parkeerdruk is hoog, er is geen parkeerplaats voor mijn auto.",
]
DOGS = [
    "Overal ligt hondenpoep op de stoep, baasjes ruimen het niet op.",
    "Er is geen uitlaatplek voor honden, dus ze poepen in het gras.",
    "De hondenpoep in het park is walgelijk, je stapt er zo in.",
    "Hondenbezitters laten hun hond overal poepen zonder op te ruimen.",
    "Een uitlaatplek voor honden zou de hondenpoep op straat verminderen.",
    "Baasjes laten de hond los en de poep blijft liggen.",
    "Meer hondenpoepbakken en een echte uitlaatplek, dat is nodig.",
    "Het grasveld is een hondentoilet geworden, vol met poep.",
    "Ik erger me aan hondenpoep voor de deur, elke ochtend weer.",
    "Handhaving op hondenpoep is er niet, honden poepen waar ze willen.",
]
PLAYGROUND = [
    "De speeltuin is kapot, kinderen kunnen nergens spelen.",
    "Er is geen speeltuin in de buurt voor de kleine kinderen.",
    "De schommel in de speeltuin is al maanden stuk.",
    "Kinderen spelen op straat omdat de speeltuin is weggehaald.",
    "Een nieuwe speeltuin met klimrek zou de kinderen goed doen.",
    "De speeltoestellen zijn verouderd, kinderen vervelen zich.",
    "Ouders willen een veilige speeltuin waar kinderen kunnen spelen.",
    "In de speeltuin liggen glasscherven, gevaarlijk voor kinderen.",
    "De kinderen hebben een speelplek nodig, de speeltuin is te klein.",
    "Speeltuinen in onze wijk worden slecht onderhouden, jammer voor de kinderen.",
]
TOPICS = {"parkeerplaats": PARKING, "hond": DOGS, "speeltuin": PLAYGROUND}
TEXTS = PARKING + DOGS + PLAYGROUND
IDS = [100 + n for n in range(len(TEXTS))]


def _topic(member: int) -> str:
    text = TEXTS[IDS.index(member)]
    return next(word for word, texts in TOPICS.items() if text in texts)


def test_three_topics_become_three_groups_named_by_their_topic_words():
    found = themes(TEXTS, IDS)
    assert len(found) == 3
    assert [t.cohesion for t in found] == sorted((t.cohesion for t in found), reverse=True)
    assert sorted(member for theme in found for member in theme.members) == IDS
    for theme in found:
        topic = {_topic(member) for member in theme.members}
        assert len(topic) == 1
        assert topic.pop() in theme.terms
        assert len(theme.terms) == 8
        assert len(theme.examples) == 3 and set(theme.examples) <= set(theme.members)
        assert theme.size == 10 and 0 < theme.cohesion <= 1


def test_the_same_texts_give_the_same_groups():
    assert themes(TEXTS, IDS) == themes(list(TEXTS), list(IDS))


@pytest.mark.parametrize(
    "texts",
    [
        TEXTS[:5],
        ["Appel.", "Fiets.", "Regen.", "Brug.", "Lamp.", "Trein.", "Molen."],
    ],
    ids=["fewer than six", "nothing shared"],
)
def test_no_groups_without_enough_material(texts):
    assert themes(texts, list(range(len(texts)))) == []


def test_inflected_forms_and_compound_parts_count_as_one_word():
    found = themes(TEXTS, IDS)
    parking = next(theme for theme in found if "parkeerplaats" in theme.terms)
    plural = {IDS[TEXTS.index(t)] for t in PARKING if "parkeerplaatsen" in t}
    singular = {IDS[TEXTS.index(t)] for t in PARKING if "parkeerplaats " in t}
    assert plural and singular and plural | singular <= set(parking.members)
    assert not any("parkeerplaatsen" in term for theme in found for term in theme.terms)
    dogs = next(theme for theme in found if "poep" in theme.terms)
    # "hondenpoep" and "hondenpoepbakken" also count as "hond" and "poep".
    assert {"hond", "poep", "hondenpoep"} <= set(dogs.terms)
    assert IDS[TEXTS.index(DOGS[6])] in dogs.members


def test_only_compound_parts_the_texts_also_use_as_words_count():
    # The splitter reads "jongerenwerk" as jong + eren + werk; "eren" is no word here.
    features = _features(["Het jongerenwerk helpt.", "Jongeren zoeken werk."], "nl")
    assert {"jongerenwerk", "jongeren", "werk"} <= set(features[0])
    assert not {"eren", "jong", "erenwerk"} & set(features[0])


def test_groups_of_fewer_than_three_are_dropped():
    fireworks = [
        "Vuurwerk op oudjaarsavond maakt de buurt onveilig, vuurwerk overal.",
        "Het vuurwerk knalt al weken, vuurwerk verbieden graag.",
    ]
    found = themes(TEXTS + fireworks, IDS + [1, 2])
    assert len(found) == 3
    assert all(theme.size >= 3 for theme in found)
    assert not {1, 2} & {member for theme in found for member in theme.members}


# The page: few enough contributions per topic that every member is shown as an example.
PAGE_TEXTS = {
    "parking": [
        "Te weinig parkeerplaatsen voor auto's in de straat.",
        "Auto's parkeren op de stoep, geen parkeerplaats vrij.",
        "De parkeerplaats bij de flat staat vol auto's.",
    ],
    "dogs": [
        "Hondenpoep op de stoep, baasjes ruimen de poep niet op.",
        "Een uitlaatplek voor honden tegen de hondenpoep.",
        "Overal hondenpoep en poep van honden, bel 06-12345678.",
    ],
    "playground": [
        "De speeltuin is kapot, kinderen kunnen niet spelen.",
        "Kinderen willen spelen maar de speeltuin is weg.",
        "Een nieuwe speeltuin voor de kinderen graag.",
    ],
}
PHONE = "06-12345678"


@pytest.fixture
def material(db):
    def add(body, status=Status.APPROVED, channel="dialogue"):
        start = body.find(PHONE)
        found = [{"start": start, "end": start + len(PHONE), "label": "phone"}]
        contribution = Contribution(
            channel=channel,
            body=body,
            status=status,
            language="nl",
            findings=found if start >= 0 else [],
        )
        db.session.add(contribution)
        db.session.flush()
        return contribution

    def segment(contribution, status):
        db.session.add(
            CodedSegment(
                contribution_id=contribution.id,
                code_key="kn_wachtlijst",
                codebook_number=1,
                start=0,
                end=5,
                status=status,
            )
        )

    made = {topic: [add(text) for text in texts] for topic, texts in PAGE_TEXTS.items()}
    made["coded"] = add("Elke avond zoeken naar een parkeerplaats voor de auto.")
    segment(made["coded"], SegmentStatus.SUGGESTED)
    made["rejected"] = made["dogs"][0]
    segment(made["rejected"], SegmentStatus.REJECTED)
    made["pending"] = add("De speeltuin is kapot, kinderen spelen op straat.", Status.PENDING)
    db.session.commit()
    return made


@pytest.fixture
def researcher(client, make_user, login):
    user = make_user("researcher")
    login(user)
    client.post("/language/en", data={"next": "/"})
    return user


def _link(contribution) -> str:
    return f'href="/analysis/coding/{contribution.id}"'


def test_only_contributions_without_a_counted_code_are_grouped(client, material, researcher):
    found = uncoded_themes(ThemeFilter())
    grouped = {member for theme in found.themes for member in theme.members}
    listed = [material[topic] for topic in PAGE_TEXTS]
    assert grouped == {c.id for contributions in listed for c in contributions}
    html = client.get("/analysis/themes").get_data(as_text=True)
    assert html.count('class="card"') == 3
    for contribution in sum(listed, []):
        assert _link(contribution) in html
    assert _link(material["rejected"]) in html
    assert _link(material["coded"]) not in html
    assert _link(material["pending"]) not in html
    assert "speeltuin" in html and "Make this a code" in html


def test_quotes_hide_personal_data_moderation_left_in(client, material, researcher):
    html = client.get("/analysis/themes").get_data(as_text=True)
    assert "bel [phone number]" in html
    assert PHONE not in html


def test_the_channel_filter_narrows_the_groups(client, material, researcher):
    html = client.get("/analysis/themes?channel=intake").get_data(as_text=True)
    assert 'class="card"' not in html
    assert "Too few contributions without a code to group" in html


def _first_member(term: str) -> int:
    """A group's first member names its form and its address."""
    found = uncoded_themes(ThemeFilter())
    return next(theme.members[0] for theme in found.themes if term in theme.terms)


def test_a_group_becomes_a_code_in_a_new_codebook_version(client, db, material, researcher):
    page = client.get("/analysis/themes").get_data(as_text=True)
    first = _first_member("speeltuin")
    assert re.search(rf'<input [^>]*id="theme-{first}-key"[^>]*value="thema_\w+"', page)
    response = client.post(
        f"/analysis/themes/{first}/code?channel=dialogue",
        data={
            f"theme-{first}-family": "knelpunt",
            f"theme-{first}-key": "thema_speeltuin",
            f"theme-{first}-name_nl": "Speeltuin kapot",
            f"theme-{first}-cues": "speeltuin\n\n kinderen spelen \n",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/analysis/themes?channel=dialogue"
    saved = codebook.current()
    assert saved.number == 2
    code = saved.code("thema_speeltuin")
    assert (code.family, code.name_nl, code.cues) == (
        "knelpunt",
        "Speeltuin kapot",
        ["speeltuin", "kinderen spelen"],
    )
    assert "codebook version 2" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_refused_code_is_shown_again_as_typed(client, db, material, researcher):
    client.get("/analysis/themes")
    first = _first_member("speeltuin")
    response = client.post(
        f"/analysis/themes/{first}/code",
        data={
            f"theme-{first}-family": "knelpunt",
            f"theme-{first}-key": "kn_wachtlijst",
            f"theme-{first}-name_nl": "Mijn eigen naam",
            f"theme-{first}-cues": "glijbaan",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The id kn_wachtlijst is used twice." in html
    assert 'value="Mijn eigen naam"' in html
    assert re.search(r">\s*glijbaan</textarea>", html)
    assert html.count("<details open>") == 1
    assert codebook.current().number == 1


def test_a_refused_code_of_a_group_gone_meanwhile_is_kept_above_the_groups(
    client, db, material, researcher
):
    response = client.post(
        "/analysis/themes/9999/code",
        data={
            "theme-9999-family": "knelpunt",
            "theme-9999-key": "Fout!",
            "theme-9999-name_nl": "X",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your new code" in html and 'value="Fout!"' in html
    assert html.index("Your new code") < html.index("Group 1:")


def test_only_researchers(client, make_user, login, material):
    login(make_user("professional"))
    assert client.get("/analysis/themes").status_code == 403
    response = client.post(
        "/analysis/themes/1/code", data={"theme-1-key": "thema_x", "theme-1-name_nl": "X"}
    )
    assert response.status_code == 403
    assert codebook.current() is None
