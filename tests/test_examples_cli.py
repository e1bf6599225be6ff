"""Every worked example in tests/examples/ through the real command line, to the cent.

The examples (copied from the project's shared/examples) are published cases: IRS
Pub 590-B (Justin), the Form 5329 instructions' recapture example, and the seed
documents (Astra Wealth Partners 2025, Kitces 2015, PLANADVISER 2024); each file names
its source and assumptions. Matching follows tests/examples/README.md: every key given
must match; ``draws`` match as sums over the report's draws that agree on the other keys,
and the expected draws must add up to the report's total.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import yaml

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.yaml"))


def roth_ledger(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ROTH_LEDGER_DB=str(db))
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def _same(expected, got) -> bool:
    try:
        return Decimal(str(expected)) == Decimal(str(got))
    except (InvalidOperation, ValueError):
        return expected == got


def match(expected, got, path: str, problems: list[str]) -> None:
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            problems.append(f"{path}: expected an object, got {got!r}")
            return
        for key, value in expected.items():
            if key == "draws":
                match_draws(value, got.get("draws", []), f"{path}/draws", problems)
            elif key not in got:
                problems.append(f"{path}/{key}: missing")
            else:
                match(value, got[key], f"{path}/{key}", problems)
    elif isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            problems.append(f"{path}: expected {len(expected)} entries, got {got!r}")
            return
        for i, (e, g) in enumerate(zip(expected, got)):
            match(e, g, f"{path}[{i}]", problems)
    elif not _same(expected, got):
        problems.append(f"{path}: expected {expected!r}, got {got!r}")


def match_draws(expected: list[dict], draws: list[dict], path: str, problems: list[str]) -> None:
    money = ("amount", "subject_to_additional_tax")
    for exp in expected:
        keys = {k: v for k, v in exp.items() if k not in money}
        same = [d for d in draws if all(d.get(k) == v for k, v in keys.items())]
        for m in money:
            if m in exp:
                total = sum((Decimal(d[m]) for d in same), Decimal(0))
                if total != Decimal(exp[m]):
                    problems.append(f"{path} {keys}: {m} expected {exp[m]}, got {total}")
    want = sum((Decimal(e["amount"]) for e in expected), Decimal(0))
    have = sum((Decimal(d["amount"]) for d in draws), Decimal(0))
    if want != have:
        problems.append(f"{path}: expected draws total {want}, report total {have}")


def _cases():
    for path in EXAMPLES:
        doc = yaml.safe_load(path.read_text())
        for i, exp in enumerate(doc["expect"]):
            opts = " ".join(exp.get("options") or [])
            yield pytest.param(
                path, i, id=f"{path.stem}-{exp['report']}-{i}{'-' + opts if opts else ''}"
            )


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Each example ledger imported once into its own SQLite ledger through the CLI."""
    cache: dict[Path, Path] = {}

    def get(path: Path) -> Path:
        if path not in cache:
            d = tmp_path_factory.mktemp(path.stem)
            doc = yaml.safe_load(path.read_text())
            ledger_file = d / "ledger.yaml"
            ledger_file.write_text(yaml.safe_dump(doc["ledger"], sort_keys=False))
            db = d / "ledger.db"
            r = roth_ledger(db, "import", str(ledger_file))
            assert r.returncode == 0, r.stderr
            cache[path] = db
        return cache[path]

    return get


@pytest.mark.parametrize("path,index", list(_cases()))
def test_example_through_cli(path: Path, index: int, imported) -> None:
    doc = yaml.safe_load(path.read_text())
    exp = doc["expect"][index]
    household = doc["ledger"]["household"]["id"]
    args = ["report", exp["report"], "--household", household, "--person", exp["person"]]
    if "tax_year" in exp:
        args += ["--tax-year", str(exp["tax_year"])]
    if "as_of" in exp:
        args += ["--as-of", str(exp["as_of"])]
    args += list(exp.get("options") or []) + ["--format", "json"]
    r = roth_ledger(imported(path), *args)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    report = json.loads(r.stdout)
    problems: list[str] = []
    match(exp["json"], report, "", problems)
    assert not problems, "\n".join(problems)


def test_every_public_example_is_carried() -> None:
    names = {p.stem for p in EXAMPLES}
    assert len(names) >= 10
    assert "seed-i-mixed-history-48k" in names
