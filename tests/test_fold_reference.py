"""The year loop of ``compute_person`` against the loop as it was (tests/reference_fold.py),
and the batch's rows against rows from that reference's full fold (every year reported,
as ``report withdrawals`` folded before the batch's shortcuts): on the worked examples,
the benchmark's generated clients and generated people (excesses, returns, income,
stated limits, plan flows, rollovers, exceptions, deaths and disabilities).

The fast loop keeps only the years asked for (``report_years``) and ``through_year``;
those must equal the reference's, and so must the whole carried state."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.app import batch
from ledger.errors import LedgerError
from ledger.ledgerfile import Known, read_ledger_file, validate_ledger
from ledger.projections.facts import HouseholdFacts, fold
from ledger.projections.person import compute_person
from ledger.rules.policy import Policy

from . import reference_fold
from .test_fold_fast_path import person_events

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.yaml")) + sorted(
    (Path(__file__).parent.parent / "ledger" / "examples").glob("*.yaml")
)
POLICIES = [Policy(), Policy("3", "none")]


def _read(path: Path) -> HouseholdFacts:
    ledger = validate_ledger(read_ledger_file(path), Known())
    return fold(ledger.household, ledger.all_events())


def _run(f, *args, **kw):
    try:
        return f(*args, **kw)
    except LedgerError as exc:
        return f"{type(exc).__name__}: {exc}"


def _years(person) -> list[int]:
    years = sorted({e.date.year for e in person.events if getattr(e, "date", None)})
    return [*years, years[-1] + 1, years[-1] + 2] if years else [2024]


def assert_same_person(person, year: int, policy: Policy) -> None:
    ref = _run(reference_fold.compute_person, person, year, policy)
    for report_years in (None, frozenset({year})):
        for with_snapshot in (True, False):
            new = _run(compute_person, person, year, policy, None, report_years, with_snapshot)
            if isinstance(ref, str) or isinstance(new, str):
                assert new == ref
                continue
            if report_years is None:
                old = ref
                if not with_snapshot:
                    old = reference_fold.compute_person(person, year, policy, with_snapshot=False)
                assert new.years == old.years  # every year, every figure and warning
            else:
                assert set(new.years) <= {year}  # only what was asked for is kept
                old = _run(
                    reference_fold.compute_person,
                    person,
                    year,
                    policy,
                    None,
                    report_years,
                    with_snapshot,
                )
                assert new.year(year) == old.year(year)
                full = ref.year(year)
                if with_snapshot:
                    assert new.year(year) == full
                    assert repr(new.year(year)) == repr(full)  # exponents too
            assert new.final_state == ref.final_state  # every bucket, carry, clock and cap
            assert repr(new.final_state) == repr(ref.final_state)  # each Decimal's exponent too
            for (d1, a1), (d2, a2) in zip(new.inherited, old.inherited, strict=True):
                assert d1 == d2 and a1.year(year) == a2.year(year)
                assert a1.final_state == a2.final_state


def reference_rows(facts: HouseholdFacts, year: int, policy: Policy) -> list[dict]:
    """The batch's rows of one household, each person folded by the reference loop with
    every year reported (the shortcuts of ``report_years`` left out)."""

    def full(person, through_year, policy, report_years=None, with_snapshot=True):
        return reference_fold.compute_person(person, through_year, policy)

    rows = []
    with mock.patch.object(batch, "compute_person", full):
        for pid in sorted(facts.people):
            row = batch.reference_batch_row(facts.id, facts.people[pid], year, policy)
            if row is not None:
                rows.append(row)
    return rows


def fast_rows(facts: HouseholdFacts, year: int, policy: Policy) -> list[dict]:
    out = []
    for pid in sorted(facts.people):
        row = batch.batch_row(facts.id, facts.people[pid], year, policy)
        if row is not None:
            out.append(row)
    return out


def assert_same_rows(facts: HouseholdFacts, year: int, policy: Policy) -> int:
    fast = fast_rows(facts, year, policy)
    assert json.dumps(fast) == json.dumps(reference_rows(facts, year, policy))  # byte for byte
    return len(fast)


CASES = [(p.stem, _read(p)) for p in EXAMPLES]


@pytest.mark.parametrize("policy", POLICIES, ids=["default", "3-none"])
@pytest.mark.parametrize("name,facts", CASES, ids=[c[0] for c in CASES])
def test_examples(name, facts, policy):
    for person in facts.people.values():
        for year in _years(person):
            assert_same_person(person, year, policy)
    years = sorted({y for p in facts.people.values() for y in _years(p)})
    rows = sum(assert_same_rows(facts, y, policy) for y in years)
    roth = (ev.RothContribution, ev.RothConversion, ev.RothDistribution)
    if any(isinstance(e, roth) for p in facts.people.values() for e in p.events):
        assert rows > 0  # an example with Roth activity has a row in one of its years


def _generated(i: int, size: int, seed: int, tmp: Path) -> HouseholdFacts:
    path = tmp / f"{i}.json"
    path.write_text(json.dumps(household(i, size, seed=seed)))
    return _read(path)


def test_benchmark_clients(tmp_path):
    """The first 25 of the benchmark's clients, in 2024 (the benchmark's year) and two
    earlier years, with rows."""
    rows = 0
    for i in range(25):
        facts = _generated(i, 100, 7, tmp_path)
        for year in (2015, 2021, 2024):
            rows += assert_same_rows(facts, year, Policy())
            for person in facts.people.values():
                assert_same_person(person, year, Policy())
    assert rows > 40


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.integers(0, 10**6), st.integers(5, 200), st.integers(2004, 2026), st.integers(0, 96))
def test_generated_clients(tmp_path, i, size, year, seed):
    facts = _generated(i, size, seed, tmp_path)
    assert_same_rows(facts, year, Policy())
    for person in facts.people.values():
        assert_same_person(person, year, Policy())


@st.composite
def people(draw):
    """person_events with what the fast loop treats apart: distributions rolled over
    (in part or whole), claiming an exception or a disaster, a death or a disability
    (then no year's withdrawals are plain), and years with nothing in them."""
    person = draw(person_events())
    evs = list(person.events)
    extra: list[ev.Event] = []
    for n, e in enumerate(evs):
        if type(e) is ev.RothDistribution:
            choice = draw(st.integers(0, 7))
            if choice == 0:
                evs[n] = replace(e, rolled_over=e.amount)  # whole: no distribution
            elif choice == 1:
                evs[n] = replace(e, rolled_over=(e.amount / 2).quantize(Decimal("0.01")))
            elif choice == 2:
                evs[n] = replace(e, disaster=True)
    years = sorted({e.date.year for e in evs if getattr(e, "date", None)}) or [2015]
    if draw(st.integers(0, 3)) == 0:
        day = date(draw(st.sampled_from(years)), 6, 1)
        extra.append(ev.PersonDisabled(id="dis", person="p", date=day))
    if draw(st.integers(0, 5)) == 0:
        extra.append(
            ev.IraDistribution(
                id="ira-d",
                person="p",
                date=date(years[-1], 7, 1),
                amount=Decimal("1000"),
                rolled_over=draw(st.sampled_from([None, Decimal("1000"), Decimal("400")])),
            )
        )
    return fold("h", [ev.PersonAdded(id="born", person="p", name="P", born=person.born), *evs, *extra]).people["p"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people(), st.integers(2010, 2027), st.sampled_from(POLICIES))
def test_generated_people(person, year, policy):
    assert_same_person(person, year, policy)
    facts = HouseholdFacts("h", None, {"p": person}, frozenset())
    assert_same_rows(facts, year, policy)


@st.composite
def household_events(draw):
    """Events of a few people in any order: people added (again, renamed), deaths and
    disabilities (more than one), inheritances (chains, a loop), names, voids of events,
    of voids and of nothing, and flows."""
    ids = [f"e{i}" for i in range(draw(st.integers(0, 14)))]
    who = st.sampled_from(["a", "b", "c"])
    day = st.dates(date(2000, 1, 1), date(2024, 12, 31))
    out: list[ev.Event] = []
    for i in ids:
        kind = draw(st.integers(0, 8))
        if kind == 0:
            out.append(ev.PersonAdded(id=i, person=draw(who), name=draw(st.sampled_from(["A", "B"])), born=draw(st.one_of(st.none(), day))))  # fmt: skip
        elif kind == 1:
            out.append(ev.PersonDied(id=i, person=draw(who), date=draw(day)))
        elif kind == 2:
            out.append(ev.PersonDisabled(id=i, person=draw(who), date=draw(day)))
        elif kind == 3:
            out.append(ev.RothInherited(id=i, person=draw(who), decedent=draw(who), date=draw(day), percent=Decimal(100)))  # fmt: skip
        elif kind == 4:
            out.append(ev.HouseholdNamed(id=i, name=draw(st.sampled_from(["H", "I"]))))
        elif kind == 5:
            target = draw(st.sampled_from([*ids, "nothing"]))
            out.append(ev.Void(id=i, target=target, reason="x"))
        else:
            out.append(ev.RothContribution(id=i, person=draw(who), tax_year=2020, date=date(2020, 5, 1), amount=Decimal(draw(st.integers(1, 9)))))  # fmt: skip
    return out


@settings(max_examples=400, deadline=None)
@given(household_events(), st.booleans())
def test_household_fold_is_the_reference(events, as_tuple):
    from ledger.projections.facts import fold as new_fold

    given_events = tuple(events) if as_tuple else events
    new = new_fold("h", given_events)
    old = reference_fold.fold("h", events)
    assert new == old
    assert list(new.people) == list(old.people)  # the same order of people


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people())
def test_within_dollar_limit_is_year_contributions(person):
    """The unreported year's shortcut of ``_excess`` (nothing carried in, no income facts
    or stated limit) says a year is within its limits exactly when the year's
    YearContributions have nothing (``any`` False) or ``over_limits`` is False; with a
    529 rollover it leaves the year to the form."""
    from ledger.projections.excess import YearContributions, over_limits
    from ledger.projections.person import _by_year, _within_dollar_limit

    by_year, _conv, _plain = _by_year(person.events)
    for y, evs in by_year.items():
        if evs.limits:
            continue
        c = YearContributions()
        for group in (evs.ira, evs.roth):
            for e in group:
                c.add(e)
        if c.rollover_529 > 0:
            assert _within_dollar_limit(person, y, evs) is False
            continue
        assert _within_dollar_limit(person, y, evs) == (
            not c.any or over_limits(person.born, y, c) is False
        )


