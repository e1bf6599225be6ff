"""The import's limit warnings (ledger.projections.limits.contribution_warnings: in_force
skipped when no event is a void, each year's plan limits looked up once) are those of the
reference (tests/reference_limits.py: in_force always, the limits per (person, year)), in
words and order, on generated households with duplicates, voids (and voids of voids),
over-limit IRA and plan contributions, 529-to-Roth rollovers and recharacterizations;
for the whole ledger and for one (person, year) as ``record`` asks."""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.app.importing import _people
from ledger.ledgerfile import parse_ledger_file
from ledger.projections.duplicates import duplicate_warnings
from ledger.projections.limits import contribution_warnings
from ledger.voids import in_force

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

from .reference_limits import reference_contribution_warnings  # noqa: E402


@st.composite
def ledgers(draw) -> dict:
    data = household(draw(st.integers(0, 10_000)), draw(st.integers(5, 40)))
    events = data["events"]
    people = [p["id"] for p in data["people"]]
    n = len(events)

    def fresh() -> str:
        nonlocal n
        n += 1
        return f"x{n}"

    money = [e for e in events if "amount" in e and e["kind"] != "plan_distribution"]
    for e in draw(st.lists(st.sampled_from(money), max_size=4)) if money else []:
        twin = copy.deepcopy(e)  # the same movement entered twice
        twin["id"] = fresh()
        events.append(twin)
    given = [e for e in events if e["kind"] in ("roth_contribution", "ira_contribution")]
    for e in draw(st.lists(st.sampled_from(given), max_size=3)) if given else []:
        e["amount"] = f"{draw(st.integers(7_000, 90_000))}.00"  # over a limit, or near
    for _ in range(draw(st.integers(0, 4))):
        person, year = draw(st.sampled_from(people)), draw(st.integers(2005, 2026))
        events.append(
            {
                "id": fresh(),
                "kind": "plan_roth_contribution",
                "person": person,
                "plan": f"k{person}",
                "tax_year": year,
                "date": f"{year}-06-01",
                "amount": f"{draw(st.integers(1_000, 40_000))}.00",
                "employer": year >= 2023 and draw(st.booleans()),
            }
        )
    for _ in range(draw(st.integers(0, 3))):
        person, year = draw(st.sampled_from(people)), draw(st.integers(2024, 2026))
        events.append(
            {
                "id": fresh(),
                "kind": "roth_529_rollover",
                "person": person,
                "date": f"{year}-03-01",
                "tax_year": year,
                "amount": f"{draw(st.integers(1_000, 20_000))}.00",
            }
        )
    roth = [e for e in events if e["kind"] == "roth_contribution"]
    if roth and draw(st.booleans()):
        target = draw(st.sampled_from(roth))
        events.append(
            {
                "id": fresh(),
                "kind": "recharacterization",
                "person": target["person"],
                "date": target["date"],
                "target": target["id"],
                "amount": target["amount"],
            }
        )
    for _ in range(draw(st.integers(0, 4))):
        target = draw(st.sampled_from([e["id"] for e in events]))
        events.append({"id": fresh(), "kind": "void", "target": target, "reason": "test"})
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ledgers(), pick=st.randoms(use_true_random=False))
def test_limit_warnings_are_the_reference(data, pick):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.json"
        path.write_text(json.dumps(data))
        events = list(parse_ledger_file(path).all_events())
    live = in_force(events)
    people = _people(live)
    fast = contribution_warnings(people, events)
    assert fast == reference_contribution_warnings(people, events)
    assert contribution_warnings(people, iter(events)) == fast  # any iterable
    # the import's warnings: these and the duplicates', as _plan joins them
    assert fast + duplicate_warnings(live) == (
        reference_contribution_warnings(people, events) + duplicate_warnings(live)
    )
    dated = [e for e in events if getattr(e, "person", None) and e.effective_tax_year]
    if dated:
        e = pick.choice(dated)
        only = (e.person, e.effective_tax_year)
        assert contribution_warnings(people, events, only=only) == (
            reference_contribution_warnings(people, events, only=only)
        )


def test_a_void_takes_an_over_limit_contribution_out():
    """Guards the skip: with the void the warning goes, without it (no void) it stays."""
    data = household(1, 10)
    big = next(e for e in data["events"] if e["kind"] == "roth_contribution")
    big["amount"] = "90000.00"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.json"
        path.write_text(json.dumps(data))
        plain = list(parse_ledger_file(path).all_events())
        data["events"].append({"id": "v", "kind": "void", "target": big["id"], "reason": "x"})
        path.write_text(json.dumps(data))
        voided = list(parse_ledger_file(path).all_events())
    assert ev.Void in map(type, voided)
    people = _people(plain)
    over = [w for w in contribution_warnings(people, plain) if "90,000.00" in w]
    assert over and over == [
        w for w in reference_contribution_warnings(people, plain) if "90,000.00" in w
    ]
    assert not [w for w in contribution_warnings(people, voided) if "90,000.00" in w]


PLAIN_AMOUNTS = st.sampled_from(
    ["0", "0.00", "-0.00", "1.00", "2999.99", "3000.00", "3500.00", "4000.00", "4500.50"]
    + ["5000.00", "5500.00", "6000.00", "6500.00", "7000.00", "7500.00", "8000.00"]
    + ["3050.00", "5050.00", "5550.00", "6050.00", "6550.00", "7050.00", "8050.00"]
    + ["-100.00", "12000.00", "90000.00"]
).map(Decimal)


