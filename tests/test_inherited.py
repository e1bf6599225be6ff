"""Inherited Roth IRAs through the command line (issue 11 item 8).

The numbers: Pub 590-B, "Distributions to beneficiaries" (Hibbard example): a Roth IRA of
$4,000 regular contributions and a $10,000 conversion made in 2016 (no basis in it) left
to four children equally; an immediate distribution of $4,000 to each in 2020 is $1,000
of regular contributions, $2,500 of the conversion and $500 of earnings, and each child
includes $500 in income -- no 10% (IRC §72(t)(2)(A)(ii), code 4). Form 8606 Part III
arithmetic from its instructions (lines 19-25c)."""

from __future__ import annotations

import json

import pytest

HIBBARD = """version: 1
household: {id: hib, name: Hibbard}
people:
  - {id: m, name: Ms. Hibbard, born: 1950-01-01}
  - {id: c1, name: Child 1, born: 1980-01-01}
  - {id: c2, name: Child 2, born: 1982-01-01}
  - {id: c3, name: Child 3, born: 1984-01-01}
  - {id: c4, name: Child 4, born: 1986-01-01}
events:
  - {id: rc, kind: roth_contribution, person: m, tax_year: 2016, date: 2016-04-01, amount: 4000}
  - {id: cv, kind: roth_conversion, person: m, date: 2016-06-01, amount: 10000, taxable: 10000}
  - {id: dd, kind: person_died, person: m, date: 2020-03-01}
  - {id: i1, kind: roth_inherited, person: c1, date: 2020-04-01, decedent: m, percent: 25}
  - {id: i2, kind: roth_inherited, person: c2, date: 2020-04-01, decedent: m, percent: 25}
  - {id: i3, kind: roth_inherited, person: c3, date: 2020-04-01, decedent: m, percent: 25}
  - {id: i4, kind: roth_inherited, person: c4, date: 2020-04-01, decedent: m, percent: 25}
  - {id: own, kind: roth_contribution, person: c1, tax_year: 2020, date: 2020-02-01, amount: 6000}
"""
DIST = "  - {{id: {id}, kind: roth_distribution, person: {p}, date: {d}, amount: {a}{extra}}}\n"


def _json(run, *args):
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def _import(run, tmp_path, text):
    path = tmp_path / "hib.yaml"
    path.write_text(text)
    return run("import", str(path))


def _hibbard(run, tmp_path, *dists):
    r = _import(run, tmp_path, HIBBARD + "".join(dists))
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("child", ["c1", "c2", "c3", "c4"])
def test_pub590b_hibbard_each_child(run, tmp_path, child):
    _hibbard(
        run,
        tmp_path,
        *(
            DIST.format(id=f"w{c}", p=c, d="2020-06-01", a=4000, extra=", inherited_from: m")
            for c in ("c1", "c2", "c3", "c4")
        ),
    )
    w = _json(run, "report", "withdrawals", "-H", "hib", "-p", child, "-y", 2020)
    [acct] = w["inherited"]
    assert acct["decedent"] == "m" and acct["qualified"] is False  # 5 years end 2020
    assert acct["form8606"] == {
        "19": "4000.00", "20": "0.00", "21": "4000.00", "22": "1000.00", "23": "3000.00",
        "24": "2500.00", "25a": "500.00", "25b": "0.00", "25c": "500.00",
    }  # fmt: skip
    assert acct["taxable_amount"] == "500.00" and acct["additional_tax"] == "0.00"
    [d] = acct["distributions"]
    assert d["exception"] == "death" and d["exception_code"] == "04"
    assert any(x.startswith("not supported: the required minimum") for x in acct["warnings"])
    # the person's own Roth IRAs are apart: none of their basis was used, none taken
    assert w["distributions"] == [] and w["taxable_amount"] == "0.00"
    f = _json(run, "report", "form8606", "-H", "hib", "-p", child, "-y", 2020)
    assert f["inherited"] == [{"decedent": "m", "part3": acct["form8606"]}]
    assert "part3" not in f
    year = _json(run, "report", "year", "-H", "hib", "-p", child, "-y", 2020)
    assert year["taxable_income"]["roth_distributions"] == "500.00"
    assert year["taxable_income"]["total"] == "500.00"


