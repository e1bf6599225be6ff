"""One year's Roth IRA distributions: the ordering walk, the qualified and 10% tests per
distribution, Form 8606 Part III and Form 5329 Part I.

Year aggregation (RULES.md section 0): the ordering is applied to the whole year's
distributions as of Dec 31 (Reg. 1.408A-6 A-9); each distribution is then attributed its
share by walking the same order in date order (same date: recorded order). Qualified
distributions still use up basis (Reg. 1.408A-6 A-4: prior distributions count "whether
or not qualified"). Form 8606 Part III (lines 19-25c) and Form 5329 Part I (lines 1-4)
follow their instructions (RULES.md (f)); the recapture amount is the taxable part of a
conversion or plan rollover still inside its 5-year window that the ordering allocates to
an early distribution (I5329 2016 example: $15,000 + $7,000 = $22,000).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..dates import age_59_and_a_half
from ..errors import NotSupported
from ..events import RothDistribution
from ..money import ZERO, cents
from ..rules import exceptions as exc
from ..rules.ordering import CITE_EARNINGS, TIERS, Bucket, ordered_buckets, walk
from ..rules.qualified import QualifiedTest, qualify
from .facts import PersonFacts
from .state import PersonState

TEN_PERCENT = Decimal("0.10")
CITES = {name: cite for name, _step, cite in TIERS}


@dataclass(frozen=True, slots=True)
class Draw:
    distribution: str
    source: str
    year: int | None
    portion: str | None
    clock_year: int | None
    amount: Decimal
    subject_to_additional_tax: Decimal
    event_ids: tuple[str, ...]
    citation: str


@dataclass(frozen=True, slots=True)
class DistributionResult:
    event: RothDistribution
    test: QualifiedTest
    early: bool
    exception: str | None
    exception_code: str | None
    subject: Decimal
    excepted: Decimal
    additional_tax: Decimal
    taxable: Decimal
    first_home_line20: Decimal
    draws: tuple[Draw, ...]


@dataclass(frozen=True, slots=True)
class WithdrawalYear:
    year: int
    distributions: tuple[DistributionResult, ...]
    form8606: dict[str, Decimal] | None
    form5329: dict[str, Decimal] | None
    exceptions: tuple[tuple[str, str | None, Decimal], ...]
    taxable_amount: Decimal
    additional_tax: Decimal
    qualified: bool | None
    warnings: tuple[str, ...] = field(default=())

    @property
    def draws(self) -> tuple[Draw, ...]:
        return tuple(d for r in self.distributions for d in r.draws)


def _code_for(kind: str, year: int, warnings: list[str]) -> str | None:
    try:
        from ..yearly import exception_code
    except ImportError:  # pragma: no cover - data module missing
        return None
    try:
        code = exception_code(kind, year)
    except Exception as e:  # a year with no table on file
        warnings.append(str(e))
        return None
    if code is None:
        warnings.append(
            f"Form 5329 line-2 exception numbers for {year} are not confirmed: enter the number "
            f"for '{kind}' from that year's instructions"
        )
    return code


def _kind_from_code(code: str, year: int) -> str:
    from ..yearly import exception_kind_from_code

    return exception_kind_from_code(code, year)


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
    buckets = ordered_buckets(
        list(state.regular.values()), state.drr, state.conv.values(), date(year, 12, 31), policy
    )
    walk(buckets, sum((d.amount for d in dists), ZERO))


def roth_year(
    person: PersonFacts,
    state: PersonState,
    year: int,
    dists: list[RothDistribution],
    policy,
    year_end_before: Decimal | None,
    added_this_year: Decimal,
) -> WithdrawalYear:
    warnings: list[str] = []
    born = person.require_born()
    age59 = age_59_and_a_half(born)
    dists = sorted(dists, key=lambda d: d.date)  # stable: recorded order on ties
    total = sum((d.amount for d in dists), ZERO)
    regular_tier = list(state.regular.values())
    reg_total = sum((b.remaining for b in regular_tier), ZERO) + sum(
        (b.remaining for b in state.drr), ZERO
    )
    conv_total = sum((b.remaining for b in state.conv.values()), ZERO)
    if year_end_before is not None and total > year_end_before + added_this_year:
        warnings.append(
            f"{year}: Roth IRA distributions of {total} exceed the {year - 1} year-end value "
            f"({year_end_before}) plus this year's contributions and conversions "
            f"({added_this_year}); check the recorded amounts"
        )
    buckets = ordered_buckets(
        regular_tier, state.drr, state.conv.values(), date(year, 12, 31), policy
    )
    takes = walk(buckets, total)

    results: list[DistributionResult] = []
    ti = 0
    pending: Decimal = takes[0].amount if takes else ZERO
    q_reg = q_conv = ZERO
    line19 = line20 = disaster_total = ZERO
    exceptions_used: dict[str, Decimal] = {}
    for d in dists:
        kind = exc.resolve_kind(d.exception, year, _kind_from_code)
        if kind is None and person.died_on is not None and d.date >= person.died_on:
            kind = "death"
        if kind is None and person.disabled_on is not None and d.date >= person.disabled_on:
            kind = "disability"
        disaster = d.disaster or kind == "disaster"
        test = qualify(
            d.date,
            state.clock_start,
            age59,
            person.died_on,
            person.disabled_on,
            kind == "first_home",
        )
        early = d.date < age59
        # take this distribution's share of the walk
        need = d.amount
        chunks: list[tuple[Bucket | None, Decimal]] = []
        while need > 0 and ti < len(takes):
            t = takes[ti]
            amt = min(pending, need)
            chunks.append((t.bucket, amt))
            need -= amt
            pending -= amt
            if pending == 0:
                ti += 1
                pending = takes[ti].amount if ti < len(takes) else ZERO
        draws = []
        subject_total = ZERO
        earnings = ZERO
        for bucket, amt in chunks:
            if bucket is None:
                earnings += amt
                subject = amt if (early and not test.qualified and not disaster) else ZERO
                draws.append(
                    Draw(d.id, "earnings", None, None, None, amt, subject, (), CITE_EARNINGS)
                )
            else:
                hot = (
                    early and not test.qualified and not disaster and bucket.recapturable_on(d.date)
                )
                subject = amt if hot else ZERO
                tier = (
                    "conversions"
                    if bucket.source in ("conversion", "plan_rollover")
                    else bucket.source
                )
                cite = CITES.get(tier, "")
                if bucket.source == "designated_roth_rollover" and bucket.portion == "taxable":
                    from ..rules.ordering import CITE_DRR_IRR

                    cite = CITE_DRR_IRR
                draws.append(
                    Draw(
                        d.id,
                        bucket.source,
                        bucket.year,
                        bucket.portion,
                        bucket.clock_year,
                        amt,
                        subject,
                        tuple(bucket.event_ids),
                        cite,
                    )
                )
                if test.qualified:
                    if bucket.source in ("conversion", "plan_rollover"):
                        q_conv += amt
                    else:
                        q_reg += amt
            subject_total += subject

        line20_part = ZERO
        excepted = ZERO
        if kind is not None and kind != "disaster":
            room = exc.cap_room(kind, d.date, state.caps)
            if kind == "first_home":
                used = min(d.amount, room)
                if test.qualified:
                    if d.amount > room:
                        raise NotSupported(
                            f"first-home distribution {d.id} of {d.amount} above the remaining "
                            f"$10,000 lifetime amount ({room}); split it into a qualified part "
                            "and a nonqualified part"
                        )
                    line20_part = d.amount
                exc.use_cap(kind, d.date, used, state.caps)
                excepted = min(subject_total, used)
            elif room is None:
                excepted = subject_total
            else:
                used = min(d.amount, room)
                exc.use_cap(kind, d.date, used, state.caps)
                excepted = min(subject_total, used)
                if used < d.amount:
                    warnings.append(f"{d.id}: the {kind} exception is capped at {used} here")
                if kind == "birth_adoption":
                    warnings.append(
                        f"{d.id}: birth/adoption exception capped at $5,000 per person per year; "
                        "the law allows $5,000 per child"
                    )
        code = _code_for(kind, year, warnings) if kind and kind != "disaster" else None
        if excepted > 0 or line20_part > 0:
            exceptions_used[kind] = exceptions_used.get(kind, ZERO) + excepted + line20_part
        on_line19 = (not test.qualified) or line20_part > 0
        if on_line19:
            line19 += d.amount
            line20 += line20_part
            if disaster:
                disaster_total += d.amount
        taxable = ZERO if test.qualified else earnings
        results.append(
            DistributionResult(
                d,
                test,
                early,
                kind,
                code,
                subject_total,
                excepted,
                cents((subject_total - excepted) * TEN_PERCENT),
                taxable,
                line20_part,
                tuple(draws),
            )
        )

    form8606 = None
    taxable_amount = ZERO
    if line19 > 0:
        line21 = line19 - line20
        form8606 = {"19": line19, "20": line20, "21": line21}
        if line21 > 0:
            line22 = reg_total - q_reg
            line23 = max(line21 - line22, ZERO)
            form8606.update({"22": line22, "23": line23})
            if line23 > 0:
                line24 = conv_total - q_conv
                line25a = max(line23 - line24, ZERO)
                line25b = cents(line25a * disaster_total / line19) if disaster_total else ZERO
                line25c = line25a - line25b
                form8606.update({"24": line24, "25a": line25a, "25b": line25b, "25c": line25c})
                taxable_amount = line25c
        walked = sum((r.taxable for r in results), ZERO)
        if form8606.get("25a", ZERO) != walked:
            warnings.append(
                f"{year}: Form 8606 line 25a ({form8606.get('25a', ZERO)}) differs from the "
                f"earnings the ordering walk gave nonqualified distributions ({walked})"
            )
    subject = sum((r.subject for r in results), ZERO)
    excepted = sum((r.excepted for r in results), ZERO)
    form5329 = None
    additional_tax = ZERO
    if line19 > 0 or subject > 0:
        line1 = subject + line20
        line2 = excepted + line20
        line3 = line1 - line2
        additional_tax = cents(line3 * TEN_PERCENT)
        form5329 = {"1": line1, "2": line2, "3": line3, "4": additional_tax}
    if any(r.event.disaster for r in results):
        warnings.append(
            f"{year}: qualified disaster distributions are reported on Form 8915-F; the income "
            "may be spread over 3 years there"
        )
    exceptions = tuple(
        (k, _code_for(k, year, []) if k != "disaster" else None, amt)
        for k, amt in exceptions_used.items()
    )
    qualified = all(r.test.qualified for r in results) if results else None
    if (
        results
        and any(r.test.qualified for r in results)
        and any(
            r.draws and r.test.qualified and any(x.source != "earnings" for x in r.draws)
            for r in results
        )
    ):
        warnings.append(
            f"{year}: qualified distributions used up basis in the usual order (Reg. 1.408A-6 A-4); "
            "the Form 8606 line-22 worksheet would not subtract them"
        )
    return WithdrawalYear(
        year,
        tuple(results),
        form8606,
        form5329,
        exceptions,
        taxable_amount,
        additional_tax,
        qualified,
        tuple(dict.fromkeys(warnings)),
    )
