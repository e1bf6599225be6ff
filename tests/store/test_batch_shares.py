"""The batch report shared among forked workers (``report batch --jobs N``) reads the same
rows from every SQL backend: on a SQLite file and on PostgreSQL (each worker opens its own
connection from the URL), the rows equal the one-process scan, in the same order."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ledger.app.batch import batch_rows
from ledger.app.importing import import_files
from ledger.rules.policy import Policy

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from generate import household  # noqa: E402


def test_shared_batch_equals_one_process(sql_backend, tmp_path):
    files = tmp_path / "clients"
    files.mkdir()
    for i in range(24):
        (files / f"{i:03d}.json").write_text(json.dumps(household(i, 50)))
    store = sql_backend.open()
    try:
        import_files(store, [files], "tester", jobs=1)
        one = list(batch_rows(store, 2020, Policy(), jobs=1))
        assert len(one) > 10 and len({r["household"] for r in one}) > 5
        assert list(batch_rows(store, 2020, Policy(), jobs=2)) == one
        assert list(batch_rows(store, 2020, Policy(), jobs=3)) == one
    finally:
        store.close()
