"""``plan withdrawal`` / ``plan ladder`` through the CLI; the planner must agree to the cent
with the withdrawal report once the withdrawal is recorded.

History: seed 004 (Astra Wealth Partners 2025, tests/examples/seed-i-mixed-history-48k.yaml)
without its 2022 withdrawal: $6,000 regular (2019), $21,000 Roth 401(k) rollover basis
(2021; $1,000 of it an in-plan rollover taxed in 2020), conversions of 2017 ($15,000
taxable) and 2018 ($1,000 taxable + $5,000 basis).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli, register

register()
SEED = Path(__file__).parent / "examples" / "seed-i-mixed-history-48k.yaml"


@pytest.fixture()
def db(tmp_path):
    doc = yaml.safe_load(SEED.read_text())["ledger"]
    doc["events"] = [e for e in doc["events"] if e["id"] != "e10"]
    f = tmp_path / "ledger.yaml"
    f.write_text(yaml.safe_dump(doc, sort_keys=False))
    path = tmp_path / "ledger.db"
    r = CliRunner().invoke(cli, ["--db", str(path), "import", str(f)])
    assert r.exit_code == 0, r.output
    return path


def run(db, *args):
    r = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.output) if "--format" in args and "json" in args else r.output


def test_maxima_follow_the_ordering(db):
    out = run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--format",
        "json",
    )
    # all basis: 6,000 + 21,000 + 15,000 + 6,000 = 48,000 comes out tax-free (seed 004: $0 taxable)
    assert out["max_tax_free"] == "48000.00"
    # penalty-free stops at the in-plan rollover's $1,000 still under its 2020 clock (carry)
    assert out["max_tax_and_penalty_free"] == "6000.00"
    none = run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--irr-recapture",
        "none",
        "--format",
        "json",
    )
    # without IRR recapture: 6,000 + 21,000 + 15,000 (2017 clock ended 2021) = 42,000; then 2018's $1,000
    assert none["max_tax_and_penalty_free"] == "42000.00"


@pytest.mark.parametrize("amount", ["10000", "48000", "50000.55"])
def test_plan_agrees_with_the_recorded_report(db, amount):
    plan = run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--amount",
        amount,
        "--format",
        "json",
    )
    run(
        db,
        "record",
        "roth_distribution",
        "--household",
        "astra",
        "--person",
        "p",
        "--date",
        "2022-06-01",
        "--amount",
        amount,
    )
    report = run(
        db, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"
    )
    for key in ("taxable_amount", "additional_tax", "form8606", "form5329"):
        assert plan[key] == report[key], key

    def strip(ds):
        return [{k: v for k, v in d.items() if k != "distribution"} for d in ds]

    assert strip(plan["draws"]) == strip(report["draws"])
    if amount == "48000":
        assert (plan["additional_tax"], plan["taxable_amount"]) == ("200.00", "0.00")  # seed 004


def test_plan_does_not_store_anything(db):
    before = run(db, "events", "--household", "astra", "--format", "json")
    run(
        db,
        "plan",
        "withdrawal",
        "-H",
        "astra",
        "-p",
        "p",
        "--date",
        "2022-06-01",
        "--amount",
        "5",
        "--format",
        "json",
    )
    assert run(db, "events", "--household", "astra", "--format", "json") == before


def test_ladder_dates(db):
    lad = run(
        db, "plan", "ladder", "-H", "astra", "-p", "p", "--as-of", "2021-12-31", "--format", "json"
    )
    by = {(x["source"], x["year"], x["portion"]): x for x in lad["layers"]}
    assert by[("conversion", 2018, "taxable")]["clock_ends"] == "2022-12-31"
    assert by[("conversion", 2018, "taxable")]["penalty_free_from"] == "2023-01-01"
    assert by[("designated_roth_rollover", 2021, "taxable")]["clock_ends"] == "2024-12-31"
    sched = {s["date"]: s["max_penalty_free"] for s in lad["schedule"]}
    assert sched["2025-01-01"] == "48000.00"
    assert lad["qualified_from"] == "2022-01-01"  # first conversion 2017 (Reg. 1.408A-6 A-2)


def test_bad_amount_is_one_clear_line(db):
    r = CliRunner().invoke(
        cli,
        [
            "--db",
            str(db),
            "plan",
            "withdrawal",
            "-H",
            "astra",
            "-p",
            "p",
            "--date",
            "2022-06-01",
            "--amount",
            "12.345",
        ],
    )
    assert r.exit_code == 2 and "more than two decimals" in r.output and "Traceback" not in r.output
