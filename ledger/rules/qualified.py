"""Qualified Roth IRA distributions and the one 5-taxable-year clock per person.

IRC §408A(d)(2); Treas. Reg. 1.408A-6 A-1(b), A-2: a distribution is qualified only if it
is made after the 5-taxable-year period AND on/after age 59½, to a beneficiary after
death, on account of disability (§72(m)(7)), or is a qualified first-time homebuyer
distribution (§72(t)(2)(F), $10,000 lifetime). The period starts Jan 1 of the first tax
year FOR which a regular contribution was made to any Roth IRA, or, if earlier, of the
year IN which the first conversion (or plan rollover) contribution was received, and
ends Dec 31 four years later; qualified from Jan 1 of start year + 5. Later Roth IRAs do
not restart it; designated Roth account years do not count, so a Roth 401(k) rollover
into a first Roth IRA starts the clock in the rollover year (Reg. 1.408A-10 A-4).
Example (Pub 590-B, Justin): conversion 2016 → qualified from 2021-01-01, so a 2020
distribution at 60 is not qualified.
"""

from __future__ import annotations

from datetime import date

from ..dataclass import dataclass


def qualified_from(clock_start_year: int | None) -> date | None:
    """First day a distribution can satisfy the 5-year test."""
    if clock_start_year is None:
        return None
    return date(clock_start_year + 5, 1, 1)


def first_qualified_day(
    clock_start_year: int | None,
    age_59_half_on: date,
    died_on: date | None,
    disabled_on: date | None,
) -> date | None:
    """The first day a distribution would be qualified (without the first-home purpose,
    which depends on the distribution): the later of the end of the 5-taxable-year period
    (:func:`qualified_from`) and the earliest of age 59½, death and disability -- IRC
    §408A(d)(2)(A)(i)-(iii) and (B); Reg. 1.408A-6 A-1(b). :func:`qualify` answers yes
    on exactly the days from this one on. None: no Roth IRA contribution yet."""
    start = qualified_from(clock_start_year)
    if start is None:
        return None
    triggers = [d for d in (age_59_half_on, died_on, disabled_on) if d is not None]
    return max(start, min(triggers))


@dataclass(frozen=True, slots=True)
class QualifiedTest:
    """Whether a Roth distribution is qualified, the five-year test, and why."""

    qualified: bool
    five_year_met: bool
    trigger: str | None  # "age_59_and_a_half" | "death" | "disability" | "first_home" | None
    reason: str


def qualify(
    on: date,
    clock_start_year: int | None,
    age_59_half_on: date,
    died_on: date | None,
    disabled_on: date | None,
    first_home: bool,
) -> QualifiedTest:
    start = qualified_from(clock_start_year)
    five = start is not None and on >= start
    trigger = None
    if on >= age_59_half_on:
        trigger = "age_59_and_a_half"
    elif died_on is not None and on >= died_on:
        trigger = "death"
    elif disabled_on is not None and on >= disabled_on:
        trigger = "disability"
    elif first_home:
        trigger = "first_home"
    if five and trigger:
        return QualifiedTest(True, True, trigger, f"5-year period met ({start}) and {trigger}")
    if not five:
        when = f"not before {start}" if start else "no Roth IRA contribution yet"
        return QualifiedTest(False, False, trigger, f"5-year period not met ({when})")
    return QualifiedTest(False, True, None, "5-year period met but under 59½, alive, not disabled")