@pytest.mark.parametrize("policy", POLICIES, ids=["default", "3-none"])
def test_deductible_contributions_after_70_and_a_half_reduce_a_later_qcd(policy):
    """Deductible IRA contributions for years from age 70½ (here 2021 and 2022, years with
    no distribution) reduce a later year's QCD exclusion (IRC §408(d)(8)(A) last sentence,
    SECURE Act 2019 §107(b)): the years no report shows must carry them on as the
    reference's do. Born 1948-03-01: 70½ on 2018-09-01."""
    d = Decimal
    events = [
        ev.PersonAdded(id="born", person="p", name="P", born=date(1948, 3, 1)),
        ev.IraContribution(
            id="c0",
            person="p",
            tax_year=2020,
            date=date(2020, 4, 1),
            amount=d("3000.00"),
            deductible=False,
        ),  # fmt: skip
        ev.IraYearEndValue(id="v0", person="p", year=2020, value=d("90000.00")),
        ev.IraContribution(
            id="c1",
            person="p",
            tax_year=2021,
            date=date(2021, 4, 1),
            amount=d("7000.00"),
            deductible=True,
        ),  # fmt: skip
        ev.IraContribution(
            id="c2",
            person="p",
            tax_year=2022,
            date=date(2022, 4, 1),
            amount=d("2500.00"),
            deductible=True,
        ),  # fmt: skip
        ev.IraDistribution(
            id="q", person="p", date=date(2023, 6, 1), amount=d("20000.00"), qcd=d("20000.00")
        ),  # fmt: skip
        ev.IraYearEndValue(id="v3", person="p", year=2023, value=d("80000.00")),
        ev.RothContribution(
            id="r", person="p", tax_year=2023, date=date(2023, 5, 1), amount=d("1000.00")
        ),  # fmt: skip
    ]
    person = fold("h", events).people["p"]
    assert_same_person(person, 2023, policy)
    full = reference_fold.compute_person(person, 2023, policy)
    excluded = full.year(2023).ira.excluded
    assert excluded is not None and excluded.offset_used == d("9500.00")  # 7,000 + 2,500
    assert_same_rows(HouseholdFacts("h", None, {"p": person}, frozenset()), 2023, policy)


