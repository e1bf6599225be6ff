"""Users of the web desk and their sign-in sessions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

``users``: one row per person who signs in to ``roth-ledger serve`` (a preparer, who sees
every household, or a client, who sees one); the password as an argon2id hash, never the
password; consecutive failed sign-ins and the time (Unix seconds) a lock-out ends.
``web_sessions``: one row per signed-in browser; only the SHA-256 of the cookie's random
token is kept, with the session's CSRF token and its expiry (Unix seconds). Unlike
``events`` these rows change (a user is disabled, a failure counted, a session ended):
they are access control, not ledger facts. Kept identical to the metadata in
``ledger/store/models.py`` by ``tests/store/test_database.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("household", sa.String(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_users"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(["username"], ["users.username"], name="fk_web_sessions_username"),
    )
    op.create_index("ix_web_sessions_username", "web_sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_username", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("users")
