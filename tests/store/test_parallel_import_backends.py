"""The parallel import (worker processes validate and encode, this one writes through the
store's bulk import) stores on every SQL backend -- a SQLite file and PostgreSQL (COPY) --
exactly the chains the one-process import stores in memory: same events, versions and
hashes, and nothing at all when a file is bad."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger.app.importing import import_files
from ledger.errors import InvalidInput
from ledger.store import MemoryStore

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from generate import household  # noqa: E402

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def chains(store) -> list[tuple]:
    return [
        (h, s.version, s.event, s.prev_hash, s.hash, s.recorded_by)
        for h, stored in store.iter_households()
        for s in stored
    ]


def test_parallel_import_stores_the_one_process_chains(sql_backend, tmp_path):
    files = tmp_path / "clients"
    files.mkdir()
    for i in range(40):
        (files / f"{i:03d}.json").write_text(json.dumps(household(i, 30)))
    reference = MemoryStore()
    import_files(reference, [files], "tester", recorded_at=AT)
    store = sql_backend.open()
    try:
        assert store.capabilities.concurrent_import
        results = import_files(store, [files], "tester", jobs=2, recorded_at=AT)
        assert sum(r.added for r in results) == reference.size() > 1000
        assert chains(store) == chains(reference) and store.verify() == []
        again = import_files(store, [files], "tester", jobs=2, recorded_at=AT)  # idempotent
        assert sum(r.added for r in again) == 0 and chains(store) == chains(reference)
    finally:
        store.close()


def test_a_bad_file_in_a_parallel_import_stores_nothing(sql_backend, tmp_path):
    files = tmp_path / "clients"
    files.mkdir()
    for i in range(40):
        (files / f"{i:03d}.json").write_text(json.dumps(household(i, 20)))
    bad = json.loads((files / "033.json").read_text())
    bad["events"][0]["amount"] = "12.345"
    (files / "033.json").write_text(json.dumps(bad))
    store = sql_backend.open()
    try:
        with pytest.raises(InvalidInput):
            import_files(store, [files], "tester", jobs=2, recorded_at=AT)
        assert store.households() == [] and store.size() == 0
    finally:
        store.close()
