"""The name recogniser of our own and what we keep of deduce's findings."""

import pytest

from moderation import deduce_adapter, names


def named(text: str, language: str = "nl") -> list[str]:
    return [text[start:end] for start, end, _ in names.names(text, language)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik sprak gisteren met Oluwaseun Adebayo over de trap.", ["Oluwaseun Adebayo"]),
        ("De kinderen van Wojciech Kowalczyk spelen buiten.", ["Wojciech Kowalczyk"]),
        ("Toen belde Jan van der Berg aan.", ["Jan van der Berg"]),
        ("Gisteren zag ik Fatima El Amrani bij de bushalte.", ["Fatima El Amrani"]),
        ("Dat vond mevrouw JANSEN ook.", ["JANSEN"]),
        ("Het was minister Caspar Veldkamp van Buitenlandse Zaken.", ["Caspar Veldkamp"]),
        ("Trainer Arne Slot van Liverpool was blij.", ["Arne Slot"]),
        ("Ik ken buurman Xhafer al jaren.", ["Xhafer"]),
        ("Ik sprak met wijkagent Van der Meer. Hij luisterde.", ["Van der Meer"]),
        ("Mag dat? Fleur van het Juridisch Loket zegt van niet.", ["Fleur"]),
        ("mijn buurvrouw ayse en ik, en haar man mehmet.", ["ayse", "mehmet"]),
        ("Semhar en haar broer spelen buiten.", ["Semhar"]),
    ],
)
def test_names_of_every_origin_are_found(text, expected):
    assert named(text) == expected


def test_a_name_found_once_is_found_again_at_the_start_of_a_sentence():
    text = "Ik woon naast Svetlana Petrova. Petrova helpt iedereen."
    assert named(text) == ["Svetlana Petrova", "Petrova"]


@pytest.mark.parametrize(
    "text",
    [
        "In Overvecht praat de wijkagent met Mitros, de GGD en het buurthuis.",
        "Amsterdam, Utrecht en Den Haag doen mee met de Gemeente.",
        "We kochten het bij Albert Heijn en de Lidl, en appten via WhatsApp.",
        "Volgens de Marokkaanse en Turkse buren is het in Rotterdam-Zuid onrustig.",
        "Niks bijzonders. Ook de Ramadan verliep rustig in de Schilderswijk.",
        "De Tweede Kamer praat over de woningnood.",
        "Aan de Oudegracht is het druk.",
        "Ik ben moeder en mijn man wil helpen, met een man erin.",
        "Geb. 01-02-1975 in Utrecht.",
        "Ik woon bij mijn tante in Rotterdam-Zuid.",
    ],
)
def test_places_organisations_and_ordinary_words_are_not_names(text):
    assert named(text) == []


def test_english_text_uses_english_words():
    text = "My neighbour Svetlana Petrova called the police. Nobody came."
    assert named(text, "en") == ["Svetlana Petrova"]


def test_deduce_findings_lose_titles_and_are_split_at_punctuation():
    text = "Meneer Jansen en mevrouw De Vries. Jansen zei niks."
    spans = [text[s:e] for s, e, label in deduce_adapter.spans(text) if label == "name"]
    assert "mevrouw De Vries" not in spans
    assert all("." not in span for span in spans)
    assert "Jansen" in spans


def test_deduce_surnames_that_are_ordinary_words_at_a_sentence_start_are_dropped():
    assert deduce_adapter.spans("Niks bijzonders in Overvecht.") == []
    assert deduce_adapter.spans("Link: dat weet ik niet.") == []


def test_deduce_addresses_need_a_capitalised_street_and_a_number():
    text = "Ik woon op de Kastanjelaan 14a in Utrecht en reed 3521 km."
    addresses = [text[s:e] for s, e, label in deduce_adapter.spans(text) if label == "address"]
    assert addresses == ["Kastanjelaan 14a"]
