"""Roth money an employer puts in: plan deferral limits, Roth employer contributions,
Roth SEP and Roth SIMPLE IRAs (SECURE 2.0 of 2022, Division T of Pub. L. 117-328).

* **§402(g) and §414(v)** -- a person's designated Roth (and pretax) *elective deferrals*
  for a year are limited to the §402(g)(1) dollar amount, plus the §414(v) catch-up from
  the year the person is 50 by Dec 31. From 2025 the catch-up of a person who attains age
  60 but not 64 by the close of the year is the higher §414(v)(2)(E) amount (SECURE 2.0
  §109: the greater of $10,000 or 150% of the regular catch-up, indexed; the yearly amounts
  are in ``ledger/data/plan_limits.yaml`` as ``catch_up_60_63``).
* **Roth employer contributions** (SECURE 2.0 §604, IRC §402A(a)(2)-(3) as amended, for
  contributions made after 2022-12-29; Notice 2024-2 Part L): a matching or nonelective
  contribution the participant designates as Roth is treated as a *matching* or
  *nonelective* contribution, not as an elective deferral -- it is outside the §402(g)
  total (its tax is in the year it is allocated), it must be fully vested, and it is still
  an annual addition under §415(c). It is designated Roth basis in the plan like a
  deferral.
* **Roth SEP and Roth SIMPLE IRAs** (SECURE 2.0 §601, striking the old §408A(f) bar; IRC
  §402(h)(1), §408(k), §408(p) as amended; Notice 2024-2 Part K; from taxable years
  beginning after 2022): an employer's SEP contribution, or a SIMPLE IRA salary-reduction or
  employer contribution, may go to a Roth IRA at the employee's election. It is made under
  the SEP (§402(h)(2)) or SIMPLE (§408(p)(2)) limits, not as a regular contribution, so it
  does not use the §219(b)/§408A(c)(2) IRA limit and has no §408A(c)(3) income limit. It
  is included in income when made and is a contribution to the Roth IRA for the
  §408A(d)(4) ordering (the first tier, with regular contributions; Treas. Reg. §1.408A-6
  A-8) and for the 5-year clock (§408A(d)(2)(B): "a contribution to a Roth IRA"), which
  the ledger starts on Jan 1 of the year the Roth IRA received it (Form 5498 boxes 8 and
  9 report the calendar year's receipts). Not checked: the SEP and SIMPLE limits
  themselves and a SIMPLE deferral's share of §402(g) (the form does not separate the
  employee's from the employer's money).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

#: SECURE 2.0 §604(c): "contributions made after the date of the enactment" (2022-12-29)
EMPLOYER_ROTH_FROM = date(2022, 12, 30)
#: SECURE 2.0 §601(b): taxable years beginning after December 31, 2022
ROTH_SEP_SIMPLE_FROM = date(2023, 1, 1)
PLAN_TYPES = ("sep", "simple")
CATCH_UP_AGE = 50  # §414(v)(5)(A)
HIGHER_CATCH_UP_AGES = (60, 63)  # §414(v)(2)(E)(i): attains 60, not 64, by year end
CITE_DEFERRALS = "IRC §402(g)(1), §414(v)(2)(B) and (E) (SECURE 2.0 §109)"
CITE_EMPLOYER_ROTH = "SECURE 2.0 §604; IRC §402A(a)(2)-(3); Notice 2024-2"
CITE_SEP_SIMPLE = "SECURE 2.0 §601; IRC §402(h), §408(k), §408(p); Notice 2024-2"


def catch_up(age: int | None, regular: Decimal, higher: Decimal | None) -> Decimal:
    """The §414(v) catch-up for a person of ``age`` at Dec 31 (None: unknown, no catch-up):
    ``higher`` (the year's ages 60-63 amount, None before 2025) from 60 to 63, ``regular``
    from 50."""
    if age is None or age < CATCH_UP_AGE:
        return Decimal(0)
    low, high = HIGHER_CATCH_UP_AGES
    if higher is not None and low <= age <= high:
        return higher
    return regular


def deferral_limit(
    elective_deferral: Decimal, regular: Decimal, higher: Decimal | None, age: int | None
) -> Decimal:
    """§402(g)(1) plus the §414(v) catch-up the person's age allows."""
    return elective_deferral + catch_up(age, regular, higher)


def is_elective_deferral(employer: bool) -> bool:
    """A designated Roth contribution counts toward §402(g) unless it is an employer
    matching or nonelective contribution designated as Roth (§402A(a)(2)-(3))."""
    return not employer