def _c1_takes(run, tmp_path, own: int) -> dict:
    """c1 takes 4,000 from the Roth IRA inherited from m (2020-06-01) and ``own`` from
    her own Roth IRA (2020-07-01): her 2020 withdrawal report."""
    _hibbard(
        run,
        tmp_path,
        DIST.format(id="wi", p="c1", d="2020-06-01", a=4000, extra=", inherited_from: m"),
        DIST.format(id="wo", p="c1", d="2020-07-01", a=own, extra=""),
    )
    return _json(run, "report", "withdrawals", "-H", "hib", "-p", "c1", "-y", 2020)


def test_own_and_inherited_are_ordered_apart(run, tmp_path):
    # c1 takes 6,000 from her own Roth IRA (her 6,000 contribution: nothing taxable) and
    # 4,000 from the inherited one (500 taxable); one combined walk would differ
    w = _c1_takes(run, tmp_path, 6000)
    assert w["form8606"]["22"] == "6000.00" and w["taxable_amount"] == "0.00"
    assert w["inherited"][0]["taxable_amount"] == "500.00"
    batch = run("report", "batch", "-y", 2020, "--format", "json")
    rows = {r["person"]: r for r in json.loads(batch.output)}
    assert rows["c1"]["taxable_amount"] == "500.00" and rows["c1"]["distributions"] == "10000.00"
    basis = _json(run, "report", "basis", "-H", "hib", "-p", "c2", "--as-of", "2020-12-31")
    [acct] = basis["inherited"]
    assert acct["regular_contribution_basis"] == "1000.00"
    assert acct["conversion_layers"][0]["taxable"] == "2500.00"
    assert acct["qualified_clock_starts"] == "2016-01-01"  # the decedent's (Reg. A-7(a))
    assert basis["regular_contribution_basis"] == "0.00"


def test_inherited_distribution_after_the_decedents_five_years_is_qualified(run, tmp_path):
    # 2021: the 5-taxable-year period that began 2016-01-01 is over (Reg. A-7(a)): qualified
    _hibbard(
        run,
        tmp_path,
        DIST.format(id="w", p="c2", d="2021-06-01", a=4000, extra=", inherited_from: m"),
    )
    acct = _json(run, "report", "withdrawals", "-H", "hib", "-p", "c2", "-y", 2021)["inherited"][0]
    assert acct["qualified"] is True and acct["taxable_amount"] == "0.00"
    assert acct["form8606"] == {}


SPOUSE = """version: 1
household: {id: sp, name: Spouses}
people:
  - {id: h, name: H, born: 1955-01-01}
  - {id: s, name: S, born: 1960-01-01}
events:
  - {kind: roth_contribution, person: h, tax_year: 2016, date: 2016-04-01, amount: 4000}
  - {kind: roth_conversion, person: h, date: 2016-06-01, amount: 10000, taxable: 10000}
  - {kind: person_died, person: h, date: 2023-02-01}
  - {kind: roth_contribution, person: s, tax_year: 2022, date: 2022-03-01, amount: 6000}
  - {kind: roth_distribution, person: s, date: 2024-06-01, amount: 25000}
"""


@pytest.mark.parametrize("own, taxable", [(True, "0.00"), (False, "19000.00")])
def test_spouse_who_treats_it_as_her_own(run, tmp_path, own, taxable):
    # Reg. §1.408A-6 A-7(b): treated as her own, the earlier period (2016) counts, so at 64
    # in 2024 her distribution is qualified; without the election her own period (2022)
    # runs to 2026 and the 19,000 over her 6,000 basis is taxable (no 10%: over 59½)
    text = SPOUSE
    if own:
        text += "  - {kind: roth_inherited, person: s, date: 2023-05-01, decedent: h, treat_as_own: true}\n"
    assert _import(run, tmp_path, text).exit_code == 0
    w = _json(run, "report", "withdrawals", "-H", "sp", "-p", "s", "-y", 2024)
    assert w["taxable_amount"] == taxable and w["additional_tax"] == "0.00"
    assert w["qualified"] is own
    basis = _json(run, "report", "basis", "-H", "sp", "-p", "s", "--as-of", "2023-12-31")
    assert basis["qualified_clock_starts"] == ("2016-01-01" if own else "2022-01-01")
    # the basis joins hers: 6,000 + 4,000 regular, the 2016 layer
    assert basis["regular_contribution_basis"] == ("10000.00" if own else "6000.00")
    assert bool(basis["conversion_layers"]) is own


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            "  - {kind: roth_inherited, person: c1, date: 2020-04-01, decedent: m, percent: 10}\n",
            "c1 already inherits from m",
        ),
        (
            "  - {kind: roth_inherited, person: c1, date: 2020-01-01, decedent: c2}\n",
            "decedent: no person_died recorded for c2",
        ),
        (
            "  - {kind: roth_inherited, person: c1, date: 2020-01-01, decedent: zz}\n",
            "decedent: unknown person 'zz'",
        ),
        (
            "  - {kind: roth_distribution, person: c2, date: 2020-06-01, amount: 1, inherited_from: c3}\n",
            "inherited_from: c2 has no roth_inherited from 'c3'",
        ),
        (
            "  - {kind: roth_distribution, person: c2, date: 2020-02-01, amount: 1, inherited_from: m}\n",
            "date: 2020-02-01 is before m's death (2020-03-01)",
        ),
    ],
)
def test_refusals(run, tmp_path, extra, message):
    r = _import(run, tmp_path, HIBBARD + extra)
    assert r.exit_code == 2 and message in r.output, r.output


