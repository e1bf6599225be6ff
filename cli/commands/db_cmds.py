"""``roth-ledger db upgrade|current|backup|restore`` and ``roth-ledger verify``."""

from __future__ import annotations

import click

from ..context import db_url, get_store
from ..main import EXIT_VERIFY, cli
from ..options import output_options, write_text


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


@db.command()
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="FILE",
    help="The backup file (created owner-only; refused if it exists, unless --force).",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.pass_context
def backup(ctx, output, force) -> None:
    """Back up the ledger to FILE: a complete SQLite ledger, consistent even while others
    write.

    Restore it with `roth-ledger db restore FILE` (into an empty ledger, SQLite or
    PostgreSQL), or use the backup as the ledger (`--db FILE`). `roth-ledger --db FILE
    verify` checks it. A PostgreSQL ledger is backed up with pg_dump (or moved with
    `db restore` into another ledger).

    \b
    Example:
      roth-ledger db backup -o ~/ledger-2025-04-15.db
      roth-ledger --db ~/ledger-2025-04-15.db verify
    """
    from ledger.app.admin import backup_ledger

    n = backup_ledger(db_url(ctx), output, force)
    click.echo(f"backed up {n} events to {output}")


@db.command()
@click.argument("source")
@click.option("--dry-run", is_flag=True, help="Check everything and say what it would add.")
@click.pass_context
def restore(ctx, source, dry_run) -> None:
    """Restore the ledger from SOURCE: a backup (`db backup`), or any ledger, a file or a
    database URL. Every household of SOURCE comes with its whole history -- the same
    versions, recorded_at, recorded_by, voids and hashes -- so `heads` prints what it
    printed for SOURCE and `verify --against` heads saved from it passes. It works
    across databases (a SQLite backup into PostgreSQL, or back).

    Nothing is overwritten: a household the ledger already holds gets only the events
    after the same stored history (restoring twice adds nothing); a household with
    another history is refused. SOURCE's hash chains are checked first (exit 6, nothing
    stored, when one is broken). Everything is written in one transaction.

    \b
    Examples:
      roth-ledger --db ~/new-ledger.db db restore ~/ledger-2025-04-15.db
      roth-ledger --db postgresql+psycopg://USER@HOST/roth_ledger db restore ledger.db
    """
    from ledger.app.restoring import restore_ledger

    # the source is checked before the ledger is opened (or created)
    plans = restore_ledger(
        lambda: get_store(ctx, write=not dry_run, missing_ok=dry_run), source, dry_run
    )
    added = sum(len(p.new) for p in plans)
    skipped = sum(p.skipped for p in plans)
    verb = "dry run: would restore" if dry_run else "restored"
    click.echo(
        f"{verb} {added} events of {len(plans)} households from {source} "
        f"({skipped} already stored)" + ("; nothing was stored" if dry_run else "")
    )


@cli.command()
@click.option(
    "--against",
    metavar="FILE",
    default=None,
    help="Also check the heads saved in FILE earlier (roth-ledger heads --format json -o FILE).",
)
@click.pass_context
def verify(ctx, against) -> None:
    """Re-check the ledger; exit 6 naming each household's first broken event.

    \b
    What it checks:
    - every household's hash chain: each event's SHA-256 hash covers its content and the
      previous event's hash, so a row changed, swapped, or removed from the middle breaks
      the chain from that event on; a stored value that cannot be read is tampering too;
    - the schema: the table's constraints and append-only triggers are the migrations'.
    What a chain alone cannot show (nothing is broken): the newest events of a household
    removed, a whole household removed, every row removed, or a chain rewritten and
    rehashed after an edit. For those save the heads now and then (roth-ledger heads
    --format json -o heads.json, kept away from the database) and check against them:

    \b
      roth-ledger verify --against heads.json

    A keyed ledger (ROTH_LEDGER_HMAC_KEY_FILE names an HMAC key kept outside the
    database; the first write with it keys the ledger) carries a MAC beside every new
    hash: with the key, verify also finds a forged event and a chain rehashed after an
    edit without saved heads; without the key it says the MACs were not checked.
    """
    from ledger.app.admin import verify_ledger

    result = verify_ledger(get_store(ctx), against)
    for note in result.notes:
        click.echo(f"warning: {note}", err=True)
    if not result.ok:
        for problem in result.schema:
            click.echo(f"verify: {problem}", err=True)
        for p in result.problems:
            click.echo(f"verify: {p}", err=True)
        ctx.exit(EXIT_VERIFY)
    n = result.households
    saved = " and the saved heads" if against else ""
    if result.macs_checked:
        saved += f" and the MACs of key {result.macs_checked}"
    elif result.macs_unchecked:
        saved += " (MACs not checked: no key)"
    click.echo(f"ok: {n} household chain{'s' if n != 1 else ''}{saved} verified")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@output_options
@click.pass_context
def heads(ctx, fmt, output, force) -> None:
    """Print every household's head: its newest version and that event's hash.

    Saved (--format json -o FILE, kept away from the database), they let `verify
    --against FILE` find what a hash chain cannot: removed newest events, a removed
    household, an emptied table, a chain rehashed after an edit.
    """
    import json

    from ledger.app.admin import ledger_heads

    data = ledger_heads(get_store(ctx))
    if fmt == "json":
        text = json.dumps(data, indent=2) + "\n"
    else:
        text = "".join(f"{h['household']}\t{h['version']}\t{h['hash']}\n" for h in data["heads"])
    write_text(text, output, force)
