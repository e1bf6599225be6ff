"""Rollovers that are not distributions (issue 11 item 4): ``rolled_over`` on
``roth_distribution`` and ``ira_distribution``, and the one-rollover-per-12-months limit.

Where the expected figures come from:

* Form 8606 Parts I and III ("a distribution does not include a rollover") and the
  Instructions for Form 8606, lines 7 and 19: only the part not rolled over is entered.
  A $10,000 Roth IRA distribution with $10,000 rolled over puts nothing on line 19 (no
  Part III at all); with $4,000 rolled over line 19 is $6,000 = 10,000 - 4,000. The
  published cases with a rollover added are tests/examples/pub590b-justin-rolled-over.yaml
  and pub590b-bill-king-rolled-over.yaml (the published figures must not move).
* IRC §408(d)(3)(B), Announcement 2014-15 / 2014-32 and Pub 590-A "Rollover From One IRA
  Into Another": one IRA-to-IRA rollover in any 1-year period across all of a person's
  IRAs, traditional and Roth together, from 2015; the period begins on the day of the
  distribution, so a distribution on the same day a year later may be rolled over.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.events import RothDistribution
from ledger.reports.build import form8606_report, withdrawals_report
from ledger.rules.policy import Policy
from ledger.rules.rollovers import (
    Rollover,
    conflicting_rollover,
    distributed,
    one_year_after,
    within_one_year,
)

from .rules.helpers import facts


def D(x) -> Decimal:
    return Decimal(str(x))


# --- the rule -------------------------------------------------------------------------


def test_the_year_runs_from_the_day_of_the_distribution():
    assert one_year_after(date(2024, 3, 1)) == date(2025, 3, 1)
    assert one_year_after(date(2024, 2, 29)) == date(2025, 3, 1)
    assert within_one_year(date(2024, 3, 1), date(2025, 2, 28))
    assert not within_one_year(date(2024, 3, 1), date(2025, 3, 1))
    assert within_one_year(date(2025, 2, 28), date(2024, 3, 1))  # either order


def test_conflicting_rollover_names_the_earliest_and_ignores_pre_2015():
    a, b = Rollover("a", date(2024, 1, 10)), Rollover("b", date(2024, 6, 1))
    assert conflicting_rollover(date(2024, 12, 1), [b, a]) == a
    assert conflicting_rollover(date(2025, 1, 10), [a]) is None
    # Announcement 2014-32: the aggregate limit applies to distributions after 2014
    assert conflicting_rollover(date(2014, 6, 1), [Rollover("c", date(2014, 1, 1))]) is None
    assert conflicting_rollover(date(2015, 3, 1), [Rollover("c", date(2014, 12, 1))]) is None


@settings(max_examples=80, deadline=None)
@given(st.lists(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)), max_size=12))
def test_accepted_rollovers_are_never_within_a_year_of_each_other(days):
    """Invariant of the check as import applies it (each against those accepted before):
    no two accepted rollovers share a 1-year period, and each refused one shares one with
    an accepted rollover, the one named."""
    accepted: list[Rollover] = []
    for i, day in enumerate(days):
        other = conflicting_rollover(day, accepted)
        if other is None:
            accepted.append(Rollover(f"r{i}", day))
        else:
            assert other in accepted and within_one_year(other.date, day)
    for a in accepted:
        for b in accepted:
            assert a is b or not within_one_year(a.date, b.date)


def test_distributed_is_the_rest():
    assert distributed(D(10000), D(4000)) == D(6000)
    assert distributed(D(10000), None) == D(10000)
    with pytest.raises(ValueError):
        distributed(D(100), D("100.01"))


# --- the figures ------------------------------------------------------------------------

POLICY = Policy()


def _roth(rolled: str | None, amount: str = "10000"):
    fields: dict[str, object] = {"date": "2024-06-01", "amount": amount}
    if rolled is not None:
        fields["rolled_over"] = D(rolled)
    return facts(
        "1980-01-01",
        ("roth_conversion", {"date": "2020-03-01", "amount": "30000", "taxable": "30000"}),
        ("roth_contribution", {"tax_year": 2021, "date": "2021-03-01", "amount": "6000"}),
        ("roth_distribution", fields),
    )


def test_whole_rollover_is_no_distribution_on_line_19():
    hh = _roth("10000")
    w = withdrawals_report(hh, "p", 2024, POLICY)
    assert w["distributions"] == [] and w["form8606"] == {}
    assert any("e3 rolled over within 60 days" in x for x in w["warnings"])
    assert "part3" not in form8606_report(hh, "p", 2024, POLICY)


def test_partial_rollover_line_19_is_the_rest():
    # 10,000 - 4,000 = 6,000 on line 19; the 6,000 of regular basis (line 22) covers it
    w = withdrawals_report(_roth("4000"), "p", 2024, POLICY)
    assert w["form8606"]["19"] == "6000.00"
    assert w["form8606"]["22"] == "6000.00"
    assert w["distributions"][0]["amount"] == "6000.00"
    assert w["distributions"][0]["rolled_over"] == "4000.00"


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=1, max_value=6_000_000),
    st.integers(min_value=0, max_value=100),
)
def test_a_rollover_is_the_same_as_distributing_only_the_rest(cents, percent):
    """Invariant: every figure of a distribution with ``rolled_over`` R equals the figures
    of a distribution of ``amount - R`` (and none at all when R is the whole amount)."""
    amount = Decimal(cents).scaleb(-2)
    rolled = (amount * percent / 100).quantize(Decimal("0.01"))
    with_rollover = withdrawals_report(_roth(str(rolled), str(amount)), "p", 2024, POLICY)
    rest = amount - rolled
    if rest == 0:
        assert with_rollover["form8606"] == {} and with_rollover["taxable_amount"] == "0.00"
        return
    plain = withdrawals_report(_roth(None, str(rest)), "p", 2024, POLICY)
    for key in ("form8606", "form5329", "draws", "taxable_amount", "additional_tax"):
        assert with_rollover[key] == plain[key], key


def test_planner_counts_only_what_was_distributed():
    hh = _roth("4000")
    e = next(e for e in hh.person("p").events if isinstance(e, RothDistribution))
    assert e.rolled_over == D(4000)
    from ledger.reports.plan import withdrawal_plan

    plan = withdrawal_plan(hh, "p", date(2024, 12, 1), POLICY, D(100))
    assert plan["already_withdrawn_this_year"] == "6000.00"


# --- the command line ---------------------------------------------------------------------


def _setup(run):
    run("record", "household", "-H", "h", "--name", "H")
    run("record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", "1980-01-01")
    run("record", "person", "-H", "h", "--id", "q", "--name", "Q", "--born", "1980-01-01")


def _events(run) -> list[dict]:
    return json.loads(run("events", "-H", "h", "--format", "json").output)["events"]


def _dist(run, kind, day, amount, rolled=None, *more):
    args = ["record", kind, "-H", "h", "--person", "p", "--date", day, "--amount", amount]
    if rolled is not None:
        args += ["--rolled-over", rolled]
    return run(*args, *more)


def test_second_rollover_within_12_months_is_refused_across_roth_and_traditional(run):
    _setup(run)
    first = _dist(run, "roth_distribution", "2024-03-01", "10000", "10000", "--id", "r1")
    assert first.exit_code == 0, first.output
    before = len(_events(run))
    r = _dist(run, "ira_distribution", "2025-02-28", "5000", "5000")
    assert r.exit_code == 2
    assert "rolled_over: r1 (distributed 2024-03-01) was already rolled over" in r.output
    assert "IRC §408(d)(3)(B); Announcement 2014-15" in r.output
    assert len(_events(run)) == before  # nothing stored
    # a day later the year that began on 2024-03-01 is over (Pub 590-A)
    assert _dist(run, "ira_distribution", "2025-03-01", "5000", "5000").exit_code == 0
    # a distribution not rolled over is not limited; another person has their own year
    assert _dist(run, "roth_distribution", "2024-04-01", "100").exit_code == 0
    other = ["record", "ira_distribution", "-H", "h", "--person", "q", "--date", "2024-03-02"]
    assert run(*other, "--amount", "50", "--rolled-over", "50").exit_code == 0


def test_the_same_rollover_recorded_twice_is_a_second_rollover(run):
    """Without an id an identical event is a new fact (two deposits); checked as new, so
    the 12-month limit sees it (record and record form-1099r)."""
    _setup(run)
    assert _dist(run, "roth_distribution", "2024-03-01", "500", "500").exit_code == 0
    r = _dist(run, "roth_distribution", "2024-03-01", "500", "500")
    assert r.exit_code == 2 and "was already rolled over" in r.output
    form = ["record", "form-1099r", "-H", "h", "-p", "q", "--tax-year", "2024", "--box1", "80"]
    form += ["--box7", "J", "--date", "2024-07-01", "--rolled-over", "80"]
    assert run(*form).exit_code == 0
    r = run(*form)
    assert r.exit_code == 2 and "was already rolled over" in r.output


def test_a_voided_rollover_frees_the_year(run):
    _setup(run)
    _dist(run, "roth_distribution", "2024-03-01", "10000", "10000", "--id", "r1")
    assert run("void", "r1", "--reason", "not a rollover").exit_code == 0
    assert _dist(run, "roth_distribution", "2024-05-01", "100", "100").exit_code == 0


def test_import_refuses_the_second_rollover_with_file_and_line(run, tmp_path):
    _setup(run)
    f = tmp_path / "two.yaml"
    f.write_text(
        "version: 1\nhousehold: h\nevents:\n"
        "  - {id: a, kind: ira_distribution, person: p, date: 2024-01-05, amount: 100, rolled_over: 100}\n"
        "  - {id: b, kind: roth_distribution, person: p, date: 2024-12-31, amount: 90, rolled_over: 40}\n"
    )
    before = len(_events(run))
    r = run("import", str(f))
    assert r.exit_code == 2
    assert (
        f"{f.name}:5: rolled_over: a (distributed 2024-01-05) was already rolled over" in r.output
    )
    assert len(_events(run)) == before
    g = tmp_path / "more.yaml"
    g.write_text(
        "version: 1\nhousehold: h\nevents:\n"
        "  - {kind: roth_distribution, person: p, date: 2024-12-31, amount: 90, rolled_over: 91}\n"
    )
    r = run("import", str(g))
    assert r.exit_code == 2 and "rolled_over: 91.00 is more than amount 90.00" in r.output


def test_record_help_and_explain_show_rolled_over(run):
    _setup(run)
    for kind in ("roth_distribution", "ira_distribution"):
        text = " ".join(run("record", kind, "--help").output.split())
        assert "--rolled-over" in text and "within 60 days" in text
    run(
        "record",
        "roth_contribution",
        "-H",
        "h",
        "--person",
        "p",
        "--tax-year",
        "2023",
        "--date",
        "2023-03-01",
        "--amount",
        "6000",
    )
    _dist(run, "roth_distribution", "2024-06-01", "10000", "4000", "--id", "d1")
    args = ["-H", "h", "-p", "p", "-y", "2024", "--format", "json", "--explain"]
    out = json.loads(run("report", "withdrawals", *args).output)
    entry = next(e for e in out["explain"] if e["figure"] == "rolled_over.d1")
    assert (
        entry["value"] == "4000.00" and "not a distribution on Form 8606 line 19" in entry["rule"]
    )
    line19 = next(e for e in out["explain"] if e["figure"] == "form8606.19")
    assert line19["value"] == "6000.00"
    assert line19["events"][0]["rolled_over"] == "4000.00"
    table = run("report", "withdrawals", "-H", "h", "-p", "p", "-y", "2024").output
    assert "4,000.00 more was rolled over within 60 days" in table
    year = run("report", "year", "-H", "h", "-p", "p", "-y", "2024").output
    assert "rolled over within 60 days 4,000.00, distributed 6,000.00" in year
    assert "Rollover d1 (roth_distribution, 2024-06-01): 10,000.00" in year


def test_form_1099r_rolled_over(run):
    _setup(run)
    common = ["record", "form-1099r", "-H", "h", "-p", "p", "--tax-year", "2024"]
    r = run(
        *common, "--box1", "10000", "--box7", "J", "--date", "2024-03-01", "--rolled-over", "10000"
    )
    assert r.exit_code == 0, r.output
    assert "Form 5498 box 2" in r.output
    (dist,) = [e for e in _events(run) if e["kind"] == "roth_distribution"]
    assert dist["fields"]["rolled_over"] == "10000.00"
    ira = [*common, "--box1", "600", "--box7", "1", "--ira-sep-simple", "--date"]
    r = run(*ira, "2024-09-01", "--rolled-over", "600")
    assert r.exit_code == 2 and "already rolled over" in r.output  # the 12 months
    r = run(*ira, "2024-09-01", "--rolled-over", "700")
    assert r.exit_code == 2 and "at most box 1 (600.00)" in r.output
    r = run(*ira, "2024-09-01", "--converted", "--rolled-over", "100")
    assert r.exit_code == 2 and "not a 60-day IRA rollover" in r.output
    r = run(
        *common,
        "--box1",
        "500",
        "--box2a",
        "20",
        "--box7",
        "J8",
        "--for-tax-year",
        "2024",
        "--date",
        "2024-09-01",
        "--rolled-over",
        "100",
    )
    assert r.exit_code == 2 and "rolled_over" in r.output
    assert "--rolled-over" in run("record", "form-1099r", "--help").output
