import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy import text as sql

from app import create_app
from app.auth.services import find_user

WIJKSTEM = str(Path(sys.executable).parent / "wijkstem")


def test_help_lists_the_core_groups():
    output = subprocess.run([WIJKSTEM, "--help"], capture_output=True, text=True, check=True).stdout
    for group in ("db", "users", "demo", "analysis", "routes"):
        assert f"  {group}" in output


def test_users_create_reads_the_password_from_stdin(runner, db):
    result = runner.invoke(
        args=["users", "create", "Nieuw@Wijkstem.test", "--role", "moderator"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = find_user("nieuw@wijkstem.test")
    assert user.role == "moderator" and "a long enough password" not in user.password_hash


def test_users_create_refuses_bad_input_clearly(runner, db):
    result = runner.invoke(
        args=["users", "create", "x@wijkstem.test", "--role", "moderator"], input="short\n"
    )
    assert result.exit_code != 0 and "10" in result.output
    result = runner.invoke(
        args=["users", "create", "x@wijkstem.test", "--role", "king"], input="x" * 12
    )
    assert result.exit_code != 0 and "king" in result.output


def _row_counts(db) -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(table))
        for name, table in db.metadata.tables.items()
    }


def test_demo_load_is_idempotent(runner, db):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = _row_counts(db)
    assert counts["user"] == 9 and counts["area"] == 20 and counts["contribution"] > 20
    assert counts["coded_segment"] > 0 and counts["audit_event"] > 0
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert _row_counts(db) == counts
    assert "wijkstem-demo" in first.output


def test_migrations_build_the_schema_of_the_models(tmp_path):
    """`wijkstem db upgrade` on an empty database gives the schema the models declare."""
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    env = {**os.environ, "WIJKSTEM_DATABASE_URL": url, "WIJKSTEM_SECRET_KEY": "x"}
    subprocess.run([WIJKSTEM, "db", "upgrade"], env=env, check=True, capture_output=True)
    check = subprocess.run([WIJKSTEM, "db", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    engine = create_engine(url)
    assert {"user", "contribution", "audit_event", "area", "prompt", "coded_segment"} <= set(
        inspect(engine).get_table_names()
    )
    with engine.connect() as connection:
        assert connection.execute(sql("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_config_from_environment_and_secret_generated_once(tmp_path, monkeypatch):
    monkeypatch.setenv("WIJKSTEM_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("WIJKSTEM_LOGIN_FAILURES_PER_ACCOUNT", "3")
    monkeypatch.delenv("WIJKSTEM_SECRET_KEY", raising=False)
    first = create_app({"SECRET_KEY": None})
    assert first.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert first.config["LOGIN_FAILURES_PER_ACCOUNT"] == 3
    assert first.config["SESSION_COOKIE_SECURE"] is True
    second = create_app({"SECRET_KEY": None})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_sqlite_connections_are_tuned_for_concurrent_writers(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    connection = db.session.connection()
    assert connection.execute(sql("PRAGMA foreign_keys")).scalar() == 1
    assert connection.execute(sql("PRAGMA synchronous")).scalar() == 2  # FULL
    assert connection.execute(sql("PRAGMA busy_timeout")).scalar() >= 5000
