"""Users: argon2id hashes, one refusal for every cause, lock-out after repeated
failures (also against the right password), sessions that expire, `user` commands that
never take a password as an argument."""

from __future__ import annotations

import pytest

from ledger.app import accounts
from ledger.app.session import open_ledger

from .conftest import cli


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """The users' tables on a SQLite file and on PostgreSQL (a fresh schema)."""
    from tests.store.conftest import PG_SKIP, _fresh_schema, pg_base_url

    if request.param == "sqlite":
        s = open_ledger(str(tmp_path / "ledger.db"))
        yield s
        s.close()
        return
    if pg_base_url() is None:
        pytest.skip(PG_SKIP)
    for url in _fresh_schema(pg_base_url()):
        s = open_ledger(url)
        yield s
        s.close()


def test_passwords_are_stored_as_argon2id_with_the_default_cost(store, quick_hashes):
    """RFC 9106 / argon2-cffi defaults: argon2id, 64 MiB, 3 passes (the real hasher)."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher()
    stored = hasher.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.password_matches(stored, "correct horse battery staple")
    assert not accounts.password_matches(stored, "correct horse battery stapl")


def test_add_user_keeps_only_the_hash(store):
    from ledger.store.users import get_user

    accounts.add_user(store, "dana", "client", "s3cret-passphrase", "rivera")
    row = get_user(store, "dana")
    assert row is not None
    assert row.password_hash.startswith("$argon2id$")
    assert "s3cret-passphrase" not in row.password_hash
    assert accounts.authenticate(store, "dana", "s3cret-passphrase").username == "dana"


@pytest.mark.parametrize(
    "name,role,household,needle",
    [
        ("", "client", "h", "user name"),
        ("a b", "client", "h", "user name"),
        ("dana", "admin", None, "--role"),
        ("dana", "client", None, "--household"),
        ("lee", "preparer", "h", "--household"),
    ],
)
def test_bad_users_are_refused(store, name, role, household, needle):
    with pytest.raises(accounts.LedgerError, match=needle):
        accounts.add_user(store, name, role, "long-enough-1", household)
    assert accounts.list_users(store) == []


def test_a_name_is_taken_once(store):
    accounts.add_user(store, "lee", "preparer", "long-enough-1")
    with pytest.raises(Exception, match="already exists"):
        accounts.add_user(store, "lee", "preparer", "long-enough-2")


def test_lock_out_after_five_failures_even_with_the_right_password(store):
    accounts.add_user(store, "lee", "preparer", "the-right-one")
    now = 1_000_000.0
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(accounts.SignInRefused):
            accounts.authenticate(store, "lee", "a-wrong-one", now)
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate(store, "lee", "the-right-one", now + 1)  # locked
    assert [x.state for x in accounts.list_users(store, now + 1)] == ["locked"]
    later = now + accounts.LOCK_SECONDS + 1
    assert accounts.authenticate(store, "lee", "the-right-one", later).username == "lee"
    assert [x.user.failed_logins for x in accounts.list_users(store, later)] == [0]


def test_four_failures_then_a_success_start_the_count_again(store):
    accounts.add_user(store, "lee", "preparer", "the-right-one")
    for _ in range(2):
        for _ in range(accounts.LOCK_AFTER - 1):
            with pytest.raises(accounts.SignInRefused):
                accounts.authenticate(store, "lee", "wrong", 10.0)
        assert accounts.authenticate(store, "lee", "the-right-one", 10.0)


def test_sessions_expire_and_end(store):
    user, _ = accounts.add_user(store, "lee", "preparer", "the-right-one")
    token, session = accounts.start_session(store, user, now=100)
    signed_in = accounts.session_user(store, token, now=101)
    assert signed_in is not None and signed_in.user.username == "lee"
    assert accounts.session_user(store, token + "x", now=101) is None
    assert accounts.session_user(store, token, now=100 + accounts.SESSION_SECONDS) is None
    token, _ = accounts.start_session(store, user, now=200)
    accounts.end_session(store, token)
    assert accounts.session_user(store, token, now=201) is None


def test_the_session_table_keeps_no_token(store):
    from sqlalchemy import text

    user, _ = accounts.add_user(store, "lee", "preparer", "the-right-one")
    token, _ = accounts.start_session(store, user)
    with store.sqlalchemy_engine().connect() as conn:
        rows = conn.execute(text("SELECT token_hash FROM web_sessions")).scalars().all()
    assert rows and token not in rows


def test_user_commands(tmp_path):
    db = tmp_path / "ledger.db"
    added = cli(db, "user", "add", "lee", "--role", "preparer", input="pass-word-1\n")
    assert added.exit_code == 0 and "added user lee (preparer)" in added.output
    client = cli(db, "user", "add", "dana", "--role", "client", "-H", "rivera", input="x\n")
    assert client.exit_code == 0
    assert "shorter than 8" in client.output and "no events yet" in client.output
    listed = cli(db, "user", "list")
    assert listed.output.split("\n")[1].split() == ["dana", "client", "rivera", "active"]
    assert cli(db, "user", "disable", "dana").exit_code == 0
    assert "disabled" in cli(db, "user", "list").output
    assert cli(db, "user", "disable", "nobody").exit_code == 3


def test_a_password_is_never_an_argument(tmp_path):
    db = tmp_path / "ledger.db"
    done = cli(db, "user", "add", "lee", "--role", "preparer", "--password", "x", input="y\n")
    assert done.exit_code == 2 and "No such option" in done.output
    assert cli(db, "user", "add", "lee", "--role", "preparer", input="\n").exit_code == 2


def test_failed_sign_ins_slow_their_address_then_block_it():
    from ledger.web import throttle as t

    th = t.Throttle()
    assert th.delay("a", 0) == 0
    for i in range(t.FREE):
        th.failed("a", i)
    assert th.delay("a", 10) == 0  # the first few are free
    th.failed("a", 11)
    assert th.delay("a", 12) == t.STEP and th.delay("b", 12) == 0
    for i in range(t.BLOCK_AFTER):
        th.failed("a", 20 + i)
    assert th.delay("a", 60) == t.MAX_DELAY and th.blocked("a", 60)
    assert not th.blocked("a", 60 + t.WINDOW)  # a quiet quarter of an hour forgives


def test_a_blocked_address_gets_429_before_any_hash(ledger, monkeypatch):
    from ledger.web import throttle as t
    from ledger.web.app import create_app

    from .conftest import client, csrf_of

    app = create_app(str(ledger))
    try:
        for _ in range(t.BLOCK_AFTER):
            app.state.throttle.failed("testclient")
        c = client(app)
        token = csrf_of(c.get("/login").text)
        monkeypatch.setattr(accounts, "authenticate", lambda *a: pytest.fail("hashed"))
        done = c.post("/login", data={"username": "ana", "password": "x", "csrf_token": token})
        assert done.status_code == 429
    finally:
        app.state.store.close()


def test_repeated_failures_are_answered_more_slowly(ledger):
    import time

    from ledger.web import throttle as t
    from ledger.web.app import create_app

    from .conftest import client, csrf_of

    app = create_app(str(ledger))
    try:
        c = client(app)
        token = csrf_of(c.get("/login").text)
        data = {"username": "nobody", "password": "x", "csrf_token": token}
        for _ in range(t.FREE + 1):
            assert c.post("/login", data=data).status_code == 401
        start = time.monotonic()
        assert c.post("/login", data=data).status_code == 401
        assert time.monotonic() - start >= 2 * t.STEP  # the fifth failure waits 1 s
    finally:
        app.state.store.close()
