"""The ledger's own connection layer on the drivers (``sqlite3``, psycopg 3): no SQLAlchemy.

The event store needs little of an engine: a pool of connections opened with the session
settings below, a transaction (``BEGIN`` / ``BEGIN IMMEDIATE`` on SQLite), a statement run
on the driver's cursor, a broken connection thrown away, and driver errors as one line.
:func:`make_database` gives exactly that, with the surface of SQLAlchemy's ``Engine`` and
``Connection`` the store uses (``connect``, ``begin``, ``execution_options(immediate=True)``,
``exec_driver_sql``, ``connection.driver_connection``, ``invalidate``, ``dispose``), so that
the event commands never import SQLAlchemy (~0.85 G instructions, half of every command's
fixed cost). SQLAlchemy stays where it is genuinely needed: Alembic's migrations and the
web desk's user tables (:mod:`ledger.store.engine`, the reference for these settings).

SQLite connections get ``journal_mode=WAL``, ``synchronous=FULL``, a 30 s
``busy_timeout`` and ``foreign_keys=ON``; the driver's own transaction handling is
switched off (``isolation_level=None``) and the layer emits ``BEGIN`` itself --
``BEGIN IMMEDIATE`` when the connection carries the execution option ``immediate=True``
(every append), so the writer lock is taken before the household's version is read.

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
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import LedgerError, shown
from .api import BadDatabaseUrl, StoreError
from .dburl import URL
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
#: idle connections a pool keeps (SQLAlchemy's QueuePool: 5)
POOL_SIZE = 5


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


def pg_options(url: URL, read_only: bool) -> str:
    """A PostgreSQL session's ``options``: the timeouts first, then the URL's own options
    (a search_path, say), then DateStyle and read-only, which win."""
    given: Any = url.query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    options = f"{pg_session_options()} {given} {PG_DATESTYLE}".strip()
    if read_only:
        options += " -c default_transaction_read_only=on"
    return options


class SAWarning(RuntimeWarning):
    """SQLAlchemy's warning of the same name, as the pysqlite dialect gave it."""


class ArgumentError(Exception):
    """A URL the driver cannot be given (SQLAlchemy's ``ArgumentError``, same text)."""


# --- errors ------------------------------------------------------------------------


def _known_errors() -> tuple[type[BaseException], ...]:
    """The infrastructure errors :func:`translated` turns into one line: the drivers'
    (psycopg's once loaded), this layer's, and SQLAlchemy's where it was loaded (the
    migrations, the web desk's users)."""
    errors: list[type[BaseException]] = [sqlite3.Error, ArgumentError]
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and hasattr(psycopg, "Error"):
        errors.append(psycopg.Error)
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and hasattr(sa_exc, "SQLAlchemyError"):
        errors.append(sa_exc.SQLAlchemyError)
    return tuple(errors)


def describe(exc: BaseException) -> str:
    """The first line of a driver error (under SQLAlchemy's wrapper, the driver's own,
    without its background links); a PostgreSQL timeout names the setting that ended
    the wait."""
    orig = getattr(exc, "orig", None)
    inner = orig if isinstance(orig, BaseException) else exc
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
    """Turn infrastructure errors -- the drivers', SQLAlchemy's where loaded, the OS's,
    and ``driver_errors`` -- into one-line :class:`StoreError` messages."""
    try:
        yield
    except StoreError:
        raise
    except OSError as exc:
        raise StoreError(f"cannot {doing} ledger database {where(url)}: {exc}") from None
    except Exception as exc:
        if isinstance(exc, (*_known_errors(), *driver_errors)):
            raise StoreError(
                f"cannot {doing} ledger database {where(url)}: {describe(exc)}"
            ) from None
        raise


def where(url: URL) -> str:
    path = sqlite_file(url)
    return str(path) if path is not None else safe(url)


# --- connections ---------------------------------------------------------------------


class Dialect:
    """What the store asks of a dialect: its name and its driver module."""

    __slots__ = ("name", "dbapi")

    def __init__(self, name: str, dbapi: Any):
        self.name = name
        self.dbapi = dbapi


