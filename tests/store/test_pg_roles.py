"""PostgreSQL with two roles (README, "Two roles: the owner migrates, the application only
adds"): the owner runs ``db upgrade``, the README's grants are run exactly as printed, and
with the application role every normal command works while the database itself refuses
it any change to what is stored or to the schema that guards it.

Each test makes its own uniquely named roles and schema (the server is shared) and drops
them afterwards.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from .conftest import PG_SKIP, pg_base_url

psycopg = pytest.importorskip("psycopg")

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
EXAMPLE = ROOT / "ledger" / "examples" / "astra-2022.yaml"
OTHER = """version: 1
household: {id: other, name: The Other Household}
people:
  - {id: q, name: Quinn Other, born: 1970-03-04}
events:
  - {id: o1, kind: roth_contribution, person: q, tax_year: 2021, date: 2021-04-01, amount: 6000}
  - {id: o2, kind: roth_distribution, person: q, date: 2022-05-01, amount: 1000}
"""
THIRD = OTHER.replace("other", "third").replace("Other", "Third")


def readme_grants() -> str:
    """The README's grant statements (the sql block that grants on ``events``)."""
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    found = [block for block in blocks if "GRANT SELECT, INSERT ON events" in block]
    assert len(found) == 1, "the README shows the application role's grants once"
    return found[0]


@dataclass
class Roles:
    schema: str
    owner: str
    app: str
    owner_url: str  # SQLAlchemy URLs, search_path = schema
    app_url: str

    def conninfo(self, role: str) -> str:
        """A plain psycopg connection string for ``role`` (search_path = the schema)."""
        url = make_url(self.app_url).set(drivername="postgresql", username=role, query={})
        return url.render_as_string(hide_password=False)

    def connect(self, role: str):
        return psycopg.connect(self.conninfo(role), options=f"-csearch_path={self.schema}")


@pytest.fixture
def roles() -> Iterator[Roles]:
    """A schema owned by a fresh owner role, a fresh application role; nothing migrated."""
    yield from roles_for()


