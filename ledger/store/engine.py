"""SQLAlchemy engines for the ledger database, where SQLAlchemy is genuinely needed.

The event store runs on its own connection layer (:mod:`ledger.store.dbapi`, which
never imports SQLAlchemy); Alembic's migrations (an older ledger brought to head) and the
web desk's user tables (SQLAlchemy Core, :mod:`ledger.store.users`) get a SQLAlchemy
engine from :func:`make_engine`, with the same session settings: SQLite connections get
:data:`~ledger.store.dbapi.SQLITE_PRAGMAS` and the driver's own transaction handling
switched off, so that SQLAlchemy emits ``BEGIN`` itself -- ``BEGIN IMMEDIATE`` when the
connection carries the execution option ``immediate=True`` (SQLAlchemy docs,
"Transactions with SQLite and the sqlite3 driver"); PostgreSQL sessions the options of
:func:`~ledger.store.dbapi.pg_options`. Errors are turned into one line by the same
:func:`~ledger.store.dbapi.translated`.
"""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from .dbapi import (
    BUSY_TIMEOUT_MS,
    PG_DATESTYLE,
    PG_TIMEOUTS,
    PG_TIMEZONE,
    SQLITE_PRAGMAS,
    _sqlite_read_only,
    describe,
    pg_options,
    pg_session_options,
    translated,
    where,
)
from .dburl import URL
from .urls import prepare_sqlite_file, sqlite_file

__all__ = [
    "BUSY_TIMEOUT_MS",
    "PG_DATESTYLE",
    "PG_TIMEOUTS",
    "PG_TIMEZONE",
    "SQLITE_PRAGMAS",
    "describe",
    "make_engine",
    "pg_session_options",
    "translated",
    "where",
]


def make_engine(url: URL, read_only: bool = False) -> Engine:
    """A SQLAlchemy engine for a resolved URL (see :func:`ledger.store.urls.resolve`);
    ``read_only`` as :func:`ledger.store.dbapi.make_database`."""
    if url.get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if read_only and path is not None:
            engine = create_engine(url.sqlalchemy(), creator=lambda: _sqlite_read_only(path))
            event.listen(engine, "connect", _sqlite_connect_read_only)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        if path is not None:
            prepare_sqlite_file(path)
        engine = create_engine(url.sqlalchemy(), connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # no hstore: the ledger has none, and looking its type up costs every new engine (a
    # command, a forked worker) a savepoint and a catalog query on its first connection
    return create_engine(
        url.difference_update_query(["options"]).sqlalchemy(),
        connect_args={"options": pg_options(url, read_only)},
        use_native_hstore=False,
    )


def _sqlite_connect_read_only(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
