"""Batch report: one row per person with Roth activity in a tax year, for every household,
and one for each person who only carries an excess IRA contribution into the year (Form
5329 Parts III-IV: the 6% is owed every year until the excess is absorbed or withdrawn).

Streams household by household from one ordered scan of the store
(``EventStore.iter_household_events``), so memory does not grow with the ledger; on a
large ledger the scan is cut into one share per core (:func:`batch_rows`). A person whose
figures cannot be computed (a missing fact, an unsupported case) gets a row with the
error instead of stopping the batch.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from ..dates import age_59_and_a_half
from ..errors import LedgerError
from ..events import (
    DesignatedRothRollover,
    IraContribution,
    IraDistribution,
    PlanDistribution,
    Roth529Rollover,
    RothContribution,
    RothContributionReturn,
    RothConversion,
    RothDistribution,
    RothSepSimpleContribution,
)
from ..money import ZERO, fmt
from ..projections.excess import may_carry_into
from ..projections.facts import PersonFacts, fold
from ..projections.person import compute_person
from ..reports.build import excess_tax
from ..rules.policy import Policy
from ..store.api import BrokenHousehold, EventStore
from .forking import die_with_parent, fork_context, frozen_for_fork, usable_cpus

COLUMNS = (
    "household",
    "person",
    "distributions",
    "distribution_count",
    "taxable_amount",
    "additional_tax",
    "excess_contributions_tax",
    "traditional_excess",
    "roth_excess",
    "qualified",
    "contributions",
    "conversions",
    "warnings",
    "error",
    # the ledger state the row was computed from (issue 12 item 4)
    "ledger_version",
    "ledger_hash",
    "as_known_on",
    "generated_at",
)


def roth_activity(person: PersonFacts, year: int) -> bool:
    """A Roth or traditional IRA contribution (or its return) for ``year``, or a conversion, distribution,
    rollover into a Roth IRA or plan distribution to a Roth IRA dated in ``year``, or a
    traditional IRA distribution before 59½ dated in ``year`` (Form 5329 line 1)."""
    e: Any  # event classes are final: dispatch on the type, which says the fields
    for e in person.events:
        kind = type(e)
        if kind in _CONTRIBUTION_KINDS:
            if e.effective_tax_year == year:
                return True
        elif kind in _DATED_ROTH_FLOWS:
            if e.date.year == year:
                return True
        elif kind is PlanDistribution and e.to_roth_ira > 0 and e.date.year == year:
            return True
        elif kind is IraDistribution and e.date.year == year and _early(person, e.date):
            return True  # its taxable part may owe the 10% (Form 5329 line 1)
    return False


def _early(person: PersonFacts, day: date) -> bool:
    return person.born is None or day < age_59_and_a_half(person.born)


_DATED_ROTH_FLOWS = frozenset(
    {RothConversion, RothDistribution, DesignatedRothRollover, RothSepSimpleContribution}
)
_CONTRIBUTION_KINDS = frozenset(
    {RothContribution, RothContributionReturn, IraContribution, Roth529Rollover}
)


def may_carry_excess(person: PersonFacts, year: int) -> bool:
    """An earlier tax year's own excess contribution, which may still be carried into
    ``year`` (Form 5329 lines 9 and 18); the fold says whether one is."""
    return may_carry_into(person.born, person.events, year)


def batch_row(household: str, person: PersonFacts, year: int, policy: Policy) -> dict | None:
    """The person's row for ``year``: with Roth activity, or with only an excess
    contribution carried into the year (None when the person has neither). One pass over
    the person's events says whether there is activity and sums the year's contributions
    and conversions (:func:`_year_pass`; :func:`reference_batch_row` is the form that
    says them apart, a test compares)."""
    active, contributions, conversions = _year_pass(person, year)
    if active:
        return _person_row(household, person, year, policy, contributions, conversions)
    if not may_carry_excess(person, year):
        return None
    row = _person_row(household, person, year, policy, contributions, conversions)
    return row if _carried(row) else None  # (an error without activity this year: as before)


def reference_batch_row(
    household: str, person: PersonFacts, year: int, policy: Policy
) -> dict | None:
    """:func:`batch_row` from :func:`roth_activity` and :func:`person_row` apart."""
    if roth_activity(person, year):
        return person_row(household, person, year, policy)
    if not may_carry_excess(person, year):
        return None
    row = person_row(household, person, year, policy)
    return row if _carried(row) else None


def _carried(row: dict) -> bool:
    return row["traditional_excess"] not in ("", "0.00") or row["roth_excess"] not in (
        "",
        "0.00",
    )


def _year_pass(person: PersonFacts, year: int) -> tuple[bool, Decimal, Decimal]:
    """(:func:`roth_activity`, the year's Roth contributions and 529 rollovers, the
    year's conversions) in one pass over the person's events."""
    active = False
    contributions = conversions = ZERO
    e: Any  # event classes are final: dispatch on the type, which says the fields
    for e in person.events:
        kind = type(e)
        if kind in _CONTRIBUTION_KINDS:
            # (the kinds but the 529 rollover have a tax_year, their effective_tax_year)
            if (e.tax_year if kind is not Roth529Rollover else e.effective_tax_year) == year:
                active = True
                if kind is RothContribution or kind is Roth529Rollover:
                    contributions += e.amount
        elif kind in _DATED_ROTH_FLOWS:
            if e.date.year == year:
                active = True
                if kind is RothConversion:
                    conversions += e.amount
        elif active:
            continue
        elif kind is PlanDistribution and e.to_roth_ira > 0 and e.date.year == year:
            active = True
        elif kind is IraDistribution and e.date.year == year and _early(person, e.date):
            active = True
    return active, contributions, conversions


def person_row(household: str, person: PersonFacts, year: int, policy: Policy) -> dict:
    contributions = sum(
        (
            e.amount
            for e in person.events
            if isinstance(e, (RothContribution, Roth529Rollover)) and e.effective_tax_year == year
        ),
        ZERO,
    )
    conversions = sum(
        (e.amount for e in person.events if isinstance(e, RothConversion) and e.date.year == year),
        ZERO,
    )
    return _person_row(household, person, year, policy, contributions, conversions)


def _person_row(
    household: str,
    person: PersonFacts,
    year: int,
    policy: Policy,
    contributions: Decimal,
    conversions: Decimal,
) -> dict:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(household=household, person=person.id)
    row.update(contributions=fmt(contributions), conversions=fmt(conversions))
    try:
        ledger = compute_person(
            person, year, policy, report_years=frozenset({year}), with_snapshot=False
        )
        yr = ledger.year(year)
    except LedgerError as exc:
        row["error"] = str(exc)
        return row
    w = yr.withdrawals
    warnings = list(yr.warnings) + (list(w.warnings) if w else [])
    total = sum((r.withdrawal.amount for r in w.distributions), ZERO) if w else ZERO
    count = len(w.distributions) if w else 0
    taxable = w.taxable_amount if w else ZERO
    additional = w.additional_tax if w else ZERO
    for _decedent, acct in ledger.inherited:  # inherited Roth IRAs: the same person's income
        iw = acct.year(year).withdrawals
        if iw is not None:
            total += sum((r.withdrawal.amount for r in iw.distributions), ZERO)
            count += len(iw.distributions)
            taxable += iw.taxable_amount
            additional += iw.additional_tax
            warnings += list(iw.warnings)
    row.update(
        distributions=fmt(total),
        distribution_count=count,
        taxable_amount=fmt(taxable),
        additional_tax=fmt(additional),
        excess_contributions_tax=fmt(excess_tax(yr)),
        traditional_excess=fmt(yr.excess.out.traditional.total if yr.excess else ZERO),
        roth_excess=fmt(yr.excess.out.roth.total if yr.excess else ZERO),
        qualified=w.qualified if w else None,
        warnings="; ".join(warnings),
    )
    return row


#: below this many events a second process costs more than it saves
PARALLEL_FROM = 20_000


def auto_jobs(store: EventStore) -> int:
    """Processes for a batch: one per core (at most 4) on a large ledger that forked
    workers can reopen, else 1."""
    cpus = usable_cpus()
    if cpus < 2 or not store.capabilities.reopen_in_fork or store.size() < PARALLEL_FROM:
        return 1
    return min(cpus, 4)


def batch_rows(
    store: EventStore, year: int, policy: Policy, known_on: date | None = None, jobs: int = 1
) -> Iterator[dict]:
    """Every row, in household order. With ``jobs`` > 1 (a store forked workers can
    reopen), the ordered households are cut into ``jobs`` shares of about equal size
    (``store.household_shares``); this process computes the first while forked workers
    (:mod:`.forking`) compute the others into temporary files, which are then streamed in
    order: the same rows, every core used, memory still bounded by one household per
    process."""
    if jobs > 1 and store.capabilities.reopen_in_fork:
        shares = store.household_shares(jobs)
        if len(shares) > 1:
            yield from _parallel(store, year, policy, known_on, shares)
            return
    yield from _rows(store.iter_household_events(known_on=known_on), year, policy)


def _rows(households, year: int, policy: Policy) -> Iterator[dict]:
    for household, events in households:
        if isinstance(events, BrokenHousehold):  # a changed row: no figure, the rest go on
            row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
            row.update(
                household=household,
                error=f"broken: {events.reason}: the ledger was changed outside roth-ledger "
                "(run roth-ledger verify)",
            )
            yield row
            continue
        facts = fold(household, events)
        for pid in sorted(facts.people):
            person = facts.people[pid]
            found = batch_row(household, person, year, policy)
            if found is not None:
                row = found
                row["ledger_version"] = len(events)  # versions are 1..n
                yield row


def _parallel(
    store: EventStore, year, policy, known_on, shares: list[tuple[str | None, str | None]]
) -> Iterator[dict]:
    with tempfile.TemporaryDirectory(prefix="roth-ledger-batch-") as tmp:
        context = fork_context()
        workers = []
        try:
            with frozen_for_fork():
                for i, (start, stop) in enumerate(shares[1:], start=1):
                    path = os.path.join(tmp, f"share-{i}.jsonl")
                    worker = context.Process(  # forked: the store object is inherited
                        target=_share,
                        args=(store, year, policy, known_on, start, stop, path, os.getpid()),
                    )
                    worker.start()
                    workers.append((path, worker))
            first_start, first_stop = shares[0]
            yield from _rows(
                store.iter_household_events(known_on, first_start, first_stop), year, policy
            )
            for path, worker in workers:
                worker.join()
                if worker.exitcode != 0:
                    raise LedgerError(
                        f"batch worker failed (exit {worker.exitcode}): {_last_words(path)}"
                    )
                with open(path, encoding="utf-8") as rows:
                    for line in rows:
                        yield json.loads(line)
        finally:
            for _, worker in workers:
                if worker.is_alive():
                    worker.kill()
                worker.join()


def _share(
    parent_store: EventStore,
    year: int,
    policy: Policy,
    known_on: date | None,
    start: str | None,
    stop: str | None,
    path: str,
    parent: int,
) -> None:
    """A forked worker: the rows of the households ``start <= id < stop`` into ``path``
    as JSON lines; on failure, the reason into ``path + ".error"`` and exit status 1."""
    die_with_parent(parent)
    code = 0
    try:
        store = parent_store.reopen()
        try:
            with open(path, "w", encoding="utf-8") as out:
                for row in _rows(store.iter_household_events(known_on, start, stop), year, policy):
                    out.write(json.dumps(row) + "\n")
        finally:
            store.close()
    except BaseException as exc:  # noqa: BLE001 -- reported by the parent, one line
        code = 1
        with open(path + ".error", "w", encoding="utf-8") as err:
            err.write(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    finally:
        os._exit(code)


def _last_words(path: str) -> str:
    try:
        with open(path + ".error", encoding="utf-8") as err:
            return err.read().strip() or "no message"
    except OSError:
        return "no message"


def totals(rows: list[dict]) -> dict[str, Decimal]:
    return {
        k: sum((Decimal(r[k] or 0) for r in rows), ZERO)
        for k in ("distributions", "taxable_amount", "additional_tax")
    }


def write_csv(rows: Iterable[dict], out) -> None:
    """The batch as CSV (``report batch --format csv`` and the web desk's download)."""
    from .. import csvcells

    w = csvcells.writer(out)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r.get(c, "") for c in COLUMNS])