def roles_for() -> Iterator[Roles]:
    """The :func:`roles` fixture's body (a generator: dropped when it is closed)."""
    base = pg_base_url()
    if base is None:
        pytest.skip(PG_SKIP)
    suffix = uuid.uuid4().hex[:10]
    schema, owner, app = (f"defpg_{suffix}", f"defpg_owner_{suffix}", f"defpg_app_{suffix}")
    admin_url = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = psycopg.connect(admin_url, autocommit=True)
    try:
        admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        admin.execute(f'CREATE ROLE "{app}" LOGIN')
        admin.execute(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{owner}"')

        def url(role: str) -> str:
            made = make_url(base).set(username=role)
            made = made.update_query_dict({"options": f"-csearch_path={schema}"})
            return made.render_as_string(hide_password=False)

        yield Roles(schema, owner, app, url(owner), url(app))
    finally:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        for role in (app, owner):
            admin.execute(f'DROP OWNED BY "{role}" CASCADE')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def cli(url: str, *args, input: str | None = None):
    from cli.main import cli as group
    from cli.main import register

    register()
    result = CliRunner().invoke(
        group,
        [str(a) for a in args],
        input=input,
        env={"ROTH_LEDGER_DB": url, "ROTH_LEDGER_USER": "tester"},
        catch_exceptions=False,
    )
    assert "Traceback" not in result.output
    return result


def granted(roles: Roles) -> Roles:
    """``db upgrade`` as the owner, then the README's grants run as the owner."""
    done = cli(roles.owner_url, "db", "upgrade")
    assert done.exit_code == 0, done.output
    statements = readme_grants().replace("roth_app", f'"{roles.app}"')
    statements = statements.replace("SCHEMA public", f'SCHEMA "{roles.schema}"')
    with roles.connect(roles.owner) as conn:
        conn.execute(statements)
    return roles


def test_every_normal_command_works_with_the_application_role(roles, tmp_path, monkeypatch):
    granted(roles)
    url = roles.app_url
    other, third = tmp_path / "other.yaml", tmp_path / "third.yaml"
    other.write_text(OTHER, encoding="utf-8")
    third.write_text(THIRD, encoding="utf-8")

    def ok(*args, input: str | None = None) -> str:
        done = cli(url, *args, input=input)
        assert done.exit_code == 0, (args, done.output)
        return done.output

    ok("import", EXAMPLE)
    ok("import", other, third, "--jobs", "2")  # forked workers, one bulk transaction
    ok(
        "record",
        "roth_contribution",
        "-H",
        "other",
        "-p",
        "q",
        "-y",
        "2022",
        "--date",
        "2022-04-01",
        "--amount",
        "500",
        "--id",
        "o3",
    )
    ok("void", "o3", "-H", "other", "--reason", "entered twice")
    assert ok("households").split() == ["astra", "other", "third"]
    assert "o3" in ok("events", "-H", "other")
    report = json.loads(
        ok("report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json")
    )
    assert report["ledger_state"]["heads"]  # the figures come with the ledger's state
    ok("report", "batch", "-y", "2022", "--format", "csv")
    ok("plan", "withdrawal", "-H", "astra", "-p", "p", "--date", "2023-01-10")
    assert "verified" in ok("verify")
    heads = tmp_path / "heads.json"
    ok("heads", "--format", "json", "-o", heads)
    assert "saved heads" in ok("verify", "--against", heads)
    assert "e10" in ok("export", "-H", "astra")
    assert "revision" in ok("db", "upgrade")  # at head already: nothing to change
    ok("db", "current")

    # the web desk's tables: users, sign-in sessions, a lock-out count, a disabled user
    from argon2 import PasswordHasher

    from ledger.app import accounts
    from ledger.app.session import open_ledger

    monkeypatch.setattr(
        accounts, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    accounts._DUMMY.clear()
    ok("user", "add", "ana", "--role", "client", "--household", "astra", input="ana-pw-1234\n")
    store = open_ledger(url)
    try:
        with pytest.raises(Exception, match="(?i)password|sign"):
            accounts.authenticate(store, "ana", "wrong")
        user = accounts.authenticate(store, "ana", "ana-pw-1234")
        token, _ = accounts.start_session(store, user)
        assert accounts.session_user(store, token) is not None
        accounts.end_session(store, token)
        assert accounts.session_user(store, token) is None
    finally:
        store.close()
    ok("user", "disable", "ana")
    assert "disabled" in ok("user", "list")
    accounts._DUMMY.clear()


REFUSED = (
    "UPDATE events SET recorded_by = 'mallory'",
    "DELETE FROM events",
    "TRUNCATE events",
    "DROP TRIGGER events_no_update_delete ON events",
    "ALTER TABLE events DISABLE TRIGGER ALL",
    "ALTER TABLE events RENAME TO events_old",
    "ALTER TABLE events DROP CONSTRAINT uq_events_household_version",
    "DROP TABLE events",
    "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RETURN NEW; END $$",
    "CREATE TABLE events_copy (position bigint)",
    "SELECT setval('events_position_seq', 1)",
    "UPDATE alembic_version SET version_num = '0001'",
    "UPDATE ledger_keys SET since_position = 1",
    "DELETE FROM ledger_keys",
    "ALTER TABLE ledger_keys DISABLE TRIGGER ALL",
    "ALTER TABLE events ADD COLUMN note text",
)


def test_the_database_refuses_the_application_role_every_change(roles):
    granted(roles)
    assert cli(roles.app_url, "import", EXAMPLE).exit_code == 0
    with roles.connect(roles.app) as conn:
        for statement in REFUSED:
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
                conn.execute(statement)
            conn.rollback()
            # the privilege system itself, not (only) the append-only trigger
            assert re.match(r"(permission denied|must be owner)", str(refused.value)), statement
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (12,)
    # the owner could: that is why the application must not be the owner
    with roles.connect(roles.owner) as conn:
        conn.execute("ALTER TABLE events DISABLE TRIGGER ALL")
        conn.rollback()
    done = cli(roles.app_url, "verify")
    assert done.exit_code == 0, done.output


def test_the_application_role_cannot_migrate_and_says_who_can(roles):
    with roles.connect(roles.owner) as conn:
        conn.execute(f'GRANT USAGE ON SCHEMA "{roles.schema}" TO "{roles.app}"')
        conn.commit()
    done = cli(roles.app_url, "record", "household", "-H", "x", "--name", "X")
    assert done.exit_code == 5, done.output
    assert "db upgrade` as the database's owner" in done.output
    assert len(done.output.strip().splitlines()) == 1
    done = cli(roles.app_url, "households")  # reading: no ledger there yet
    assert done.exit_code == 3, done.output


def test_the_application_role_keys_and_verifies_a_keyed_ledger(roles, tmp_path, monkeypatch):
    granted(roles)
    key = tmp_path / "ledger.key"
    key.write_bytes(b"k" * 32)
    key.chmod(0o600)
    monkeypatch.setenv("ROTH_LEDGER_HMAC_KEY_FILE", str(key))
    assert cli(roles.app_url, "import", EXAMPLE).exit_code == 0  # keys the ledger
    done = cli(roles.app_url, "verify")
    assert done.exit_code == 0 and "MACs of key" in done.output, done.output
    with roles.connect(roles.app) as conn:
        assert conn.execute("SELECT count(*) FROM ledger_keys").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM events WHERE mac IS NULL").fetchone() == (0,)


def test_verify_warns_when_the_role_owns_the_table(roles):
    granted(roles)
    assert cli(roles.owner_url, "import", EXAMPLE).exit_code == 0
    done = cli(roles.owner_url, "verify")
    assert done.exit_code == 0, done.output
    assert "warning: this role owns the events table" in done.output
    done = cli(roles.app_url, "verify")
    assert done.exit_code == 0 and "warning" not in done.output, done.output
