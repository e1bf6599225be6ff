"""The rebuild's floor: what the C primitives a rebuild cannot skip cost per stored row,
against the raw scan of the same rows, in the same run (SQLite). Not run by pytest.

From the repository root, after installing the project::

    python tests/benchmarks/floor.py                      # 1,000 households x 100 events
    python tests/benchmarks/floor.py --households 300

It generates the firm benchmark's households (tests/benchmarks/generate.py), imports
them with the real command into a new SQLite ledger, and then measures in this process,
as CPU time per row (best of ``--repeat`` runs, each step alternated with the others; the prepared inputs
frozen out of the collector's generations, as a rebuild's heap holds one household):

* ``raw_scan_us`` -- ``SELECT * FROM events ORDER BY household, version`` through
  ``sqlite3``, each row fetched (the firm benchmark's baseline);
* ``sha256_us`` -- ``hashlib.sha256(text).hexdigest()`` of each row's hashed document
  (the canonical JSON the chain hashes, built before timing from the stored columns with
  ``ledger.store.hashing.hash_document`` and ``ledger.events.canonical_json``; the run
  checks that every digest equals the stored ``hash``, so these are the real documents);
* ``json_scan_us`` -- the json module's C scanner over each stored payload (what
  ``json.loads`` runs without its Python frames);
* ``decode_us`` -- each payload's event object made by its kind's decoder
  (``ledger.events.DECODERS``);
* ``read_us`` -- the store's own read of every household (``iter_household_events``:
  fetch, chain check, decode);
* ``batch_us`` -- the batch report of the last generated year, one process
  (``ledger.app.batch.batch_rows``, ``jobs=1``: read, fold, rules).

It ends with each as a multiple of the raw scan and ``floor_vs_raw_scan``: raw scan +
SHA-256 + JSON scan + decode over the raw scan -- the least a rebuild that checks every
row's hash and reads every payload could cost before any rule runs -- and
``rules_vs_raw_scan``: (batch - read) over the raw scan.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from firm import cli_command, generate, line  # noqa: E402
from generate import FIRST_YEAR, YEARS  # noqa: E402


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def hashed_texts(con: sqlite3.Connection) -> tuple[list[bytes], list[str]]:
    """Each row's hashed text (``prev_hash`` newline canonical document) and its stored
    hash, in scan order."""
    from ledger.events import canonical_json
    from ledger.store.hashing import hash_document

    con.row_factory = sqlite3.Row
    texts, digests = [], []
    for row in con.execute("SELECT * FROM events ORDER BY household, version"):
        values = dict(row)
        eff = values["effective_date"]
        values["effective_date"] = None if eff is None else date.fromisoformat(eff)
        values["recorded_at"] = datetime.fromisoformat(values["recorded_at"])
        text = f"{values['prev_hash']}\n{canonical_json(hash_document(values))}"
        texts.append(text.encode())
        digests.append(values["hash"])
    con.row_factory = None
    return texts, digests


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--events-per-household", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from ledger.app.batch import batch_rows
    from ledger.events import DECODERS
    from ledger.rules.policy import Policy
    from ledger.store import open_store

    with tempfile.TemporaryDirectory(prefix="roth-ledger-floor-") as tmp:
        work = Path(tmp)
        generate(work / "ledger", args.households, args.events_per_household)
        db = str(work / "floor.db")
        subprocess.run(
            cli_command() + ["--db", db, "import", str(work / "ledger")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        con = sqlite3.connect(db)
        texts, digests = hashed_texts(con)
        rows = len(texts)
        if any(hashlib.sha256(t).hexdigest() != d for t, d in zip(texts, digests)):
            raise SystemExit("floor.py: a rebuilt hashed text does not give its stored hash")
        payloads = [
            (kind, event_id, payload)
            for kind, event_id, payload in con.execute(
                "SELECT kind, event_id, payload FROM events ORDER BY household, version"
            )
        ]
        scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
        values = [(DECODERS[k], i, scan(p, 0)[0]) for k, i, p in payloads]
        store = open_store(db)
        year = FIRST_YEAR + YEARS - 1
        sha256 = hashlib.sha256
        gc.collect()
        gc.freeze()  # the prepared inputs are not the collector's work in any step

        steps = {
            "raw_scan": lambda: sum(
                1 for _ in con.execute("SELECT * FROM events ORDER BY household, version")
            ),
            "sha256": lambda: [sha256(t).hexdigest() for t in texts],
            "json_scan": lambda: [scan(p, 0) for _, _, p in payloads],
            "decode": lambda: [decode(i, v) for decode, i, v in values],
            "read": lambda: sum(1 for _ in store.iter_household_events()),
            "batch": lambda: sum(1 for _ in batch_rows(store, year, Policy(), jobs=1)),
        }
        best = dict.fromkeys(steps, float("inf"))
        for _ in range(args.repeat):
            for name, step in steps.items():
                start = cpu_s()
                step()
                best[name] = min(best[name], cpu_s() - start)
        store.close()
        con.close()

    line("households", args.households)
    line("rows", rows)
    for name, seconds in best.items():
        line(f"{name}_us", seconds / rows * 1e6)
    scan_s = best["raw_scan"]
    for name in ("sha256", "json_scan", "decode", "read", "batch"):
        line(f"{name}_vs_raw_scan", best[name] / scan_s)
    floor = scan_s + best["sha256"] + best["json_scan"] + best["decode"]
    line("floor_vs_raw_scan", floor / scan_s)
    line("rules_vs_raw_scan", (best["batch"] - best["read"]) / scan_s)


if __name__ == "__main__":
    main()