def test_shares_over_100_and_treat_as_own_of_a_share_are_refused(run, tmp_path):
    text = HIBBARD.replace("percent: 25}\n  - {id: i4", "percent: 30}\n  - {id: i4")
    r = _import(run, tmp_path, text)
    assert r.exit_code == 2 and "shares of m's Roth IRAs add up to more than 100" in r.output
    text = HIBBARD.replace(
        "percent: 25}\n  - {id: i2", "percent: 25, treat_as_own: true}\n  - {id: i2"
    )
    r = _import(run, tmp_path, text)
    assert r.exit_code == 2 and "percent must be 100" in r.output


def test_explain_traces_the_inherited_figures_to_the_decedents_events(run, tmp_path):
    _hibbard(
        run,
        tmp_path,
        DIST.format(id="w", p="c1", d="2020-06-01", a=4000, extra=", inherited_from: m"),
    )
    r = _json(run, "report", "withdrawals", "-H", "hib", "-p", "c1", "-y", 2020, "--explain")
    by = {e["figure"]: e for e in r["explain"]}
    assert by["inherited[0].draws[1]"]["value"] == "2500.00"
    assert {e["id"] for e in by["inherited[0].draws[1]"]["events"]} == {"w", "cv", "i1"}
    assert by["inherited[0].form8606.25c"]["value"] == "500.00"


def test_printable_page_shows_the_inherited_account(run, tmp_path):
    _hibbard(
        run,
        tmp_path,
        DIST.format(id="w", p="c1", d="2020-06-01", a=4000, extra=", inherited_from: m"),
    )
    page = tmp_path / "w.html"
    r = run(
        "report", "withdrawals", "-H", "hib", "-p", "c1", "-y", 2020, "--format", "html", "-o", page
    )
    assert r.exit_code == 0, r.output
    html = page.read_text()
    assert "Inherited Roth IRA of m" in html
    assert '<span class="taxable-amount">500.00</span>' in html
    table = run("report", "form8606", "-H", "hib", "-p", "c1", "-y", 2020).output
    assert "Part III - Distributions from the Roth IRA inherited from m" in table


# --- invariants (hypothesis) ----------------------------------------------------------

from decimal import Decimal  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ledger.rules.inherited import earlier_clock, share  # noqa: E402
from ledger.rules.rollover_529 import LIFETIME_LIMIT, within_lifetime  # noqa: E402

_money = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


@given(_money, st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=5))
def test_beneficiaries_shares_add_up_to_the_layer(amount, percents):
    # shares in percent that add up to 100 (Pub 590-B: each kind of contribution divided
    # by the shares): each share is rounded to the cent once, so together they are the
    # layer within half a cent per beneficiary
    percents = [Decimal(p) for p in percents]
    percents.append(Decimal(100) - sum(percents))
    parts = [share(amount, p) for p in percents]
    assert abs(sum(parts) - amount) <= Decimal("0.005") * len(parts)
    assert all(part >= 0 for part in parts)
    assert share(amount, Decimal(100)) == amount


@given(st.lists(_money, max_size=8))
def test_the_lifetime_limit_splits_every_rollover_exactly(amounts):
    parts = within_lifetime(amounts)
    assert [a + b for a, b in parts] == amounts
    assert sum(a for a, _ in parts) == min(sum(amounts, Decimal(0)), LIFETIME_LIMIT)


@given(st.one_of(st.none(), st.integers(1998, 2026)), st.one_of(st.none(), st.integers(1998, 2026)))
def test_the_earlier_clock_counts(own, decedent):
    got = earlier_clock(own, decedent)
    assert got == (min(x for x in (own, decedent) if x is not None) if (own or decedent) else None)


