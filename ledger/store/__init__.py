"""The event store: the only layer that touches the database (its own connection layer
on the drivers, :mod:`ledger.store.dbapi`; SQLAlchemy / SQLModel / Alembic only for the
migrations and the web desk's user tables).

``open_store(url)`` opens a SQLite file or a PostgreSQL database (migrated to head on
open); ``MemoryStore`` is the in-memory twin for unit tests. The contract is
:class:`ledger.store.api.EventStore`.
"""

from __future__ import annotations

from .api import (
    ChainProblem,
    ConcurrencyConflict,
    DuplicateEventId,
    EventStore,
    StoredEvent,
    StoreError,
)
from .open import current, open_store, upgrade

__all__ = [
    "ChainProblem",
    "ConcurrencyConflict",
    "DuplicateEventId",
    "EventStore",
    "MemoryStore",
    "StoreError",
    "StoredEvent",
    "current",
    "open_store",
    "upgrade",
]


def __getattr__(name: str):
    """``MemoryStore`` is imported on first use (the command line never needs it)."""
    if name == "MemoryStore":
        from .memory import MemoryStore

        return MemoryStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