@st.composite
def plain_contributions(draw) -> tuple[dict, list[ev.Event]]:
    """Traditional and Roth contributions alone (the years _plain_sums adds up), of two
    people (one maybe without a birth date: no catch-up; one maybe 50+), in tax years on
    file and not (1990, 2035), now and then with a return or a stated limit (the
    general path for that person)."""
    people = {"a": draw(st.sampled_from([date(1950, 5, 1), date(1980, 1, 2)]))}
    if draw(st.booleans()):
        people["b"] = date(1975, 7, 4)
    events: list[ev.Event] = []
    for i in range(draw(st.integers(0, 12))):
        cls = draw(st.sampled_from([ev.IraContribution, ev.RothContribution]))
        extra = {"deductible": draw(st.booleans())} if cls is ev.IraContribution else {}
        events.append(
            cls(
                id=f"c{i}",
                person=draw(st.sampled_from(["a", "b"])),
                tax_year=draw(st.sampled_from([1990, 2005, 2019, 2020, 2024, 2026, 2035])),
                date=date(2020, 3, 1),
                amount=draw(PLAIN_AMOUNTS),
                **extra,
            )
        )
    if events and draw(st.integers(0, 4)) == 0:
        events.append(
            ev.RothContributionLimit(id="lim", person="a", tax_year=2020, limit=Decimal("1000.00"))
            if draw(st.booleans())
            else ev.RothContributionReturn(
                id="ret",
                person="a",
                tax_year=2020,
                date=date(2021, 3, 1),
                amount=Decimal("500.00"),
            )
        )
    return people, events


@settings(max_examples=300, deadline=None)
@given(case=plain_contributions(), pick=st.randoms(use_true_random=False))
def test_plain_contribution_years_warn_as_the_reference(case, pick):
    """The years of a person with only traditional and Roth contributions are summed
    (limits._plain_sums) and folded only when over the dollar limit, a year not on file,
    or a negative sum: the same warnings, in the same order, as the reference (which
    folds every year), for the whole ledger and for one (person, year)."""
    people, events = case
    assert contribution_warnings(people, events) == reference_contribution_warnings(people, events)
    if events:
        e = pick.choice(events)
        only = (e.person, e.tax_year)
        assert contribution_warnings(people, events, only=only) == (
            reference_contribution_warnings(people, events, only=only)
        )


@pytest.mark.parametrize(
    ("amounts", "year", "born"),
    [
        (("-100.00", "6050.00"), 2020, date(1980, 1, 2)),  # a negative sum: folded
        (("3000.00", "3000.00"), 2020, date(1980, 1, 2)),  # at the limit
        (("3000.00", "3000.01"), 2020, date(1980, 1, 2)),  # a cent over
        (("0.00", "0.00"), 2020, date(1980, 1, 2)),  # nothing contributed
        (("4000.00", "3000.00"), 2020, date(1950, 1, 2)),  # within the catch-up
        (("4000.00", "3000.00"), 2020, None),  # no birth date: no catch-up
        (("100.00", "100.00"), 2035, date(1980, 1, 2)),  # a year not on file
    ],
)
def test_plain_contribution_years_at_the_edges(amounts, year, born):
    traditional, roth = (Decimal(a) for a in amounts)
    events: list[ev.Event] = [
        ev.IraContribution(
            id="t",
            person="a",
            tax_year=year,
            date=date(2020, 3, 1),
            amount=traditional,
            deductible=False,
        ),
        ev.RothContribution(id="r", person="a", tax_year=year, date=date(2020, 3, 1), amount=roth),
    ]
    people = {} if born is None else {"a": born}
    assert contribution_warnings(people, events) == reference_contribution_warnings(people, events)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _LatePerson(ev.PersonAdded):
    """A subclass: isinstance picks it, as the reference did."""


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.sampled_from(["person", "late", "contribution", "text", "none"]),
            st.sampled_from(["a", "b"]),
            st.sampled_from([date(1950, 1, 1), date(1960, 6, 1), date(1980, 2, 3)]),
        ),
        max_size=10,
    )
)
def test_people_are_read_as_the_reference_reads_them(items):
    """importing._people (the person records picked by the class's instance check in C)
    against the comprehension it was: the same births, the later record winning, a
    subclass of PersonAdded picked, anything else passed over."""
    events: list[object] = []
    for i, (what, person, born) in enumerate(items):
        if what == "person":
            events.append(ev.PersonAdded(id=f"p{i}", person=person, born=born))
        elif what == "late":
            events.append(_LatePerson(id=f"l{i}", person=person, born=born))
        elif what == "contribution":
            events.append(
                ev.RothContribution(
                    id=f"c{i}", person=person, tax_year=2020, date=born, amount=Decimal("1")
                )
            )
        else:
            events.append("text" if what == "text" else None)
    reference = {e.person: e.born for e in events if isinstance(e, ev.PersonAdded)}
    got = _people(events)
    assert got == reference and list(got) == list(reference)


def _age_either(reckon, born, year):
    try:
        return "age", reckon(born, year)
    except Exception as exc:  # noqa: BLE001 -- compared: the same exception
        return type(exc), str(exc)


@settings(max_examples=400, deadline=None)
@given(
    born=st.dates() | st.datetimes(),
    year=st.integers(min_value=-5, max_value=10005) | st.sampled_from([True, 2024.0, "2024"]),
)
def test_age_at_year_end_is_the_reference(born, year):
    """age_at_year_end (year - born.year) is age_on(born, end_of_year(year)), exceptions
    included, for any date or datetime of birth and any year, in range or not."""
    from ledger.projections.limits import age_at_year_end, reference_age_at_year_end

    assert _age_either(age_at_year_end, born, year) == _age_either(
        reference_age_at_year_end, born, year
    )
