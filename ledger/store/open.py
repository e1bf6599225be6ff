"""Entry points: open a store, and the ``roth-ledger db upgrade | current`` functions."""

from __future__ import annotations

from .engine import make_engine, translated
from .migrate import revision_of, upgrade_engine
from .sql import SqlStore, open_sql_store
from .urls import resolve, sqlite_file


def open_store(url: str | None = None) -> SqlStore:
    """Open the ledger database named by ``url`` (None: ``$ROTH_LEDGER_DB``, else the
    per-user default file), creating and migrating it to head as needed.

    Raises :class:`~ledger.store.api.StoreError` (one line) for a bad URL, an unreachable
    server or an unreadable file.
    """
    return open_sql_store(resolve(url))


def upgrade(url: str | None = None) -> str | None:
    """Migrate the database to the head revision; return the revision it is now at."""
    resolved = resolve(url)
    with translated(resolved, "upgrade"):
        engine = make_engine(resolved)
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
        engine = make_engine(resolved)
        try:
            with engine.connect() as conn:
                return revision_of(conn)
        finally:
            engine.dispose()
