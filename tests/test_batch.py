"""``report batch``: one row per person with Roth activity, across households."""

import csv
import io
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from cli.main import cli, register

register()
EX = Path(__file__).parent / "examples"


def test_batch_rows_match_the_per_person_reports(tmp_path):
    db = str(tmp_path / "l.db")
    for name in (
        "seed-i-mixed-history-48k",
        "seed-i-variant-10k-irr-policy",
        "i5329-recapture-example",
    ):
        f = tmp_path / f"{name}.yaml"
        f.write_text(yaml.safe_dump(yaml.safe_load((EX / f"{name}.yaml").read_text())["ledger"]))
        assert CliRunner().invoke(cli, ["--db", db, "import", str(f)]).exit_code == 0
    r = CliRunner().invoke(
        cli, ["--db", db, "report", "batch", "--tax-year", "2022", "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    rows = {row["household"]: row for row in csv.DictReader(io.StringIO(r.output))}
    assert set(rows) == {"astra", "astra10k"}  # i5329's activity is in 2012, 2013 and 2016
    assert (rows["astra"]["additional_tax"], rows["astra10k"]["additional_tax"]) == (
        "200.00",
        "100.00",
    )  # seed 004
    j = CliRunner().invoke(cli, ["--db", db, "report", "batch", "-y", "2016", "--format", "json"])
    data = json.loads(j.output)
    assert data == [
        dict(data[0], household="i5329", additional_tax="2200.00")
    ]  # I5329 2016 example


def test_parallel_batch_gives_the_same_rows_in_the_same_order(tmp_path):
    # the batch shared out among worker processes (`--jobs N`) must equal the one-process
    # scan row for row: 30 generated 20-year client histories plus seed 004's Astra
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    from generate import household

    db = str(tmp_path / "l.db")
    clients = tmp_path / "clients"
    clients.mkdir()
    for i in range(30):
        (clients / f"{i:03d}.json").write_text(json.dumps(household(i, 60)))
    f = clients / "astra.yaml"
    f.write_text(
        yaml.safe_dump(yaml.safe_load((EX / "seed-i-mixed-history-48k.yaml").read_text())["ledger"])
    )
    assert CliRunner().invoke(cli, ["--db", db, "import", str(clients)]).exit_code == 0

    def batch(*extra):
        r = CliRunner().invoke(
            cli, ["--db", db, "report", "batch", "-y", "2022", "--format", "json", *extra]
        )
        assert r.exit_code == 0, r.output
        rows = json.loads(r.output)
        for row in rows:  # the time each run was made; everything else must agree
            assert row.pop("generated_at")
        return rows

    one = batch("--jobs", "1")
    assert len(one) > 20 and any(
        r["household"] == "astra" and r["additional_tax"] == "200.00" for r in one
    )
    assert batch("--jobs", "3") == one
    assert batch() == one  # auto: one process for a small ledger


def test_split_households_cuts_at_household_starts(tmp_path):
    from ledger.store import open_store
    from tests.store.helpers import contributions

    store = open_store(str(tmp_path / "l.db"))
    for h, n in (("a", 10), ("b", 10), ("c", 10), ("d", 10)):
        store.append(h, 0, contributions(h, n), "me")
    assert store.household_shares(2) == [(None, "c"), ("c", None)]
    assert store.household_shares(4) == [(None, "b"), ("b", "c"), ("c", "d"), ("d", None)]
    assert store.household_shares(1) == [(None, None)]
    assert [h for h, _ in store.iter_household_events(start="b", stop="d")] == ["b", "c"]
    store.close()
