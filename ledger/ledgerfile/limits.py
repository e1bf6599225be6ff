"""Over-limit contributions: warnings, not errors (the ledger records what happened).

An excess contribution is a fact with its own tax (Form 5329 Parts III/IV, not modelled);
refusing it would lose the record. So the importer reports these after storing.

* IRAs: traditional + Roth contributions for one tax year, less contributions returned
  before the deadline, against the §219(b)(5) limit, with the 50+ catch-up by age on
  Dec 31 of the tax year (``ledger.yearly.ira_limit``). Compensation and the Roth MAGI
  phase-out are not checked.
* Plans: designated Roth deferrals per person per year against §402(g) (+ §414(v)
  catch-up at 50+), and after-tax + Roth contributions per plan per year against §415(c)
  (employer money and pretax deferrals are not in the ledger, so this is a floor).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from .. import events as ev
from .. import yearly
from ..dates import age_on, end_of_year
from ..errors import MissingFact
from ..money import fmt_table
from ..voids import in_force


def _births(people: Iterable[ev.PersonAdded] | Mapping[str, date]) -> dict[str, date]:
    if isinstance(people, Mapping):
        return dict(people)
    return {p.person: p.born for p in people}  # later records win


def contribution_warnings(
    people: Iterable[ev.PersonAdded] | Mapping[str, date], events: Iterable[ev.Event]
) -> list[str]:
    """Warnings for contributions over the yearly limits (voided events ignored)."""
    born = _births(people)
    ira: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    roth_deferrals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    additions: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for e in in_force(events):
        if isinstance(e, (ev.RothContribution, ev.IraContribution)):
            ira[(e.person, e.tax_year)] += e.amount
        elif isinstance(e, ev.RothContributionReturn):
            ira[(e.person, e.tax_year)] -= e.amount
        elif isinstance(e, ev.PlanRothContribution):
            roth_deferrals[(e.person, e.tax_year)] += e.amount
            additions[(e.person, e.plan, e.tax_year)] += e.amount
        elif isinstance(e, ev.PlanAfterTaxContribution):
            additions[(e.person, e.plan, e.date.year)] += e.amount

    def age(person: str, year: int) -> int | None:
        return age_on(born[person], end_of_year(year)) if person in born else None

    out: list[str] = []
    for (person, year), total in sorted(ira.items()):
        try:
            limit = yearly.ira_limit(year, age(person, year))
        except MissingFact:
            out.append(
                f"{person}: no {year} IRA contribution limit on file; "
                f"{year} contributions ({fmt_table(total)}) not checked"
            )
            continue
        if total > limit:
            out.append(
                f"{person}: {year} IRA contributions (traditional + Roth) total "
                f"{fmt_table(total)}, over the {fmt_table(limit)} limit "
                f"(IRC §219(b)(5), age {age(person, year)} at year end); "
                "an excess contribution is taxed on Form 5329 until removed"
            )
    for (person, year), total in sorted(roth_deferrals.items()):
        try:
            limits = yearly.plan_limits(year)
        except MissingFact:
            out.append(
                f"{person}: no {year} plan limits on file; {year} designated Roth "
                "deferrals not checked"
            )
            continue
        a = age(person, year)
        cap = limits.elective_deferral + (limits.catch_up if a is not None and a >= 50 else 0)
        if total > cap:
            out.append(
                f"{person}: {year} designated Roth deferrals total {fmt_table(total)}, "
                f"over the {fmt_table(cap)} §402(g) limit (with any §414(v) catch-up)"
            )
    for (person, plan, year), total in sorted(additions.items()):
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
