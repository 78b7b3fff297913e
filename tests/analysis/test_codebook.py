"""The codebook service: versions, validation, YAML round trips and the changes between versions."""

import copy

import pytest
import yaml
from sqlalchemy import func, select

from analysis import codebook
from analysis.codebook import CodebookError
from analysis.models import CodebookVersion
from app.models import AuditEvent

pytestmark = pytest.mark.usefixtures("english")


def _small() -> dict:
    return {
        "families": [{"id": "knelpunt", "name_nl": "Knelpunten", "name_en": "Bottlenecks"}],
        "codes": [
            {"id": "kn_geld", "family": "knelpunt", "name_nl": "Geld", "cues": ["potje"]},
            {"id": "kn_tijd", "family": "knelpunt", "name_nl": "Tijd", "parent": "kn_geld"},
        ],
    }


def _version_count(db) -> int:
    return db.session.scalar(select(func.count(CodebookVersion.id)))


def test_saving_a_code_makes_a_new_version_and_keeps_the_old_one(db, make_user):
    researcher = make_user("researcher")
    first = codebook.ensure_current()
    old_definition = first.code("kn_wachtlijst").definition_nl
    fields = codebook.to_data(first)["codes"][[c.key for c in first.codes].index("kn_wachtlijst")]
    second = codebook.save_code(
        researcher, {**fields, "definition_nl": "Nieuwe omschrijving."}, "kn_wachtlijst"
    )
    db.session.commit()
    db.session.expire_all()

    assert (first.number, second.number) == (1, 2)
    assert codebook.current().number == 2
    assert [c.key for c in second.codes] == [c.key for c in first.codes]
    assert second.code("kn_wachtlijst").definition_nl == "Nieuwe omschrijving."
    assert codebook.version(1).code("kn_wachtlijst").definition_nl == old_definition
    assert second.note == "Changed code kn_wachtlijst"
    assert second.created_by_id == researcher.id


def test_a_note_given_with_a_code_is_kept(db, make_user):
    codebook.ensure_current()
    saved = codebook.save_code(
        make_user("researcher"),
        {"id": "kn_nieuw", "family": "knelpunt", "name_nl": "Nieuw"},
        note="Na de tweede codeerronde",
    )
    assert saved.note == "Na de tweede codeerronde"
    assert saved.code("kn_nieuw").name_en == "Nieuw"


def _broken(change) -> dict:
    data = _small()
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            _broken(lambda d: d["codes"][0].update(id="Kn-Geld")),
            "Code Kn-Geld needs an id of lowercase letters, digits and _.",
        ),
        (
            _broken(lambda d: d["codes"][1].update(id="kn_geld", parent=None)),
            "The id kn_geld is used twice.",
        ),
        (
            _broken(lambda d: d["codes"][0].update(family="domein")),
            "Code kn_geld has an unknown family domein.",
        ),
        (
            _broken(lambda d: d["codes"][1].update(parent="kn_weg")),
            "Code kn_tijd has an unknown parent kn_weg.",
        ),
        (
            _broken(lambda d: d["codes"][0].update(parent="kn_tijd")),
            "Code kn_geld is its own ancestor.",
        ),
        (
            _broken(lambda d: d["codes"][0].update(colour="blue")),
            "Code kn_geld needs a colour such as #154273.",
        ),
        (
            _broken(lambda d: d["codes"][0].update(family=["knelpunt"])),
            "The family of kn_geld must be text.",
        ),
        (
            _broken(lambda d: d["codes"][1].update(parent={"id": "kn_geld"})),
            "The parent of kn_tijd must be text.",
        ),
        (
            _broken(lambda d: d["families"][0].update(id=["knelpunt"])),
            "Family 1 needs an id of lowercase letters, digits and _.",
        ),
        (
            _broken(lambda d: d["codes"][0].update(cues=[{"woord": "potje"}])),
            "The cues of kn_geld must be a list of texts.",
        ),
    ],
)
def test_validate_names_the_problem(db, data, problem):
    assert problem in codebook.validate(data)


def test_validate_refuses_nested_aliases_without_expanding_them(db):
    text = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    text += "families: [{id: knelpunt}]\ncodes:\n  - {id: kn_geld, family: knelpunt, name_nl: *u}\n"
    assert codebook.validate(yaml.safe_load(text)) == ["The name_nl of kn_geld must be text."]


def test_validate_lists_every_problem_and_accepts_a_good_codebook(db):
    assert codebook.validate(_small()) == []
    assert codebook.validate(codebook.read_yaml()) == []
    data = _broken(lambda d: d["codes"][1].update(id="X", colour="rood", family="onbekend"))
    assert codebook.validate(data) == [
        "Code X needs an id of lowercase letters, digits and _.",
        "Code X has an unknown family onbekend.",
        "Code X needs a colour such as #154273.",
    ]


def test_export_and_import_round_trip(db, make_user):
    first = codebook.ensure_current()
    text = codebook.export_yaml(first)
    assert text.startswith("# Wijkstem codebook, version 1\n")
    second = codebook.import_yaml(text, make_user("researcher"))

    def without_note(saved):
        data = codebook.to_data(saved)
        del data["version_note"]
        return data

    assert second.number == 2
    assert without_note(second) == without_note(first)
    assert codebook.changes(codebook.to_data(first), codebook.to_data(second)) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("codes: [\n  {id: kn_geld\n", "This is not valid YAML on line 3."),
        ("just a sentence", "A codebook needs a list of codes."),
        (
            "families: [{id: knelpunt}]\ncodes:\n  - {id: kn_geld, family: knelpunt}\n",
            "Code kn_geld needs a Dutch name.",
        ),
    ],
)
def test_importing_a_broken_codebook_stores_nothing(db, make_user, text, problem):
    researcher = make_user("researcher")
    codebook.ensure_current()
    db.session.commit()
    before = _version_count(db)
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(CodebookError) as raised:
        codebook.import_yaml(text, researcher)
    assert problem in raised.value.problems
    assert _version_count(db) == before
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_changes_names_added_removed_and_changed_codes():
    old = _small()
    new = copy.deepcopy(old)
    new["codes"][0]["cues"] = ["potje", "subsidie"]
    new["codes"][0]["name_en"] = ""
    new["codes"][1]["parent"] = None
    new["codes"].append({"id": "kn_regels", "family": "knelpunt", "name_nl": "Regels"})
    del new["codes"][1]
    assert codebook.changes(old, new) == [
        ("kn_geld", "changed", ["cues"]),
        ("kn_regels", "added", []),
        ("kn_tijd", "removed", []),
    ]
    assert codebook.changes(old, copy.deepcopy(old)) == []
    assert codebook.changes(None, old) == [("kn_geld", "added", []), ("kn_tijd", "added", [])]


def test_history_is_newest_first_with_the_changes_of_each_version(db, make_user):
    researcher = make_user("researcher")
    codebook.ensure_current()
    codebook.add_family(researcher, "thema", "Thema's", "Themes")
    codebook.save_code(researcher, {"id": "th_groen", "family": "thema", "name_nl": "Groen"})
    rows = codebook.history()
    assert [(version.number, diff) for version, diff in rows] == [
        (3, [("th_groen", "added", [])]),
        (2, []),
        (1, None),
    ]