def test_a_decedent_without_roth_history_is_said(run, tmp_path):
    text = """version: 1
household: {id: x, name: X}
people:
  - {id: d, name: D, born: 1940-01-01}
  - {id: b, name: B, born: 1970-01-01}
events:
  - {kind: person_died, person: d, date: 2024-01-10}
  - {id: inh, kind: roth_inherited, person: b, date: 2024-02-01, decedent: d}
  - {kind: roth_distribution, person: b, date: 2024-03-01, amount: 100, inherited_from: d}
"""
    assert _import(run, tmp_path, text).exit_code == 0
    acct = _json(run, "report", "withdrawals", "-H", "x", "-p", "b", "-y", 2024)["inherited"][0]
    assert any(
        "no Roth IRA contribution or conversion of d is recorded" in w for w in acct["warnings"]
    )


def test_the_withdrawal_report_says_its_totals_are_the_own_roth_iras(run, tmp_path):
    # c1 takes 4,000 from the Roth IRA inherited from m: 500 taxable, no 10% (Pub 590-B,
    # Hibbard, as above); and 7,000 from her own, whose only basis is her 6,000 2020
    # contribution: Form 8606 Part III line 19 7,000 - line 22 6,000 = 1,000 of earnings
    # taxable (line 25c), and at 40 the 10% of Form 5329 line 4 on it: 100. Her own and
    # inherited Roth IRAs together: 1,500 taxable, 100 additional tax -- what report year
    # counts in taxable_income.roth_distributions and the batch row in taxable_amount.
    w = _c1_takes(run, tmp_path, 7000)
    assert (w["taxable_amount"], w["additional_tax"]) == ("1000.00", "100.00")  # own only
    assert [(a["taxable_amount"], a["additional_tax"]) for a in w["inherited"]] == [
        ("500.00", "0.00")
    ]
    assert w["total_with_inherited"] == {"taxable_amount": "1500.00", "additional_tax": "100.00"}
    year = _json(run, "report", "year", "-H", "hib", "-p", "c1", "-y", 2020)
    assert year["taxable_income"]["roth_distributions"] == "1500.00"
    batch = run("report", "batch", "-y", 2020, "--format", "json")
    [row] = [r for r in json.loads(batch.output) if r["person"] == "c1"]
    assert (row["taxable_amount"], row["additional_tax"]) == ("1500.00", "100.00")
    table = run("report", "withdrawals", "-H", "hib", "-p", "c1", "-y", 2020).output
    lines = table.splitlines()
    own = "Taxable amount: 1,000.00    Additional tax: 100.00    (own Roth IRAs only)"
    every = "Own and inherited Roth IRAs: taxable amount 1,500.00    additional tax 100.00"
    assert lines.index(own) < lines.index(every)
    assert "Taxable amount: 500.00    Additional tax: 0.00" in lines  # the inherited one's
    page = run("report", "withdrawals", "-H", "hib", "-p", "c1", "-y", 2020, "--format", "html")
    assert "Own and inherited Roth IRAs: taxable amount $1,500.00" in page.output
    # no distribution from an inherited Roth IRA: the report is as it was (no key, no line)
    plain = _json(run, "report", "withdrawals", "-H", "hib", "-p", "c2", "-y", 2020)
    assert "total_with_inherited" not in plain and "inherited" not in plain
    text = run("report", "withdrawals", "-H", "hib", "-p", "c2", "-y", 2020).output
    assert "own Roth IRAs only" not in text and "Own and inherited" not in text


def test_the_batch_row_adds_the_inherited_figures_and_qualifies_the_own(run, tmp_path):
    # c2 takes only the Pub 590-B 4,000 from the Roth IRA inherited from m: her batch row
    # counts it (500 taxable, no 10%); her own Roth IRAs distributed nothing: qualified null
    _hibbard(
        run,
        tmp_path,
        DIST.format(id="wi", p="c2", d="2020-06-01", a=4000, extra=", inherited_from: m"),
    )
    batch = run("report", "batch", "-y", 2020, "--format", "json")
    [row] = [r for r in json.loads(batch.output) if r["person"] == "c2"]
    assert (row["distributions"], row["distribution_count"]) == ("4000.00", 1)
    assert (row["taxable_amount"], row["additional_tax"]) == ("500.00", "0.00")
    assert row["qualified"] is None
    w = _json(run, "report", "withdrawals", "-H", "hib", "-p", "c2", "-y", 2020)
    assert w["total_with_inherited"] == {"taxable_amount": "500.00", "additional_tax": "0.00"}
    assert w["inherited"][0]["qualified"] is False
