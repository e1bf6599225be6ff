"""Engines for the ledger database, and database errors turned into one-line StoreErrors.

SQLite connections get ``journal_mode=WAL``, ``synchronous=FULL``, a 30 s
``busy_timeout`` and ``foreign_keys=ON``; the driver's own transaction handling is
switched off so that SQLAlchemy emits ``BEGIN`` itself — ``BEGIN IMMEDIATE`` when the
connection carries the execution option ``immediate=True`` (every append), so the writer
lock is taken before the household's version is read. (SQLAlchemy docs, "Transactions with
SQLite and the sqlite3 driver".)

PostgreSQL sessions get a ``lock_timeout`` (default 30 s, as SQLite's busy timeout) and a
``statement_timeout`` (default 10 min), from ``ROTH_LEDGER_PG_LOCK_TIMEOUT`` and
``ROTH_LEDGER_PG_STATEMENT_TIMEOUT`` (PostgreSQL's units: ``500ms``, ``30s``, ``10min``,
``1h``; a bare number is milliseconds; ``0`` waits forever), set as connection options
before the URL's own (so a ``-c`` in the URL wins). A wait or a statement cut short is one
line naming the setting (exit 5), never a command that hangs. They also get
``TimeZone=UTC`` (:data:`PG_TIMEZONE`): every ``recorded_at`` is read as a UTC time, and
psycopg builds a ``timestamptz`` in ``datetime.UTC`` several times faster than in a
``zoneinfo`` zone such as the common server default ``Etc/UTC``; the values are the same
instants whatever the session's zone (a URL's own ``TimeZone`` still wins); and
``DateStyle=ISO`` (:data:`PG_DATESTYLE`), which nothing overrides.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..errors import LedgerError, shown
from .api import StoreError
from .urls import prepare_sqlite_file, safe, sqlite_file

BUSY_TIMEOUT_MS = 30_000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
)


#: (PostgreSQL setting, environment variable, default)
PG_TIMEOUTS = (
    ("lock_timeout", "ROTH_LEDGER_PG_LOCK_TIMEOUT", "30s"),
    ("statement_timeout", "ROTH_LEDGER_PG_STATEMENT_TIMEOUT", "10min"),
)
_DURATION = re.compile(r"[0-9]{1,9}(ms|s|min|h)?")
#: the session time zone (see the module docstring)
PG_TIMEZONE = "-c TimeZone=UTC"
#: the session's date style, after the URL's options: psycopg reads a timestamptz only
#: as ISO writes it (another style, set for the database or the role, fails every read)
PG_DATESTYLE = "-c DateStyle=ISO"


def pg_session_options() -> str:
    """The ``-c`` options every PostgreSQL connection starts with (the timeouts above
    and :data:`PG_TIMEZONE`); a malformed setting is bad input (exit 2), one line."""
    options = [PG_TIMEZONE]
    for setting, variable, default in PG_TIMEOUTS:
        value = os.environ.get(variable, "").strip() or default
        if not _DURATION.fullmatch(value):
            raise LedgerError(
                f"{variable}: {shown(value)} is not a duration (e.g. 500ms, 30s, 10min, 1h; "
                "0 for no limit)"
            )
        options.append(f"-c {setting}={value}")
    return " ".join(options)


def make_engine(url: URL, read_only: bool = False) -> Engine:
    """An engine for a resolved URL (see :func:`ledger.store.urls.resolve`).

    ``read_only``: the engine cannot write. A SQLite file is opened ``mode=ro`` (never
    created, its journal mode left alone), and ``immutable=1`` where even that fails
    because neither the file nor its directory may be written by this user (a ledger on
    read-only media, or another user's); a PostgreSQL session is
    ``default_transaction_read_only``.
    """
    if url.get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if read_only and path is not None:
            engine = create_engine(url, creator=lambda: _sqlite_read_only(path))
            event.listen(engine, "connect", _sqlite_connect_read_only)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        if path is not None:
            prepare_sqlite_file(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # the timeouts first, then the URL's own options (a search_path, say), then DateStyle
    # and read-only, which win
    given = url.query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    options = f"{pg_session_options()} {given} {PG_DATESTYLE}".strip()
    if read_only:
        options += " -c default_transaction_read_only=on"
    # no hstore: the ledger has none, and looking its type up costs every new engine (a
    # command, a forked worker) a savepoint and a catalog query on its first connection
    return create_engine(
        url.difference_update_query(["options"]),
        connect_args={"options": options},
        use_native_hstore=False,
    )


def _sqlite_read_only(path: Path):
    import sqlite3

    uri = path.absolute().as_uri() + "?mode=ro"
    timeout = BUSY_TIMEOUT_MS / 1000
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if os.access(path, os.W_OK) or os.access(path.parent, os.W_OK):
            raise
    # a WAL ledger nobody here may write: read it as it is on disk
    return sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False)


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


def describe(exc: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's background links; a
    PostgreSQL timeout names the setting that ended the wait."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(inner).strip() or type(inner).__name__
    line = text.splitlines()[0].strip()
    state = getattr(inner, "sqlstate", None)
    if state == "55P03" and "lock timeout" in line:  # LockNotAvailable
        return (
            "another session held a lock on the ledger longer than lock_timeout "
            "(ROTH_LEDGER_PG_LOCK_TIMEOUT, default 30s); nothing was changed, try again"
        )
    if state == "57014" and "statement timeout" in line:  # QueryCanceled
        return (
            "a statement ran longer than statement_timeout "
            "(ROTH_LEDGER_PG_STATEMENT_TIMEOUT, default 10min); nothing was changed"
        )
    if state == "42501" and line.startswith("permission denied"):  # InsufficientPrivilege
        return (
            f"{line} (this role may not do that: run `roth-ledger db upgrade` as the "
            "database's owner; the application role's grants are in the README)"
        )
    return line


@contextlib.contextmanager
def translated(
    url: URL, doing: str = "use", driver_errors: tuple[type[Exception], ...] = ()
) -> Iterator[None]:
    """Turn infrastructure errors -- SQLAlchemy's, the OS's, and ``driver_errors`` (the
    driver's own, raised on its cursor) -- into one-line :class:`StoreError` messages."""
    errors: tuple[type[Exception], ...] = (SQLAlchemyError, *driver_errors)
    try:
        yield
    except StoreError:
        raise
    except errors as exc:
        raise StoreError(f"cannot {doing} ledger database {where(url)}: {describe(exc)}") from None
    except OSError as exc:
        raise StoreError(f"cannot {doing} ledger database {where(url)}: {exc}") from None


def where(url: URL) -> str:
    path = sqlite_file(url)
    return str(path) if path is not None else safe(url)