#: amounts about the limits (2024: 7,000, 8,000 at 50; 2000: 2,000) and a cent either side
_CENTS = st.sampled_from(["0.00", "0.01", "1000.00", "1999.99", "2000.00", "3500.00",
                          "6999.99", "7000.00", "7000.01", "8000.00", "9000.00"]).map(Decimal)  # fmt: skip


@settings(max_examples=400, deadline=None)
@example(49, 2024, [Decimal("8000.00")], [])  # 49 on Dec 31: no catch-up (IRC 219(b)(5)(B))
@example(50, 2024, [Decimal("8000.00")], [])
@example(50, 2024, [Decimal("8000.00")], [(True, Decimal("0.01"))])
@example(None, 2024, [Decimal("7000.00")], [(False, Decimal("1000.00"))])
@given(
    st.one_of(st.none(), st.integers(48, 51), st.integers(18, 90)),
    st.integers(1995, 2035),
    st.lists(_CENTS, max_size=3),
    st.lists(st.tuples(st.booleans(), _CENTS), max_size=3),
)
def test_within_dollar_limit_is_over_dollar_limit(age, year, traditional, roth):
    """_within_dollar_limit (over_dollar_limit written out) is over_dollar_limit's False
    for the year's sums, ages about 50 and years off file (None: not within) included."""
    from types import SimpleNamespace

    from ledger import events as ev
    from ledger.projections.excess import over_dollar_limit
    from ledger.projections.facts import PersonFacts
    from ledger.projections.person import _within_dollar_limit

    when = date(year, 6, 1)
    born = None if age is None else date(year - age, 12, 31)
    ira = [
        ev.IraContribution(
            id=f"t{i}", person="p", tax_year=year, date=when, amount=a, deductible=False
        )
        for i, a in enumerate(traditional)
    ]
    kinds = {True: ev.RothContribution, False: ev.RothContributionReturn}
    fields = {False: {"earnings": Decimal("0.00")}, True: {}}
    rth = [
        kinds[c](id=f"r{i}", person="p", tax_year=year, date=when, amount=a, **fields[c])
        for i, (c, a) in enumerate(roth)
    ]
    person = PersonFacts("p", None, born, None, None, tuple(ira + rth))
    t = sum(traditional, Decimal("0"))
    r = sum((a if c else -a for c, a in roth), Decimal("0"))
    want = (not (t > 0 or r > 0)) or over_dollar_limit(born, year, t, r) is False
    assert _within_dollar_limit(person, year, SimpleNamespace(ira=ira, roth=rth)) == want


