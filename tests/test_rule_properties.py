"""Invariants of the rules, checked with hypothesis (STYLE.md example 9).

* every dollar withdrawn is drawn from exactly one layer (bucket or earnings);
* a plan split never creates or loses a cent;
* replaying the same events twice gives the same state and reports;
* basis never goes negative.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.reports.build import basis_report, withdrawals_report
from ledger.rules.ordering import Bucket, consume, ordered_buckets, walk
from ledger.rules.plan_split import split_distribution
from ledger.rules.policy import Policy

from .rules.helpers import facts

money = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c).scaleb(-2))
positive = st.integers(min_value=1, max_value=5_000_000).map(lambda c: Decimal(c).scaleb(-2))


@given(st.lists(money, max_size=8), money)
def test_walk_draws_each_dollar_from_exactly_one_layer(sizes, amount):
    buckets = [Bucket("conversion", 2000 + i, "taxable", 2000 + i, s) for i, s in enumerate(sizes)]
    before = [b.remaining for b in buckets]
    takes = walk(buckets, amount)
    assert sum((t.amount for t in takes), Decimal(0)) == amount
    assert all(t.amount > 0 for t in takes)
    for b, orig in zip(buckets, before):
        drawn = sum((t.amount for t in takes if t.bucket is b), Decimal(0))
        assert drawn == orig - b.remaining and b.remaining >= 0
    earnings = [t for t in takes if t.bucket is None]
    assert len(earnings) <= 1
    if earnings:
        assert all(b.remaining == 0 for b in buckets)


_bucket = st.tuples(
    st.sampled_from(
        [
            ("regular_contributions", None),
            ("designated_roth_rollover", "taxable"),
            ("designated_roth_rollover", "nontaxable"),
            ("conversion", "taxable"),
            ("conversion", "nontaxable"),
            ("plan_rollover", "taxable"),
            ("plan_rollover", "nontaxable"),
        ]
    ),
    st.integers(2010, 2016),
    money,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_bucket, max_size=12), money, st.sampled_from(["carry", "none"]))
def test_consume_draws_as_the_full_ordered_walk(specs, amount, irr):
    """ordering.consume (the batch's earlier years) draws the same dollars from the same
    buckets as walk(ordered_buckets(...)), which orders every tier first."""

    def make():
        tiers: dict[str, list[Bucket]] = {"regular": [], "drr": [], "conv": []}
        for (source, portion), y, size in specs:
            key = {"regular_contributions": "regular", "designated_roth_rollover": "drr"}
            b = Bucket(source, y, portion, y, size)
            tiers[key.get(source, "conv")].append(b)
        return tiers

    on, policy = date(2016, 12, 31), Policy(irr_recapture=irr)
    full, lazy = make(), make()
    walk(ordered_buckets(full["regular"], full["drr"], full["conv"], on, policy), amount)
    consume(lazy["regular"], lazy["drr"], lazy["conv"], on, policy, amount)
    for k in full:
        assert [b.remaining for b in lazy[k]] == [b.remaining for b in full[k]]


@given(
    positive, positive, money, st.integers(0, 3), st.integers(0, 3), st.sampled_from(["exact", "3"])
)
def test_plan_split_never_creates_or_loses_a_cent(amount, extra, basis, a, b, precision):
    value = amount + extra
    parts = [amount * a / 6, amount * b / 6]
    to_trad = parts[0].quantize(Decimal("0.01"))
    to_roth = min(parts[1].quantize(Decimal("0.01")), amount - to_trad)
    to_cash = amount - to_trad - to_roth
    s = split_distribution(amount, value, basis, to_trad, to_roth, to_cash, precision)
    assert s.after_tax + s.pretax == amount
    assert s.trad_pretax + s.trad_after_tax == to_trad
    assert s.roth_taxable + s.roth_nontaxable == to_roth
    assert s.cash_taxable + s.cash_nontaxable == to_cash
    assert s.trad_pretax + s.roth_taxable + s.cash_taxable == s.pretax
    for v in (
        s.after_tax,
        s.pretax,
        s.roth_taxable,
        s.roth_nontaxable,
        s.trad_pretax,
        s.trad_after_tax,
        s.cash_taxable,
        s.cash_nontaxable,
    ):
        assert v >= 0 and v == v.quantize(Decimal("0.01"))


year = st.integers(min_value=2012, max_value=2022)
event = st.one_of(
    st.tuples(st.just("roth_contribution"), year, positive),
    st.tuples(st.just("roth_conversion"), year, positive),
    st.tuples(st.just("roth_distribution"), year, positive),
)


def _build(evs):
    out = []
    for kind, y, amt in evs:
        if kind == "roth_contribution":
            out.append((kind, dict(tax_year=y, date=f"{y}-03-01", amount=str(amt))))
        elif kind == "roth_conversion":
            taxable = (amt / 2).quantize(Decimal("0.01"))
            out.append((kind, dict(date=f"{y}-05-01", amount=str(amt), taxable=str(taxable))))
        else:
            out.append((kind, dict(date=f"{y}-07-01", amount=str(amt))))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(event, min_size=1, max_size=12), st.sampled_from(["carry", "none"]))
def test_replay_is_deterministic_and_basis_never_negative(evs, irr):
    policy = Policy("exact", irr)
    f1 = facts("1975-05-05", *_build(evs))
    f2 = facts("1975-05-05", *_build(evs))
    for y in range(2012, 2023):
        r1 = withdrawals_report(f1, "p", y, policy)
        r2 = withdrawals_report(f2, "p", y, policy)
        assert r1 == r2
        total = sum((Decimal(d["amount"]) for d in r1["distributions"]), Decimal(0))
        drawn = sum((Decimal(d["amount"]) for d in r1["draws"]), Decimal(0))
        assert drawn == total  # every dollar of the year drawn from exactly one layer
        b = basis_report(f1, "p", date(y, 12, 31), policy)
        assert Decimal(b["regular_contribution_basis"]) >= 0
        for layer in b["conversion_layers"]:
            assert Decimal(layer["taxable"]) >= 0 and Decimal(layer["nontaxable"]) >= 0
