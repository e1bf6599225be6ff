"""Form 5329 Part I for traditional IRA distributions before 59½ (IRC §72(t)(1): 10% "of
the portion of such amount which is includible in gross income"; Instructions for Form
5329, line 1: early distributions includible in income from IRAs; line 2 the excepted
part with its number). Every expected number is form-line arithmetic written out in the
test: Form 8606 lines 9-15c for the taxable part, then 5329 lines 1-4."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger.money import cents
from ledger.rules import roth_distributions as rd
from ledger.rules.ira_pro_rata import distribution_shares
from ledger.yearly import exception_law

D = Decimal
BORN = "1985-06-01"  # 40 in 2025; 59½ on 2044-12-01


def _setup(run, born=BORN):
    assert run("record", "household", "-H", "h", "--name", "H").exit_code == 0
    r = run("record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", born)
    assert r.exit_code == 0, r.output


def _rec(run, kind, *args):
    r = run("record", kind, "-H", "h", "--person", "p", *args)
    assert r.exit_code == 0, r.output
    return r


def _report(run, kind, *extra):
    r = run("report", kind, "-H", "h", "--person", "p", "--tax-year", "2025", *extra)
    assert r.exit_code == 0, r.output
    return r if "--explain" in extra else json.loads(r.output)


def _lines(rep):
    return {k: D(v) for k, v in rep["part1"].items()}


def test_age_40_no_basis_whole_distribution_on_line_1(run):
    # no basis: Form 8606 not required, the whole $10,000 is income; line 1 = 10,000,
    # line 2 = 0, line 3 = 10,000, line 4 = 10% = 1,000
    _setup(run)
    _rec(run, "ira_distribution", "--id", "d1", "--date", "2025-05-01", "--amount", "10000")
    rep = _report(run, "form5329", "--format", "json")
    assert _lines(rep) == {"1": D(10000), "2": D(0), "3": D(10000), "4": D(1000)}
    assert (rep["1"], rep["4"], rep["additional_tax"]) == ("10000.00", "1000.00", "1000.00")
    w = _report(run, "withdrawals", "--format", "json")
    assert w["form5329"]["4"] == "1000.00" and w["distributions"] == []
    assert any("no Roth IRA distributions recorded for 2025" in x for x in w["warnings"])
    # the batch uses the same rule
    r = run("report", "batch", "--tax-year", "2025", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = [row for row in json.loads(r.output) if row["person"] == "p"]
    assert rows and rows[0]["additional_tax"] == "1000.00"


def test_with_basis_line_15c_share_and_a_medical_exception(run):
    # Form 8606: line 5 = 7,000 basis; line 6 = 60,000; line 7 = 6,000 + 4,000 = 10,000;
    # line 9 = 70,000; line 10 = 0.1; line 12 = 1,000; line 15c = 9,000.
    # shares of 15c: d1 9,000 x 6/10 = 5,400; d2 9,000 x 4/10 = 3,600 (medical, excepted).
    # 5329: line 1 = 9,000, line 2 = 3,600, line 3 = 5,400, line 4 = 540.
    _setup(run)
    _rec(
        run,
        "ira_contribution",
        "--tax-year",
        "2024",
        "--date",
        "2024-03-01",
        "--amount",
        "7000",
        "--deductible",
        "false",
    )
    _rec(run, "ira_distribution", "--id", "d1", "--date", "2025-05-01", "--amount", "6000")
    _rec(
        run,
        "ira_distribution",
        "--id",
        "d2",
        "--date",
        "2025-07-01",
        "--amount",
        "4000",
        "--exception",
        "medical",
    )
    _rec(run, "ira_year_end_value", "--year", "2025", "--value", "60000")
    assert D(_report(run, "form8606", "--format", "json")["part1"]["15c"]) == D(9000)
    rep = _report(run, "form5329", "--format", "json")
    assert _lines(rep) == {"1": D(9000), "2": D(3600), "3": D(5400), "4": D(540)}
    assert [(e["kind"], D(e["amount"])) for e in rep["exceptions"]] == [("medical", D(3600))]
    text = _report(run, "form5329", "--explain").output
    assert "part1.1[d1] = 5400.00" in text and "part1.1[d2] = 3600.00" in text
    assert "Form 8606 line 15c" in text


def test_at_59_and_a_half_no_additional_tax(run):
    _setup(run, born="1960-01-01")  # 59½ on 2019-07-01
    _rec(run, "ira_distribution", "--date", "2025-05-01", "--amount", "10000")
    assert _report(run, "form5329", "--format", "json")["part1"] == {}


def test_an_inapplicable_exception_is_refused(run):
    _setup(run)
    r = run(
        "record",
        "ira_distribution",
        "-H",
        "h",
        "--person",
        "p",
        "--date",
        "2025-05-01",
        "--amount",
        "1000",
        "--exception",
        "01",  # separation from service: never an IRA's (§72(t)(3)(A))
    )
    assert r.exit_code == 2, r.output
    assert "does not apply to a traditional IRA distribution" in r.output
    r = run("events", "-H", "h")
    assert "ira_distribution" not in r.output


def test_form_1099r_code_1_and_code_2_with_its_exception(run):
    _setup(run)
    for box7, extra, amount in (("1", (), "2000"), ("2", ("--exception", "levy"), "3000")):
        r = run(
            "record",
            "form-1099r",
            "-H",
            "h",
            "-p",
            "p",
            "--tax-year",
            "2025",
            "--box1",
            amount,
            "--box7",
            box7,
            "--ira-sep-simple",
            "--date",
            "2025-03-01" if box7 == "1" else "2025-04-01",
            *extra,
        )
        assert r.exit_code == 0, r.output
    # no basis: line 1 = 2,000 + 3,000 = 5,000; line 2 = 3,000 (levy); line 4 = 10% x 2,000
    rep = _report(run, "form5329", "--format", "json")
    assert _lines(rep) == {"1": D(5000), "2": D(3000), "3": D(2000), "4": D(200)}


def test_an_early_plan_distribution_in_cash_is_said_not_supported(run):
    _setup(run)
    _rec(
        run,
        "plan_distribution",
        "--plan",
        "k",
        "--date",
        "2025-05-01",
        "--amount",
        "5000",
        "--account-value",
        "5000",
        "--to-cash",
        "5000",
    )
    rep = _report(run, "form5329", "--format", "json")
    assert any(
        "not supported: the 10% on an early plan distribution (taxable 5000" in w
        for w in rep["warnings"]
    )


# --- the rule, without the command line -------------------------------------------


def _owner(**kw):
    return rd.Owner(date(2044, 12, 1), None, **kw)


def _year(trad, owner=None):
    return rd.roth_year(
        2025,
        owner or _owner(),
        [],
        [],
        rd.BasisBefore(D(0), (), D(0), ()),
        rd.exc.CapUsage(),
        exception_law(2025),
        traditional=trad,
    )


def test_rule_disaster_and_disability():
    t = rd.TraditionalDistribution("x", date(2025, 3, 1), D(8000), D(8000))
    y = _year([t])
    assert (y.additional.early_includible.value, y.additional_tax) == (D(8000), D(800))
    # a qualified disaster distribution's taxable part is line 15b (Form 8915-F): not here
    dis = rd.TraditionalDistribution("x", date(2025, 3, 1), D(8000), D(0), disaster=True)
    assert _year([dis]).additional is None
    # disabled before the distribution: excepted with its number (§72(t)(2)(A)(iii))
    y = _year([t], _owner(disabled_on=date(2024, 1, 1)))
    assert y.additional.excepted.value == D(8000) and y.additional_tax == D(0)
    assert y.traditional[0].exception == "disability"


def test_rule_shares_of_line_15c_add_up_and_skip_disaster():
    # I8606 2008 line 15b example: 15a 36,000 over 30,000 + 10,000 disaster; 15c = 27,000
    assert distribution_shares(D(27000), [(D(30000), False), (D(10000), True)]) == [
        D(27000),
        D(0),
    ]
    got = distribution_shares(D("100.00"), [(D(1), False), (D(1), False), (D(1), False)])
    assert sum(got) == D("100.00")


_money = st.decimals(min_value=0, max_value=10**6, places=2)


@given(st.lists(st.tuples(_money, st.booleans()), min_size=1, max_size=6), _money)
def test_property_shares_add_up_and_disaster_takes_none(parts, taxable):
    got = distribution_shares(taxable, parts)
    assert all(s == 0 for s, (_p, dis) in zip(got, parts) if dis)
    if any(p > 0 and not dis for p, dis in parts):
        assert sum(got) == taxable
    else:
        assert sum(got) == 0


@given(
    st.lists(
        st.tuples(st.integers(2040, 2049), _money, st.sampled_from([None, "medical", "levy"])),
        min_size=1,
        max_size=5,
    )
)
def test_property_line_1_is_the_early_shares_and_line_4_ten_percent(items):
    trad = [
        rd.TraditionalDistribution(f"t{i}", date(y, 1, 15), amt, amt, kind)
        for i, (y, amt, kind) in enumerate(items)
    ]
    y = rd.roth_year(
        2040,
        _owner(),
        [],
        [],
        rd.BasisBefore(D(0), (), D(0), ()),
        rd.exc.CapUsage(),
        exception_law(2025),
        traditional=trad,
    )
    early = sum((t.taxable for t in trad if t.date < date(2044, 12, 1)), D(0))
    excepted = sum((t.taxable for t in trad if t.date < date(2044, 12, 1) and t.exception), D(0))
    if y.additional is None:
        assert early == 0
        return
    assert y.additional.early_includible.value == early
    assert y.additional.excepted.value == excepted
    assert y.additional_tax == cents((early - excepted) * D("0.10"))  # half up, once
