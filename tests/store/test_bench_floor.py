"""The rebuild-floor benchmark (``tests/benchmarks/floor.py``) hashes the real documents:
the texts it builds from stored columns give every row's stored hash, so its SHA-256 line
measures what the chain check hashes; and a run at tiny size prints every line."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

from tests.benchmarks import floor
from tests.benchmarks.generate import household

EXAMPLE = Path(__file__).resolve().parents[2] / "ledger" / "examples" / "astra-2022.yaml"


def test_the_hashed_texts_give_the_stored_hashes(run, tmp_path):
    db = tmp_path / "ledger.db"
    (tmp_path / "h.json").write_text(json.dumps(household(3, 60)))
    assert run("--db", str(db), "import", str(EXAMPLE), str(tmp_path / "h.json")).exit_code == 0
    con = sqlite3.connect(db)
    texts, digests = floor.hashed_texts(con)
    stored = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    assert len(texts) == stored > 60
    assert [hashlib.sha256(t).hexdigest() for t in texts] == digests
    # a text one byte off gives another digest: the check can fail
    assert hashlib.sha256(texts[0] + b" ").hexdigest() != digests[0]


def test_a_tiny_run_prints_every_line(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["floor.py"])
    floor.main(["--households", "3", "--events-per-household", "40", "--repeat", "1"])
    printed = dict(
        line.split(": ", 1) for line in capsys.readouterr().out.splitlines() if ": " in line
    )
    for name in ("raw_scan_us", "sha256_us", "json_scan_us", "decode_us", "read_us", "batch_us"):
        assert float(printed[name]) > 0, name
    assert float(printed["floor_vs_raw_scan"]) > 1
    assert int(printed["households"]) == 3
