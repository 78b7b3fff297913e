"""Cue matching and grouping are pure: tested without an app."""

from analysis import codebook, coding

CUES = {"kn_wachtlijst": ["wachtlijst", "geen plek"], "kn_financiering": ["potje", "versnipperd"]}


def test_suggestions_are_sentences_with_offsets_that_point_at_the_text():
    text = "Dit is één zin. De wachtlijsten bij de jeugdzorg zijn lang, er is geen plek.  Klaar."
    [found] = list(coding.suggest([text], CUES))
    assert [(s.code, text[s.start : s.end]) for s in found] == [
        ("kn_wachtlijst", "De wachtlijsten bij de jeugdzorg zijn lang, er is geen plek.")
    ]
    assert found[0].evidence == ("wachtlijsten", "geen plek")
    assert found[0].confidence > coding.confidence(1)


def test_lemmas_match_inflected_forms_and_texts_stay_in_order():
    texts = ["Alle potjes zijn versnipperd.", "Niets bijzonders.", "Weer een wachtlijst."]
    results = list(coding.suggest(texts, CUES))
    assert [[s.code for s in r] for r in results] == [["kn_financiering"], [], ["kn_wachtlijst"]]


def test_default_codebook_has_every_code_of_the_domain_notes():
    data = codebook.read_yaml()
    keys = [code["id"] for code in data["codes"]]
    assert len(keys) == len(set(keys)) == 36
    assert sum(k.startswith("kn_") for k in keys) == 14
    assert sum(k.startswith("wp_") for k in keys) == 14
    assert sum(k.startswith("dom_") for k in keys) == 8
    for code in data["codes"]:
        assert code["family"] in {family["id"] for family in data["families"]}
        assert len(code["cues"]) >= 8
        assert all(cue == cue.lower() for cue in code["cues"])
        assert len(code["cues"]) == len(set(code["cues"]))
