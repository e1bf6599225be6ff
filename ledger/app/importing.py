"""Use cases that write events: import a ledger file, record one event, void one.

Decide, then apply (STYLE.md example 2): each use case loads the household, validates
everything against the file AND the stored events, and only then appends -- all new
events in ONE ``store.append`` at the version it validated against, so an import is
atomic (all or nothing) and a racing writer gets a ConcurrencyConflict, not a mix.
Idempotent: an event whose id is already stored with the same content is skipped.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import field
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path

from .. import events as ev
from ..dataclass import dataclass
from ..errors import InvalidInput, LedgerError, NotFound, Problem, shown
from ..ledgerfile import (
    Known,
    first_event_date,
    household_of,
    read_ledger_file,
    validate_ledger,
)
from ..ledgerfile.fast import first_plain_date, parse_plain, read_plain
from ..ledgerfile.history import is_history
from ..ledgerfile.read import FORMATS, Node, RawLedger
from ..projections.duplicates import duplicate_warnings
from ..projections.limits import contribution_warnings
from ..store.api import EventStore, StoredEvent, Tampered
from ..store.hashing import GENESIS, utc
from ..voids import cancelled_by, in_force
from .forking import usable_cpus
from .parallel_import import import_parallel, remove_leftovers

RECORD_ALIASES = {"person": "person_added", "household": "household_named"}


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What importing one file did: events added and skipped (already stored), warnings."""

    household: str
    added: int
    skipped: int
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    repeated: int = 0  # events the same as ones an earlier file of this import gives


def _load(store: EventStore, household: str | None) -> tuple[list[ev.Event], tuple[int, str]]:
    """The household's events and head ``(version, hash)`` (``(0, GENESIS)``: no events)
    that new events are validated against and chained after, its chain checked on the
    rows read (the store's ``load_checked``: a report's one read). A changed ledger takes
    no new event: :class:`Tampered` (exit 6) naming the event, as every reader refuses
    it, before anything is written."""
    if household is None:
        return [], (0, GENESIS)
    checked = store.load_checked(household)
    if checked.problem is not None:
        raise Tampered(
            f"{checked.problem}; nothing is written to a changed ledger, nothing was stored "
            "(run roth-ledger verify)"
        )
    return checked.events, checked.head or (0, GENESIS)


def _people(events) -> dict:
    """Each person's birth date by the person records among ``events`` (the later wins):
    the records picked by ``isinstance`` in C (``filter`` of the class's own instance
    check), the other events never reaching Python code."""
    return {e.person: e.born for e in filter(_IS_PERSON, events)}


_IS_PERSON = ev.PersonAdded.__instancecheck__  # isinstance(event, ev.PersonAdded)


@dataclass(frozen=True, slots=True)
class _Plan:
    """One file's checked household: the new events to append after the stored head."""

    household: str
    version: int  # the stored head the new events follow...
    prev_hash: str  # ...and its hash (GENESIS for a new household)
    new: list
    skipped: int  # events already stored
    warnings: list[str]
    repeated: int = 0  # events an earlier file of this import gives (not stored)
    sources: tuple[tuple[str, int], ...] = ()  # (file, how many of ``new``), in order