class PooledConnection:
    """A driver connection lent by a :class:`Database` (``driver_connection``);
    :meth:`close` gives it back (rolled back), as SQLAlchemy's pool does."""

    __slots__ = ("database", "driver_connection", "_gone")

    def __init__(self, database: Database, driver_connection: Any):
        self.database = database
        self.driver_connection = driver_connection
        self._gone = False

    def cursor(self):
        return self.driver_connection.cursor()

    def invalidate(self) -> None:
        """Close the driver connection; it never goes back to the pool."""
        if self._gone:
            return
        self._gone = True
        with contextlib.suppress(Exception):
            self.driver_connection.close()

    def close(self) -> None:
        if self._gone:
            return
        self._gone = True
        self.database._give_back(self.driver_connection)


class Result:
    """The rows of one statement (read at once; the cursor is closed)."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int):
        self._rows = rows
        self.rowcount = rowcount

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    def all(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    fetchall = all

    def __iter__(self) -> Iterator[Any]:
        return iter(self.all())


class Connection:
    """One pooled connection in use (a ``with`` block): SQLAlchemy's ``Connection`` as
    the store uses it. A statement outside :meth:`begin` begins a transaction (as
    SQLAlchemy's autobegin) that :meth:`commit` / :meth:`rollback` / :meth:`close` ends."""

    def __init__(self, database: Database, pooled: PooledConnection):
        self.database = database
        self.dialect = database.dialect
        self.connection = pooled
        self._options: dict[str, Any] = {}
        self._in_transaction = False
        self._autocommit = False  # inside autocommit(): no transaction is begun

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def execution_options(self, **options: Any) -> Connection:
        self._options.update(options)
        return self

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._options)

    def _begin(self) -> None:
        if self.dialect.name == "sqlite":
            immediate = self._options.get("immediate", False)
            self._run("BEGIN IMMEDIATE" if immediate else "BEGIN", None)
        self._in_transaction = True

    def in_transaction(self) -> bool:
        return self._in_transaction

    @contextlib.contextmanager
    def autocommit(self) -> Iterator[Any]:
        """The driver connection, its statements each run on its own on PostgreSQL:
        outside a transaction, so without the BEGIN and ROLLBACK round trips around them
        (each statement sees its own snapshot, as each statement of a READ COMMITTED
        transaction does anyway); for reads only. The connection goes back to the pool
        in its default mode (a transaction per use: the writes count on it), or, if it
        cannot be set back, is closed instead. On SQLite, and inside a transaction,
        nothing changes (SQLite's BEGIN is no round trip, and keeps the reads in one
        snapshot)."""
        driver = self.connection.driver_connection
        if self.dialect.name != "postgresql" or self._in_transaction:
            yield driver
            return
        from psycopg.pq import TransactionStatus

        driver.autocommit = True
        self._autocommit = True
        try:
            yield driver
        finally:
            self._autocommit = False
            if driver.info.transaction_status == TransactionStatus.IDLE:
                driver.autocommit = False
            else:  # a broken connection: never pooled again
                self.invalidate()

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: committed at the end of the block, rolled back on an error."""
        if not self._in_transaction:
            self._begin()
        try:
            yield self
        except BaseException:
            if not self.connection._gone:
                self.rollback()
            raise
        self.commit()

    def commit(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            self.connection.driver_connection.commit()

    def rollback(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            self.connection.driver_connection.rollback()

    def _run(self, sql: str, params: Any) -> Any:
        cursor = self.connection.driver_connection.cursor()
        try:
            if params is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, params)
            rows = list(cursor) if cursor.description is not None else []
            return Result(rows, cursor.rowcount)
        finally:
            cursor.close()

    def exec_driver_sql(
        self, sql: str, params: Sequence[Any] | None = None, execution_options: Any = None
    ) -> Result:
        """Run one statement as it is on the driver's cursor (no parameters: no
        parameter collection, so psycopg leaves a ``%`` alone)."""
        if not self._in_transaction and not self._autocommit:
            self._begin()
        return self._run(sql, params)

    def invalidate(self) -> None:
        self._in_transaction = False
        self.connection.invalidate()

    def close(self) -> None:
        self._in_transaction = False
        self.connection.close()


class Database:
    """A pool of driver connections to one database (SQLAlchemy's ``Engine`` as the store
    uses it). An in-memory SQLite database is one connection per thread (SQLAlchemy's
    ``SingletonThreadPool``): closing it would lose the database."""

    def __init__(
        self,
        url: URL,
        dialect: Dialect,
        factory: Callable[[], Any],
        *,
        read_only: bool = False,
        singleton: bool = False,
    ):
        self.url = url
        self.dialect = dialect
        self.read_only = read_only
        self._factory = factory
        self._singleton = singleton
        self._idle: list[Any] = []
        self._threads: dict[int, Any] = {}
        self._lock = threading.Lock()

    def raw_connection(self) -> PooledConnection:
        if self._singleton:
            ident = threading.get_ident()
            with self._lock:
                driver = self._threads.get(ident)
            if driver is None:
                driver = self._factory()
                with self._lock:
                    self._threads[ident] = driver
            return PooledConnection(self, driver)
        with self._lock:
            driver = self._idle.pop() if self._idle else None
        if driver is None:
            driver = self._factory()
        return PooledConnection(self, driver)

    def _give_back(self, driver: Any) -> None:
        try:
            driver.rollback()  # SQLAlchemy's reset on return
        except Exception as exc:  # logged, as SQLAlchemy's pool does ("Exception during reset")
            import logging  # only here: no command loads it otherwise (its import costs ~4 ms)

            logging.getLogger(__name__).warning(
                "a connection to %s could not be rolled back on its return to the pool "
                "and was closed: %s: %s",
                safe(self.url),
                type(exc).__name__,
                exc,
            )
            with contextlib.suppress(Exception):
                driver.close()
            if self._singleton:
                with self._lock:
                    self._threads = {k: v for k, v in self._threads.items() if v is not driver}
            return
        if self._singleton:
            return
        with self._lock:
            if len(self._idle) < POOL_SIZE:
                self._idle.append(driver)
                return
        driver.close()

    def connect(self) -> Connection:
        return Connection(self, self.raw_connection())

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction, committed at the end (``Engine.begin``)."""
        with self.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        """Close the idle connections (and an in-memory database's)."""
        with self._lock:
            idle, self._idle = self._idle, []
            threads, self._threads = self._threads, {}
        for driver in (*idle, *threads.values()):
            with contextlib.suppress(Exception):
                driver.close()


