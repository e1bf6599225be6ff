"""``roth-ledger serve`` (the web desk) and ``roth-ledger user add|list|disable``."""

from __future__ import annotations

import sys

import click

from ..context import get_store
from ..main import cli
from ..options import ID, CountType


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=CountType(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=CountType(1, 64),
    default=1,
    show_default=True,
    help="Server processes (a firm's PostgreSQL ledger: one or two per core).",
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    default=None,
    help="Behind a TLS reverse proxy: its address(es), whose X-Forwarded-Proto/-For "
    "headers are trusted (cookies are then marked Secure).",
)
@click.pass_context
def serve_cmd(ctx, host, port, workers, forwarded_allow_ips) -> None:
    """Serve the ledger in a browser: households enter their year, preparers work their
    client desk (needs `pip install 'roth-ledger[web]'`).

    Sign in at /login with a user made by `roth-ledger user add`. A client sees and
    changes only their household; a preparer sees every household. The JSON API
    GET /api/households/H/reports/KIND?person=P&tax_year=Y answers what
    `roth-ledger report KIND ... --format json` prints.

    \b
    Examples:
      roth-ledger serve                                  # http://127.0.0.1:8000/
      roth-ledger --db postgresql+psycopg://app@db/firm serve --workers 4 \\
          --forwarded-allow-ips 127.0.0.1                # behind nginx with TLS
    """
    from ledger.errors import LedgerError

    try:
        from ledger.web.server import serve
    except ImportError as exc:
        raise LedgerError(
            f"serve needs the web extra ({exc.name} is missing): pip install 'roth-ledger[web]'"
        ) from None
    from ledger.app.accounts import list_users

    store = get_store(ctx, write=True)  # migrate and check it before the workers start
    if not list_users(store):
        click.echo(
            "note: no users yet: add one with `roth-ledger user add NAME --role ...`", err=True
        )
    store.close()
    root = ctx.find_root().obj
    root["store"] = None
    serve(root.get("db"), host, port, workers, forwarded_allow_ips)


@cli.group("user")
def user() -> None:
    """Users of the web desk (`roth-ledger serve`): preparers and clients.

    \b
    Examples:
      roth-ledger user add lee --role preparer          # asks for the password
      echo "$PASSWORD" | roth-ledger user add dana --role client --household rivera
      roth-ledger user list
      roth-ledger user disable dana
    """


def _password() -> str:
    """From a prompt (typed twice, not echoed) or the first line of standard input;
    never an argument (it would show in the process list and the shell's history)."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@user.command("add")
@click.argument("name")
@click.option(
    "--role", required=True, type=click.Choice(["preparer", "client"]), help="What they may see."
)
@click.option(
    "--household",
    "-H",
    metavar="H",
    default=None,
    type=ID,
    help="A client's household (the only one they see and change).",
)
@click.pass_context
def user_add(ctx, name, role, household) -> None:
    """Add a user; the password is read from a prompt or standard input.

    A preparer sees every household of the ledger; a client only --household. Passwords
    are stored as argon2id hashes.
    """
    from ledger.app.accounts import add_user

    user, notes = add_user(get_store(ctx, write=True), name, role, _password(), household)
    where = f" of household {user.household}" if user.household else ""
    click.echo(f"added user {user.username} ({user.role}{where})")
    for note in notes:
        click.echo(f"note: {note}", err=True)


@user.command("list")
@click.pass_context
def user_list(ctx) -> None:
    """List the users: name, role, household, state."""
    from ledger.app.accounts import list_users

    click.echo(f"{'NAME':<20} {'ROLE':<9} {'HOUSEHOLD':<20} STATE")
    for listed in list_users(get_store(ctx)):
        u = listed.user
        click.echo(f"{u.username:<20} {u.role:<9} {u.household or '-':<20} {listed.state}")


@user.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx, name) -> None:
    """Disable a user: they cannot sign in, and their sessions end at once."""
    from ledger.app.accounts import disable_user

    disable_user(get_store(ctx, write=True), name)
    click.echo(f"disabled user {name}")
