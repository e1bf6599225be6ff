"""The keyed chain: a MAC beside each event's hash, and the record that keys a ledger.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

``events.mac`` (nullable): HMAC-SHA256 of the row's hash with the key named by
``ROTH_LEDGER_HMAC_KEY_FILE`` (null for an event written without a key: an unkeyed ledger
works as before). ``ledger_keys``: one row per ledger that was keyed -- the key's
fingerprint, the first global position every event must carry a MAC from, the heads
sealed at that moment, and the record's own MAC (see ``ledger/store/keyed.py``).
``ledger_keys`` is append-only as ``events`` is, by the same triggers (SQLite) and the
same trigger function (PostgreSQL). Kept identical to ``ledger/store/models.py`` by
``tests/store/test_database.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = importlib.import_module("migrations.versions.0001_events").MESSAGE

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER ledger_keys_no_update BEFORE UPDATE ON ledger_keys
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ledger_keys_no_delete BEFORE DELETE ON ledger_keys
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
)

PG_TRIGGERS = (
    """CREATE TRIGGER ledger_keys_no_update_delete BEFORE UPDATE OR DELETE ON ledger_keys
    FOR EACH ROW EXECUTE FUNCTION events_append_only()""",
    """CREATE TRIGGER ledger_keys_no_truncate BEFORE TRUNCATE ON ledger_keys
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()""",
)


def upgrade() -> None:
    op.add_column("events", sa.Column("mac", sa.String(64), nullable=True))
    op.create_table(
        "ledger_keys",
        sa.Column("fingerprint", sa.String(16), nullable=False),
        sa.Column("since_position", sa.BigInteger(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name="pk_ledger_keys"),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_keys_no_truncate ON ledger_keys")
        op.execute("DROP TRIGGER IF EXISTS ledger_keys_no_update_delete ON ledger_keys")
    op.drop_table("ledger_keys")
    op.drop_column("events", "mac")
