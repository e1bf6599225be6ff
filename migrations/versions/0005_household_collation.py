"""Households sort by code point on PostgreSQL, whatever the database's collation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

``events.household`` gets the ``"C"`` collation on PostgreSQL. Its text columns took the
database's default collation, and a database created with a linguistic one (e.g.
``en_US.UTF-8``, or an ICU locale) ordered -- and compared -- the households by it:
``a1, alpha, b_3, b-2, ..., Zed`` where SQLite (its ``BINARY`` collation: UTF-8 bytes,
which is Python's ``str`` order) says ``Zed, a1, alpha, b-2, ...``. Every ``ORDER BY
household`` (the batch report's order, ``households``), the ``household >= start AND
household < stop`` of a batch share and the shares' cuts depended on how the database
was created. With the column's collation, ``UNIQUE(household, version)`` -- its index
rebuilt by the ALTER, no row rewritten (the type is the same) -- is in that order, so it
still serves the ordered scan. SQLite needs nothing: ``BINARY`` is its default.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_HOUSEHOLD_C = 'ALTER TABLE events ALTER COLUMN household TYPE VARCHAR COLLATE "C"'


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_HOUSEHOLD_C)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE events ALTER COLUMN household TYPE VARCHAR COLLATE "default"')
