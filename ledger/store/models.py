"""The one table of the event store, ``events``, as a SQLModel table class.

The schema itself is owned by the Alembic revisions in ``migrations/``; this class is the
metadata they are checked against (a test proves migrated schema and metadata agree).
Bulk work never builds ``EventRow`` objects: :mod:`ledger.store.sql` uses SQLAlchemy Core
on ``EVENTS`` (the table) with plain dicts.

One row per event, append-only (database triggers refuse UPDATE and DELETE):

* ``position`` — global order of arrival (integer primary key, autoincrement);
* ``household`` + ``version`` — the household's stream; ``UNIQUE(household, version)`` is
  the optimistic-concurrency control *and* the index that loads one household;
* ``household`` + ``event_id`` — an id is unique within its household;
* ``payload`` — canonical JSON (``ledger.events.canonical_json``) of the event's fields;
* ``prev_hash`` / ``hash`` — the per-household hash chain (:mod:`ledger.store.hashing`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

#: Alembic revision the code expects (checked cheaply on open; a test ties it to the scripts).
HEAD_REVISION = "0001"

#: Position is BIGINT on servers; on SQLite it must be plain INTEGER to alias the rowid.
POSITION_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class EventRow(SQLModel, table=True):
    """A stored event (see module docstring for the meaning of each column)."""

    __tablename__ = "events"
    __table_args__ = (
        PrimaryKeyConstraint("position", name="pk_events"),
        UniqueConstraint("household", "version", name="uq_events_household_version"),
        UniqueConstraint("household", "event_id", name="uq_events_household_event_id"),
    )

    position: int | None = Field(
        default=None,
        sa_column=Column("position", POSITION_TYPE, primary_key=True, autoincrement=True),
    )
    household: str = Field(sa_column=Column("household", String(), nullable=False))
    event_id: str = Field(sa_column=Column("event_id", String(), nullable=False))
    version: int = Field(sa_column=Column("version", Integer(), nullable=False))
    kind: str = Field(sa_column=Column("kind", String(), nullable=False))
    schema_version: int = Field(sa_column=Column("schema_version", Integer(), nullable=False))
    payload: str = Field(sa_column=Column("payload", Text(), nullable=False))
    effective_date: dt.date | None = Field(
        default=None, sa_column=Column("effective_date", Date(), nullable=True)
    )
    tax_year: int | None = Field(
        default=None, sa_column=Column("tax_year", Integer(), nullable=True)
    )
    recorded_at: dt.datetime = Field(
        sa_column=Column("recorded_at", DateTime(timezone=True), nullable=False)
    )
    recorded_by: str = Field(sa_column=Column("recorded_by", String(), nullable=False))
    prev_hash: str = Field(sa_column=Column("prev_hash", String(64), nullable=False))
    hash: str = Field(sa_column=Column("hash", String(64), nullable=False))


EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
METADATA: MetaData = SQLModel.metadata
