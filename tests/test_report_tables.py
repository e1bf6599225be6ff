"""Issue 12 item 8: a report's table shows everything its JSON has.

For every worked example (tests/examples/), every person and every year its events touch,
each figure, date, id and note of `report year` and `report basis` in JSON is printed in
the table (money as the table prints it, with thousands separators). The JSON is the
reference: a block the table leaves out (as `roth_distributions` was) fails here.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import yaml

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.yaml"))
#: what the title and the footer say (tests/test_ledger_state.py checks the footer)
SKIP = {"household", "person", "tax_year", "as_of", "policy", "ledger_state"}


def shown(value) -> str:
    if isinstance(value, str):
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return value
        if "." in value and len(value.split(".")[1]) == 2:
            return f"{amount:,.2f}"
        return value
    return str(value)


def leaves(value, path=""):
    """(path, value) of every figure worth printing in the JSON."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not (path == "" and k in SKIP):
                yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")
    elif value is not None and not isinstance(value, bool):
        yield path, value


def years_of(ledger: dict) -> list[int]:
    found = set()
    for e in ledger.get("events") or []:
        for key in ("date", "tax_year", "year"):
            v = e.get(key)
            if v is not None:
                found.add(int(str(v)[:4]))
    return sorted(found)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_year_and_basis_tables_show_the_whole_json(run, tmp_path, example):
    ledger = yaml.safe_load(example.read_text(encoding="utf-8"))["ledger"]
    f = tmp_path / "ledger.yaml"
    f.write_text(yaml.safe_dump(ledger, sort_keys=False), encoding="utf-8")
    assert run("import", "-q", f).exit_code == 0
    household = ledger["household"]["id"]
    for person in (p["id"] for p in ledger["people"]):
        for year in years_of(ledger):
            for argv in (
                ["report", "year", "-H", household, "-p", person, "-y", year],
                ["report", "basis", "-H", household, "-p", person, "--as-of", f"{year}-12-31"],
            ):
                done = run(*argv, "--format", "json")
                if done.exit_code != 0:  # e.g. a year before the person's events: said so
                    continue
                report = json.loads(done.output)
                table = run(*argv).output
                missing = [
                    (path, value) for path, value in leaves(report) if shown(value) not in table
                ]
                assert not missing, (argv, missing, table)


def test_year_table_has_the_roth_distributions_block(run, tmp_path):
    # seed 004 (tests/examples/seed-i-mixed-history-48k.yaml): $48,000 withdrawn in 2022,
    # $0 taxable, $200 additional tax
    example = Path(__file__).parent / "examples" / "seed-i-mixed-history-48k.yaml"
    f = tmp_path / "astra.yaml"
    f.write_text(yaml.safe_dump(yaml.safe_load(example.read_text())["ledger"]))
    assert run("import", f).exit_code == 0
    table = run("report", "year", "-H", "astra", "-p", "p", "-y", "2022").output
    block = table[table.index("Roth IRA distributions") :]
    assert "48,000.00" in block.splitlines()[1] and "200.00" in block.splitlines()[3]
    assert all(len(line) <= 80 for line in table.splitlines()[:-1]), table


def test_withdrawal_ids_and_exceptions_are_never_cut(run, tmp_path):
    f = tmp_path / "h.yaml"
    f.write_text(
        "version: 1\nhousehold: {id: h, name: H}\npeople:\n- {id: p, name: P, born: 1980-01-01}\n"
        "events:\n"
        "- {id: contribution-2019-vanguard, kind: roth_contribution, person: p, tax_year: 2019,"
        " date: 2019-03-01, amount: 6000}\n"
        "- {id: distribution-2022-06-from-vanguard, kind: roth_distribution, person: p,"
        " date: 2022-06-01, amount: 8000, exception: higher_education}\n"
    )
    assert run("import", f).exit_code == 0
    table = run("report", "withdrawals", "-H", "h", "-p", "p", "-y", "2022").output
    assert " distribution-2022-06-from-vanguard " in table
    assert " higher_education " in table


# --- the CSV of a single report is a table (issue 12 item 8) ----------------------------

SEED = Path(__file__).parent / "examples" / "seed-i-mixed-history-48k.yaml"
REPORTS = [
    ["withdrawals", "-y", "2022"],
    ["form8606", "-y", "2022"],
    ["form5329", "-y", "2022"],
    ["year", "-y", "2022"],
    ["year", "-y", "2018"],
    ["basis", "--as-of", "2019-12-31"],
]


def _csv(text: str) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("argv", REPORTS, ids=" ".join)
def test_report_csv_is_a_table_with_every_figure(run, tmp_path, argv):
    f = tmp_path / "astra.yaml"
    f.write_text(yaml.safe_dump(yaml.safe_load(SEED.read_text())["ledger"]))
    assert run("import", f).exit_code == 0
    base = ["report", argv[0], "-H", "astra", "-p", "p", *argv[1:]]
    out = run(*base, "--format", "csv").output
    assert not out.startswith("field,value")
    rows = _csv(out)
    assert rows and all(r["household"] == "astra" and r["person"] == "p" for r in rows)
    header = out.splitlines()[0].split(",")
    assert len(header) == len(set(header)) and "ledger_state.heads[0].hash" in header
    cells = {v for r in rows for v in r.values()}
    report = json.loads(run(*base, "--format", "json").output)
    missing = [
        (path, value)
        for path, value in leaves(report)
        if not path.startswith("ledger_state.generated") and not any(str(value) in c for c in cells)
    ]
    assert not missing, missing


def test_withdrawals_csv_has_a_row_per_draw(run, tmp_path):
    # seed 004: the $48,000 distribution is drawn from six layers (Reg. 1.408A-6 A-8);
    # the rows add up to the distribution
    f = tmp_path / "astra.yaml"
    f.write_text(yaml.safe_dump(yaml.safe_load(SEED.read_text())["ledger"]))
    run("import", f)
    argv = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"]
    rows = _csv(run(*argv, "--format", "csv").output)
    report = json.loads(run(*argv, "--format", "json").output)
    assert len(rows) == len(report["draws"]) == 6
    assert {r["distribution.id"] for r in rows} == {"e10"}
    assert sum(Decimal(r["draw.amount"]) for r in rows) == Decimal("48000.00")
    assert {r["additional_tax"] for r in rows} == {"200.00"}
