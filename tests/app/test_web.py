import re

import pytest

from app import create_app
from app.security import safe_next


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_csrf_meta_and_no_inline_script(client):
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert "skip-link" in page and 'id="main"' in page


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


@pytest.mark.parametrize(
    ("language", "title"), [("nl", "Pagina niet gevonden"), ("en", "Page not found")]
)
def test_not_found_page_in_both_languages(client, language, title):
    client.post(f"/language/{language}", data={"next": "/"})
    response = client.get("/nowhere")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert title in page and f'<html lang="{language}">' in page


def test_forbidden_page(client, make_user, login):
    login(make_user("professional"))
    response = client.get("/moderation/")
    assert response.status_code == 403
    assert "geen toegang" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.json["status"] == 404 and response.json["message"]


def test_server_error_page(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in response.get_data(as_text=True)


def test_language_switch_is_visible_and_keeps_the_page(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en">English</button>' in page
    response = client.post("/language/en", data={"next": "/login"})
    assert response.headers["Location"] == "/login"
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "////evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "/\t/evil.example",
    ],
)
def test_safe_next_refuses_other_sites(target):
    assert safe_next(target, "/dashboard") == "/dashboard"


def test_safe_next_keeps_local_paths():
    assert safe_next("/dialogues/3?x=1#p", "/") == "/dialogues/3?x=1#p"


def test_forms_refuse_a_missing_csrf_token(app, db, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        user = make_user()
        response = client.post(
            "/login", data={"email": user.email, "password": "correct horse battery"}
        )
        assert response.status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login",
            data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert response.status_code == 302
        # JSON writes send the token from the page's meta tag in a header.
        meta = re.search(
            r'name="csrf-token" content="([^"]+)"', client.get("/dashboard").get_data(as_text=True)
        )
        refused = client.post("/language/en", json={})
        accepted = client.post("/language/en", headers={"X-CSRFToken": meta.group(1)})
        assert refused.status_code == 400 and accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_bad_request_page_in_english(app, client):
    client.post("/language/en", data={"next": "/"})
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": "a@b.nl", "password": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The request could not be handled" in page and "nothing was saved" in page