# --- the factories -------------------------------------------------------------------


def make_database(url: URL, read_only: bool = False) -> Database:
    """A :class:`Database` for a resolved URL (see :func:`ledger.store.urls.resolve`).

    ``read_only``: it cannot write. A SQLite file is opened ``mode=ro`` (never created,
    its journal mode left alone), and ``immutable=1`` where even that fails because
    neither the file nor its directory may be written by this user (a ledger on
    read-only media, or another user's); a PostgreSQL session is
    ``default_transaction_read_only``.
    """
    if url.get_backend_name() == "sqlite":
        return _sqlite_database(url, read_only)
    import psycopg

    kwargs = _read_options(pg_connect_args, url)
    kwargs["options"] = pg_options(url, read_only)
    return Database(
        url,
        Dialect("postgresql", psycopg),
        lambda: psycopg.connect(**kwargs),
        read_only=read_only,
    )


def pg_connect_args(url: URL) -> dict[str, Any]:
    """psycopg's ``connect`` keywords for a URL, as SQLAlchemy's psycopg dialect makes
    them (``tests/store/test_dbapi.py`` compares); the ``options`` are set apart
    (:func:`pg_options`). The multi-host forms SQLAlchemy knows (a ``host`` or ``port``
    in the query naming more than one) go through SQLAlchemy's own code."""
    host_option = url.query.get("host")
    if "port" in url.query or (
        host_option is not None
        and (not isinstance(host_option, str) or ":" in host_option or "," in host_option)
    ):
        return _sqlalchemy_pg_args(url)
    args: dict[str, Any] = {}
    for field, name in (
        ("host", "host"),
        ("database", "dbname"),
        ("username", "user"),
        ("password", "password"),
        ("port", "port"),
    ):
        value = getattr(url, field)
        if value:
            args[name] = str(value) if field == "password" else value
    args.update(url.query)
    args.pop("options", None)
    return args


