"""Shared CLI plumbing: open the store named by --db, who is recording."""

from __future__ import annotations

import getpass

import click


def get_store(ctx: click.Context):
    from ledger.store import open_store

    obj = ctx.find_root().obj
    if obj.get("store") is None:
        obj["store"] = open_store(obj.get("db"))
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
