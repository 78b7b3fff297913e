"""SQLite under concurrent writers: every transaction begins IMMEDIATE, so none fails as locked."""

import threading

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