def _plan(
    store: EventStore,
    path: str | Path,
    existing: set[str] | None = None,
    earlier: dict[str, _Plan] | None = None,
    named: Callable[[str | None], None] | None = None,
) -> _Plan:
    """Validate one file against itself and the stored household: what it would add.
    ``existing`` (the stored household ids, when known) saves a query per new household.
    ``earlier``: the plans of this import's earlier files, by household; a file of the
    same household is validated after them (the same import: one transaction).
    ``named(household)``, if given, is called once the file is read, with the household
    :func:`_in_date_order` sorts it by (None: one it gives no name; a file unreadable
    before that is not named), a with-history file's too, before anything else."""
    plain = read_plain(path)  # a plain JSON file: the fast path (ledgerfile.fast)
    raw = None
    if plain is not None:
        household: str | None = plain.household
    else:
        raw = read_ledger_file(path, lines=False)
        if is_history(raw):
            if named is not None:
                named(household_of(raw))
            raise _WithHistory(Path(path), raw)
        household = household_of(raw)
    if named is not None:
        named(household)
    if existing is not None and household not in existing:
        stored, (version, head) = list[ev.Event](), (0, GENESIS)
    else:
        stored, (version, head) = _load(store, household)
    before = earlier.get(household) if earlier and household else None
    pending = before.new if before is not None else []
    known = Known.from_events([*stored, *pending])
    if pending:
        known = dataclasses.replace(known, earlier=lambda event_id: _given_in(before, event_id))
    ledger = parse_plain(plain, known) if plain is not None else None
    if ledger is None:  # not the plain valid case: the reference path decides and reports
        raw = raw or read_ledger_file(path, lines=False)
        try:
            ledger = validate_ledger(raw, known)
        except InvalidInput:
            if raw.lines:
                raise
            validate_ledger(read_ledger_file(path), known)  # again, to report lines
            raise
    candidates = ledger.all_events()
    # a new household (nothing known): every candidate is new, copied in C
    new = [e for e in candidates if e.id not in known.events] if known.events else [*candidates]
    repeated = 0
    if pending:  # the ids known from an earlier file of this import are not stored
        ids = {e.id for e in pending}
        repeated = sum(1 for e in candidates if e.id in ids)
    everything = stored + pending + new
    # without a void every event is in force (voids.in_force); the classes are final
    live = in_force(everything) if ev.Void in map(type, everything) else everything
    warnings = contribution_warnings(_people(live), everything) + duplicate_warnings(live)
    return _Plan(
        ledger.household,
        version,
        head,
        new,
        len(candidates) - len(new) - repeated,
        warnings,
        repeated,
        ((str(path), len(new)),),
    )


def _given_in(plan: _Plan | None, event_id: str) -> str | None:
    """Where (FILE:LINE, or FILE) the file of ``plan`` that gives the new event
    ``event_id`` gives it; None if none does (for a message: the file is read again)."""
    if plan is None:
        return None
    index = next((i for i, e in enumerate(plan.new) if e.id == event_id), None)
    if index is None:
        return None
    for file, count in plan.sources:
        if index < count:
            return f"{file}:{line}" if (line := _line_of(file, event_id)) else file
        index -= count
    return None


def _line_of(file: str, event_id: str) -> int | None:
    """The line of the event ``event_id`` in the ledger file ``file`` (None: not found)."""
    try:
        raw = read_ledger_file(file)
    except (InvalidInput, OSError):
        return None
    root = raw.root.value if isinstance(raw.root.value, dict) else {}
    events = root.get("events")
    for node in events.value if events is not None and isinstance(events.value, list) else []:
        given = node.value.get("id") if isinstance(node.value, dict) else None
        if given is not None and str(given.value) == event_id:
            return given.line or node.line  # the id's line, as the problem names it
    return None


class _WithHistory(Exception):
    """:func:`_plan` found a with-history export (imported by :mod:`.restoring`)."""

    def __init__(self, path: Path, raw: RawLedger):
        super().__init__(str(path))
        self.path, self.raw = path, raw


def _plan_ordinary(store: EventStore, path: str | Path, existing: set[str] | None = None) -> _Plan:
    """:func:`_plan` for a parallel import's workers: a with-history file there is a
    problem (the import sniffs for them first; this catches one it missed)."""
    try:
        return _plan(store, path, existing)
    except _WithHistory:
        raise InvalidInput(
            [Problem(str(path), None, "history", "a with-history export: import it with --jobs 1")]
        ) from None


