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
