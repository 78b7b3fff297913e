"""The codebook pages over HTTP: reading, editing, families, YAML export and import, history."""

import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from analysis import codebook
from analysis.codebook_forms import MAX_IMPORT, ImportForm
from analysis.models import CodebookVersion
from app.models import AuditEvent

PAGE = "/analysis/codebook/"
URLS = [
    ("get", PAGE),
    ("get", "/analysis/codebook/codes/new"),
    ("post", "/analysis/codebook/codes/new"),
    ("get", "/analysis/codebook/codes/kn_wachtlijst/edit"),
    ("post", "/analysis/codebook/codes/kn_wachtlijst/edit"),
    ("get", "/analysis/codebook/families/new"),
    ("post", "/analysis/codebook/families/new"),
    ("get", "/analysis/codebook/export.yml"),
    ("get", "/analysis/codebook/import"),
    ("post", "/analysis/codebook/import"),
    ("get", "/analysis/codebook/versions"),
    ("get", "/analysis/codebook/versions/1"),
]


@pytest.fixture
def researcher(client, make_user, login):
    user = make_user("researcher")
    login(user)
    client.post("/language/en", data={"next": "/"})
    return user


def _versions(db) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(CodebookVersion.number).order_by("number")))


def _form(code: dict, **changes) -> dict:
    """What the edit form posts for `code` (as `codebook.to_data` gives it), with `changes`."""
    data = {name: value for name, value in code.items() if name not in ("id", "parent")}
    for name in ("examples", "cues", "negated_cues"):
        data[name] = "\n".join(code.get(name, []))
    data["parent"] = code.get("parent", "")
    data.update(changes)
    return data


def _saved_code(key: str) -> dict:
    return next(c for c in codebook.to_data(codebook.current())["codes"] if c["id"] == key)


def _page(client, url: str = PAGE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "url"), URLS)
def test_only_researchers_reach_the_codebook(client, make_user, login, method, url):
    assert getattr(client, method)(url).status_code == 302  # to the login page
    login(make_user("professional"))
    assert getattr(client, method)(url).status_code == 403


def test_the_page_shows_families_codes_and_the_version(client, researcher):
    page = _page(client)
    assert "Version 1, saved" in page
    assert "Default codebook" in page
    assert '<h2 id="family-knelpunt-title">Bottlenecks' in page
    assert '<span lang="en">Waiting lists/access</span>' in page
    assert '<span class="codebook-code__other" lang="nl">Wachtlijsten en toegang</span>' in page
    assert "<code>kn_wachtlijst</code>" in page
    assert 'fill="#15841e"' in page
    assert "<details" in page