@st.composite
def spread_people(draw):
    """A 1998 or 2010 conversion whose income is spread (or elected out, or with its
    taxable part given), with the layers and contributions around it and distributions in
    the spread's years: the years before the spread's last whose withdrawals no report
    keeps are folded by ``withdrawals.drawn_year`` (the walk's takes, for the spread's
    acceleration) instead of ``roth_year``."""
    income_year = draw(st.sampled_from([1998, 2010]))
    born = draw(st.dates(date(1940, 1, 1), date(1985, 12, 31)))
    out: list[ev.Event] = [ev.PersonAdded(id="born", person="p", name="P", born=born)]

    def add(kind, **fields) -> None:
        out.append(kind(id=f"e{len(out)}", person="p", **fields))

    def money(lo: int, hi: int) -> Decimal:
        return Decimal(draw(st.integers(lo, hi))) / draw(st.sampled_from([1, 100]))

    for year in range(income_year - draw(st.integers(0, 2)), income_year + 6):
        if draw(st.booleans()):
            add(ev.RothContribution, tax_year=year, date=date(year, 4, 1), amount=money(100, 5_000))
        if year in (income_year - 1, income_year) or draw(st.integers(0, 3)) == 0:
            add(
                ev.IraContribution,
                tax_year=year,
                date=date(year, 1, 15),
                amount=money(100, 5_000),
                deductible=draw(st.booleans()),
            )
            for n in range(draw(st.integers(1, 2))):
                amount = money(1_000, 60_000)
                add(
                    ev.RothConversion,
                    date=date(year, 3 + n, 1),
                    amount=amount,
                    taxable=draw(st.sampled_from([None, None, amount, min(amount, Decimal(500))])),
                    elect_out_of_spread=draw(st.sampled_from([None, None, False, True]))
                    if year in (1998, 2010)
                    else None,
                )
            add(ev.IraYearEndValue, year=year, value=money(0, 80_000))
        if draw(st.integers(0, 3)) == 0:
            amt = money(1_000, 20_000)
            add(ev.PlanAfterTaxContribution, plan="k", date=date(year, 2, 1), amount=amt)
            add(
                ev.PlanDistribution,
                plan="k",
                date=date(year, 9, 1),
                amount=amt,
                account_value=amt + money(0, 2_000),
                separate_accounting=True,
                to_roth_ira=amt,
                to_traditional_ira=Decimal(0),
                to_cash=Decimal(0),
            )
        if draw(st.integers(0, 5)) == 0:
            add(
                ev.RothContributionReturn,
                tax_year=year,
                date=date(year, 5, 1),
                amount=money(100, 1_000),
                earnings=money(0, 100),
            )
        for _ in range(draw(st.integers(0, 3))):
            add(
                ev.RothDistribution,
                date=date(year, draw(st.integers(1, 12)), draw(st.integers(1, 28))),
                amount=money(50, 70_000),
            )
    return income_year, fold("h", out).people["p"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spread_people(), st.integers(0, 6), st.sampled_from(POLICIES))
