"""SQLite settings that make it safe under several writer processes.

WAL lets readers run beside one writer; the busy timeout makes a writer wait
instead of failing; `BEGIN IMMEDIATE` takes the write lock at the start of a
transaction, so two transactions never both read and then both try to upgrade
to writing (which the busy timeout cannot resolve and SQLite reports as
"database is locked").
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_busy_timeout_ms = 15000


def configure_sqlite(busy_timeout_ms: int) -> None:
    global _busy_timeout_ms
    _busy_timeout_ms = busy_timeout_ms


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Hand transaction control to SQLAlchemy (and the BEGIN below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(_busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
