"""Shared CLI plumbing: open the store named by --db (through :mod:`ledger.app`), who is
recording."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ledger.app.session import EventStore


def db_url(ctx: click.Context) -> str | None:
    """The --db option (or ROTH_LEDGER_DB), None for the default ledger."""
    return ctx.find_root().obj.get("db")


def get_store(ctx: click.Context, write: bool = False, missing_ok: bool = False) -> EventStore:
    """The ledger named by --db, opened once per run: read-only for a reading command
    (the default), for appending with ``write``; ``missing_ok`` (a dry run): no ledger
    yet reads as an empty one. Warnings about the ledger go to standard error once."""
    from ledger.app.session import open_ledger

    obj = ctx.find_root().obj
    store = obj.get("store")
    if store is not None and (obj.get("writable") or not write):
        return store
    if store is not None:  # opened for reading, now needed for writing
        store.close()
    store = open_ledger(obj.get("db"), write=write, missing_ok=missing_ok)
    ctx.call_on_close(store.close)
    obj["store"], obj["writable"] = store, write
    if not obj.get("noted"):
        obj["noted"] = True
        for note in getattr(store, "notes", ()):
            click.echo(f"warning: {note}", err=True)
    return store


def recorded_by(ctx: click.Context) -> str:
    user = ctx.find_root().obj.get("user")
    if user:
        return user
    import getpass  # only a recording command without --user needs it (start-up)

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"
