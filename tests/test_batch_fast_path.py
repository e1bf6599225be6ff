"""The batch report folds earlier years without their withdrawal reports
(``compute_person(..., report_years=...)``): the reported year must come out exactly as
the full fold gives it, whose figures the worked examples check to the cent."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.ledgerfile import Known, read_ledger_file, validate_ledger
from ledger.projections.facts import fold
from ledger.projections.person import compute_person
from ledger.projections.state import snapshot
from ledger.rules.policy import Policy

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from generate import household  # noqa: E402

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.yaml"))


def households():
    for path in EXAMPLES:
        ledger = validate_ledger(read_ledger_file(path), Known())
        yield path.stem, fold(ledger.household, ledger.all_events())
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for i in range(25):  # the benchmark's generated clients (20 years of history)
            path = Path(tmp) / f"{i}.json"
            path.write_text(json.dumps(household(i, 60)))
            ledger = validate_ledger(read_ledger_file(path), Known())
            yield f"generated-{i}", fold(ledger.household, ledger.all_events())


CASES = list(households())


@pytest.mark.parametrize("policy", [Policy(), Policy("3", "none")], ids=["default", "3-none"])
@pytest.mark.parametrize("name,facts", CASES, ids=[c[0] for c in CASES])
def test_reported_year_is_the_same_as_the_full_fold(name, facts, policy):
    compared = 0
    for person in facts.people.values():
        years = sorted({e.date.year for e in person.events if getattr(e, "date", None)})
        if years:  # and the years after: a 1998/2010 spread's income lands there
            years += [years[-1] + 1, years[-1] + 2]
        for year in years:
            full = compute_person(person, year, policy)
            fast = compute_person(person, year, policy, report_years=frozenset({year}))
            assert fast.year(year) == full.year(year)  # withdrawals, warnings, forms...
            assert snapshot(fast.final_state) == snapshot(full.final_state)
            compared += full.year(year).withdrawals is not None
            for (d1, a1), (d2, a2) in zip(full.inherited, fast.inherited, strict=True):
                assert d1 == d2 and a1.year(year) == a2.year(year)  # inherited accounts too
                compared += a1.year(year).withdrawals is not None
    from ledger.events import RothDistribution

    withdrew = any(isinstance(e, RothDistribution) for p in facts.people.values() for e in p.events)
    assert compared > 0 or not withdrew  # a year with withdrawals was compared, if any


def test_a_capped_exception_in_an_earlier_year_still_counts():
    # first-home $10,000 lifetime cap (IRC §72(t)(8)(B)): the nonqualified 2019
    # withdrawal (Roth opened 2017: 5-year period not met) uses 7,000 of it, so in 2020 only
    # 3,000 of an 8,000 first-home withdrawal of earnings is excepted -- the earlier year
    # must take the full path to record the cap it used.
    from ledger import events as ev

    person_events = [
        ev.PersonAdded(id="p", person="p", name="P", born=date(1985, 1, 1)),
        ev.RothContribution(
            id="c", person="p", tax_year=2017, date=date(2017, 3, 1), amount=Decimal("1000")
        ),
        ev.RothDistribution(
            id="d1",
            person="p",
            date=date(2019, 5, 1),
            amount=Decimal("7000"),
            exception="first_home",
        ),
        ev.RothDistribution(
            id="d2",
            person="p",
            date=date(2020, 5, 1),
            amount=Decimal("8000"),
            exception="first_home",
        ),
    ]
    facts = fold("h", person_events).people["p"]
    full = compute_person(facts, 2020, Policy()).year(2020).withdrawals
    fast = (
        compute_person(facts, 2020, Policy(), report_years=frozenset({2020})).year(2020).withdrawals
    )
    assert fast == full and full is not None
    assert full.distributions[0].excepted == Decimal("3000")


@pytest.mark.parametrize("name,facts", CASES, ids=[c[0] for c in CASES])
def test_the_batch_row_is_the_reference_row(name, facts):
    """batch_row's one pass over a person's events (activity, contributions,
    conversions) gives the row of roth_activity + person_row, in every year of the
    person's events and the years after (and no row where the reference has none)."""
    from ledger.app.batch import batch_row, reference_batch_row

    policy = Policy()
    rows = 0
    for person in facts.people.values():
        years = sorted({e.date.year for e in person.events if getattr(e, "date", None)})
        for year in [*years, *([years[-1] + 1] if years else [])]:
            fast = batch_row(facts.id, person, year, policy)
            assert fast == reference_batch_row(facts.id, person, year, policy)
            rows += fast is not None
    assert rows > 0 or not name.startswith("generated")  # the firm's clients have rows
