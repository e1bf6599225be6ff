"""What a withdrawal *would* cost, and how much can come out free of tax and of the 10%.

The planner never has rules of its own: it adds a hypothetical ``roth_distribution`` to
the person's facts (after every recorded event, so a same-day tie is ordered as if it were
recorded now) and runs the same fold as the withdrawal report. So its answer agrees to the
cent with the report once the withdrawal is recorded.

The maxima are found by bisection on cents over the one projection: the year's taxable
amount and additional tax never decrease as the planned amount grows (every extra dollar is
drawn later in the same order), so the largest amount that leaves them unchanged is
well defined. Beyond the basis tiers every dollar is earnings, so the search is bounded by
the basis remaining; a distribution that would be qualified costs nothing at any amount.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from ..dataclass import dataclass
from ..dates import age_59_and_a_half
from ..events import RothDistribution
from ..money import CENT, ZERO
from ..rules.ordering import ordered_buckets
from ..rules.policy import Policy
from ..rules.qualified import first_qualified_day, qualified_from, qualify
from .facts import PersonFacts
from .person import compute_person
from .rollovers import net_amount
from .withdrawals import WithdrawalYear

PLANNED_ID = "planned"


def with_planned(
    person: PersonFacts, on: date, amount: Decimal, exception: str | None = None
) -> PersonFacts:
    planned = RothDistribution(
        id=PLANNED_ID,
        person=person.id,
        date=on,
        amount=amount,
        exception=exception,
        memo="planned withdrawal (not recorded)",
    )
    return replace(person, events=person.events + (planned,))


def simulate(
    person: PersonFacts, on: date, amount: Decimal, policy: Policy, exception: str | None = None
) -> WithdrawalYear:
    ledger = compute_person(with_planned(person, on, amount, exception), on.year, policy)
    w = ledger.year(on.year).withdrawals
    assert w is not None
    return w


def _penalised(w: WithdrawalYear | None) -> Decimal:
    """Dollars subject to the 10% after exceptions (Form 5329 line 3), before rounding the tax."""
    return sum((r.subject - r.excepted for r in w.distributions), ZERO) if w else ZERO


def _baseline(person: PersonFacts, on: date, policy: Policy) -> tuple[Decimal, Decimal]:
    w = compute_person(person, on.year, policy).year(on.year).withdrawals
    return (w.taxable_amount if w else ZERO), _penalised(w)


def basis_available(person: PersonFacts, on: date, policy: Policy) -> Decimal:
    """Basis (regular, rollover, conversion tiers) not yet drawn by the year's recorded
    distributions: the most that can come out before earnings."""
    state = compute_person(person, on.year, policy).final_state  # the year's draws applied
    return (
        sum((b.remaining for b in state.regular.values()), ZERO)
        + sum((b.remaining for b in state.drr), ZERO)
        + sum((b.remaining for b in state.conv.values()), ZERO)
    )


def _recorded_after(person: PersonFacts, on: date) -> Decimal:
    """Recorded distributions later in the same year: a planned withdrawal on ``on`` comes
    before them in the order and can push them onto later layers."""
    return sum(
        (
            net_amount(e)
            for e in person.events
            if isinstance(e, RothDistribution) and e.date.year == on.year and e.date > on
        ),
        ZERO,
    )


def _largest(ok, hi: Decimal) -> Decimal:
    """Largest amount in [0, hi] (cents) for which ok(amount) holds; ok is monotone."""
    lo_c, hi_c = 0, int(hi / CENT)
    if ok(hi_c * CENT):
        return hi_c * CENT
    while hi_c - lo_c > 1:
        mid = (lo_c + hi_c) // 2
        if ok(mid * CENT):
            lo_c = mid
        else:
            hi_c = mid
    return lo_c * CENT


@dataclass(frozen=True, slots=True)
class FreeAmounts:
    max_tax_free: Decimal | None  # None = unlimited (the distribution would be qualified)
    max_tax_and_penalty_free: Decimal | None
    would_be_qualified: bool
    basis_available: Decimal
    note: str


def max_free(
    person: PersonFacts, on: date, policy: Policy, exception: str | None = None
) -> FreeAmounts:
    base_tax, base_add = _baseline(person, on, policy)
    avail = basis_available(person, on, policy)
    probe = simulate(person, on, CENT, policy, exception)
    planned = next(r for r in probe.distributions if r.withdrawal.id == PLANNED_ID)
    if planned.test.qualified:
        return FreeAmounts(
            None,
            None,
            True,
            avail,
            f"a distribution on {on} would be qualified ({planned.test.reason}): "
            "tax-free and penalty-free at any amount",
        )
    hi = avail + _recorded_after(person, on) + CENT

    def tax_free(x: Decimal) -> bool:
        return x == 0 or simulate(person, on, x, policy, exception).taxable_amount == base_tax

    def both_free(x: Decimal) -> bool:
        if x == 0:
            return True
        w = simulate(person, on, x, policy, exception)
        return w.taxable_amount == base_tax and _penalised(w) == base_add

    t = _largest(tax_free, hi)
    b = _largest(both_free, t)
    note = (
        f"not qualified on {on} ({planned.test.reason}); beyond {t} every dollar is earnings, "
        "taxable" + (" and subject to the 10% additional tax" if planned.early else "")
    )
    return FreeAmounts(t, b, False, avail, note)


@dataclass(frozen=True, slots=True)
class Rung:
    source: str
    year: int
    portion: str
    amount: Decimal
    clock_ends: date | None
    penalty_free_from: date


@dataclass(frozen=True, slots=True)
class Ladder:
    rungs: tuple[Rung, ...]
    # (date, most that can come out penalty-free; None: any amount, the day is qualified)
    schedule: tuple[tuple[date, Decimal | None], ...]
    qualified_from: date | None  # the 5-year period is met from
    age_59_and_a_half_on: date
    qualified_distributions_from: date | None  # a distribution is qualified from (any amount)


def ladder(person: PersonFacts, as_of: date, policy: Policy) -> Ladder:
    """Each basis layer with the day its taxable part becomes penalty-free, and for each such
    day the most that could then be withdrawn penalty-free (the ordered prefix of layers that
    are no longer under a 10% clock), assuming nothing else happens. From the day a
    distribution would be qualified (:func:`first_qualified_day`, the day ``plan
    withdrawal`` starts to answer "any amount") the schedule says any amount."""
    ledger = compute_person(person, as_of.year, policy, as_of)
    state = ledger.final_state
    age59 = age_59_and_a_half(person.require_born())
    start = qualified_from(state.clock_start)
    qualified_day = first_qualified_day(
        state.clock_start, age59, person.died_on, person.disabled_on
    )
    rungs: list[Rung] = []
    for b in ordered_buckets(state.regular.values(), state.drr, state.conv.values(), as_of, policy):
        if b.portion == "taxable" and b.clock_year is not None:
            ends = date(b.clock_year + 4, 12, 31)
            free_from = min(ends + timedelta(days=1), age59)
        else:
            ends, free_from = None, as_of
        if qualified_day is not None:  # a qualified distribution owes no 10% at all
            free_from = min(free_from, qualified_day)
        rungs.append(
            Rung(
                b.source,
                b.year or 0,
                b.portion or "basis",
                b.remaining,
                ends,
                max(free_from, as_of),
            )
        )
    days = {as_of} | {r.penalty_free_from for r in rungs} | ({age59} if age59 > as_of else set())
    if qualified_day is not None:
        days = {d for d in days if d < qualified_day} | {max(qualified_day, as_of)}
    schedule: list[tuple[date, Decimal | None]] = []
    for d in sorted(days):
        if qualified_day is not None and d >= qualified_day:
            schedule.append((d, None))
            continue
        total = ZERO
        for r in rungs:  # the order is fixed: a layer still under its clock blocks the rest
            if r.penalty_free_from > d:
                break
            total += r.amount
        schedule.append((d, total))
    return Ladder(tuple(rungs), tuple(schedule), start, age59, qualified_day)


def qualified_on(person: PersonFacts, on: date, policy: Policy) -> bool:
    state = compute_person(person, on.year, policy).final_state
    return qualify(
        on,
        state.clock_start,
        age_59_and_a_half(person.require_born()),
        person.died_on,
        person.disabled_on,
        False,
    ).qualified
