"""Small builders shared by the store tests (importable by spawned worker processes)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from ledger.events import RothContribution, Void


def contribution(event_id: str, amount: str = "100.00", year: int = 2020) -> RothContribution:
    return RothContribution(
        id=event_id,
        person="dana",
        tax_year=year,
        date=date(year, 5, 1),
        amount=Decimal(amount),
        source="Form 5498 box 10, test",
    )


def contributions(prefix: str, n: int) -> list[RothContribution]:
    return [contribution(f"{prefix}{i}") for i in range(n)]


def void(event_id: str, target: str) -> Void:
    return Void(id=event_id, target=target, reason="entered twice")


# --- the command line, as a user runs it ------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
EXIT_CONFLICT = 4  # cli.main.EXIT_CONFLICT, restated: the number is the contract


def cli_argv(url: str, *args: str) -> list[str]:
    """``roth-ledger --db URL ARGS...`` as a fresh interpreter runs it."""
    return [sys.executable, "-m", "cli", "--db", url, *args]


def run_cli(url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_argv(url, *args),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
    )


def cli_in_process(url: str, *args: str | Path):
    """``roth-ledger --db URL ARGS...`` run in this process (click's runner): quicker than
    :func:`run_cli`, never a traceback in its output."""
    from click.testing import CliRunner

    from cli.main import cli, register

    register()
    result = CliRunner().invoke(
        cli,
        ["--db", url, *(str(a) for a in args)],
        env={"ROTH_LEDGER_USER": "tester", "ROTH_LEDGER_DB": None},
        catch_exceptions=False,
    )
    assert "Traceback" not in result.output
    return result


def cli_env() -> dict[str, str]:
    env = dict(os.environ, ROTH_LEDGER_USER="store-tests")
    env.pop("ROTH_LEDGER_DB", None)
    return env


def write_contributions_csv(path: Path, household: str, prefix: str, n: int) -> Path:
    """A ledger file (CSV, SPEC section 4) of ``household`` with person ``dana`` and ``n``
    Roth contributions with ids ``{prefix}{i}`` (CSV: the fast reader for big files)."""
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["kind", "id", "name", "born", "person", "tax_year", "date", "amount"])
        writer.writerow(["household", household, f"Household {household}", "", "", "", "", ""])
        writer.writerow(["person", "dana", "Dana Rivera", "1980-07-02", "", "", "", ""])
        for i in range(n):
            year = 2000 + i % 24
            writer.writerow(
                [
                    "roth_contribution",
                    f"{prefix}{i}",
                    "",
                    "",
                    "dana",
                    year,
                    f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    f"{1 + i % 500}.{i % 100:02d}",
                ]
            )
    return path


def ledger_rows(url: str) -> list[tuple[str, int, str, str]]:
    """Every stored event as (household, version, event id, hash), read with plain SQL on
    a connection of our own (not through the store being tested)."""
    from sqlalchemy import create_engine

    from ledger.store.urls import resolve

    engine = create_engine(resolve(url).sqlalchemy())
    try:
        with engine.connect() as conn:
            return [
                tuple(row)
                for row in conn.exec_driver_sql(
                    "SELECT household, version, event_id, hash FROM events "
                    "ORDER BY household, version"
                )
            ]
    finally:
        engine.dispose()
