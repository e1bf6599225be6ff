"""The web desk keeps its users and sessions in the ledger database the events are in.
An in-memory ``sqlite://`` ledger cannot be that database for it: only the process that
opened it sees it (one private database per connection, so per server thread, gone at
exit), so no `roth-ledger user add` could reach it and users would sit apart from the
events. ``serve``, ``user`` and ``create_app`` refuse it as bad input (exit 2), naming
what to use instead -- before, sign-in failed on a missing ``users`` table (exit 5) and
the server started with a desk nobody could sign in to."""

from __future__ import annotations

import pytest

from .conftest import cli

IN_MEMORY = ["sqlite://", "sqlite:///:memory:"]
SAID = "the web desk and its users need a ledger file or PostgreSQL"


@pytest.mark.parametrize("db", IN_MEMORY)
@pytest.mark.parametrize(
    "args, password",
    [
        (["user", "add", "lee", "--role", "preparer"], "lee-password-1\n"),
        (["user", "disable", "lee"], None),
        (["serve", "--port", "1"], None),  # refused before anything listens
    ],
)
def test_the_cli_refuses_an_in_memory_ledger_for_users_and_serve(db, args, password):
    done = cli(db, *args, input=password)
    assert done.exit_code == 2, done.output
    assert SAID in done.output and "--db" in done.output
    assert "no such table" not in done.output


@pytest.mark.parametrize("db", IN_MEMORY)
def test_create_app_refuses_an_in_memory_ledger(db):
    from ledger.app.session import open_ledger
    from ledger.errors import LedgerError
    from ledger.web.app import create_app

    with pytest.raises(LedgerError, match=SAID):
        create_app(db)
    store = open_ledger(db)
    try:
        with pytest.raises(LedgerError, match=SAID):
            create_app(store=store)
    finally:
        store.close()


def test_a_ledger_file_shares_users_and_events(tmp_path):
    """The users `user add` wrote (make_ledger) are the ones the app signs in, in the
    database of the events."""
    from ledger.web.app import create_app

    from .conftest import make_ledger, sign_in

    db = make_ledger(tmp_path)
    app = create_app(str(db))
    try:
        c = sign_in(app, "prep")
        assert c.get("/desk").status_code == 200
    finally:
        app.state.store.close()