def _sqlalchemy_pg_args(url: URL) -> dict[str, Any]:
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
    from sqlalchemy.exc import ArgumentError as SaArgumentError

    sa_url = url.difference_update_query(["options"]).sqlalchemy()
    try:
        _, args = PGDialect_psycopg(use_native_hstore=False).create_connect_args(sa_url)
    except SaArgumentError as exc:
        raise ArgumentError(str(exc)) from None
    args.pop("context", None)
    return args


def _sqlite_database(url: URL, read_only: bool) -> Database:
    dialect = Dialect("sqlite", sqlite3)
    path = sqlite_file(url)
    if read_only and path is not None:

        def read_only_factory() -> sqlite3.Connection:
            conn = _sqlite_read_only(path)
            conn.isolation_level = None  # we emit BEGIN ourselves
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            return conn

        return Database(url, dialect, read_only_factory, read_only=True)
    filename, options = _read_options(sqlite_connect_args, url)
    if path is not None:
        prepare_sqlite_file(path)
    options["timeout"] = BUSY_TIMEOUT_MS / 1000

    def factory() -> sqlite3.Connection:
        conn = sqlite3.connect(filename, **options)
        conn.isolation_level = None  # we emit BEGIN ourselves
        cursor = conn.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()
        return conn

    memory = not (url.database and url.database != ":memory:") or (
        url.query.get("mode") == "memory"
    )
    return Database(url, dialect, factory, read_only=read_only, singleton=memory)


_SQLITE_ARGS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("uri", lambda v: _asbool(v)),
    ("timeout", float),
    ("isolation_level", str),
    ("detect_types", int),
    ("check_same_thread", lambda v: _asbool(v)),
    ("cached_statements", int),
)


def _asbool(value: Any) -> bool:
    """SQLAlchemy's ``util.asbool``."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "on", "y", "t", "1"):
            return True
        if text in ("false", "no", "off", "n", "f", "0"):
            return False
        raise ValueError(f"String is not true/false: {text!r}")
    return bool(value)


def _read_options(connect_args: Callable[[URL], Any], url: URL) -> Any:
    """``connect_args(url)``; a query option the driver's argument cannot take (e.g.
    ``?timeout=x``) is bad input, one line (exit 2), not a traceback."""
    try:
        return connect_args(url)
    except (ValueError, TypeError) as exc:
        raise BadDatabaseUrl(f"cannot read database URL {safe(url)}: {exc}") from None


def sqlite_connect_args(url: URL) -> tuple[str, dict[str, Any]]:
    """``sqlite3.connect``'s file name and keywords for a URL, as SQLAlchemy's pysqlite
    dialect makes them (``tests/store/test_dbapi.py`` compares)."""
    if url.username or url.password or url.host or url.port:
        raise ArgumentError(
            f"Invalid SQLite URL: {url}\n"
            "Valid SQLite URL forms are:\n"
            " sqlite:///:memory: (or, sqlite://)\n"
            " sqlite:///relative/path/to/file.db\n"
            " sqlite:////absolute/path/to/file.db"
        )
    opts = url.query
    options: dict[str, Any] = {}
    for key, convert in _SQLITE_ARGS:
        if key in opts and opts[key] is not None:
            options[key] = convert(opts[key])
    if options.get("uri", False):
        uri_opts = {k: v for k, v in opts.items() if k not in dict(_SQLITE_ARGS)}
        filename: Any = url.database
        if uri_opts:
            filename += "?" + "&".join(f"{k}={uri_opts[k]}" for k in sorted(uri_opts))
    else:
        ignored = sorted(set(opts).difference(key for key, _ in _SQLITE_ARGS))
        if ignored:
            import warnings

            warnings.warn(
                "Query string argument(s) {} are not accepted by the pysqlite driver and are "
                "being ignored; SQLite URI arguments require that 'uri=true' also be present "
                "in the URL. (Background on this warning at: https://sqlalche.me/e/21/squa)".format(
                    ", ".join(f"'{key}'" for key in ignored)
                ),
                SAWarning,
                stacklevel=2,
            )
        filename = url.database or ":memory:"
        if filename != ":memory:":
            filename = os.path.abspath(filename)
    file_db = bool(url.database and url.database != ":memory:") and (
        url.query.get("mode") != "memory"
    )
    options.setdefault("check_same_thread", not file_db)
    return filename, options


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
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
