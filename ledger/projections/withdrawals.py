"""One year's Roth IRA distributions, from the carried-forward state to the rule and back.

The computation is the pure rule :func:`ledger.rules.roth_distributions.roth_year`; this
module only gathers its plain inputs from the person's state (the basis before the year,
what the year's ordering walk drew -- :func:`ledger.rules.ordering.walk` updates the
buckets -- the 5-year clock with the events that started it, the exception law of the
year from ``ledger/data``) and stores what the rule says the year used of the capped
exceptions. Year aggregation (RULES.md section 0): the ordering is applied to the whole
year's distributions as of Dec 31 (Reg. 1.408A-6 A-9).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .. import yearly
from ..dates import age_59_and_a_half
from ..events import PersonDied, PersonDisabled, RothContributionReturn, RothDistribution
from ..money import ZERO
from ..rules import roth_distributions as rd
from ..rules.ordering import (
    CITE_DRR_IRR,
    CITE_EARNINGS,
    TIERS,
    Bucket,
    Take,
    consume,
    ordered_buckets,
    walk,
)
from .facts import PersonFacts
from .state import PersonState

WithdrawalYear = rd.RothYear
DistributionResult = rd.DistributionResult
Draw = rd.Draw
CITES = {name: cite for name, _step, cite in TIERS}


def plain_withdrawals(person: PersonFacts, dists: list[RothDistribution]) -> bool:
    """True when no distribution of the year can touch anything but the basis buckets:
    no exception, no disaster, none after a recorded death or disability (those may use
    an exception's dollar cap, which :func:`roth_year` records in the state)."""
    for d in dists:
        if d.exception is not None or d.disaster:
            return False
        if person.died_on is not None and d.date >= person.died_on:
            return False
        if person.disabled_on is not None and d.date >= person.disabled_on:
            return False
    return True


def consume_year(state: PersonState, year: int, dists: list[RothDistribution], policy) -> None:
    """What :func:`roth_year` does to the state for :func:`plain_withdrawals`, without the
    per-distribution report: the year's total walks the ordered buckets (Reg. 1.408A-6
    A-9: aggregated for the year). For years before the one a batch reports on."""
    total = ZERO  # sum((d.amount for d in dists), ZERO), without the generator's frames
    for d in dists:
        total += d.amount
    consume(
        list(state.regular.values()),
        state.drr,
        state.conv.values(),
        date(year, 12, 31),
        policy,
        total,
    )


def drawn_year(
    person: PersonFacts, state: PersonState, year: int, dists: list[RothDistribution], policy
) -> list[Take]:
    """What :func:`roth_year` does to the state for :func:`plain_withdrawals` without
    contribution returns (the ordering walk over the year's total; no capped exception is
    used), and the walk's takes, for a year whose withdrawals are not kept but whose draws
    a 1998/2010 spread reads (``person._spread_income``): the draws of :func:`roth_year`
    share each take among the distributions, so per bucket they add up to it. Raises
    where :func:`roth_year` would before its rule (no birth date; the year's exception
    law). tests/test_fold_reference.py compares the fold with the reference's."""
    age_59_and_a_half(person.require_born())
    yearly.exception_law(year)
    total = ZERO
    for d in dists:
        total += d.amount
    return walk(
        ordered_buckets(
            list(state.regular.values()), state.drr, state.conv.values(), date(year, 12, 31), policy
        ),
        total,
    )


def _slot(bucket: Bucket | None, amount) -> rd.Slot:
    if bucket is None:
        return rd.Slot("earnings", None, None, None, amount, (), CITE_EARNINGS)
    tier = "conversions" if bucket.source in ("conversion", "plan_rollover") else bucket.source
    cite = CITES.get(tier, "")
    if bucket.source == "designated_roth_rollover" and bucket.portion == "taxable":
        cite = CITE_DRR_IRR
    return rd.Slot(
        bucket.source,
        bucket.year,
        bucket.portion,
        bucket.clock_year,
        amount,
        tuple(dict.fromkeys(bucket.event_ids)),  # each once: a split event adds its id twice
        cite,
    )


def _ids(buckets) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for b in buckets if b.remaining > 0 for i in b.event_ids))


def _ids_on(person: PersonFacts, kind: type, day: date | None) -> tuple[str, ...]:
    """The ids of the person's ``kind`` events dated ``day`` (none when there is no day:
    an event's date is never None)."""
    if day is None:
        return ()
    return tuple(e.id for e in person.events if type(e) is kind and e.date == day)  # type: ignore[attr-defined]


def roth_year(
    person: PersonFacts,
    state: PersonState,
    year: int,
    dists: list[RothDistribution],
    policy,
    year_end_before,
    added_this_year,
    returns: list[RothContributionReturn] = (),  # type: ignore[assignment]
    traditional: tuple[rd.TraditionalDistribution, ...] = (),
) -> rd.RothYear:
    warnings: list[str] = []
    total = sum((d.amount for d in dists), ZERO)
    if year_end_before is not None and total > year_end_before + added_this_year:
        warnings.append(
            f"{year}: Roth IRA distributions of {total} exceed the {year - 1} year-end value "
            f"({year_end_before}) plus this year's contributions and conversions "
            f"({added_this_year}); check the recorded amounts"
        )
    regular = [*state.regular.values(), *state.drr]
    conv = list(state.conv.values())
    basis = rd.BasisBefore(
        sum((b.remaining for b in regular), ZERO),
        _ids(regular),
        sum((b.remaining for b in conv), ZERO),
        _ids(conv),
    )
    buckets = ordered_buckets(
        list(state.regular.values()), state.drr, state.conv.values(), date(year, 12, 31), policy
    )
    slots = [_slot(t.bucket, t.amount) for t in walk(buckets, total)]
    owner = rd.Owner(
        age_59_and_a_half(person.require_born()),
        state.clock_start,
        tuple(state.clock_events),
        person.died_on,
        _ids_on(person, PersonDied, person.died_on),
        person.disabled_on,
        _ids_on(person, PersonDisabled, person.disabled_on),
    )
    result = rd.roth_year(
        year,
        owner,
        [rd.Withdrawal(d.id, d.date, d.amount, d.exception, d.disaster, d.source) for d in dists],
        slots,
        basis,
        state.caps,
        yearly.exception_law(year),
        [rd.CorrectiveReturn(r.id, r.date, r.earnings) for r in returns],
        policy.rounding,
        traditional,
    )
    state.caps = result.caps
    return with_warnings(result, warnings)


def with_warnings(result: rd.RothYear, warnings: list[str]) -> rd.RothYear:
    """``result`` with ``warnings`` (the ledger's own, first) joined to its rule's, each
    said once. A year with neither is ``result`` itself: the replace would give its
    figures again (a frozen dataclass of 13 fields remade field by field);
    :func:`reference_with_warnings` always replaces (a test compares)."""
    if not warnings and not result.warnings:
        return result
    return reference_with_warnings(result, warnings)


def reference_with_warnings(result: rd.RothYear, warnings: list[str]) -> rd.RothYear:
    """:func:`with_warnings` as it was: the result replaced, its warnings joined."""
    return replace(result, warnings=tuple(dict.fromkeys(warnings + list(result.warnings))))
