"""Import a with-history export (:mod:`ledger.ledgerfile.history`): the same ledger in
another database -- the same versions, recorded_at, recorded_by, voids and hashes, so
``heads`` prints the same and ``verify --against`` a saved heads file passes.

Decide, then apply, as every import: each file is read, its hash chain re-computed entry
by entry (an entry changed, removed or moved is refused with exit 6 naming it: the hash
of an entry covers its event, its row and the previous entry's hash) and compared with
what the ledger already holds of that household:

* nothing: every entry is written, with its own row;
* the same history, or the start of it (the same hash at every version stored): only the
  entries after the stored head are written -- importing the same file twice adds
  nothing;
* another history: refused, nothing stored (an import never rewrites a household).

All files are written in ONE transaction of the store's bulk import (a run of entries with
the same recorded_at and recorded_by is one encoded batch), after every file was checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import groupby

from .. import events as ev
from ..dataclass import dataclass
from ..errors import InvalidInput, Problem
from ..ledgerfile.history import HistoryEntry, HistoryFile, read_history
from ..ledgerfile.read import RawLedger
from ..projections.duplicates import duplicate_warnings
from ..projections.limits import contribution_warnings
from ..store.api import EventStore, OtherRevision, Tampered
from ..store.hashing import GENESIS, chained, iso_utc
from ..voids import in_force


@dataclass(frozen=True, slots=True)
class RestorePlan:
    household: str
    version: int  # the stored head the new entries follow...
    prev_hash: str  # ...and its hash
    new: list[HistoryEntry]
    skipped: int
    warnings: list[str]


def check_chain(history: HistoryFile) -> None:
    """Re-compute every entry's hash from its event and row, chained from the first:
    Tampered (exit 6) at the first entry that does not match, naming it."""
    prev = GENESIS
    for expected, entry in enumerate(history.entries, start=1):
        where = f"{history.file}:{entry.line}" if entry.line else history.file
        name = f"event {entry.event.id!r} (version {entry.version})"
        if entry.version != expected:
            raise Tampered(
                f"{where}: version: {name}: version {expected} is missing or out of place "
                "(the versions must run 1, 2, 3, ...): an entry was removed or moved; "
                "nothing was stored"
            )
        *_, digest = next(
            chained(
                history.household,
                expected - 1,
                prev,
                [entry.event],
                entry.recorded_by,
                entry.recorded_at_iso,
            )
        )
        if digest != entry.hash:
            raise Tampered(
                f"{where}: hash: {name}: hash mismatch: the entry (or one before it) was "
                "changed after it was exported; nothing was stored"
            )
        prev = digest


def plan_restore(store: EventStore, raw: RawLedger) -> RestorePlan:
    """Read and check one with-history file against the stored household."""
    return plan_history(store, read_history(raw))


def plan_history(store: EventStore, history: HistoryFile) -> RestorePlan:
    """Check one household's history (its chain, then against the stored household):
    what it would add."""
    check_chain(history)
    problems = store.verify(history.household)  # a changed ledger takes no new event
    if problems:  # (importing._load), nor is it compared
        raise Tampered(
            f"{problems[0]}; nothing is written to a changed ledger, nothing was stored "
            "(run roth-ledger verify)"
        )
    stored = store.load(history.household)
    entries = list(history.entries)
    for s, entry in zip(stored, entries):
        if s.hash != entry.hash:
            raise InvalidInput(
                [
                    Problem(
                        history.file,
                        entry.line,
                        "history",
                        (
                            f"household {history.household!r} is already in the ledger with "
                            f"another history: its version {s.version} is event "
                            f"{s.event.id!r} (hash {s.hash[:12]}...), the file's is "
                            f"{entry.event.id!r} (hash {entry.hash[:12]}...); an import never "
                            "rewrites a household: import into an empty ledger"
                        ),
                    )
                ]
            )
    new = entries[len(stored) :]
    everything = [s.event for s in stored] + [e.event for e in new]
    live = in_force(everything)
    people = {e.person: e.born for e in live if isinstance(e, ev.PersonAdded)}
    warnings = contribution_warnings(people, everything) + duplicate_warnings(live)
    return RestorePlan(
        history.household,
        stored[-1].version if stored else 0,
        stored[-1].hash if stored else GENESIS,
        new,
        len(entries) - len(new),
        warnings,
    )


def _runs(entries: Sequence[HistoryEntry]) -> Iterator[list[HistoryEntry]]:
    """Consecutive entries recorded together (the same recorded_at and recorded_by)."""
    for _, run in groupby(entries, key=lambda e: (e.recorded_at_iso, e.recorded_by)):
        yield list(run)


def write_restores(store: EventStore, plans: Sequence[RestorePlan]) -> int:
    """Write every plan's new entries with their own rows, in ONE transaction; each
    household must still be at the head it was checked at (else ConcurrencyConflict)."""
    written = 0
    with store.bulk_import() as bulk:
        for plan in plans:
            version, prev = plan.version, plan.prev_hash
            for run in _runs(plan.new):
                encode = store.row_encoder(run[0].recorded_by, run[0].recorded_at)
                written += bulk.write(
                    [encode(plan.household, version, prev, [e.event for e in run])]
                )
                version, prev = run[-1].version, run[-1].hash
    return written


def restore_ledger(
    open_target: Callable[[], EventStore], source: str, dry_run: bool = False
) -> list[RestorePlan]:
    """``db restore``: every household of the ledger ``source`` (a backup from ``db
    backup``, any ledger file or database URL; opened read-only) with its whole history
    into the store ``open_target()`` opens, as a with-history import of each would: the
    same rows, in ONE transaction; a household already stored gets only what follows the
    same history, another history is refused, and a source whose chains do not verify is
    refused (exit 6) before anything is written. The source is read and checked before
    ``open_target`` is called: a refused source creates no empty ledger."""
    histories = read_source(source)
    return restore_histories(open_target(), histories, dry_run)


def read_source(source: str) -> list[HistoryFile]:
    """Every household's history in the ledger ``source`` (opened read-only), after its
    chains were verified: refused -- a missing source, another revision, a broken chain --
    before the ledger restored into is opened (``db restore`` creates no empty ledger
    for a source it refuses)."""
    from ..store import open_store
    from ..store.urls import resolve, sqlite_file

    try:
        src = open_store(source, read_only=True)
    except OtherRevision as exc:  # e.g. a backup made before this release's migrations
        how = (
            f" (cp {source} COPY.db && roth-ledger --db COPY.db db upgrade)"
            if sqlite_file(resolve(source)) is not None
            else ""
        )
        raise OtherRevision(
            f"{exc.where} is at schema revision {exc.revision!r}, not {exc.head!r}: upgrade "
            f"a copy of it{how}, not the ledger restored into, and restore the copy; nothing "
            "was restored",
            exc.where,
            exc.revision,
            exc.head,
        ) from None
    try:
        problems = src.verify()
        if problems:
            raise Tampered(
                f"{source}: {problems[0]}; nothing was restored "
                f"(roth-ledger --db {source} verify lists every problem)"
            )
        return [
            HistoryFile(
                source,
                household,
                tuple(
                    HistoryEntry(
                        s.event,
                        s.version,
                        s.recorded_at,
                        iso_utc(s.recorded_at),
                        s.recorded_by,
                        s.hash,
                        None,
                    )
                    for s in stored
                ),
            )
            for household, stored in src.iter_households()
        ]
    finally:
        src.close()


def restore_histories(
    store: EventStore, histories: Sequence[HistoryFile], dry_run: bool = False
) -> list[RestorePlan]:
    """Restore :func:`read_source`'s histories into ``store`` (:func:`restore_ledger`)."""
    plans = [plan_history(store, history) for history in histories]
    if not dry_run and any(p.new for p in plans):
        write_restores(store, plans)
    return plans
