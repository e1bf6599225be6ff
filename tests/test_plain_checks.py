"""ledger.ledgerfile.checks.plainly_without_problems, the import fast path's first
check across events, against the reference it stands in front of (cross_checks): True
only where cross_checks finds no problem -- on generated events of every kind it
handles and a few it does not, with dates at the edges of birth, tax-year start and
contribution deadline, taxable parts, plan splits and account values around the amount,
plans of two people, unlisted people, ids given twice or already stored -- and True for
the plain valid files it is there for (the benchmark's households), so the import keeps
its speed."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger import yearly
from ledger.ledgerfile import Known, fast
from ledger.ledgerfile.checks import cross_checks, plainly_without_problems
from ledger.ledgerfile.read import Node
from ledger.ledgerfile.validate import _Collector

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

PEOPLE = ("a", "b", "z")  # z: not listed
IDS = st.sampled_from([f"e{i}" for i in range(8)])
AMOUNT = st.sampled_from([Decimal(v) for v in ("0.00", "0.01", "99.99", "100.00", "100.01")])
MAYBE_AMOUNT = st.none() | AMOUNT
BIRTH = date(1970, 6, 15)


@st.composite
def near(draw, day: date) -> date:
    return day + timedelta(days=draw(st.sampled_from([-400, -2, -1, 0, 1, 2, 400])))


@st.composite
def contribution_day(draw, year: int) -> date:
    try:
        deadline = yearly.filing_deadline(year)
    except Exception:
        deadline = date(year + 1, 4, 15)
    return draw(st.one_of(near(date(year, 1, 1)), near(deadline), near(date(year, 7, 1))))


@st.composite
def event(draw):
    kind = draw(
        st.sampled_from(
            [
                "roth_contribution",
                "ira_contribution",
                "roth_distribution",
                "roth_year_end_value",
                "ira_year_end_value",
                "roth_conversion",
                "plan_after_tax_contribution",
                "plan_distribution",
                "void",
                "plan_roth_contribution",
            ]
        )
    )
    common = {"id": draw(IDS)}
    if kind == "void":
        return ev.Void(**common, target=draw(IDS), reason="x")
    person = draw(st.sampled_from(["a", "a", "a", "b", "z"]))  # mostly one listed
    common["person"] = person
    year = draw(st.sampled_from([1969, 1970, 1971, 2005, 2019, 2024, 1950, 2300]))
    amount = draw(AMOUNT)
    if kind in ("roth_contribution", "ira_contribution", "plan_roth_contribution"):
        extra: dict = {"tax_year": year, "date": draw(contribution_day(year)), "amount": amount}
        if kind == "ira_contribution":
            extra["deductible"] = draw(st.booleans())
        if kind == "plan_roth_contribution":
            extra["plan"] = draw(st.sampled_from(["k1", "k2"]))
        return ev.KINDS[kind](**common, **extra)
    if kind in ("roth_year_end_value", "ira_year_end_value"):
        return ev.KINDS[kind](**common, year=year, value=amount)
    day = draw(st.one_of(near(BIRTH), st.just(date(2012, 3, 1)), near(date(2010, 3, 1))))
    if kind == "roth_distribution":
        return ev.RothDistribution(
            **common,
            date=day,
            amount=amount,
            rolled_over=draw(MAYBE_AMOUNT),
            exception=draw(st.none() | st.sampled_from(["first_home", "nope"])),
            disaster=draw(st.booleans()),
            inherited_from=draw(st.none() | st.sampled_from(PEOPLE)),
        )
    if kind == "roth_conversion":
        return ev.RothConversion(
            **common,
            date=day,
            amount=amount,
            taxable=draw(MAYBE_AMOUNT),
            distributed_on=draw(st.none() | near(day)),
            elect_out_of_spread=draw(st.none() | st.booleans()),
        )
    plan = draw(st.sampled_from(["k1", "k2"]))
    if kind == "plan_after_tax_contribution":
        return ev.PlanAfterTaxContribution(**common, plan=plan, date=day, amount=amount)
    to_traditional = draw(st.sampled_from([Decimal("0.00"), Decimal("0.01")]))
    to_cash = draw(st.sampled_from([Decimal("0.00"), Decimal("100.00")]))
    to_roth = draw(AMOUNT | st.just(amount - to_traditional - to_cash))  # often the rest
    return ev.PlanDistribution(
        **common,
        plan=plan,
        date=day,
        amount=amount,
        account_value=draw(  # the value just before: about the amount, or none
            st.sampled_from([Decimal(v) for v in ("-1", "0", "-0.01", "0.01")]).map(
                lambda v: v if abs(v) >= 1 else amount + v
            )
            | st.sampled_from([Decimal(0), Decimal(-1)])
        ),
        separate_accounting=draw(st.booleans()),
        to_roth_ira=to_roth,
        to_traditional_ira=to_traditional,
        to_cash=to_cash,
    )


@st.composite
def case(draw, most: int = 8):
    events = draw(st.lists(event(), max_size=most))
    people = {"a": BIRTH, "b": draw(st.none() | st.just(date(2010, 3, 1)))}
    stored = {
        i: ev.RothYearEndValue(id=i, person="a", year=2005, value=Decimal(1))
        for i in draw(st.lists(IDS, max_size=1))
    }
    owners = draw(
        st.dictionaries(st.sampled_from(["k1", "k2"]), st.sampled_from(PEOPLE), max_size=1)
    )
    return events, people, Known(people, stored, owners)


def problems(events, people, known) -> list:
    out = _Collector("f")
    cross_checks([(e, Node({}, 3)) for e in events], people, known, out, ["person:a:x"])
    return out.problems


@settings(max_examples=1500, deadline=None)
@given(case())
def test_plainly_without_problems_only_where_the_reference_finds_none(c):
    events, people, known = c
    if plainly_without_problems(events, people, known):
        assert problems(events, people, known) == []


@settings(max_examples=1500, deadline=None)
@given(case(most=2))
def test_one_or_two_events_plainly_without_problems_only_where_the_reference_agrees(c):
    events, people, known = c
    if plainly_without_problems(events, people, known):
        assert problems(events, people, known) == []


def test_the_plain_valid_files_are_plainly_without_problems(tmp_path):
    """The generated firm households: no problem, and the fast check says so itself
    (else every file would pay for both checks); a file of them refused by the
    reference is not plainly without problems."""
    checked = 0
    for i in range(40):
        path = tmp_path / f"h{i}.json"
        path.write_text(json.dumps(household(i, 100)))
        plain = fast.read_plain(path)
        assert plain is not None
        ledger = fast.parse_plain(plain)
        assert ledger is not None
        people = {p.person: p.born for p in ledger.people}
        assert plainly_without_problems(ledger.events, people, Known())
        assert problems(ledger.events, people, Known()) == []
        late = ev.RothYearEndValue(id="late", person="a", year=1900, value=Decimal(1))
        assert not plainly_without_problems([*ledger.events, late], people, Known())
        assert problems([*ledger.events, late], people, Known()) != []
        checked += len(ledger.events)
    assert checked > 3000


def _made(make, year):
    try:
        return make(year)
    except Exception as exc:  # noqa: BLE001 -- compared: the same exception and words
        return (type(exc), str(exc))


@settings(max_examples=500, deadline=None)
@given(
    years=st.lists(
        st.one_of(
            st.integers(1970, 2040),
            st.integers(-3, 3),
            st.integers(9990, 10_001),
            st.integers(),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_kept_year_ends_and_starts_are_the_dates_made_again(years):
    """checks._year_end and checks._year_start (each year's Dec 31 and Jan 1 kept in the
    process) give end_of_year(year) and date(year, 1, 1) -- the same date, or the same
    exception and words -- at the first call and every one after (the dates kept)."""
    from ledger.dates import end_of_year
    from ledger.ledgerfile import checks

    for year in years + years:
        assert _made(checks._year_end, year) == _made(end_of_year, year)
        assert _made(checks._year_start, year) == _made(lambda y: date(y, 1, 1), year)
        held = checks._YEAR_ENDS.get(year)
        assert held is None or held == end_of_year(year)


@settings(max_examples=500, deadline=None)
@given(case())
def test_plainly_without_problems_answers_as_with_the_dates_made_again(c):
    """The kept Jan 1 and Dec 31 change no answer: plainly_without_problems says what it
    says with checks.REFERENCE_DAYS (every one made again, as before)."""
    from ledger.ledgerfile import checks

    events, people, known = c
    fast = plainly_without_problems(events, people, known)
    checks.REFERENCE_DAYS = True
    saved = dict(checks._YEAR_ENDS), dict(checks._YEAR_STARTS)
    checks._YEAR_ENDS.clear()
    checks._YEAR_STARTS.clear()
    try:
        assert plainly_without_problems(events, people, known) == fast
    finally:
        checks.REFERENCE_DAYS = False
        checks._YEAR_ENDS.update(saved[0])
        checks._YEAR_STARTS.update(saved[1])