def _read_once_is_enough(path: Path) -> bool:
    """Whether a parallel import may take ``path``: a regular file (or one that cannot
    be read: its worker says why) that is not a with-history export. A FIFO, a
    character device (``/dev/stdin``, a shell's ``<(...)``) can be read only once: the
    sniff would take its start and the worker then wait for the rest for ever -- such a
    file sends the whole import to the one process, which reads each file once."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
    except OSError:
        pass  # reading it will say what is wrong
    return not _sniff_history(path)


def _sniff_history(path: Path) -> bool:
    """Whether a file looks like a with-history export (its ``history`` section is near
    the top, as the export writes it): read only its start (:data:`SNIFF_BYTES`). The
    bytes are searched for the word before they are decoded: a UTF-8 decode (invalid
    bytes replaced) keeps every ASCII byte as its letter and makes none, so a start
    whose bytes lack it decodes to a text that lacks it -- an ordinary file (~1,000 of
    them before a parallel import's workers start) is opened, read and closed by the
    system calls alone. :func:`reference_sniff_history` is the reference."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        head = os.read(fd, SNIFF_BYTES)
        while 0 < len(head) < SNIFF_BYTES:  # a short read (not of a regular file): go on
            more = os.read(fd, SNIFF_BYTES - len(head))
            if not more:
                break
            head += more
    except OSError:
        return False
    finally:
        os.close(fd)
    return b"history" in head and _history_head(head.decode("utf-8", "replace"))


#: how much of a file's start the with-history sniff reads
SNIFF_BYTES = 4096


def reference_sniff_history(path: Path) -> bool:
    """:func:`_sniff_history` as it was: the start read through a buffered file object and
    decoded, then searched."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES).decode("utf-8", "replace")
    except OSError:
        return False
    return _history_head(head)


#: a line of a file's start that opens a ``history`` section (YAML or JSON)
_HISTORY_HEAD = r'^(history:|\s*"history"\s*:)'


def _history_head(head: str) -> bool:
    """``re.search(_HISTORY_HEAD, head, re.M)``, found: a match holds the word, so a
    start without it (an ordinary file) is not searched (the search tries every offset of
    a one-line JSON file: the parallel import sniffed each of 1,000 files for ~50 us
    before any worker started)."""
    if "history" not in head:
        return False
    import re

    return re.search(_HISTORY_HEAD, head, re.M) is not None


def _import_history(
    store: EventStore,
    found: list[_WithHistory],
    dry_run: bool,
) -> list[ImportResult]:
    """With-history files (:mod:`.restoring`): each checked (a problem found without line
    numbers is found again with them), then all written in one transaction."""
    from .restoring import RestorePlan, plan_restore, write_restores  # such files only

    plans: dict[str, RestorePlan] = {}
    problems: list[Problem] = []
    for item in found:
        try:
            try:
                plan = plan_restore(store, item.raw)
            except (InvalidInput, Tampered):
                if item.raw.lines:
                    raise
                plan = plan_restore(store, read_ledger_file(item.path))
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        if plan.household in plans:
            problems.append(
                Problem(
                    str(item.path),
                    None,
                    "household",
                    f"household {plan.household!r} is in two with-history files of this import",
                )
            )
            continue
        plans[plan.household] = plan
    if problems:
        raise InvalidInput(problems)
    if not dry_run:
        write_restores(store, list(plans.values()))
    return [
        ImportResult(p.household, len(p.new), p.skipped, p.warnings, dry_run)
        for p in plans.values()
    ]


def import_file(
    store: EventStore, path: str | Path, recorded_by: str, dry_run: bool = False
) -> ImportResult:
    """Validate ``path`` against the file and the store, then append every new event."""
    [result] = import_files(store, [path], recorded_by, dry_run)
    return result


def ledger_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files named, a directory standing for its ledger files (sorted, not recursive)."""
    out: list[Path] = []
    for name in paths:
        path = Path(name)
        try:
            is_dir = path.is_dir()  # a name too long for the system raises, not False
            found = (
                sorted(  # one directory's files: in the order of their names, as Paths sort
                    (p for p in path.iterdir() if p.suffix.lower() in FORMATS and p.is_file()),
                    key=attrgetter("name"),
                )
                if is_dir
                else []
            )
        except OSError as exc:
            raise InvalidInput(
                [Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")]
            ) from None
        if is_dir:
            if not found:
                raise LedgerError(
                    f"{path}: no ledger files (.yaml, .yml, .json, .csv) in this directory"
                )
            out.extend(found)
        else:
            out.append(path)
    return out


def import_files(
    store: EventStore,
    paths: Sequence[str | Path],
    recorded_by: str,
    dry_run: bool = False,
    jobs: int = 1,
    recorded_at: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ImportResult]:
    """Import several files (a directory stands for its ledger files) as ONE transaction.

    Every file is validated first and every problem of every file is listed; if any file
    is bad, nothing at all is stored. Then all new events of all files are appended with
    one ``store.append_many``: the whole import lands or none of it does. Two files of
    the same household in one import are refused (import them one after the other).

    ``jobs`` > 1 (or 0: :func:`auto_jobs`) on a store that can take it (a SQLite file,
    PostgreSQL: ``capabilities.concurrent_import``) validates and encodes the files in
    that many worker processes while this one writes, still in one transaction
    (:mod:`ledger.app.parallel_import`); the rows stored are the same. Either way the
    spool directories a killed parallel import left behind are removed first.

    ``progress(done, total)``, if given, is called as the files are read and checked
    (``total``: the number of files; the command line draws it as a bar).
    """
    files = ledger_files(paths)
    at = utc(recorded_at) if recorded_at is not None else datetime.now(UTC)
    jobs = auto_jobs(store, files) if jobs == 0 else jobs
    with _no_cyclic_gc():
        if (
            jobs > 1
            and parallel_capable(store)
            and len(files) > 1
            and all(_read_once_is_enough(f) for f in files)
        ):
            outcome = Outcome(progress, len(files))
            import_parallel(store, files, _plan_ordinary, outcome, recorded_by, dry_run, jobs, at)
            return outcome.results
        remove_leftovers()  # a killed parallel import's spool (the parallel one does it too)
        return _import_files(store, files, recorded_by, dry_run, at, progress)


#: below this many bytes of ledger files, worker processes cost more than they save
PARALLEL_BYTES = 2_000_000


def parallel_capable(store: EventStore) -> bool:
    """Workers may read the store and encode rows while this process holds the write
    transaction (the store says so: a SQLite file or PostgreSQL)."""
    return store.capabilities.concurrent_import


def auto_jobs(store: EventStore, files: list[Path]) -> int:
    """Worker processes for an import: one per core (at most 4) when the files are
    large (PARALLEL_BYTES) and the store can take a parallel import, else 1."""
    cpus = usable_cpus()
    if cpus < 2 or len(files) < 2 or not parallel_capable(store):
        return 1
    size = 0
    for path in files:
        try:
            size += path.stat().st_size
        except OSError:
            pass  # reading it will say what is wrong
        if size >= PARALLEL_BYTES:
            return min(cpus, 4)
    return 1


@contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while a large import holds every parsed event:
    parsing builds no reference cycles, and each collection would walk them all again
    (about 10% of a 100,000-event import; more as it grows). Reference counting still
    frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Outcome:
    """Each file's plan or problems, collected in file order. A household named by two
    files of one import is refused (the second file gets the problem)."""

    def __init__(self, progress: Callable[[int, int], None] | None = None, total: int = 0) -> None:
        self.results: list[ImportResult] = []
        self.problems: list[Problem] = []
        self._owner: dict[str, Path] = {}
        self._progress, self._total, self._done = progress, total, 0

    def _step(self) -> None:
        self._done += 1
        if self._progress is not None:
            self._progress(self._done, self._total)

    def refused(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)
        self._step()

    def accept(
        self,
        path: Path,
        household: str,
        added: int,
        skipped: int,
        warnings: list[str],
        dry_run: bool,
    ) -> bool:
        """Record a valid file's result; False if its household is already taken."""
        self._step()
        if household in self._owner:
            self.problems.append(
                Problem(
                    str(path),
                    None,
                    "household",
                    (
                        f"household {household!r} is also in {self._owner[household]}; "
                        "a parallel import takes one file per household: run it with "
                        "--jobs 1 to import them together"
                    ),
                )
            )
            return False
        self._owner[household] = path
        self.results.append(ImportResult(household, added, skipped, warnings, dry_run))
        return True

    def check(self) -> None:
        if self.problems:
            raise InvalidInput(self.problems)


def _import_files(
    store: EventStore, files: list[Path], recorded_by, dry_run, at, progress=None
) -> list[ImportResult]:
    """Files of one household (a year a file) are imported together: in date order (by
    each file's earliest event), each validated after the earlier ones, their new events
    appended as one batch of that household -- all in the import's one transaction.

    When no two files name the same household, that order is the order given
    (:func:`_in_date_order` sorts each household's files among themselves, keeping the
    households where they first appear): the files are planned as listed, each read
    once, and only a household met again sends the import back to the date order (the
    reference, :func:`_import_files_reference`: every file read once more for its
    dates, then planned in that order; what was planned so far is planned again)."""
    existing = set(store.households()) if len(files) > 1 else None
    shown = _Monotonic(progress)
    planned = _planned_as_listed(store, files, existing, shown) if len(files) > 1 else None
    if planned is None:
        ordered = _in_date_order(files) if len(files) > 1 else files
        planned = _planned(store, ordered, existing, shown)
    return _stored(store, planned, recorded_by, dry_run, at)


def _import_files_reference(
    store: EventStore, files: list[Path], recorded_by, dry_run, at, progress=None
) -> list[ImportResult]:
    """:func:`_import_files` as it was: every file read for its household and dates
    first (:func:`_in_date_order`), then planned in that order (tests compare them)."""
    existing = set(store.households()) if len(files) > 1 else None
    ordered = _in_date_order(files) if len(files) > 1 else files
    planned = _planned(store, ordered, existing, progress)
    return _stored(store, planned, recorded_by, dry_run, at)


class _Monotonic:
    """``progress`` called only with a count above every count it was given (a file
    planned again after a household was met twice does not move the bar back)."""

    def __init__(self, progress: Callable[[int, int], None] | None) -> None:
        self.progress, self.shown = progress, 0

    def __call__(self, done: int, total: int) -> None:
        if self.progress is not None and done > self.shown:
            self.shown = done
            self.progress(done, total)


class _NamedAgain(Exception):
    """:func:`_planned_as_listed` met a household a second time."""


def _planned_as_listed(
    store: EventStore,
    files: list[Path],
    existing: set[str] | None,
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, _Plan], list[Problem], list[_WithHistory]] | None:
    """:func:`_planned` of the files in the order given, or None as soon as a second file
    names a household (of its own, or as :func:`_in_date_order` reads it) that an earlier
    one named: then the date order decides, as the reference does. With every household
    named once, :func:`_in_date_order` keeps the order given, and each plan is made
    against the store alone, as there (no earlier file of its household)."""
    names: set[str] = set()

    def named(household: str | None) -> None:
        if household is not None:
            if household in names:
                raise _NamedAgain
            names.add(household)

    try:
        return _planned(store, files, existing, progress, named)
    except _NamedAgain:
        return None


def _planned(
    store: EventStore,
    ordered: list[Path],
    existing: set[str] | None,
    progress: Callable[[int, int], None] | None,
    named: Callable[[str | None], None] | None = None,
) -> tuple[dict[str, _Plan], list[Problem], list[_WithHistory]]:
    """Each file planned in this order (:func:`_plan`, after the earlier files of its
    household): the plans by household, every problem, the with-history files found."""
    plans: dict[str, _Plan] = {}
    problems: list[Problem] = []
    history: list[_WithHistory] = []
    for done, path in enumerate(ordered, start=1):
        try:
            plan = _plan(store, path, existing, plans, named)
        except _WithHistory as found:
            history.append(found)
            continue
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        finally:
            if progress is not None:
                progress(done, len(ordered))
        before = plans.get(plan.household)
        if before is not None:
            plan = dataclasses.replace(
                plan,
                new=[*before.new, *plan.new],
                skipped=before.skipped + plan.skipped,
                repeated=before.repeated + plan.repeated,
                sources=before.sources + plan.sources,
            )
        plans[plan.household] = plan
    return plans, problems, history


def _stored(
    store: EventStore,
    planned: tuple[dict[str, _Plan], list[Problem], list[_WithHistory]],
    recorded_by,
    dry_run,
    at,
) -> list[ImportResult]:
    """The plans' new events appended in one ``append_many`` (none if a file has a
    problem: every problem raised; with-history files imported on their own)."""
    plans, problems, history = planned
    if history and (plans or problems):
        problems.extend(
            Problem(
                str(h.path),
                None,
                "history",
                "a with-history export is imported on its own, not with ordinary ledger "
                "files (import it separately)",
            )
            for h in history
        )
    if problems:
        raise InvalidInput(problems)
    if history:
        return _import_history(store, history, dry_run)
    if not dry_run:
        store.append_many(
            [(p.household, p.version, p.new) for p in plans.values() if p.new], recorded_by, at
        )
    return [
        ImportResult(p.household, len(p.new), p.skipped, p.warnings, dry_run, p.repeated)
        for p in plans.values()
    ]


def _in_date_order(files: Sequence[Path]) -> list[Path]:
    """The files with each household's files in the order of their earliest event
    dates (a year a file), the households in the order they first appear (so the rows
    land as a parallel import lands them); an unreadable file keeps its place, and its
    problems are reported wherever it stands."""
    from datetime import date as day

    seen: list[tuple[object, day, str, Path]] = []
    first: dict[object, int] = {}
    for index, path in enumerate(files):
        plain = read_plain(path)  # the fast path's reading, when it is sure (same values)
        found = first_plain_date(plain) if plain is not None else None
        if plain is not None and found is not None:
            household: object = plain.household
            when = found[0] or day.min
        else:
            try:
                raw = read_ledger_file(path, lines=False)
                household = household_of(raw) or ("unnamed", index)
                when = first_event_date(raw) or day.min
            except InvalidInput:
                household, when = ("unreadable", index), day.min
        first.setdefault(household, index)
        seen.append((household, when, str(path), path))
    seen.sort(key=lambda t: (first[t[0]], t[1], t[2]))
    return [t[3] for t in seen]


def _record_tree(household: str, kind: str, raw_fields: Mapping[str, object]) -> Node:
    fields = {k: Node(v, None) for k, v in raw_fields.items() if v is not None}
    root: dict[str, Node] = {"version": Node(1, None)}
    if kind == "household_named":
        root["household"] = Node({"id": Node(household, None), **fields}, None)
        return Node(root, None)
    root["household"] = Node(household, None)
    if kind == "person_added":
        if "person" in fields and "id" not in fields:
            fields["id"] = fields.pop("person")
        root["people"] = Node([Node(fields, None)], None)
    else:
        root["events"] = Node([Node({"kind": Node(kind, None), **fields}, None)], None)
    return Node(root, None)


def record_event(
    store: EventStore, household: str, kind: str, raw_fields: Mapping[str, object], recorded_by: str
) -> StoredEvent:
    """:func:`record_event_warned` without the warnings."""
    return record_event_warned(store, household, kind, raw_fields, recorded_by)[0]


def record_event_warned(
    store, household: str, kind: str, raw_fields: Mapping[str, object], recorded_by: str
) -> tuple[StoredEvent, list[str]]:
    """Record one event given as raw field values (from command-line flags), with the
    same validation as a file. ``kind`` may also be ``person``/``person_added`` (fields
    id, name, born) or ``household``/``household_named`` (field name). Other kinds need
    the person to exist in the household already.

    Without an ``id``, an event identical to one already stored is recorded again (two
    identical deposits are two facts); a person or household record identical to the
    stored one is not repeated (the stored event is returned); if it was voided, the
    voids cancelling it are voided, so it is in force again.
    """
    kind = RECORD_ALIASES.get(kind, kind)
    label = f"record {kind}"
    if kind not in ev.KINDS:
        raise InvalidInput([Problem(label, None, "kind", f"unknown kind {kind!r}")])
    if kind == "household_named" and not raw_fields.get("name"):
        raise InvalidInput([Problem(label, None, "name", "missing (the household's name)")])
    stored, (version, _) = _load(store, household)
    known = Known.from_events(stored)
    raw = RawLedger(label, _record_tree(household, kind, raw_fields))
    ledger = validate_ledger(raw, known)
    event = ledger.all_events()[0] if kind in ev.INTERNAL_KINDS else ledger.events[0]
    taken = {e.id for e in stored}
    if event.id in taken:
        if kind in ev.INTERNAL_KINDS:
            _restore(store, household, version, stored, event.id, recorded_by)
            return _stored_event(store, household, event.id), []
        if raw_fields.get("id"):  # same content (checked by validation)
            return _stored_event(store, household, event.id), []
        event = _fresh_id(event, taken)
        # checked again under the id it is stored with: the checks across events (a
        # second rollover within 12 months, a contribution recharacterized twice) must
        # see a new event, not the stored one it repeats
        again = {**raw_fields, "id": event.id}
        validate_ledger(RawLedger(label, _record_tree(household, kind, again)), known)
    saved = store.append(household, version, [event], recorded_by)[0]
    return saved, _record_warnings(stored + [event], event)


def _stored_event(store: EventStore, household: str, event_id: str) -> StoredEvent:
    """The stored event of ``household`` with this id (it is there: its chain was read)."""
    return next(s for s in store.find(event_id) if s.household == household)


def _record_warnings(everything: list, event: ev.Event) -> list[str]:
    """The recorded event's person and tax year: its contributions over the limits
    (the same warnings an import gives; the reports add the carried excess), and the
    events it may duplicate."""
    person, year = getattr(event, "person", None), event.effective_tax_year
    if person is None or year is None or isinstance(event, ev.PersonAdded):
        return []
    # without a void every event is in force (voids.in_force); the classes are final
    live = in_force(everything) if ev.Void in map(type, everything) else everything
    return contribution_warnings(
        _people(live), everything, only=(person, year)
    ) + duplicate_warnings(live, only={event.id})


def _restore(store: EventStore, household, version, events, record_id, recorded_by) -> None:
    """A person or household record recorded again while voided: void the voids in force
    that cancel it, so the same record is in force again (an export holds one record)."""
    out = cancelled_by(events)
    if record_id not in out:
        return
    taken = {e.id for e in events}
    undo = []
    for e in events:
        if isinstance(e, ev.Void) and e.target == record_id and e.id not in out:
            draft = ev.Void(id="", target=e.id, reason=f"{record_id} recorded again")
            undo.append(_fresh_id(draft, taken))
            taken.add(undo[-1].id)
    store.append(household, version, undo, recorded_by)


def _fresh_id(event: ev.Event, taken: set[str]) -> ev.Event:
    """The event with the generated id of the first occurrence (0, 1, ...) whose id is
    not yet taken (:func:`ledger.events.generated_id`): the same event recorded again is
    a new fact with a new id."""
    payload = ev.to_payload(event)
    occurrence = 0
    while True:
        new_id = ev.generated_id(event.kind, payload, occurrence, taken.__contains__)
        if new_id not in taken:
            return dataclasses.replace(event, id=new_id)
        occurrence += 1


def _void_reason(raw: object) -> object:
    return ev.parse_value(next(s for s in ev.FIELDS["void"] if s.name == "reason"), raw)


def void_event(
    store: EventStore, event_id: str, reason: str, recorded_by: str, household: str | None = None
) -> StoredEvent:
    """Cancel a stored event by recording a ``void`` naming it; both stay in history."""
    if not reason or not str(reason).strip():
        raise InvalidInput([Problem("void", None, "reason", "missing (say why)")])
    for name, check in (("event id", ev.checked_event_ref), ("reason", _void_reason)):
        try:  # read as a file's fields are (an id's characters; a text's length, no NUL)
            check(event_id if name == "event id" else reason)
        except ValueError as exc:
            raise InvalidInput([Problem("void", None, name, str(exc))]) from None
    matches = store.find(event_id)
    if household is not None:
        matches = [m for m in matches if m.household == household]
    if not matches:
        where = f" in household {shown(household)}" if household else ""
        raise NotFound(f"no event {event_id!r}{where}")
    households = sorted({m.household for m in matches})
    if len(households) > 1:
        raise LedgerError(
            f"event {event_id!r} exists in several households ({', '.join(households)}); "
            "say which with --household"
        )
    household = households[0]
    stored, (version, _) = _load(store, household)
    by = cancelled_by(stored).get(event_id)
    if by is not None:
        raise LedgerError(
            f"event {event_id!r} is already voided by {by!r} (void {by!r} to restore it)"
        )
    draft = ev.Void(id="", target=event_id, reason=str(reason).strip())
    void = _fresh_id(draft, {e.id for e in stored})
    return store.append(household, version, [void], recorded_by)[0]
