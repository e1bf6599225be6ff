"""The ordering steps (ledger.rules.ordering) sort a tier only when it has two or more
buckets with dollars left; they return the same buckets in the same order as the sorted()
forms they replaced (the references below, as they were), for any tier and policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.rules.ordering import (
    Bucket,
    conversion_step,
    designated_roth_step,
    regular_step,
    walk,
)
from ledger.rules.policy import Policy


def ref_regular(regular, drr, conv, on, policy):
    return sorted((b for b in regular if b.remaining > 0), key=lambda b: b.year or 0)


def ref_drr(regular, drr, conv, on, policy):
    live = [b for b in drr if b.remaining > 0]
    if policy.irr_recapture != "carry":
        return sorted(live, key=lambda b: (b.year or 0, 1 if b.portion == "nontaxable" else 0))

    def key(b):
        hot = b.recapturable_on(on)
        return (b.year or 0, 0 if hot else 1, b.clock_year or 0)

    return sorted(live, key=key)


_ORDER = {
    ("conversion", "taxable"): 0,
    ("plan_rollover", "taxable"): 1,
    ("conversion", "nontaxable"): 2,
    ("plan_rollover", "nontaxable"): 3,
}


def ref_conversion(regular, drr, conv, on, policy):
    live = [b for b in conv if b.remaining > 0]
    return sorted(live, key=lambda b: (b.year or 0, _ORDER[(b.source, b.portion)]))


money = st.sampled_from([Decimal("0"), Decimal("0.00"), Decimal("0.01"), Decimal("5000")])
year = st.none() | st.integers(2010, 2016)


def buckets(sources, portions):
    return st.lists(
        st.builds(
            Bucket,
            st.sampled_from(sources),
            year,
            st.sampled_from(portions),
            year,
            money,
        ),
        max_size=6,
    )


@settings(max_examples=300, deadline=None)
@given(
    buckets(["regular_contributions"], [None]),
    buckets(["designated_roth_rollover"], ["taxable", "nontaxable"]),
    buckets(["conversion", "plan_rollover"], ["taxable", "nontaxable"]),
    st.sampled_from(["carry", "none"]),
    st.integers(2012, 2022),
)
def test_steps_are_the_sorted_references(regular, drr, conv, irr, y):
    on, policy = date(y, 12, 31), Policy(irr_recapture=irr)
    for step, ref in (
        (regular_step, ref_regular),
        (designated_roth_step, ref_drr),
        (conversion_step, ref_conversion),
    ):
        got = step(regular, drr, conv, on, policy)
        want = ref(regular, drr, conv, on, policy)
        assert [id(b) for b in got] == [id(b) for b in want]


def test_a_single_bucket_of_no_known_order_still_fails():
    odd = Bucket("conversion", 2015, None, 2015, Decimal("1"))
    with pytest.raises(KeyError):
        conversion_step([], [], [odd], date(2016, 12, 31), Policy())


def ref_walk(buckets, amount):
    """walk as it was (min() of the bucket's dollars and what is left)."""
    takes, left = [], amount
    for b in buckets:
        if left <= 0:
            break
        if b.remaining <= 0:
            continue
        take = min(b.remaining, left)
        b.remaining -= take
        left -= take
        takes.append((id(b), take))
    if left > 0:
        takes.append((None, left))
    return takes


amounts = st.sampled_from([Decimal("0"), Decimal("0.00"), Decimal("5000"), Decimal("5000.00")])


@settings(max_examples=300, deadline=None)
@given(buckets(["conversion"], ["taxable"]), amounts | st.decimals(0, 40000, places=2))
def test_walk_is_the_reference(specs, amount):
    def copy():
        return [Bucket(b.source, b.year, b.portion, b.clock_year, b.remaining) for b in specs]

    mine, ref = copy(), copy()
    mine_ids, ref_ids = [id(b) for b in mine], [id(b) for b in ref]
    got = [(t.bucket and mine_ids.index(id(t.bucket)), t.amount) for t in walk(mine, amount)]
    want = [(i and ref_ids.index(i), a) for i, a in ref_walk(ref, amount)]
    assert repr(got) == repr(want)
    assert repr([b.remaining for b in mine]) == repr([b.remaining for b in ref])