def test_editing_a_code_makes_a_new_version_and_keeps_the_old_one(client, researcher, db):
    _page(client)
    old_text = _saved_code("kn_wachtlijst")["definition_en"]
    edit = _page(client, "/analysis/codebook/codes/kn_wachtlijst/edit")
    assert "Wachtlijsten en toegang" in edit
    response = client.post(
        "/analysis/codebook/codes/kn_wachtlijst/edit",
        data=_form(_saved_code("kn_wachtlijst"), definition_en="Help comes too late.", note=""),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/analysis/codebook/#code-kn_wachtlijst")
    assert _versions(db) == [1, 2]
    page = _page(client)
    assert "Saved as version 2." in page
    assert "Version 2, saved" in page and researcher.pseudonym in page
    assert "Help comes too late." in page and old_text not in page
    old = _page(client, "/analysis/codebook/versions/1")
    assert old_text in old and "Help comes too late." not in old
    assert "This is an earlier version" in old
    assert "/codes/kn_wachtlijst/edit" not in old
    history = _page(client, "/analysis/codebook/versions")
    assert "Changed code kn_wachtlijst" in history
    assert "English definition" in history
    assert "First version" in history


def test_an_invalid_code_keeps_what_was_typed_and_saves_nothing(client, researcher, db):
    _page(client)
    response = client.post(
        "/analysis/codebook/codes/new",
        data={
            "key": "Kn Nieuw",
            "family": "knelpunt",
            "name_nl": "Een nieuwe code",
            "cues": "eerste signaal\ntweede signaal",
            "colour": "#123456",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Lowercase letters, digits and _, starting with a letter" in page
    assert 'value="Kn Nieuw"' in page and 'value="Een nieuwe code"' in page
    assert "eerste signaal\ntweede signaal</textarea>" in page
    assert 'value="#123456"' in page
    assert _versions(db) == [1]


def test_a_code_added_under_a_parent_shows_under_it(client, researcher, db):
    _page(client)
    response = client.post(
        "/analysis/codebook/codes/new",
        data={
            "key": "kn_wachtlijst_ggz",
            "parent": "kn_wachtlijst",
            "family": "knelpunt",
            "name_nl": "Wachtlijst ggz",
            "name_en": "Mental health waiting list",
            "colour": "#15841e",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#code-kn_wachtlijst_ggz")
    entries = re.findall(r'codebook-code--depth-(\d)" id="code-(\w+)"', _page(client))
    at = entries.index(("0", "kn_wachtlijst"))
    assert entries[at + 1] == ("1", "kn_wachtlijst_ggz")
    assert entries[at + 2][0] == "0"
    assert codebook.current().code("kn_wachtlijst_ggz").parent_key == "kn_wachtlijst"


def test_a_codebook_problem_is_shown_with_the_typed_values(client, researcher, db):
    _page(client)
    client.post(
        "/analysis/codebook/codes/new",
        data={"key": "kn_sub", "parent": "kn_wachtlijst", "family": "knelpunt", "name_nl": "Sub"},
    )
    response = client.post(
        "/analysis/codebook/codes/kn_wachtlijst/edit",
        data=_form(_saved_code("kn_wachtlijst"), parent="kn_sub", definition_nl="Mijn tekst"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in page
    assert "Code kn_wachtlijst is its own ancestor." in page
    assert "Mijn tekst</textarea>" in page
    assert '<option selected value="kn_sub">' in page
    assert _versions(db) == [1, 2]


def test_a_new_family_gets_its_own_section(client, researcher, db):
    _page(client)
    response = client.post(
        "/analysis/codebook/families/new",
        data={"key": "thema", "name_nl": "Thema's", "name_en": "Themes"},
    )
    assert response.status_code == 302
    page = _page(client)
    assert '<section class="codebook-family" id="family-thema"' in page
    assert "No codes in this family yet." in page
    again = client.post("/analysis/codebook/families/new", data={"key": "thema", "name_nl": "X"})
    assert again.status_code == 400
    assert "The family thema already exists." in again.get_data(as_text=True)
    assert _versions(db) == [1, 2]


def test_the_export_downloads_yaml_that_imports_again(client, researcher, db):
    _page(client)
    response = client.get("/analysis/codebook/export.yml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=wijkstem-codebook-v1.yml"
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "codebook.export"))
    assert [(e.actor_id, e.details["number"]) for e in events] == [(researcher.id, 1)]
    imported = client.post(
        "/analysis/codebook/import",
        data={"upload": (io.BytesIO(response.data), "wijkstem-codebook-v1.yml")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302
    assert _versions(db) == [1, 2]
    first, second = codebook.version(1), codebook.version(2)
    assert codebook.changes(codebook.to_data(first), codebook.to_data(second)) == []
    older = client.get("/analysis/codebook/export.yml?version=1")
    assert "filename=wijkstem-codebook-v1.yml" in older.headers["Content-Disposition"]
    assert client.get("/analysis/codebook/export.yml?version=9").status_code == 404


def test_an_import_with_problems_lists_them_and_saves_nothing(client, researcher, db):
    _page(client)
    text = codebook.export_yaml(codebook.current()).replace("family: domein", "family: onbekend", 1)
    response = client.post(
        "/analysis/codebook/import",
        data={"upload": (io.BytesIO(text.encode()), "codebook.yaml")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "has an unknown family onbekend." in page
    assert "family: onbekend" in page  # the file's text, in the box to correct
    pasted = client.post("/analysis/codebook/import", data={"text": "codes: [\n  {id: x\n"})
    assert "This is not valid YAML on line 3." in pasted.get_data(as_text=True)
    wrong = client.post(
        "/analysis/codebook/import",
        data={"upload": (io.BytesIO(b"codes: []"), "codebook.txt")},
        content_type="multipart/form-data",
    )
    assert "Choose a file ending in .yml or .yaml." in wrong.get_data(as_text=True)
    assert client.post("/analysis/codebook/import", data={}).status_code == 400
    assert _versions(db) == [1]


def test_a_file_over_1_mb_is_refused(app, db):
    upload = (io.BytesIO(b"#" * (MAX_IMPORT + 1)), "codebook.yml")
    with (
        app.test_request_context("/", method="POST", data={"upload": upload}) as context,
        force_locale("en"),
    ):
        try:
            form = ImportForm(meta={"csrf": False})
            assert not form.validate()
            assert form.upload.errors == ["The file is larger than 1 MB."]
        finally:
            context.request.environ["wsgi.input"].close()  # the test client's spooled body


def test_saving_needs_the_csrf_token(app, client, researcher, db, monkeypatch):
    _page(client)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(
        "/analysis/codebook/codes/kn_wachtlijst/edit", data=_form(_saved_code("kn_wachtlijst"))
    )
    assert response.status_code == 400
    assert _versions(db) == [1]
    assert db.session.scalar(select(func.count(CodebookVersion.id))) == 1