def test_spread_years_folded_by_their_takes(case, later, policy):
    income_year, person = case
    assert_same_person(person, income_year + later, policy)
    facts = HouseholdFacts("h", None, {"p": person}, frozenset())
    assert_same_rows(facts, income_year + later, policy)


def test_spread_years_are_folded_by_their_takes():
    """The case above happens: a 2010 conversion spread over 2011-2012, withdrawals in
    2010 and 2011 that accelerate it; folded through 2013, the two years are not kept,
    so drawn_year folds them, and the result is the reference's."""
    from ledger.projections import person as fast

    evs = [
        ev.PersonAdded(id="born", person="p", name="P", born=date(1960, 1, 1)),
        ev.RothContribution(
            id="c", person="p", tax_year=2009, date=date(2009, 4, 1), amount=Decimal("5000.00")
        ),
        ev.IraContribution(
            id="i",
            person="p",
            tax_year=2010,
            date=date(2010, 1, 15),
            amount=Decimal("5000.00"),
            deductible=False,
        ),
        ev.RothConversion(id="v", person="p", date=date(2010, 3, 1), amount=Decimal("40000.00")),
        ev.IraYearEndValue(id="y", person="p", year=2010, value=Decimal("0")),
        ev.RothDistribution(id="d1", person="p", date=date(2010, 6, 1), amount=Decimal("9000.00")),
        ev.RothDistribution(id="d2", person="p", date=date(2011, 6, 1), amount=Decimal("12000.00")),
        ev.RothDistribution(id="d3", person="p", date=date(2011, 8, 1), amount=Decimal("3000.00")),
    ]
    person = fold("h", evs).people["p"]
    with mock.patch.object(fast, "drawn_year", wraps=fast.drawn_year) as drawn:
        assert_same_person(person, 2013, Policy())
    assert {c.args[2] for c in drawn.call_args_list} == {2010, 2011}
    full = compute_person(person, 2013, Policy())  # accelerated: 4,000 in 2010, the rest in 2011
    assert [full.years[y].spread_included for y in (2010, 2011, 2012)] == [4000, 31000, 0]
    fast = compute_person(person, 2013, Policy(), report_years=frozenset({2013}))
    assert repr(fast.final_state.spreads) == repr(full.final_state.spreads)
