"""``roth-ledger db upgrade|current`` and ``roth-ledger verify``."""

from __future__ import annotations

import click

from ..context import db_url, get_store
from ..main import EXIT_VERIFY, cli


@cli.group()
def db() -> None:
    """The ledger database's schema (owned by Alembic migrations).

    A new ledger is brought to the latest schema automatically on first use; run
    `roth-ledger db upgrade` after installing a newer roth-ledger on an existing ledger.
    """


@db.command()
@click.pass_context
def upgrade(ctx) -> None:
    """Upgrade the ledger database to the latest schema revision."""
    from ledger.app.admin import upgrade_schema

    rev = upgrade_schema(db_url(ctx))
    click.echo(f"ledger schema at revision {rev}")


@db.command()
@click.pass_context
def current(ctx) -> None:
    """Print the ledger database's schema revision."""
    from ledger.app.admin import schema_revision

    rev = schema_revision(db_url(ctx))
    click.echo(rev or "none (empty database)")


@cli.command()
@click.pass_context
def verify(ctx) -> None:
    """Re-check every household's hash chain; exit non-zero naming the first broken event.

    Each event's SHA-256 hash covers its content and the previous event's hash, so a row
    changed or removed behind the program's back (for example with the sqlite3 shell after
    dropping the append-only triggers) breaks the chain from that event on.
    """
    from ledger.app.admin import verify_ledger

    result = verify_ledger(get_store(ctx))
    if not result.ok:
        for problem in result.schema:
            click.echo(f"verify: schema: {problem}", err=True)
        for p in result.problems:
            click.echo(f"verify: {p}", err=True)
        ctx.exit(EXIT_VERIFY)
    n = result.households
    click.echo(f"ok: {n} household chain{'s' if n != 1 else ''} verified")
