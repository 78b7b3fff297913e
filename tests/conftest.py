"""Fixtures: one schema per test session and backend, one rolled-back transaction per test.

The suite runs on SQLite always and also on PostgreSQL when TEST_DATABASE_URL
points at a server; each backend is a parameter of the `app` fixture.
"""

import contextvars
import os
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.auth import services as accounts
from app.extensions import db as _db


class IsolatedClient(FlaskClient):
    """Runs every request in its own application context, as a real server does.

    Without this a request would reuse the test's context and inherit its `g`
    (including Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
PASSWORD = "correct horse battery"


def _on_postgres(statement: str) -> None:
    url = os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "ANALYSIS_BASE_MODEL": False,
    }
    schema = None
    if request.param == "postgresql":
        schema = f"wijkstem_test_{uuid.uuid4().hex[:10]}"
        _on_postgres(f'CREATE SCHEMA "{schema}"')
        config.update(
            SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"],
            SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={schema}"}},
        )
    else:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'test.sqlite3'}"
    application = create_app(config)
    application.instance_path = str(instance)
    application.test_client_class = IsolatedClient
    with application.app_context():
        _db.create_all()
    yield application
    with application.app_context():
        _db.engine.dispose()
    if schema:
        _on_postgres(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db(app):
    """A session whose every commit lands in one outer transaction, rolled back afterwards."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        _db.session.remove()
        original = _db.session
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    def make(role: str = "professional", email: str | None = None, password: str = PASSWORD):
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@wijkstem.test"
        user = accounts.create_user(email, password, role)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    def log_in(user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return log_in


SHARED = Path(__file__).resolve().parents[2] / "shared"
