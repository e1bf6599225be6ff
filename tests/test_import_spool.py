"""The parallel import's spool (issue 14, item 6): the files that carry clients' rows from
the workers to the writing process are owner-only (0600, in a 0700 directory) whatever
the umask, are gone when the import ends (committed or refused), and what a killed import
left behind is removed by the next import -- never a live import's spool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import ledger.app.parallel_import as parallel
from ledger.app.importing import import_files
from ledger.errors import InvalidInput
from ledger.store import open_store

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tmpdir_env(tmp_path, monkeypatch) -> Path:
    """A private $TMPDIR for the test (the spool's home)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read $TMPDIR
    return tmp


def files(directory: Path, count: int = 20, events: int = 10) -> list[Path]:
    import json

    directory.mkdir()
    out = []
    for i in range(count):
        path = directory / f"h{i:03d}.json"
        path.write_text(json.dumps(household(i, events), default=str), encoding="utf-8")
        out.append(path)
    return out


def spools(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith(parallel.SPOOL_PREFIX))


def test_spool_files_are_owner_only_whatever_the_umask(tmpdir_env, tmp_path, monkeypatch):
    seen: list[tuple[int, int]] = []
    real = parallel._unspool

    def spy(path: str):
        seen.append((os.stat(path).st_mode & 0o777, os.stat(os.path.dirname(path)).st_mode & 0o777))
        return real(path)

    monkeypatch.setattr(parallel, "_unspool", spy)
    store = open_store(str(tmp_path / "l.db"))
    old = os.umask(0)  # a careless umask: the modes must not depend on it
    try:
        results = import_files(store, files(tmp_path / "in", 40), "tester", jobs=2)
    finally:
        os.umask(old)
        store.close()
    assert len(results) == 40
    assert len(seen) == 3  # chunks of 16 files
    assert set(seen) == {(0o600, 0o700)}
    assert spools(tmpdir_env) == []


def test_nothing_is_left_after_a_refused_import(tmpdir_env, tmp_path):
    paths = files(tmp_path / "in", 20)
    paths[7].write_text("{not json", encoding="utf-8")
    store = open_store(str(tmp_path / "l.db"))
    try:
        with pytest.raises(InvalidInput):
            import_files(store, paths, "tester", jobs=2)
    finally:
        store.close()
    assert spools(tmpdir_env) == []


HOLD = """
import sys, time
from ledger.app.parallel_import import spool
with spool() as path:
    with open(path + "/chunk-0.pickle", "wb") as f:
        f.write(b"clients' rows")
    print(path, flush=True)
    time.sleep(600)
"""


def holding_spool(tmp: Path) -> tuple[subprocess.Popen, str]:
    """A process in the middle of an import: it holds a spool directory."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        cwd=ROOT,
        env=dict(os.environ, TMPDIR=str(tmp)),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    path = child.stdout.readline().strip()
    assert path.startswith(str(tmp)), path
    return child, os.path.basename(path)


def test_a_killed_imports_leftovers_are_removed_by_the_next_import(tmpdir_env, tmp_path, run):
    alive, live = holding_spool(tmpdir_env)
    try:
        killed, dead = holding_spool(tmpdir_env)  # its own start kept the live spool
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        old = tmpdir_env / f"{parallel.SPOOL_PREFIX}ab12cd"  # an older roth-ledger's, unlocked
        old.mkdir()
        day_and_a_half_ago = time.time() - 36 * 3600
        os.utime(old, (day_and_a_half_ago, day_and_a_half_ago))
        fresh = tmpdir_env / f"{parallel.SPOOL_PREFIX}ef34gh"  # unlocked, but just made
        fresh.mkdir()
        not_ours = tmpdir_env / f"{parallel.SPOOL_PREFIX}notes.txt"  # not a directory
        not_ours.write_text("keep me", encoding="utf-8")
        assert dead in spools(tmpdir_env) and live in spools(tmpdir_env)

        example = ROOT / "ledger" / "examples" / "astra-2022.yaml"
        assert run("import", example).exit_code == 0  # a one-process import cleans up too

        left = spools(tmpdir_env)
        assert dead not in left and old.name not in left
        assert live in left, "a running import's spool was removed"
        assert fresh.name in left and not_ours.name in left
        assert (tmpdir_env / live / "chunk-0.pickle").exists()
    finally:
        alive.kill()
        alive.wait(timeout=30)
    assert parallel.remove_leftovers() == 1  # the one just killed
    assert live not in spools(tmpdir_env)


class _Text(str):
    """A str subclass: marshal does not take it."""


def test_a_spooled_batch_comes_back_as_the_encoder_made_it(tmp_path):
    from datetime import UTC, datetime

    from ledger.store.hashing import GENESIS
    from ledger.store.sql import _PostgresEncoder, _SqliteEncoder
    from tests.store.helpers import contributions

    at = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    events = contributions("id-\t\\\n\ud7ff-é", 30)
    for encoder in (_SqliteEncoder("me", at), _PostgresEncoder("me", at)):
        batch = encoder("house", 0, GENESIS, events)
        packed = parallel._packed(batch)
        assert type(packed) is bytes  # marshal: the cheap form
        back = parallel._unpacked(packed)
        assert back == batch and type(back[3]) is type(batch[3])
        if isinstance(batch[3], list):
            assert all(type(row) is tuple for row in back[3])
    odd = ("house", 0, GENESIS, [(_Text("x"), 1)])
    assert parallel._packed(odd) is odd and parallel._unpacked(odd) is odd  # pickled as is


def test_a_dry_run_encodes_no_rows(tmpdir_env, tmp_path, monkeypatch):
    store = open_store(str(tmp_path / "ledger.db"))
    calls: list[str] = []
    real = store.row_encoder

    def counting(*args):
        calls.append("encoder")
        return real(*args)

    monkeypatch.setattr(store, "row_encoder", counting)
    try:
        paths = files(tmp_path / "in")
        results = import_files(store, paths, "me", dry_run=True, jobs=2)
        assert results and all(r.dry_run and r.added for r in results)
        assert calls == [] and store.households() == []
        import_files(store, paths, "me", jobs=2)
        assert calls == ["encoder"] and len(store.households()) == len(results)
    finally:
        store.close()
