"""The plain-year path of roth_year (``_plain_year``) against the full rule
(``shortcut=False``, the reference): the same RothYear (by repr, every figure, draw,
event id and warning) or the same exception (type and words), on generated years --
plain ones and ones the shortcut must hand to the full rule (an exception claimed, a
disaster, a death or disability on record, a corrective return, a traditional
distribution), slots that do not add up, basis that disagrees with the walk, cents and
whole dollars."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import yearly
from ledger.money import CENTS, WHOLE_DOLLARS
from ledger.rules import exceptions as exc
from ledger.rules import roth_distributions as rd

YEAR = 2021
START = date(YEAR, 1, 1)

amounts = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))
days = st.integers(min_value=0, max_value=364).map(lambda d: START + timedelta(days=d))
maybe_day = st.one_of(st.none(), st.none(), st.none(), days)

withdrawal = st.tuples(
    amounts.filter(lambda a: a > 0),
    days,
    st.sampled_from([False] * 6 + [True]),
    st.sampled_from([None] * 8 + ["medical", "first_home", "disability", "death"]),
)

slot = st.one_of(
    st.tuples(st.just("regular_contributions"), st.just(None), st.none()),
    st.tuples(
        st.just("designated_roth_rollover"),
        st.sampled_from(["taxable", "nontaxable"]),
        st.integers(2010, 2021),
    ),
    st.tuples(
        st.sampled_from(["conversion", "plan_rollover"]),
        st.sampled_from(["taxable", "nontaxable"]),
        st.integers(2010, 2021),
    ),
)


def _slots(kinds, total, split, with_earnings, off):
    """Slots adding up to ``total`` (plus ``off``, to make the walk disagree)."""
    out = []
    left = total
    for (source, portion, clock), fraction in zip(kinds, split):
        amt = min(left, (total * Decimal(fraction) / 100).quantize(Decimal("0.01")))
        left -= amt
        out.append(
            rd.Slot(source, clock or 2010, portion, clock, amt, (f"e{len(out)}", "e0"), "cite")
        )
    if with_earnings or left > 0:
        out.append(rd.Slot("earnings", None, None, None, left, (), "earn"))
    if off:
        out.append(rd.Slot("regular_contributions", 2011, None, None, off, ("x",), "cite"))
    return out


def _outcome(f):
    try:
        return "ok", repr(f())
    except Exception as e:  # noqa: BLE001 -- the two must raise alike
        return "raised", type(e), str(e)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(withdrawal, min_size=0, max_size=5),
    st.lists(slot, max_size=4),
    st.lists(st.integers(0, 100), min_size=4, max_size=4),
    st.booleans(),
    st.sampled_from([Decimal(0)] * 8 + [Decimal("0.01"), Decimal("5")]),
    st.tuples(amounts, amounts, st.booleans()),
    st.sampled_from([None, 2012, 2017, 2018, 2020, 2021]),
    st.one_of(days, st.just(date(2040, 1, 1)), st.just(date(1990, 1, 1))),
    maybe_day,
    maybe_day,
    st.lists(st.tuples(days, amounts), max_size=2),
    st.sampled_from([0] * 6 + [1]),
    st.sampled_from([CENTS, WHOLE_DOLLARS]),
)
def test_plain_year_is_the_full_rule(
    items,
    kinds,
    split,
    with_earnings,
    off,
    basis_in,
    clock,
    age59,
    died,
    disabled,
    rets,
    trads,
    rounding,
):
    ws = [
        rd.Withdrawal(f"d{i}", day, amt, exception=ex, disaster=dis)
        for i, (amt, day, dis, ex) in enumerate(items)
    ]
    total = sum((w.amount for w in ws), Decimal(0))
    slots = _slots(kinds, total, split, with_earnings, off)
    reg, conv, consistent = basis_in
    if consistent:  # the basis the walk drew from, or more
        reg = reg + sum((s.amount for s in slots if s.regular_tier), Decimal(0))
        conv = conv + sum((s.amount for s in slots if s.conversion_tier), Decimal(0))
    basis = rd.BasisBefore(reg, ("r1", "r2"), conv, ("c1",))
    owner = rd.Owner(
        age59,
        clock,
        ("k1", "k2"),
        died,
        ("died1",) if died else (),
        disabled,
        ("dis1",) if disabled else (),
    )
    returns = [rd.CorrectiveReturn(f"r{i}", day, e) for i, (day, e) in enumerate(rets)]
    traditional = [
        rd.TraditionalDistribution("t0", START + timedelta(days=40), Decimal("100"), Decimal("60"))
    ] * trads
    law = yearly.exception_law(YEAR)

    def run(shortcut):
        return rd.roth_year(
            YEAR,
            owner,
            iter(ws),
            iter(slots),
            basis,
            exc.CapUsage(),
            law,
            iter(returns),
            rounding,
            iter(traditional),
            shortcut=shortcut,
        )

    assert _outcome(lambda: run(True)) == _outcome(lambda: run(False))


def test_a_plain_year_takes_the_shortcut(monkeypatch):
    """The plain year goes by _plain_year (else the test above compares the rule with
    itself); one with a claimed exception does not."""
    seen = []
    plain = rd._plain_year
    monkeypatch.setattr(rd, "_plain_year", lambda *a: seen.append(1) or plain(*a))
    slots = [rd.Slot("regular_contributions", 2010, None, None, Decimal("300"), ("r",), "c")]
    args = (
        YEAR,
        rd.Owner(date(2040, 1, 1), 2012),
        [rd.Withdrawal("d", date(YEAR, 3, 1), Decimal("300"))],
        slots,
        rd.BasisBefore(Decimal("300"), ("r",), Decimal(0), ()),
        exc.CapUsage(),
        yearly.exception_law(YEAR),
    )
    rd.roth_year(*args)
    assert seen == [1]
    args2 = list(args)
    args2[2] = [rd.Withdrawal("d", date(YEAR, 3, 1), Decimal("300"), exception="medical")]
    rd.roth_year(*args2)
    assert seen == [1]
