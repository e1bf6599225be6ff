"""No side door on SQLite: an insert never replaces a stored event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

``INSERT OR REPLACE`` (or ``REPLACE INTO``, or an ``ON CONFLICT ... DO UPDATE`` upsert)
resolves a UNIQUE conflict by deleting the stored row -- without firing the DELETE
trigger of 0001 unless ``recursive_triggers`` is on -- and an upsert updates it. This
``BEFORE INSERT`` trigger refuses, whatever the conflict clause, an event whose position,
(household, version) or (household, event_id) is already stored: the database itself
refuses, before any conflict resolution runs. PostgreSQL needs nothing more: an upsert's
UPDATE fires the row trigger of 0001, and there is no REPLACE.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "events are append-only: an event with this {} is already stored"

#: two triggers, so the refusal names what was taken as SQLite's own UNIQUE message does
#: (``events.event_id``: the store reports a taken id, else a concurrent writer)
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER events_no_replace_id BEFORE INSERT ON events
    WHEN EXISTS (
        SELECT 1 FROM events WHERE household = NEW.household AND event_id = NEW.event_id
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.format("id (events.event_id)")}'); END""",
    f"""CREATE TRIGGER events_no_replace_version BEFORE INSERT ON events
    WHEN EXISTS (
        SELECT 1 FROM events
        WHERE position = NEW.position OR (household = NEW.household AND version = NEW.version)
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.format("position or version")}'); END""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_no_replace_id")
        op.execute("DROP TRIGGER IF EXISTS events_no_replace_version")
