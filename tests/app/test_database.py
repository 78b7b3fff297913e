"""SQLite under concurrent writers: every transaction begins IMMEDIATE, so none fails as locked."""

import threading
import time

from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Area

WRITERS, WRITES = 6, 15


def test_concurrent_read_then_write_transactions_never_lock(tmp_path):
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'busy.sqlite3'}"}
    )
    with app.app_context():
        db.create_all()
    errors: list[Exception] = []

    def writer(number: int) -> None:
        with app.app_context():
            for write in range(WRITES):
                try:
                    # Read first, then write: the pattern that deadlocks with a plain BEGIN.
                    count = db.session.scalar(select(func.count(Area.id)))
                    db.session.add(Area(municipality=f"m{number}", name=f"{write}-{count}"))
                    db.session.commit()
                except Exception as error:  # noqa: BLE001 - collected and asserted below
                    db.session.rollback()
                    errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count(Area.id))) == WRITERS * WRITES
        db.engine.dispose()


def test_a_login_does_not_hold_the_write_lock_while_checking_the_password(tmp_path, monkeypatch):
    """Other writers go on while a login spends its time on the password hash."""
    from app.auth import services as accounts

    app = create_app(
        {
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'login.sqlite3'}",
        }
    )
    with app.app_context():
        db.create_all()
        accounts.create_user("a@wijkstem.test", "correct horse battery", "researcher")
        db.session.commit()
    checking, finished = threading.Event(), []
    real_verify = accounts.verify_password

    def slow_verify(stored, password):
        checking.set()
        time.sleep(1.0)
        finished.append("login")
        return real_verify(stored, password)

    monkeypatch.setattr(accounts, "verify_password", slow_verify)
    login = threading.Thread(
        target=lambda: app.test_client().post(
            "/login", data={"email": "a@wijkstem.test", "password": "correct horse battery"}
        )
    )
    login.start()
    assert checking.wait(5)
    with app.app_context():
        db.session.add(Area(municipality="Delft", name="Delft West"))
        db.session.commit()
        finished.append("write")
        db.engine.dispose()
    login.join()
    assert finished == ["write", "login"]
