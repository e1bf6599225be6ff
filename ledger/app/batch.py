"""Batch report: one row per person with Roth activity in a tax year, for every household.

Streams household by household from one ordered scan of the store
(``EventStore.iter_households``), so memory does not grow with the ledger. A person whose
figures cannot be computed (a missing fact, an unsupported case) gets a row with the
error instead of stopping the batch.
"""
from __future__ import annotations

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


def batch_rows(store, year: int, policy: Policy, known_on: date | None = None) -> Iterator[dict]:
    for household, events in store.iter_household_events(known_on=known_on):
        facts = fold(household, events)
        for pid in sorted(facts.people):
            person = facts.people[pid]
            if roth_activity(person, year):
                yield person_row(household, person, year, policy)


def totals(rows: list[dict]) -> dict[str, Decimal]:
    return {k: sum((Decimal(r[k] or 0) for r in rows), ZERO)
            for k in ("distributions", "taxable_amount", "additional_tax")}
