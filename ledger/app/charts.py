"""The chart of the printable withdrawal report (basis layers, what a year drew from
each, their 10% clocks), for a page that shows it without the rest of the report."""

from __future__ import annotations

from datetime import date

from ..rules.policy import Policy
from ..store.api import EventStore
from .reporting import run_report


def basis_around(
    store: EventStore, household: str, person: str, policy: Policy, tax_year: int, known_on=None
) -> tuple[dict, dict]:
    """The basis reports as of Dec 31 of the year before ``tax_year`` and of the year."""
    before, after = (
        run_report(
            store, "basis", household, person, policy, known_on=known_on, as_of=date(y, 12, 31)
        )
        for y in (tax_year - 1, tax_year)
    )
    return before, after


def basis_chart(
    store: EventStore, household: str, person: str, policy: Policy, tax_year: int, known_on=None
) -> str:
    """The inline SVG chart of ``report withdrawals --format html`` for ``tax_year``."""
    from ..reports.html import layers_chart

    report = run_report(
        store, "withdrawals", household, person, policy, tax_year=tax_year, known_on=known_on
    )
    before, after = basis_around(store, household, person, policy, tax_year, known_on)
    return layers_chart(report, before, after)
