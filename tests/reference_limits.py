"""The import's limit warnings as they were computed before the fast path
(:func:`ledger.projections.limits.contribution_warnings`): in_force applied to every
event, the plan limits looked up per (person, year). Kept as the reference the fast
form is held to (tests/test_limit_warnings_reference.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ledger import events as ev
from ledger import yearly
from ledger.dates import age_on, end_of_year
from ledger.errors import MissingFact
from ledger.money import fmt_table
from ledger.projections.excess import contributions_by_year
from ledger.projections.limits import (
    _AFTER_TAX,
    _PERSON,
    _PERSON_IF_YEAR,
    _PLAN_ROTH,
    _ROUTES,
    _births,
    _ira_year,
    _route,
    lifetime_warning,
)
from ledger.projections.recharacterize import apply_recharacterizations
from ledger.projections.rollover_529 import apply_529_lifetime, over_lifetime
from ledger.rules.employer_roth import deferral_limit, is_elective_deferral
from ledger.voids import in_force


def reference_contribution_warnings(
    people: Iterable[ev.PersonAdded] | Mapping[str, date],
    events: Iterable[ev.Event],
    only: tuple[str, int] | None = None,
) -> list[str]:
    """Warnings for contributions over the yearly limits (voided events ignored);
    ``only`` = (person, tax year): that year's warnings alone (``record``)."""
    born = _births(people)

    def want(person: str, year: int) -> bool:
        return only is None or only == (person, year)

    by_person: dict[str, list[ev.Event]] = defaultdict(list)
    roth_deferrals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    additions: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    routes = _ROUTES
    e: Any  # the fields each route reads: its class has them
    for e in in_force(events):
        t = type(e)
        route = routes.get(t)
        if route is None:
            route = routes[t] = _route(t)
        if route == _PLAN_ROTH:
            if is_elective_deferral(e.employer):
                roth_deferrals[(e.person, e.tax_year)] += e.amount
            additions[(e.person, e.plan, e.tax_year)] += e.amount
        elif route == _AFTER_TAX:
            additions[(e.person, e.plan, e.date.year)] += e.amount
        elif route == _PERSON or (route == _PERSON_IF_YEAR and e.tax_year is not None):
            by_person[e.person].append(e)

    def age(person: str, year: int) -> int | None:
        return age_on(born[person], end_of_year(year)) if person in born else None

    out: list[str] = []
    for person in sorted(by_person):
        mine = apply_recharacterizations(by_person[person])
        for event_id, (year, over) in over_lifetime(mine).items():
            if want(person, year):
                out.append(lifetime_warning(person, event_id, over))
        mine = apply_529_lifetime(mine)
        for year, c in sorted(contributions_by_year(mine).items()):
            if want(person, year):
                out.extend(_ira_year(person, year, c, born.get(person), age(person, year)))
    for (person, year), total in sorted(roth_deferrals.items()):
        if not want(person, year):
            continue
        try:
            limits = yearly.plan_limits(year)
        except MissingFact:
            out.append(
                f"{person}: no {year} plan limits on file; {year} designated Roth "
                "deferrals not checked"
            )
            continue
        a = age(person, year)
        cap = deferral_limit(
            limits.elective_deferral, limits.catch_up, yearly.higher_catch_up(year), a
        )
        if total > cap:
            out.append(
                f"{person}: {year} designated Roth deferrals total {fmt_table(total)}, "
                f"over the {fmt_table(cap)} §402(g) limit (with any §414(v) catch-up"
                f"{'' if a is not None else '; no birth date: none counted'})"
            )
    for (person, plan, year), total in sorted(additions.items()):
        if not want(person, year):
            continue
        try:
            limits = yearly.plan_limits(year)
        except MissingFact:
            out.append(
                f"{person}: no {year} plan limits on file; {plan} {year} "
                "contributions not checked against §415(c)"
            )
            continue
        if total > limits.annual_additions:
            out.append(
                f"{person}: {plan} {year} after-tax + Roth contributions total "
                f"{fmt_table(total)}, over the {fmt_table(limits.annual_additions)} "
                "§415(c) annual-additions limit"
            )
    return out
