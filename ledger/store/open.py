"""Entry points: open a store, and the ``roth-ledger db upgrade | current`` functions."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import NotFound, NotSupported
from .api import OtherRevision, StoreError
from .dbapi import make_database, translated, where
from .dburl import URL
from .keyed import load_key
from .migrate import known_revisions, revision_of, upgrade_engine
from .schema import HEAD_REVISION
from .sql import SqlStore, open_sql_store, store_on
from .urls import resolve, sqlite_file


def open_store(url: str | None = None, read_only: bool = False) -> SqlStore:
    """Open the ledger database named by ``url`` (None: ``$ROTH_LEDGER_DB``, else the
    per-user default file), creating and migrating it to head as needed.

    ``read_only`` (every command that only reads): nothing is created or migrated and
    the connection cannot write, so a read-only ledger file works; a missing file, an
    empty database or one without the ledger's tables is :class:`NotFound` ("no ledger
    at ..."), another application's database a :class:`StoreError`, an older schema an
    :class:`~ledger.store.api.OtherRevision` naming the ``roth-ledger --db ... db upgrade``
    to run (a revision this version does not know: a StoreError saying to upgrade
    roth-ledger).

    Raises :class:`~ledger.store.api.StoreError` (one line) for a bad URL, an unreachable
    server or an unreadable file. The store's ``key`` is the HMAC key named by
    ``ROTH_LEDGER_HMAC_KEY_FILE`` (:mod:`ledger.store.keyed`), None when unset.
    """
    resolved = resolve(url)
    key, key_notes = load_key()  # $ROTH_LEDGER_HMAC_KEY_FILE (ledger.store.keyed)
    if not read_only:
        path = sqlite_file(resolved)
        new = path is not None and not os.path.lexists(path)
        store = open_sql_store(resolved)
        store.notes = private_notes(resolved)
        if new and path is not None:
            store.created = _identity(path)
    else:
        store = open_read_only(resolved)
    store.key = key
    store.notes += key_notes
    return store


def open_read_only(url: URL) -> SqlStore:
    path = sqlite_file(url)
    where_ = where(url)
    if path is not None:
        if path.is_symlink() and not path.exists():
            raise NotFound(f"no ledger at {where_} (a symbolic link to a missing file)")
        if path.is_dir():
            raise StoreError(f"cannot open ledger database {where_}: it is a directory")
        if not path.exists():
            raise NotFound(f"no ledger at {where_} (check --db / ROTH_LEDGER_DB)")
    with translated(url, "read"):
        engine = make_database(url, read_only=True)
        try:
            with engine.connect() as conn, conn.autocommit():  # PostgreSQL: no BEGIN
                revision = revision_of(conn)
                foreign = revision is None and has_tables(conn)
                conn.rollback()
        except BaseException:
            engine.dispose()
            raise
    if revision != HEAD_REVISION:
        import shlex  # only these messages quote the path (start-up of every command)

        engine.dispose()
        if foreign:
            raise StoreError(
                f"{where_} is not a roth-ledger ledger (it holds other tables); "
                "name the ledger with --db"
            )
        if revision is None:
            raise NotFound(
                f"no ledger at {where_} (the database is empty: "
                f"`roth-ledger --db {shlex.quote(where_)} db upgrade` or the first import "
                "creates it)"
            )
        if revision not in known_revisions():  # a newer roth-ledger's (Alembic: only here)
            raise StoreError(
                f"the ledger at {where_} is at schema revision {revision!r}, which this "
                f"version of roth-ledger does not know (it expects {HEAD_REVISION!r}): "
                "upgrade roth-ledger"
            )
        raise OtherRevision(  # the database to upgrade named, as --db (a shell word)
            f"the ledger at {where_} is at schema revision {revision!r}, not "
            f"{HEAD_REVISION!r}: run `roth-ledger --db {shlex.quote(where_)} db upgrade`",
            where_,
            revision,
            HEAD_REVISION,
        )
    store = store_on(engine, url)
    store.notes = private_notes(url)
    return store


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def discard_created(store: object) -> bool:
    """Remove the SQLite ledger file ``open_store`` created for ``store`` (it did not
    exist before this command) when nothing is stored in it: a refused command leaves no
    empty ledger behind. ``store`` is closed first. Nothing is removed -- False -- for a
    file that existed before, a PostgreSQL database, a file another connection holds a
    write lock on or has written anything into (any row in any table), or a file no
    longer the one created (another inode at the path). The check and the removal are
    made under an exclusive lock, so no other writer commits into the file in between."""
    created = getattr(store, "created", None)
    url = getattr(store, "url", None)
    path = sqlite_file(url) if created is not None and url is not None else None
    if path is None:
        return False
    store.close()  # type: ignore[attr-defined]
    import sqlite3
    from urllib.parse import quote

    try:
        conn = sqlite3.connect(
            f"file:{quote(str(path))}?mode=rw", uri=True, timeout=0, isolation_level=None
        )
    except sqlite3.Error:
        return False
    try:
        conn.execute("BEGIN EXCLUSIVE")
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name != "alembic_version" and not name.startswith("sqlite_")
        ]
        quoted = ('"' + t.replace('"', '""') + '"' for t in tables)
        if any(conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in quoted):
            return False
        if _identity(path) != created:
            return False
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{path}{suffix}")
            except FileNotFoundError:
                pass
        return True
    except (sqlite3.Error, OSError):
        return False
    finally:
        conn.close()


def has_tables(conn) -> bool:
    """Whether the database holds any table (another application's data)."""
    if conn.dialect.name == "sqlite":
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1"
    else:
        query = (
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() LIMIT 1"
        )
    return conn.exec_driver_sql(query).scalar() is not None


def private_notes(url: URL) -> list[str]:
    """Warnings about the ledger file's permissions (its tax data is private)."""
    path = sqlite_file(url)
    if path is None:
        return []
    try:
        mode = path.stat().st_mode
    except OSError:
        return []
    if mode & 0o077:
        return [
            f"the ledger {path} can be read by other users (mode {mode & 0o777:o}); "
            f"make it private with: chmod 600 {path}"
        ]
    return []


def upgrade(url: str | None = None) -> str | None:
    """Migrate the database to the head revision; return the revision it is now at."""
    resolved = resolve(url)
    with translated(resolved, "upgrade"):
        engine = make_database(resolved)
        try:
            upgrade_engine(engine)
            with engine.connect() as conn:
                return revision_of(conn)
        finally:
            engine.dispose()


def current(url: str | None = None) -> str | None:
    """The database's schema revision (None if never migrated); never migrates and
    never creates a missing SQLite file."""
    resolved = resolve(url)
    path = sqlite_file(resolved)
    if path is not None and not path.exists():
        return None
    with translated(resolved, "read"):
        engine = make_database(resolved)
        try:
            with engine.connect() as conn:
                return revision_of(conn)
        finally:
            engine.dispose()


def backup(url: str | None, dest: Path) -> int:
    """Copy the ledger named by ``url`` into the SQLite file ``dest`` with SQLite's online
    backup (a consistent snapshot while others keep writing; the WAL is included); the
    number of events copied. A PostgreSQL ledger is :class:`NotSupported` (use
    ``pg_dump``, or ``export`` each household)."""
    import sqlite3

    resolved = resolve(url)
    path = sqlite_file(resolved)
    if path is None:
        raise NotSupported(
            "db backup of a PostgreSQL ledger: use pg_dump (see the README, Backing up)"
        )
    store = open_read_only(resolved)
    try:
        with translated(resolved, "back up"):
            source = store.engine.raw_connection()
            try:
                target = sqlite3.connect(dest)
                try:
                    source.driver_connection.backup(target)
                    target.execute("PRAGMA journal_mode=DELETE")
                    count = target.execute("SELECT count(*) FROM events").fetchone()[0]
                finally:
                    target.close()
            finally:
                source.close()
    finally:
        store.close()
    return count
