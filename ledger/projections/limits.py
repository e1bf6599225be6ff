"""Over-limit contributions: warnings, not errors (the ledger records what happened).

An excess contribution is a fact with its own tax (Form 5329 Parts III/IV, computed year
after year by the reports: :mod:`ledger.rules.excess`); refusing it would lose the record.
So the importer and ``record`` report the year's own excess after storing.

* IRAs: traditional + Roth contributions for one tax year, less contributions returned
  before the deadline, against the §219(b)(5) limit, with the 50+ catch-up by age on
  Dec 31 of the tax year (``ledger.yearly.ira_limit``), at most the compensation, and the
  Roth limit stated (``roth_contribution_limit``) or by the MAGI phase-out
  (``tax_year_income``) -- the same limits as the reports.
  A 529-to-Roth rollover counts against the year's IRA limit with no income limit, and
  the lifetime $35,000 (:mod:`ledger.rules.rollover_529`); Roth SEP and Roth SIMPLE IRA
  contributions are not regular contributions and are not checked here
  (:mod:`ledger.rules.employer_roth`).
* Plans: designated Roth elective deferrals per person per year against §402(g) (+ the
  §414(v) catch-up at 50+, the higher one at 60-63 from 2025), and after-tax + Roth
  contributions per plan per year against §415(c) (employer pretax money and pretax
  deferrals are not in the ledger, so this is a floor). Roth employer contributions
  (``employer: true``) are annual additions but not elective deferrals.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from .. import events as ev
from .. import yearly
from ..dates import age_on, end_of_year
from ..errors import MissingFact
from ..money import ZERO, fmt_table
from ..rules.employer_roth import deferral_limit, is_elective_deferral
from ..rules.excess import current_excess
from ..rules.rollover_529 import LIFETIME_LIMIT
from ..voids import in_force
from .excess import contributions_by_year, limits_for
from .recharacterize import apply_recharacterizations
from .rollover_529 import apply_529_lifetime, over_lifetime


def _births(people: Iterable[ev.PersonAdded] | Mapping[str, date]) -> dict[str, date]:
    if isinstance(people, Mapping):
        return dict(people)
    return {p.person: p.born for p in people}  # later records win


def _ira_year(person: str, year: int, c, born: date | None, age: int | None) -> list[str]:
    """The year's own IRA excess (Form 5329 lines 15 and 23) as warnings, from the same
    limits the reports use (:func:`ledger.projections.excess.limits_for`)."""
    total = c.traditional + c.roth + c.rollover_529
    if not c.any:
        return []
    if _within_assumed_limit(year, c, total, age):
        return []
    try:
        limits = limits_for(born, year, c)
    except MissingFact as exc:
        what = str(exc).removeprefix("missing: ")
        if "IRA contribution limit" in what:
            what = f"no {year} IRA contribution limit on file"
        return [f"{person}: {what}; {year} contributions ({fmt_table(total)}) not checked"]
    trad_x, roth_x = current_excess(
        limits, max(c.traditional, ZERO), max(c.roth, ZERO), c.rollover_529
    )
    out = []
    dollar = yearly.ira_limit(year, age)
    if total > dollar:
        what = (
            "traditional + Roth + 529-to-Roth rollovers" if c.rollover_529 else "traditional + Roth"
        )
        out.append(
            f"{person}: {year} IRA contributions ({what}) total "
            f"{fmt_table(total)}, over the {fmt_table(dollar)} limit "
            f"(IRC §219(b)(5), age {age} at year end); "
            "an excess contribution is taxed on Form 5329 until removed (excess: traditional "
            f"{fmt_table(trad_x)}, Roth {fmt_table(roth_x)})"
        )
    elif trad_x > 0 or roth_x > 0:
        why = {
            "stated": "the stated roth_contribution_limit",
            "income": "the limit after the MAGI phase-out (§408A(c)(3)) and compensation",
            "assumed": "the limit (at most the compensation, §219(b)(1))",
        }[limits.roth_basis]
        out.append(
            f"{person}: {year} contributions are over {why}: traditional excess "
            f"{fmt_table(trad_x)}, Roth excess {fmt_table(roth_x)} (Roth limit "
            f"{fmt_table(limits.roth)}); an excess contribution is taxed 6% a year on "
            "Form 5329 until removed"
        )
    return out


#: where :func:`contribution_warnings` sorts an event, by its class (:func:`_route`)
_SKIP, _PLAN_ROTH, _AFTER_TAX, _PERSON, _PERSON_IF_YEAR = range(5)
_ROUTES: dict[type, int] = {}


def _route(t: Any) -> int:
    """A plan Roth contribution, an after-tax plan contribution, a person's event for
    the IRA limits (a recharacterization, a 529-to-Roth rollover, an event with a
    person and a tax year, when its tax year is given), or none of them."""
    if issubclass(t, ev.PlanRothContribution):
        return _PLAN_ROTH
    if issubclass(t, ev.PlanAfterTaxContribution):
        return _AFTER_TAX
    if issubclass(t, (ev.Recharacterization, ev.Roth529Rollover)):
        return _PERSON
    names = {f.name for f in dataclasses.fields(t)}
    return _PERSON_IF_YEAR if {"tax_year", "person"} <= names else _SKIP


def _within_assumed_limit(year: int, c, total: Decimal, age: int | None) -> bool:
    """The year has no income facts, no stated Roth limit and no 529-to-Roth rollover,
    and its contributions (none negative) total at most the dollar limit: then neither
    limit is exceeded, and :func:`_ira_year` has nothing to say. (The limits are then
    the assumed ones, :func:`ledger.rules.roth_eligibility.year_limits`: traditional
    = the dollar limit D, Roth = max(min(D, D - traditional), 0); with traditional and
    Roth >= 0 and their sum <= D, traditional <= D and Roth <= D - traditional.) A
    year whose limit is not on file takes the general path, which says so."""
    if c.income is not None or c.stated_roth_limit is not None or c.rollover_529:
        return False
    if c.traditional < 0 or c.roth < 0:
        return False
    try:
        return total <= yearly.ira_limit(year, age)
    except MissingFact:
        return False


#: the kinds :func:`_plain_sums` adds up (their tax year is their effective one)
_PLAIN_SUMMED: dict[type, int] = {
    cls: i
    for i, cls in enumerate((ev.IraContribution, ev.RothContribution))
    if vars(ev.Event)["effective_tax_year"] is getattr(cls, "effective_tax_year")  # noqa: B009
}


def _plain_sums(events: Sequence[ev.Event]) -> dict[int, list[Decimal]] | None:
    """A person's traditional and Roth contributions by tax year, added up from ``ZERO``
    in order as :func:`ledger.projections.excess.contributions_by_year` adds them, when
    every event is one of those (each with its tax year: what
    :func:`contribution_warnings` gives the person); None when any is something else (a
    return, a stated limit, income facts, a 529 rollover: the general path).

    Such a year has no income facts, stated limit or 529 rollover, so
    :func:`_ira_year` says nothing when nothing was contributed or when the two (none
    negative) are at most the dollar limit (:func:`_within_assumed_limit`); only the
    other years are folded by :func:`contributions_by_year` and :func:`_ira_year`.
    ``tests/test_limit_warnings_reference.py`` holds the warnings to the reference."""
    sums: dict[int, list[Decimal]] = {}
    e: Any
    for e in events:
        column = _PLAIN_SUMMED.get(type(e))
        if column is None:
            return None
        pair = sums.get(e.tax_year)
        if pair is None:
            pair = sums[e.tax_year] = [ZERO, ZERO]
        pair[column] += e.amount
    return sums


def contribution_warnings(
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
    moving: set[str] = set()  # the people with a recharacterization or a 529 rollover
    routes = _ROUTES
    events = events if type(events) is list or type(events) is tuple else list(events)
    # without a void every event is in force (voids.in_force); the classes are final
    e: Any  # the fields each route reads: its class has them
    for e in in_force(events) if ev.Void in map(type, events) else events:
        t = type(e)
        route = routes.get(t)
        if route is None:
            route = routes[t] = _route(t)
        if not route:  # _SKIP: most events
            continue
        if route == _PLAN_ROTH:
            if is_elective_deferral(e.employer):
                roth_deferrals[(e.person, e.tax_year)] += e.amount
            additions[(e.person, e.plan, e.tax_year)] += e.amount
        elif route == _AFTER_TAX:
            additions[(e.person, e.plan, e.date.year)] += e.amount
        elif route == _PERSON:  # a recharacterization or a 529-to-Roth rollover
            by_person[e.person].append(e)
            moving.add(e.person)
        elif route == _PERSON_IF_YEAR and e.tax_year is not None:
            by_person[e.person].append(e)

    def age(person: str, year: int) -> int | None:
        return age_at_year_end(born[person], year) if person in born else None

    out: list[str] = []
    for person in sorted(by_person):
        mine: Sequence[ev.Event] = by_person[person]
        # without either, the three steps give the events as they are and nothing over
        if person in moving:
            mine = apply_recharacterizations(mine)
            for event_id, (year, over) in over_lifetime(mine).items():
                if want(person, year):
                    out.append(lifetime_warning(person, event_id, over))
            mine = apply_529_lifetime(mine)
        sums = None if person in moving else _plain_sums(mine)
        if sums is None:
            for year, c in sorted(contributions_by_year(mine).items()):
                if want(person, year):
                    out.extend(_ira_year(person, year, c, born.get(person), age(person, year)))
            continue
        full: dict[int, Any] | None = None  # the years' contributions, made if one is needed
        for year, (traditional, roth) in sorted(sums.items()):
            if not want(person, year):
                continue
            a = age(person, year)
            if not (traditional > 0 or roth > 0):  # nothing contributed: _ira_year's []
                continue
            if traditional >= 0 and roth >= 0:  # _within_assumed_limit, written out
                try:
                    if traditional + roth + ZERO <= yearly.ira_limit(year, a):
                        continue
                except MissingFact:
                    pass
            if full is None:
                full = contributions_by_year(mine)
            out.extend(_ira_year(person, year, full[year], born.get(person), a))
    # a year's plan limits, looked up once in this call (None: not on file)
    plan_limits: dict[int, yearly.PlanLimits | None] = {}

    def limits_of(year: int) -> yearly.PlanLimits | None:
        if year not in plan_limits:
            try:
                plan_limits[year] = yearly.plan_limits(year)
            except MissingFact:
                plan_limits[year] = None
        return plan_limits[year]

    for (person, year), total in sorted(roth_deferrals.items()):
        if not want(person, year):
            continue
        limits = limits_of(year)
        if limits is None:
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
        limits = limits_of(year)
        if limits is None:
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


def age_at_year_end(born: date, year: int) -> int:
    """``age_on(born, end_of_year(year))`` (:func:`reference_age_at_year_end`): on Dec 31
    every birthday of the year is past, so the age is ``year - born.year`` -- for a year
    ``date`` can hold and a ``date`` of birth; else the reference's own reckoning (a
    hypothesis test in ``tests/test_limit_warnings_reference.py`` compares)."""
    if type(year) is int and 1 <= year <= 9999 and type(born) is date:
        return year - born.year
    return age_on(born, end_of_year(year))


def reference_age_at_year_end(born: date, year: int) -> int:
    """:func:`age_at_year_end` as :func:`contribution_warnings` reckoned it (the reference)."""
    return age_on(born, end_of_year(year))


def lifetime_warning(person: str, event_id: str, over: Decimal) -> str:
    return (
        f"{person}: {event_id}: {fmt_table(over)} of this 529-to-Roth rollover is over the "
        f"{fmt_table(LIFETIME_LIMIT)} lifetime limit (IRC §529(c)(3)(E)(ii)(II)): it is not a "
        "qualified rollover; it is counted as a regular Roth IRA contribution (and is a "
        "taxable 529 distribution, not computed here)"
    )
