"""The per-person fold's shortcuts for the years a report does not show
(``compute_person(..., report_years=...)``) against the full fold, on generated people
whose contributions go over the limits, carry excesses, convert, withdraw and state
their income: the reported year's whole result and the whole carried state must be the
same (tests/test_batch_fast_path.py does it on the worked examples and the benchmark's
clients)."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger import yearly
from ledger.errors import LedgerError, MissingFact
from ledger.ledgerfile import Known, read_ledger_file, validate_ledger
from ledger.projections.excess import YearContributions, over_limits, reference_over_limits
from ledger.projections.facts import fold
from ledger.projections.person import compute_person
from ledger.rules.policy import Policy

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household, lifetime  # noqa: E402

_cents = st.integers(min_value=-50_000, max_value=1_500_000).map(lambda c: Decimal(c) / 100)
_amount = st.integers(min_value=1, max_value=1_200_000).map(lambda c: Decimal(c) / 100)
_born = st.one_of(st.none(), st.dates(date(1930, 1, 1), date(2004, 12, 31)))


@st.composite
def _income(draw, person: str = "p", year: int = 2020):
    return ev.TaxYearIncome(
        id=f"i{year}",
        person=person,
        tax_year=year,
        filing_status=draw(
            st.sampled_from(["single", "married_filing_jointly", "married_filing_separately"])
        ),
        magi=Decimal(draw(st.integers(0, 300_000))),
        compensation=draw(st.one_of(st.none(), st.integers(0, 9_000).map(Decimal))),
        lived_apart=draw(st.booleans()),
    )


@settings(max_examples=1000, deadline=None)
@given(
    st.integers(1995, 2028),  # years off the data files too: no limit on file
    st.data(),
    st.sampled_from([Decimal(0), Decimal(0), Decimal(0), Decimal("2500.00")]),
    st.sampled_from([None, None, None, Decimal(0), Decimal("3000.00")]),
    st.one_of(st.none(), st.none(), st.none(), _income()),
)
def test_over_limits_is_the_reference(year, data, r529, stated, income):
    """Where the answer turns: born 49, 50 or 51 years before (the catch-up), the
    contributions together a cent either side of the dollar limit."""
    born = data.draw(st.one_of(_born, st.dates(date(year - 51, 1, 1), date(year - 49, 12, 31))))
    trad = data.draw(_cents)
    roth = data.draw(_cents)
    if data.draw(st.booleans()):
        try:
            limit = yearly.ira_limit(year, None if born is None else year - born.year)
        except MissingFact:
            limit = Decimal(5000)
        roth = limit - max(trad, Decimal(0)) + data.draw(st.sampled_from([-1, 0, 1])) / Decimal(100)
    c = YearContributions(trad, roth, r529, stated, income)
    assert over_limits(born, year, c) == reference_over_limits(born, year, c)


@st.composite
def person_events(draw):
    """One person's events over a few years: contributions near and over the limits
    (excesses carried, withdrawn or absorbed), returns, backdoor conversions with the
    Form 8606 values, stated limits and income, plan flows and withdrawals."""
    born = draw(st.dates(date(1950, 1, 1), date(1995, 12, 31)))
    first = draw(st.integers(2010, 2020))
    out: list[ev.Event] = [ev.PersonAdded(id="born", person="p", name="P", born=born)]

    def add(kind, **fields) -> None:
        out.append(kind(id=f"e{len(out)}", person="p", **fields))

    def money(lo: int, hi: int) -> Decimal:
        return Decimal(draw(st.integers(lo, hi)))

    for year in range(first, draw(st.integers(first, 2024)) + 1):
        day = date(year, draw(st.integers(1, 12)), draw(st.integers(1, 28)))
        for _ in range(draw(st.integers(0, 2))):
            add(ev.RothContribution, tax_year=year, date=day, amount=money(100, 9_000))
        if draw(st.integers(0, 4)) == 0:
            add(
                ev.RothContributionReturn,
                tax_year=year,
                date=day,
                amount=money(100, 3_000),
                earnings=money(0, 200),
            )
        if draw(st.booleans()):  # backdoor: the Dec 31 value keeps Form 8606 computable
            add(
                ev.IraContribution,
                tax_year=year,
                date=date(year, 1, 15),
                amount=money(100, 9_000),
                deductible=draw(st.booleans()),
            )
            add(ev.RothConversion, date=date(year, 2, 1), amount=money(100, 9_000))
            add(ev.IraYearEndValue, year=year, value=money(0, 50_000))
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(_income("p", year)))
        if draw(st.integers(0, 5)) == 0:
            add(ev.RothContributionLimit, tax_year=year, limit=money(0, 7_000))
        if draw(st.integers(0, 3)) == 0:
            amt = money(1_000, 20_000)
            add(ev.PlanAfterTaxContribution, plan="k", date=date(year, 3, 1), amount=amt)
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
        if draw(st.booleans()):
            add(ev.RothYearEndValue, year=year, value=money(0, 90_000))
        for _ in range(draw(st.integers(0, 2))):
            add(
                ev.RothDistribution,
                date=date(year, draw(st.integers(1, 12)), draw(st.integers(1, 28))),
                amount=money(50, 12_000),
                exception=draw(st.sampled_from([None, None, None, "first_home"])),
            )
    return fold("h", out).people["p"]


def _fold(person, year, policy, report_years):
    try:
        return compute_person(person, year, policy, report_years=report_years)
    except LedgerError as exc:
        return str(exc)


def assert_same_fold(person, year: int, policy: Policy) -> None:
    full = _fold(person, year, policy, None)
    fast = _fold(person, year, policy, frozenset({year}))
    if isinstance(full, str) or isinstance(fast, str):
        assert fast == full
        return
    assert fast.year(year) == full.year(year)  # withdrawals, excess, forms, warnings...
    assert fast.final_state == full.final_state  # every bucket, carry, clock and cap
    for (d1, a1), (d2, a2) in zip(full.inherited, fast.inherited, strict=True):
        assert d1 == d2 and a1.year(year) == a2.year(year)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person_events(), st.integers(2010, 2026), st.sampled_from([Policy(), Policy("3", "none")]))
def test_the_shortcuts_give_the_full_fold(person, year, policy):
    assert_same_fold(person, year, policy)


def _facts(data: dict, tmp_path: Path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps(data))
    ledger = validate_ledger(read_ledger_file(path), Known())
    return fold(ledger.household, ledger.all_events())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.integers(0, 10**6), st.integers(5, 200), st.integers(2005, 2025))
def test_generated_clients(tmp_path, i, size, year):
    """The benchmark's clients (generate.household): any of them, any year."""
    for person in _facts(household(i, size, seed=i % 97), tmp_path).people.values():
        assert_same_fold(person, year, Policy())


def test_lifetime_client(tmp_path):
    (person,) = _facts(lifetime(400), tmp_path).people.values()
    for year in (2003, 2024):
        assert_same_fold(person, year, Policy())


_WARNINGS = st.lists(st.sampled_from(["a: over", "b: capped", "c: note"]), max_size=4)


@given(_WARNINGS, _WARNINGS)
def test_with_warnings_is_the_reference(own, rules):
    """withdrawals.with_warnings (the result itself when neither the ledger nor the rule
    warns) is reference_with_warnings (always replaced), repeats included, by repr."""
    from ledger.projections.withdrawals import reference_with_warnings, with_warnings
    from ledger.rules import exceptions as exc
    from ledger.rules import roth_distributions as rd

    zero = Decimal("0.00")
    result = rd.RothYear(
        2024, (), (), None, None, (), zero, Decimal("0"), None, None, exc.CapUsage(),
        tuple(rules), (),
    )  # fmt: skip
    fast = with_warnings(result, list(own))
    assert repr(fast) == repr(reference_with_warnings(result, list(own)))
    assert fast.warnings == tuple(dict.fromkeys(own + rules))
