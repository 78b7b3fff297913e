import re

from sqlalchemy import select

from app.models import AuditEvent, LoginFailure


def test_login_page_has_named_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page
    assert '<html lang="nl">' in page


def test_login_and_dashboard(client, make_user, login):
    user = make_user("researcher")
    login(user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert user.pseudonym in page
    assert "/analysis/" in page


def test_wrong_password_keeps_email_and_says_why(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "nope-nope-nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert f'value="{user.email}"' in page
    assert "niet juist" in page


def test_dashboard_requires_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_logout_ends_copied_session(app, client, make_user, login):
    user = make_user()
    login(user)
    copied = client.get_cookie("session").value
    client.post("/logout")
    other = app.test_client()
    other.set_cookie("session", copied)
    assert other.get("/dashboard").status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(app, client, make_user, login):
    user = make_user()
    login(user)
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert other.get("/dashboard").status_code == 200
    response = client.post(
        "/account/password",
        data={
            "current": "correct horse battery",
            "new": "a new long secret",
            "confirm": "a new long secret",
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302


def test_password_change_with_wrong_current_password(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post(
        "/account/password",
        data={
            "current": "wrong wrong wrong",
            "new": "a new long secret",
            "confirm": "a new long secret",
        },
    )
    assert response.status_code == 400
    assert "huidige wachtwoord" in response.get_data(as_text=True)


def test_disabled_account_loses_its_session(runner, client, make_user, login):
    user = make_user()
    login(user)
    result = runner.invoke(args=["users", "disable", user.email])
    assert result.exit_code == 0, result.output
    assert client.get("/dashboard").status_code == 302


def test_throttle_per_account_is_kept_in_the_database(app, client, db, make_user):
    user = make_user()
    limit = app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert (
            client.post("/login", data={"email": user.email, "password": "x" * 12}).status_code
            == 401
        )
    # A fresh client stands for another worker process: only the database remembers.
    other = app.test_client()
    response = other.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 429
    assert db.session.scalar(select(LoginFailure.id).where(LoginFailure.kind == "account"))


def test_throttle_per_address(app, client, make_user):
    limit = app.config["LOGIN_FAILURES_PER_ADDRESS"]
    for n in range(limit):
        client.post("/login", data={"email": f"someone{n}@example.org", "password": "x" * 12})
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 429


def test_successful_login_is_not_throttled_after_few_failures(client, make_user):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": "x" * 12})
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_login_next_is_safe(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=//evil.example/x",
        data={"email": user.email, "password": "correct horse battery"},
    )
    assert response.headers["Location"] == "/dashboard"


def test_user_creation_is_audited(db, make_user):
    user = make_user("moderator")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.object_id == str(user.id)
    assert re.match(r"^\$argon2id\$", user.password_hash)
