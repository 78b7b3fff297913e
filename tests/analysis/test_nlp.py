"""Cue matching on Dutch as people write it: compounds, inflection and negation. Pure."""

from analysis import coding
from analysis.nlp import CueMatcher

CUES = {
    "kn_wachtlijst": ["wachtlijst", "geen plek"],
    "wp_vertrouwen": ["vertrouwen"],
    "kn_wantrouwen": ["wantrouwen", "geen vertrouwen"],
    "kn_financiering": ["potje"],
}
NEGATED = {"kn_wantrouwen": ["vertrouwen", "serieus nemen"]}


def _codes(text):
    [found] = list(coding.Engine(CUES, NEGATED).suggest([text]))
    return [(s.code, text[s.start : s.end]) for s in found]


def test_a_cue_matches_inside_an_unknown_compound():
    text = "De jeugdzorgwachtlijsten groeien."
    assert _codes(text) == [("kn_wachtlijst", text)]
    matcher = CueMatcher(CUES)
    assert {"jeugdzorg", "wachtlijst"} <= set(matcher.compounds.parts("jeugdzorgwachtlijst"))
    assert matcher.compounds.parts("wachtlijst") == ()


def test_inflected_compound_parts_are_lemmatised():
    assert _codes("Al die subsidiepotjes!") == [("kn_financiering", "Al die subsidiepotjes!")]


def test_negation_drops_the_cue_and_flips_to_the_negated_code():
    assert _codes("Er is geen wachtlijst meer.") == []
    text = "Ik heb geen vertrouwen meer in de gemeente."
    assert [code for code, _ in _codes(text)] == ["kn_wantrouwen"]
    assert [code for code, _ in _codes("Het vertrouwen is er niet.")] == ["kn_wantrouwen"]
    assert [code for code, _ in _codes("Ze nemen ons niet serieus.")] == []
    assert [code for code, _ in _codes("Niemand die ons serieus nemen wil.")] == ["kn_wantrouwen"]


def test_negation_stops_at_the_clause():
    text = "Er is geen geld, maar het vertrouwen groeit."
    assert [code for code, _ in _codes(text)] == ["wp_vertrouwen"]


def test_a_cue_that_holds_its_own_negation_still_counts():
    text = "Er is geen plek voor mijn zoon."
    assert _codes(text) == [("kn_wachtlijst", text)]


def test_offsets_point_at_the_text_with_accents_and_emoji():
    text = "Café 🏠 in Zuid. De wachtlijst bij de ggz is lang 😞. Tot ziens."
    [(code, span)] = _codes(text)
    assert (code, span) == ("kn_wachtlijst", "De wachtlijst bij de ggz is lang 😞.")


def test_overlapping_cues_of_one_code_count_once():
    [found] = list(coding.Engine(CUES, NEGATED).suggest(["Ik heb geen vertrouwen."]))
    assert len(found) == 1 and found[0].confidence == coding.confidence(1)


def test_empty_and_blank_texts_have_no_suggestions():
    assert list(coding.Engine(CUES, NEGATED).suggest(["", " ", "De wachtlijst."]))[:2] == [[], []]
