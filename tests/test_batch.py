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
    for name in ("seed-i-mixed-history-48k", "seed-i-variant-10k-irr-policy", "i5329-recapture-example"):
        f = tmp_path / f"{name}.yaml"
        f.write_text(yaml.safe_dump(yaml.safe_load((EX / f"{name}.yaml").read_text())["ledger"]))
        assert CliRunner().invoke(cli, ["--db", db, "import", str(f)]).exit_code == 0
    r = CliRunner().invoke(cli, ["--db", db, "report", "batch", "--tax-year", "2022", "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = {row["household"]: row for row in csv.DictReader(io.StringIO(r.output))}
    assert set(rows) == {"astra", "astra10k"}  # i5329's activity is in 2012, 2013 and 2016
    assert (rows["astra"]["additional_tax"], rows["astra10k"]["additional_tax"]) == ("200.00", "100.00")  # seed 004
    j = CliRunner().invoke(cli, ["--db", db, "report", "batch", "-y", "2016", "--format", "json"])
    data = json.loads(j.output)
    assert data == [dict(data[0], household="i5329", additional_tax="2200.00")]  # I5329 2016 example
