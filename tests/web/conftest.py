"""A served ledger for the web tests: the bundled astra example (seed 004: 2022's
$48,000 withdrawal, $0 taxable, $200 additional tax), a second client's household, and
a household whose name is markup; a preparer and one client for each household."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")

from click.testing import CliRunner  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "ledger" / "examples" / "astra-2022.yaml"
MARKUP = "<script>alert('owned')</script>"
PASSWORDS = {"prep": "prep-password-1", "ana": "ana-password-1", "bo": "bo-password-1"}
OTHER = """version: 1
household: {id: other, name: The Other Household}
people:
  - {id: q, name: Quinn Other, born: 1970-03-04}
events:
  - {id: o1, kind: roth_contribution, person: q, tax_year: 2021, date: 2021-04-01, amount: 6000}
  - {id: o2, kind: roth_distribution, person: q, date: 2022-05-01, amount: 1000}
"""


GENERATED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def unstamped(text: str) -> str:
    """A report's text without the time it was generated (``ledger_state.generated_at``,
    the one figure two runs may differ in)."""
    return GENERATED_AT.sub("<generated-at>", text)


def cli(db: Path | str, *args: str | Path, input: str | None = None):
    from cli.main import cli as group
    from cli.main import register

    register()
    result = CliRunner().invoke(
        group,
        [str(a) for a in args],
        input=input,
        env={"ROTH_LEDGER_DB": str(db), "ROTH_LEDGER_USER": "cli"},
        catch_exceptions=False,
    )
    assert "Traceback" not in result.output
    return result


def make_ledger(tmp: Path, db: Path | str | None = None) -> Path | str:
    db = db or tmp / "ledger.db"
    other = tmp / "other.yaml"
    other.write_text(OTHER, encoding="utf-8")
    assert cli(db, "import", EXAMPLE, other).exit_code == 0
    assert cli(db, "record", "household", "-H", "evil", "--name", MARKUP).exit_code == 0
    for name, role, household in (
        ("prep", "preparer", None),
        ("ana", "client", "astra"),
        ("bo", "client", "other"),
    ):
        args = ["user", "add", name, "--role", role]
        if household:
            args += ["--household", household]
        done = cli(db, *args, input=PASSWORDS[name] + "\n")
        assert done.exit_code == 0, done.output
    return db


@pytest.fixture(scope="session", autouse=True)
def quick_hashes():
    """argon2id with its smallest cost, so a sign-in does not take a second on a busy CI
    machine; the real parameters are checked in test_accounts.py."""
    from argon2 import PasswordHasher

    from ledger.app import accounts

    real = accounts._hasher
    accounts._hasher = lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    accounts._DUMMY.clear()
    yield
    accounts._hasher = real
    accounts._DUMMY.clear()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    return Path(make_ledger(tmp_path_factory.mktemp("web")))


@pytest.fixture(scope="module")
def app(ledger):
    from ledger.web.app import create_app

    application = create_app(str(ledger))
    yield application
    application.state.store.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token field"
    return found.group(1)


def client(app, base_url: str = "http://testserver"):
    from starlette.testclient import TestClient

    return TestClient(app, base_url=base_url, follow_redirects=False)


def sign_in(app, name: str, password: str | None = None):
    c = client(app)
    token = csrf_of(c.get("/login").text)
    done = c.post(
        "/login",
        data={"username": name, "password": password or PASSWORDS[name], "csrf_token": token},
    )
    assert done.status_code == 303, done.text
    c.csrf = csrf_of(c.get(done.headers["location"], follow_redirects=True).text)
    return c


@pytest.fixture(scope="module")
def prep(app):
    return sign_in(app, "prep")


@pytest.fixture(scope="module")
def ana(app):
    return sign_in(app, "ana")


@pytest.fixture(scope="module")
def bo(app):
    return sign_in(app, "bo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(tmp: Path):
    """`roth-ledger serve` (a subprocess, on 127.0.0.1 only) over a fresh ledger
    (:func:`make_ledger`); yields (base URL, ledger path)."""
    db = Path(make_ledger(tmp))
    port = free_port()
    env = {**os.environ, "ROTH_LEDGER_DB": str(db), "ROTH_LEDGER_USER": "cli"}
    log = open(db.parent / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError((db.parent / "server.log").read_text()) from None
            time.sleep(0.2)
    try:
        yield base, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
