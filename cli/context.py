"""Shared CLI plumbing: open the store named by --db (through :mod:`ledger.app`), who is
recording."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ledger.app.session import EventStore


def db_url(ctx: click.Context) -> str | None:
    """The --db option (or ROTH_LEDGER_DB), None for the default ledger."""
    return ctx.find_root().obj.get("db")


def get_store(ctx: click.Context) -> EventStore:
    from ledger.app.session import open_ledger

    obj = ctx.find_root().obj
    if obj.get("store") is None:
        obj["store"] = open_ledger(obj.get("db"))
        ctx.call_on_close(obj["store"].close)
    return obj["store"]


def recorded_by(ctx: click.Context) -> str:
    user = ctx.find_root().obj.get("user")
    if user:
        return user
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"
