"""duplicate_groups (flows told apart by their key less the amount first, grouped by
amount only where that part is shared) against tests/reference_duplicates.py (every
flow keyed by its whole key): the same groups, keys (the flow that made each group), ids and
order -- or the same exception -- on generated flows of every compared kind and others,
with shared people, days, tax years and amounts (equal amounts with other exponents, zero
and minus zero, non-finite ones), with and without a filter of years."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.projections import duplicates as dup

from . import reference_duplicates

KINDS: list[type[ev.Event]] = sorted(dup._WITH_YEAR | dup._BY_DATE, key=lambda c: c.__name__) + [
    ev.RothYearEndValue,
    ev.RothContributionReturn,
]
AMOUNTS = st.sampled_from(
    ["100.00", "100.0", "100", "0.00", "-0.00", "1957.63", "1957.630", "5.5", "5.50"]
).map(Decimal)
ODD = st.sampled_from(["NaN", "sNaN", "Infinity", "-Infinity"]).map(Decimal)
DAYS = st.sampled_from([date(2020, 1, 2), date(2020, 1, 3), date(2021, 6, 1)])
YEARS = st.sampled_from([None, 2019, 2020, 2021])


@st.composite
def flow(draw, i: int, odd: bool) -> ev.Event:
    cls = draw(st.sampled_from(KINDS))
    values: dict = {}
    for f in ev.FIELDS[cls.kind]:
        if f.name == "person":
            values["person"] = draw(st.sampled_from(["a", "b"]))
        elif f.name == "amount":
            values["amount"] = draw(ODD if odd else AMOUNTS)
        elif f.type == "date":
            values[f.name] = draw(DAYS)
        elif f.name == "tax_year":
            year = draw(YEARS)
            if year is None and f.required:
                year = 2020
            values["tax_year"] = year
        elif f.type == "year":
            values[f.name] = 2020
        elif f.required:
            values[f.name] = {"money": Decimal("1.00"), "bool": False, "text": "p1"}[f.type]
    return cls(id=f"e{i}", **values)


def _outcome(function, events, years):
    try:
        return ("groups", list(function(events, years).items()))
    except Exception as exc:  # noqa: BLE001 -- compared
        return ("raised", type(exc), str(exc))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), size=st.integers(0, 14), years=st.none() | st.sets(YEARS))
def test_duplicate_groups_are_the_reference_groups(data, size, years):
    odd = data.draw(st.sets(st.integers(0, max(size - 1, 0)), max_size=2)) if size else set()
    if data.draw(st.integers(0, 3)):
        odd = set()  # mostly finite amounts: the fast path decides
    events = [data.draw(flow(i, i in odd)) for i in range(size)]
    years = None if years is None else {y for y in years if y is not None}
    fast = _outcome(dup.duplicate_groups, events, years)
    reference = _outcome(reference_duplicates.duplicate_groups, events, years)
    assert fast == reference
    if fast[0] == "groups":  # the keys' amounts are the same objects' values and exponents
        assert [str(k[4]) for k, _ in fast[1]] == [str(k[4]) for k, _ in reference[1]]
    # and a generator of the events reads as the list does
    assert _outcome(dup.duplicate_groups, iter(events), years) == reference
