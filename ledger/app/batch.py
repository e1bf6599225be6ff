"""Batch report: one row per person with Roth activity in a tax year, for every household.

Streams household by household from one ordered scan of the store
(``EventStore.iter_household_events``), so memory does not grow with the ledger; on a
large ledger the scan is cut into one share per core (:func:`batch_rows`). A person whose
figures cannot be computed (a missing fact, an unsupported case) gets a row with the
error instead of stopping the batch.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from typing import Iterator

from ..errors import LedgerError
from ..events import (
    DesignatedRothRollover, PlanDistribution, RothContribution, RothContributionReturn,
    RothConversion, RothDistribution,
)
from ..money import ZERO, fmt
from ..projections.facts import PersonFacts, fold
from ..projections.person import compute_person
from ..rules.policy import Policy

COLUMNS = ("household", "person", "distributions", "distribution_count", "taxable_amount",
           "additional_tax", "qualified", "contributions", "conversions", "warnings", "error")


def roth_activity(person: PersonFacts, year: int) -> bool:
    for e in person.events:
        if isinstance(e, (RothContribution, RothContributionReturn)):
            if e.tax_year == year:
                return True
        elif isinstance(e, (RothConversion, RothDistribution, DesignatedRothRollover)):
            if e.date.year == year:
                return True
        elif isinstance(e, PlanDistribution) and e.to_roth_ira > 0 and e.date.year == year:
            return True
    return False


def person_row(household: str, person: PersonFacts, year: int, policy: Policy) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    row.update(household=household, person=person.id)
    contributions = sum((e.amount for e in person.events
                         if isinstance(e, RothContribution) and e.tax_year == year), ZERO)
    conversions = sum((e.amount for e in person.events
                       if isinstance(e, RothConversion) and e.date.year == year), ZERO)
    row.update(contributions=fmt(contributions), conversions=fmt(conversions))
    try:
        yr = compute_person(person, year, policy, report_years=frozenset({year})).year(year)
    except LedgerError as exc:
        row["error"] = str(exc)
        return row
    w = yr.withdrawals
    warnings = list(yr.warnings) + (list(w.warnings) if w else [])
    total = sum((r.event.amount for r in w.distributions), ZERO) if w else ZERO
    row.update(
        distributions=fmt(total),
        distribution_count=len(w.distributions) if w else 0,
        taxable_amount=fmt(w.taxable_amount if w else ZERO),
        additional_tax=fmt(w.additional_tax if w else ZERO),
        qualified=w.qualified if w else None,
        warnings="; ".join(warnings),
    )
    return row


#: below this many events a second process costs more (start-up) than it saves
PARALLEL_FROM = 200_000


def auto_jobs(store) -> int:
    """Processes for a batch: one per core (at most 4) on a large SQL ledger, else 1."""
    cpus = os.cpu_count() or 1
    if cpus < 2 or getattr(store, "url", None) is None or store.size() < PARALLEL_FROM:
        return 1
    return min(cpus, 4)


def batch_rows(store, year: int, policy: Policy, known_on: date | None = None,
               jobs: int = 1) -> Iterator[dict]:
    """Every row, in household order. With ``jobs`` > 1 (a SQL store), the ordered
    households are cut into ``jobs`` shares of about equal size; this process computes
    the first while worker processes (``python -m ledger.app.batch``) compute the others
    into temporary files, which are then streamed in order: the same rows, every core
    used, memory still bounded by one household per process."""
    if jobs > 1 and getattr(store, "url", None) is not None:
        cuts = store.split_households(jobs)
        if cuts:
            yield from _parallel(store, year, policy, known_on, cuts)
            return
    yield from _rows(store.iter_household_events(known_on=known_on), year, policy)


def _rows(households, year: int, policy: Policy) -> Iterator[dict]:
    for household, events in households:
        facts = fold(household, events)
        for pid in sorted(facts.people):
            person = facts.people[pid]
            if roth_activity(person, year):
                yield person_row(household, person, year, policy)


def _parallel(store, year, policy, known_on, cuts: list[str]) -> Iterator[dict]:
    env = dict(os.environ, ROTH_LEDGER_DB=store.url.render_as_string(hide_password=False))
    bounds = [None, *cuts, None]
    with tempfile.TemporaryDirectory(prefix="roth-ledger-batch-") as tmp:
        workers = []
        try:
            for i in range(1, len(bounds) - 1):
                path = os.path.join(tmp, f"share-{i}.jsonl")
                args = [sys.executable, "-m", "ledger.app.batch", str(year), policy.ratio_precision,
                        policy.irr_recapture, known_on.isoformat() if known_on else "",
                        bounds[i] or "", bounds[i + 1] or "", path]
                workers.append((path, subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                                       stdout=subprocess.DEVNULL,
                                                       stderr=subprocess.PIPE, text=True)))
            yield from _rows(store.iter_household_events(known_on, None, cuts[0]), year, policy)
            for path, worker in workers:
                _, err = worker.communicate()
                if worker.returncode != 0:
                    last = (err.strip().splitlines() or ["no message"])[-1]
                    raise LedgerError(f"batch worker failed (exit {worker.returncode}): {last}")
                with open(path, encoding="utf-8") as rows:
                    for line in rows:
                        yield json.loads(line)
        finally:
            for _, worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()


def _share(argv: list[str]) -> None:
    """A worker process (``python -m ledger.app.batch YEAR PRECISION IRR KNOWN_ON START
    STOP PATH``, the ledger in ``$ROTH_LEDGER_DB``): the rows of the households
    ``START <= id < STOP`` into PATH as JSON lines."""
    from ..store import open_store

    year, precision, irr, known, start, stop, path = argv
    policy = Policy(precision, irr)
    known_on = date.fromisoformat(known) if known else None
    store = open_store(None)
    try:
        with open(path, "w", encoding="utf-8") as out:
            for row in _rows(store.iter_household_events(known_on, start or None, stop or None),
                             int(year), policy):
                out.write(json.dumps(row) + "\n")
    finally:
        store.close()


def totals(rows: list[dict]) -> dict[str, Decimal]:
    return {k: sum((Decimal(r[k] or 0) for r in rows), ZERO)
            for k in ("distributions", "taxable_amount", "additional_tax")}


if __name__ == "__main__":  # a worker of a parallel batch (see _share)
    _share(sys.argv[1:])
