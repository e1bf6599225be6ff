"""Child-process bodies for the race and crash tests (spawned, so importable)."""

from __future__ import annotations

import random
import time

from ledger.store import ConcurrencyConflict, open_store

from .helpers import contribution, contributions


def race(url: str, household: str, worker: int, appends: int) -> tuple[int, int]:
    """Make ``appends`` single-event appends, retrying each on conflict (after a short
    random pause, as a real client would). Returns (successful appends, conflicts seen)."""
    store = open_store(url)
    done = conflicts = 0
    expected = store.version(household)
    try:
        for i in range(appends):
            while True:
                try:
                    store.append(
                        household, expected, [contribution(f"w{worker}-{i}")], f"w{worker}"
                    )
                except ConcurrencyConflict as conflict:
                    conflicts += 1
                    time.sleep(random.uniform(0, 0.003))
                    expected = (
                        conflict.actual if conflict.actual is not None else store.version(household)
                    )
                    continue
                expected += 1
                done += 1
                break
    finally:
        store.close()
    return done, conflicts


def big_append(url: str, household: str, size: int, ready) -> None:
    """Open, build a batch, say ready, then append it in one go (killed meanwhile)."""
    store = open_store(url)
    events = contributions(f"big{store.version(household)}-", size)
    expected = store.version(household)
    ready.set()
    store.append(household, expected, events, "crash-test")
    store.close()


def cli_with_interleaved_writer(url: str, argv: list[str]) -> None:
    """Run ``roth-ledger --db URL ARGV...`` in this process, with another writer slipping
    in between the command's read of the household and its append: a deterministic race.

    The command reads the household through ``ledger.app.importing._load``; right after,
    a second connection appends one event (id ``interloper``) to that household, so the
    command's append is at a stale version. Exits as the command line does.
    """
    import ledger.app.importing as importing
    from cli.main import main

    real_load = importing._load

    def load_then_race(store, household):
        stored, head = real_load(store, household)
        other = open_store(url)
        try:
            other.append(household, head[0], [contribution("interloper")], "other-writer")
        finally:
            other.close()
        return stored, head

    importing._load = load_then_race
    main(["--db", url, *argv])


def bulk_import_held(url: str, household: str, size: int, told) -> None:
    """Write one household's rows in a bulk import, send the trigger names this
    transaction sees through ``told`` (a pipe), then wait inside the transaction (killed
    meanwhile)."""
    from datetime import UTC, datetime

    from ledger.store.hashing import GENESIS

    store = open_store(url)
    encode = store.row_encoder("crash-test", datetime.now(UTC))
    with store.bulk_import() as bulk:
        bulk.write([encode(household, 0, GENESIS, contributions(f"{household}-", size))])
        seen = bulk.conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        told.send(sorted(name for (name,) in seen))
        time.sleep(120)
