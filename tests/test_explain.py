"""``report ... --explain`` traces figures to events and cited rules (seed 004 history)."""

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from cli.main import cli, register

register()
SEED = Path(__file__).parent / "examples" / "seed-i-mixed-history-48k.yaml"


def test_withdrawal_figures_trace_to_events_and_rules(tmp_path):
    f = tmp_path / "l.yaml"
    f.write_text(yaml.safe_dump(yaml.safe_load(SEED.read_text())["ledger"]))
    db = str(tmp_path / "l.db")
    assert CliRunner().invoke(cli, ["--db", db, "import", str(f)]).exit_code == 0
    r = CliRunner().invoke(
        cli,
        [
            "--db",
            db,
            "report",
            "withdrawals",
            "-H",
            "astra",
            "-p",
            "p",
            "-y",
            "2022",
            "--format",
            "json",
            "--explain",
        ],
    )
    assert r.exit_code == 0, r.output
    ex = {e["figure"]: e for e in json.loads(r.output)["explain"]}
    line22 = ex["form8606.22"]
    assert line22["value"] == "27000.00"
    assert {"e6", "e9"} <= {
        e["id"] for e in line22["events"]
    }  # 2019 contribution, 2021 Roth 401(k) rollover
    assert "1.408A-10 A-3" in line22["rule"]
    # the $2,000 recapture on 5329 line 1 comes from the 2018 backdoor (e4) and the 2020 IRR (e8)
    assert {"e4", "e8"} <= {e["id"] for e in ex["form5329.1"]["events"]}
    assert all(e["rule"] for e in ex.values())
    table = CliRunner().invoke(
        cli,
        ["--db", db, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--explain"],
    )
    assert "Explanation" in table.output and "Reg. 1.408A-6 A-8" in table.output


def test_form8606_part2_traces_to_the_conversion_and_year_end_value(tmp_path):
    # seed iv (RULES.md (k)): the nondeductible contribution, Dec 31 value and conversion make
    # line 18; the trace names those events, not every IRA event of the person
    seed = Path(__file__).parent / "examples" / "seed-iv-backdoor-with-pretax-ira.yaml"
    doc = yaml.safe_load(seed.read_text())
    f = tmp_path / "l.yaml"
    f.write_text(yaml.safe_dump(doc["ledger"]))
    db = str(tmp_path / "l.db")
    assert CliRunner().invoke(cli, ["--db", db, "import", str(f)]).exit_code == 0
    exp = next(e for e in doc["expect"] if e["report"] == "form8606")
    h = doc["ledger"]["household"]["id"]
    r = CliRunner().invoke(
        cli,
        [
            "--db",
            db,
            "report",
            "form8606",
            "-H",
            h,
            "-p",
            exp["person"],
            "-y",
            str(exp["tax_year"]),
            "--format",
            "json",
            "--explain",
        ],
    )
    assert r.exit_code == 0, r.output
    ex = {e["figure"]: e for e in json.loads(r.output)["explain"]}
    kinds18 = {e["kind"] for e in ex["part2.18"]["events"]}
    assert "roth_conversion" in kinds18
    assert {e["kind"] for e in ex["part1.1"]["events"]} == {"ira_contribution"}
    assert all(e["rule"] and "see the form" not in e["rule"] for e in ex.values())


def test_explain_wraps_at_the_terminal_width(tmp_path):
    """Issue 12 item 8: the table's explanation is wrapped at the terminal's width
    (COLUMNS, else the terminal; 80 when output is not a terminal), never breaking an
    event's entry, and says exactly what the unwrapped text says."""
    f = tmp_path / "l.yaml"
    f.write_text(yaml.safe_dump(yaml.safe_load(SEED.read_text())["ledger"]))
    db = str(tmp_path / "l.db")
    assert CliRunner().invoke(cli, ["--db", db, "import", str(f)]).exit_code == 0
    argv = ["--db", db, "report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"]

    def section(columns: str | None) -> list[str]:
        out = CliRunner().invoke(cli, [*argv, "--explain"], env={"COLUMNS": columns}).output
        part = out[out.index("Explanation") :]
        return part[: part.index("\nLedger as known on")].strip("\n").splitlines()

    narrow, wide = section("60"), section("400")
    assert len(narrow) > len(wide)
    assert all(len(line) <= 60 for line in narrow), [x for x in narrow if len(x) > 60]
    assert max(len(line) for line in wide) > 80  # one line per entry on a wide terminal
    assert " ".join(" ".join(narrow).split()) == " ".join(" ".join(wide).split())
    # an event is never cut in two: "e6 roth_contribution 2019-03-01" stays on one line
    assert any("e6 roth_contribution 2019-03-01" in line for line in narrow)
    assert all(len(line) <= 80 for line in section(None))  # not a terminal: 80
