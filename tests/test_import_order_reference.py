"""A one-process import of several files plans them as listed when no two name the same
household (ledger.app.importing._import_files), and falls back to the date order
otherwise: the same results, problems, warnings and stored rows as the reference
(_import_files_reference: every file read for its household and dates first), on
generated directories of year files, other households, bad, broken, unnamed, YAML and
with-history files, into an empty store or one holding some of the households."""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.app import importing
from ledger.errors import InvalidInput, LedgerError
from ledger.store import MemoryStore

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
YEARS = (2005, 2010, 2015, 2020)


def _ledger(i: int, year: int | None, events: int = 24) -> dict:
    """Household ``i``'s generated ledger, its dated events of ``year`` (None: all)."""
    data = household(i, events)
    if year is not None:
        data["events"] = [e for e in data["events"] if e.get("date", "").startswith(str(year)[:3])]
    return data


def _text(kind: str, i: int, year: int | None) -> tuple[str, str]:
    """(suffix, text) of one file."""
    data = _ledger(i, year)
    if kind == "bad":  # a problem the reference finds (a negative amount)
        data["events"] = [*data["events"], {**data["events"][0], "id": "bad", "amount": "-5"}]
    elif kind == "unnamed":
        data.pop("household")
    elif kind == "broken":
        return ".json", json.dumps(data)[:200]
    elif kind == "history":
        data["history"] = []
    elif kind == "yaml":  # JSON is YAML: the reference reader's path
        return ".yaml", json.dumps(data, indent=1)
    return ".json", json.dumps(data)


FILE = st.tuples(
    st.sampled_from(["ok", "ok", "ok", "bad", "unnamed", "broken", "history", "yaml"]),
    st.integers(0, 4),  # the household
    st.sampled_from([None, *YEARS]),  # the years it holds
    st.integers(0, 999),  # where its name sorts
)


def _outcome(run, store, files, dry_run):
    shown: list[int] = []
    try:
        got = run(store, files, "tester", dry_run, AT, lambda done, total: shown.append(done))
        out: object = ("ok", got)
    except InvalidInput as exc:
        out = ("invalid", exc.problems)
    except LedgerError as exc:
        out = (type(exc).__name__, str(exc))
    rows = {
        h: [
            (s.version, s.event.id, s.event.kind, ev.payload_json(s.event), s.prev_hash, s.hash)
            for s in store.load(h)
        ]
        for h in store.households()
    }
    return out, rows, shown[-1:] if shown else []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(FILE, min_size=2, max_size=7),
    st.lists(st.integers(0, 4), max_size=2),
    st.booleans(),
)
def test_as_listed_matches_the_date_order_reference(specs, stored, dry_run):
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, (kind, i, year, rank) in enumerate(specs):
            suffix, text = _text(kind, i, year)
            path = Path(tmp) / f"f{rank:03d}-{n}{suffix}"
            path.write_text(text)
            files.append(path)
        outcomes = []
        for run in (importing._import_files, importing._import_files_reference):
            store = MemoryStore()
            for i in sorted(set(stored)):
                path = Path(tmp) / f"stored-{i}.json"
                path.write_text(json.dumps(_ledger(i, YEARS[0])))
                importing.import_files(store, [path], "earlier", recorded_at=AT)
            outcomes.append(_outcome(run, store, files, dry_run))
        assert outcomes[0] == outcomes[1]


def test_files_of_distinct_households_are_read_once(tmp_path, monkeypatch):
    """No household named twice: each file is read once (no pass for the dates), and the
    result is the reference's; a household named twice: the date order is used."""
    files = []
    for i in range(3):
        path = tmp_path / f"h{i}.json"
        path.write_text(json.dumps(_ledger(i, None)))
        files.append(path)
    reads: list[Path] = []
    read_plain = importing.read_plain
    monkeypatch.setattr(importing, "read_plain", lambda p: reads.append(p) or read_plain(p))
    got = importing._import_files(MemoryStore(), files, "t", False, AT)
    assert reads == files
    reads.clear()
    assert got == importing._import_files_reference(MemoryStore(), files, "t", False, AT)
    assert len(reads) == 2 * len(files)

    again = tmp_path / "h0-later.json"
    later = _ledger(0, None)
    later["events"] = [{**e, "id": f"x{e['id']}"} for e in later["events"]]
    again.write_text(json.dumps(later))
    reads.clear()
    got = importing._import_files(MemoryStore(), [*files, again], "t", False, AT)
    assert len(reads) > len(files) + 1  # the listed pass stopped, the date order read all
    assert [r.household for r in got] == ["hh000000", "hh000001", "hh000002"]
    assert got[0].added == 2 * len(later["events"]) + len(later["people"]) + 1
