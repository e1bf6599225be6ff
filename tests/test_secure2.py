"""SECURE 2.0 accounts and limits through the command line (issue 11 item 7): Roth
employer contributions (§604), Roth SEP/SIMPLE IRAs (§601), the age 60-63 catch-up (§109)
and 529-to-Roth rollovers (§126). Limits are the data files' (Notice 2023-75 for 2024:
IRA $7,000, §402(g) $23,000, §415(c) $69,000; Notice 2024-80 for 2025: §402(g) $23,500,
catch-up $7,500, ages 60-63 $11,250)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ledger.rules import employer_roth, rollover_529
from ledger.rules.excess import YearLimits, current_excess

D = Decimal


def _ledger(tmp_path, events: str, people: str) -> str:
    path = tmp_path / "h.yaml"
    path.write_text(
        "version: 1\nhousehold: {id: h, name: H}\npeople:\n" + people + "events:\n" + events
    )
    return str(path)


def _json(run, *args):
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


# --- §402(g) / §414(v): employer Roth money and the age 60-63 catch-up --------------


@pytest.mark.parametrize(
    "born, total, warns",
    [
        ("1963-06-01", "34750", False),  # 62 at 2025 year end: 23,500 + 11,250
        ("1963-06-01", "34751", True),
        ("1965-12-31", "34750", False),  # 60 on Dec 31, 2025
        ("1961-06-01", "34750", True),  # 64: the regular 7,500 (cap 31,000)
        ("1966-06-01", "31000", False),  # 59: 23,500 + 7,500
        ("1966-06-01", "31001", True),
    ],
)
def test_age_60_to_63_catch_up(run, tmp_path, born, total, warns):
    path = _ledger(
        tmp_path,
        "  - {kind: plan_roth_contribution, person: s, plan: k, tax_year: 2025,"
        f" date: 2025-06-01, amount: {total}}}\n",
        f"  - {{id: s, name: S, born: {born}}}\n",
    )
    r = run("import", path)
    assert r.exit_code == 0, r.output
    assert ("§402(g) limit" in r.output) is warns, r.output


def test_employer_roth_is_no_elective_deferral_but_an_annual_addition(run, tmp_path):
    people = "  - {id: s, name: S, born: 1980-01-01}\n"
    events = (
        "  - {id: d, kind: plan_roth_contribution, person: s, plan: k, tax_year: 2024,"
        " date: 2024-06-01, amount: 23000}\n"
        "  - {id: m, kind: plan_roth_contribution, person: s, plan: k, tax_year: 2024,"
        " date: 2024-12-15, amount: 10000, employer: true}\n"
    )
    r = run("import", _ledger(tmp_path, events, people))
    assert r.exit_code == 0, r.output
    assert "warning" not in r.output  # 23,000 of deferrals: at the limit
    basis = _json(run, "report", "basis", "-H", "h", "-p", "s")
    assert basis["plans"]["k"]["designated_roth_basis"] == "33000.00"
    # the same 10,000 without the flag is a deferral: 33,000 > 23,000
    r = run(
        "record", "plan_roth_contribution", "-H", "h", "--person", "s", "--plan", "k",
        "--tax-year", "2024", "--date", "2024-12-20", "--amount", "1",
    )  # fmt: skip
    assert "deferrals total 23,001.00, over the 23,000.00" in r.output
    # employer money still counts for §415(c): 33,001 + 40,000 after-tax > 69,000
    r = run(
        "record", "plan_after_tax_contribution", "-H", "h", "--person", "s", "--plan", "k",
        "--date", "2024-12-20", "--amount", "40000",
    )  # fmt: skip
    assert "total 73,001.00, over the 69,000.00 §415(c)" in r.output


def test_employer_roth_before_secure_2_is_refused(run, tmp_path):
    path = _ledger(
        tmp_path,
        "  - {kind: plan_roth_contribution, person: s, plan: k, tax_year: 2022,"
        " date: 2022-12-29, amount: 100, employer: true}\n",
        "  - {id: s, name: S, born: 1980-01-01}\n",
    )
    r = run("import", path)
    assert r.exit_code == 2
    assert "h.yaml:6: employer: 2022-12-29: employer contributions can be designated" in r.output


def test_catch_up_rule():
    # §414(v)(2)(E): 2025 amounts of Notice 2024-80
    reg, hi = D(7500), D(11250)
    assert [employer_roth.catch_up(a, reg, hi) for a in (None, 49, 50, 59, 60, 63, 64)] == [
        0, 0, reg, reg, hi, hi, reg,
    ]  # fmt: skip
    assert employer_roth.catch_up(62, reg, None) == reg  # before 2025: none on file


# --- Roth SEP and Roth SIMPLE IRAs ------------------------------------------------


def test_roth_sep_contribution_is_basis_without_ira_or_income_limit(run, tmp_path):
    people = "  - {id: e, name: E, born: 1980-01-01}\n"
    events = (
        "  - {kind: tax_year_income, person: e, tax_year: 2025, filing_status: single,"
        " magi: 500000, compensation: 400000}\n"
        "  - {id: sep, kind: roth_sep_simple_contribution, person: e, plan_type: sep,"
        " date: 2025-03-01, amount: 30000}\n"
        "  - {id: smp, kind: roth_sep_simple_contribution, person: e, plan_type: simple,"
        " date: 2025-12-01, amount: 16500}\n"
        "  - {id: w, kind: roth_distribution, person: e, date: 2026-06-01, amount: 46500}\n"
    )
    r = run("import", _ledger(tmp_path, events, people))
    assert r.exit_code == 0, r.output
    assert "warning" not in r.output
    year = _json(run, "report", "year", "-H", "h", "-p", "e", "--tax-year", 2025)
    assert year["warnings"] == [] and "part4" not in year.get("form5329", {})
    # a nonqualified distribution of the contributions only (Form 8606 line 22 covers
    # line 21): nothing taxable, no 10% (Instructions for Form 8606, lines 19-25c)
    w = _json(run, "report", "withdrawals", "-H", "h", "-p", "e", "--tax-year", 2026)
    assert w["form8606"]["22"] == "46500.00" and w["taxable_amount"] == "0.00"
    assert w["additional_tax"] == "0.00" and w["qualified"] is False


def test_roth_sep_before_2023_and_bad_plan_type_are_refused(run, tmp_path):
    path = _ledger(
        tmp_path,
        "  - {kind: roth_sep_simple_contribution, person: e, plan_type: sep,"
        " date: 2022-12-31, amount: 1}\n"
        "  - {kind: roth_sep_simple_contribution, person: e, plan_type: keogh,"
        " date: 2024-01-31, amount: 1}\n",
        "  - {id: e, name: E, born: 1980-01-01}\n",
    )
    r = run("import", path)
    assert r.exit_code == 2
    assert "h.yaml:6: date: 2022-12-31: a SEP or SIMPLE IRA can be a Roth IRA only from 2023" in (
        r.output
    )
    assert "h.yaml:7: plan_type: 'keogh': give sep or simple" in r.output


# --- 529-to-Roth rollovers ---------------------------------------------------------

KID = "  - {id: k, name: K, born: 2000-05-01}\n"
RICH = (
    "  - {kind: tax_year_income, person: k, tax_year: 2024, filing_status: single,"
    " magi: 200000, compensation: COMP}\n"
)


def test_529_rollover_has_no_income_limit(run, tmp_path):
    # MAGI 200,000 is over the 2024 single phase-out (146,000-161,000): a regular Roth
    # contribution would be all excess, the rollover is not (§529(c)(3)(E)(ii)(I))
    events = RICH.replace("COMP", "20000") + (
        "  - {kind: roth_529_rollover, person: k, date: 2024-06-03, amount: 7000, basis: 7000}\n"
    )
    r = run("import", _ledger(tmp_path, events, KID))
    assert r.exit_code == 0, r.output
    assert "warning" not in r.output
    for kind in ("year", "form5329"):
        out = _json(run, "report", kind, "-H", "h", "-p", "k", "--tax-year", 2024)
        assert out["warnings"] == [], kind


@pytest.mark.parametrize(
    "comp, regular, excess",
    [
        # regular 1,000 is all excess (MAGI); the rollover's room is 7,000 - 1,000 = 6,000
        ("20000", "1000", "2000.00"),
        # compensation 5,000 caps the §408A(c)(2) amount: room 5,000 - 0
        ("5000", None, "2000.00"),
    ],
)
def test_529_rollover_counts_against_the_years_ira_limit(run, tmp_path, comp, regular, excess):
    events = RICH.replace("COMP", comp) + (
        "  - {kind: roth_529_rollover, person: k, date: 2024-06-03, amount: 7000}\n"
    )
    if regular:
        events += (
            "  - {kind: roth_contribution, person: k, tax_year: 2024, date: 2024-02-01,"
            f" amount: {regular}}}\n"
        )
    r = run("import", _ledger(tmp_path, events, KID))
    assert r.exit_code == 0, r.output
    out = _json(run, "report", "form5329", "-H", "h", "-p", "k", "--tax-year", 2024)
    assert out["part4"]["23"] == excess
    # 6% of the excess, no Dec 31 value on file (Form 5329 line 25)
    assert out["part4"]["25"] == str((D(excess) * D("0.06")).quantize(D("0.01")))


def test_529_rollover_without_basis_says_what_it_assumed(run, tmp_path):
    events = "  - {id: r, kind: roth_529_rollover, person: k, date: 2024-06-03, amount: 7000}\n"
    assert run("import", _ledger(tmp_path, events, KID)).exit_code == 0
    out = _json(run, "report", "year", "-H", "h", "-p", "k", "--tax-year", 2024)
    assert any("r: basis (the 529 contributions in it" in w for w in out["warnings"])


@pytest.mark.parametrize(
    "line, message",
    [
        ("date: 2023-12-31, amount: 1", "date: 2023-12-31: 529-to-Roth rollovers are for"),
        ("date: 2025-04-16, amount: 1, tax_year: 2024", "after the 2024 contribution deadline"),
        ("date: 2024-06-01, amount: 1, tax_year: 2025", "tax_year: 2025 is after the rollover"),
        ("date: 2024-06-01, amount: 1, basis: 2", "basis: 2.00 is more than the amount"),
        (
            "date: 2024-06-01, amount: 1, account_opened: 2009-06-02",
            "account_opened: 2009-06-02: the 529 account was not open 15 years by 2024-06-01",
        ),
    ],
)
def test_529_rollover_refusals(run, tmp_path, line, message):
    r = run(
        "import", _ledger(tmp_path, f"  - {{kind: roth_529_rollover, person: k, {line}}}\n", KID)
    )
    assert r.exit_code == 2 and message in r.output, r.output


def test_529_rollover_for_the_year_before_by_its_deadline(run, tmp_path):
    # Pub 590-A (2024): made after Dec 31, 2024 and before April 15, 2025, designated for
    # 2024, it is a 2024 Roth IRA contribution
    events = (
        "  - {kind: roth_529_rollover, person: k, date: 2025-04-15, amount: 7000,"
        " tax_year: 2024, account_opened: 2010-04-15}\n"
        "  - {kind: roth_contribution, person: k, tax_year: 2024, date: 2024-02-01, amount: 500}\n"
    )
    r = run("import", _ledger(tmp_path, events, KID))
    assert r.exit_code == 0, r.output
    assert "2024 IRA contributions (traditional + Roth + 529-to-Roth rollovers) total 7,500.00" in (
        r.output
    )
    out = _json(run, "report", "form5329", "-H", "h", "-p", "k", "--tax-year", 2024)
    assert out["part4"]["23"] == "500.00"


def test_lifetime_limit_rule():
    # §529(c)(3)(E)(ii)(II): $35,000 over all years, in date order
    parts = rollover_529.within_lifetime([D(7000), D(7000), D(7500), D(14000), D(100)])
    assert parts == [
        (D(7000), 0), (D(7000), 0), (D(7500), 0), (D(13500), D(500)), (0, D(100)),
    ]  # fmt: skip
    assert rollover_529.open_long_enough(__import__("datetime").date(2009, 6, 1),
                                         __import__("datetime").date(2024, 6, 1))  # fmt: skip


def test_rollover_and_regular_share_one_limit_rule():
    # 2024 limit 7,000, full Roth limit: regular 3,000 leaves 4,000 for the rollover
    lim = YearLimits(D(7000), D(7000), "assumed")
    assert current_excess(lim, D(0), D(3000), D(5000)) == (0, D(1000))
    # income-reduced Roth limit 0: the regular 3,000 is excess, the rollover keeps 4,000
    lim0 = YearLimits(D(7000), D(0), "stated")
    assert current_excess(lim0, D(0), D(3000), D(4000)) == (0, D(3000))


def test_new_kinds_and_fields_round_trip_through_export(run, tmp_path):
    people = "  - {id: s, name: S, born: 1963-06-01}\n"
    events = (
        "  - {id: m, kind: plan_roth_contribution, person: s, plan: k, tax_year: 2025,"
        " date: 2025-12-15, amount: 5000, employer: true}\n"
        "  - {id: sep, kind: roth_sep_simple_contribution, person: s, plan_type: simple,"
        " date: 2025-03-01, amount: 16500}\n"
        "  - {id: r, kind: roth_529_rollover, person: s, date: 2025-04-01, amount: 7000,"
        " tax_year: 2024, basis: 5000, account_opened: 2008-01-01}\n"
    )
    assert run("import", _ledger(tmp_path, events, people)).exit_code == 0
    for fmt in ("yaml", "json", "csv"):
        out = tmp_path / f"export.{fmt}"
        assert run("export", "-H", "h", "--format", fmt, "-o", out).exit_code == 0
        other = tmp_path / f"other-{fmt}.db"
        r = run("--db", other, "import", out)
        assert r.exit_code == 0, r.output
        a = json.loads(run("export", "-H", "h", "--format", "json").output)
        b = json.loads(run("--db", other, "export", "-H", "h", "--format", "json").output)
        assert a["events"] == b["events"], fmt
        assert {e["kind"] for e in b["events"]} >= {
            "plan_roth_contribution", "roth_sep_simple_contribution", "roth_529_rollover",
        }  # fmt: skip
        assert any(e.get("employer") is True for e in b["events"])


def test_529_rollover_over_the_years_limit_is_one_event_with_its_excess(run, tmp_path):
    # one $8,000 rollover in 2024 (529 contributions, Form 1099-Q box 3: all of it), no
    # other IRA contribution: the 2024 §408A(c)(2) amount is $7,000 under 50 (IRS Notice
    # 2023-75; Pub 590-A 2024), so §529(c)(3)(E)(ii)(I) leaves $1,000 that is no qualified
    # rollover -- a Roth excess contribution (§4973(f)), Form 5329 lines 23-24 $1,000,
    # line 25 6% = $60 (no Dec 31 value on file). The money stays in the Roth IRA, so its
    # basis is the whole $8,000 (§408A(e)(1)(C): 529 contributions are contribution basis)
    events = (
        "  - {id: r, kind: roth_529_rollover, person: k, date: 2024-06-03, amount: 8000,"
        " basis: 8000, account_opened: 2008-01-02}\n"
    )
    assert run("import", _ledger(tmp_path, events, KID)).exit_code == 0
    out = _json(run, "report", "form5329", "-H", "h", "-p", "k", "--tax-year", 2024)
    assert (out["part4"]["23"], out["part4"]["24"], out["part4"]["25"]) == (
        "1000.00",
        "1000.00",
        "60.00",
    )
    assert out["excess_contributions_tax"] == "60.00"
    basis = _json(run, "report", "basis", "-H", "h", "-p", "k", "--as-of", "2024-12-31")
    assert basis["regular_contribution_basis"] == "8000.00"
    assert basis["regular_contributions_by_year"] == {"2024": "8000.00"}
    [row] = json.loads(run("report", "batch", "-y", 2024, "--format", "json").output)
    assert (row["roth_excess"], row["excess_contributions_tax"]) == ("1000.00", "60.00")


def test_529_rollover_split_at_the_lifetime_limit_is_named_once(run, tmp_path):
    # §529(c)(3)(E)(ii)(II): $35,000 over all years. 20,000 (2024) + 14,000 (2025) leave
    # 1,000 for the 2026 rollover of 7,000 (basis 5,000): 1,000 is a qualified rollover
    # with its share of the basis, 5,000 x 1,000 / 7,000 = 714.29, and the 6,000 over the
    # limit kept in the Roth IRA is a regular contribution, all of it basis (module
    # ledger.projections.rollover_529). A 45,000 withdrawal at 26 in 2026 recovers the basis
    # first (Reg. 1.408A-6 A-8): 20,000 + 14,000 + 6,714.29 = 40,714.29 (Form 8606 line
    # 22), earnings 45,000 - 40,714.29 = 4,285.71 taxable (line 25c), 10% = 428.57 (Form
    # 5329 line 4). The ledger splits the 2026 rollover into two derived events with its
    # id: the draw from that year names the event once.
    events = (
        "  - {id: r1, kind: roth_529_rollover, person: k, date: 2024-06-03, amount: 20000,"
        " basis: 20000}\n"
        "  - {id: r2, kind: roth_529_rollover, person: k, date: 2025-06-03, amount: 14000,"
        " basis: 14000}\n"
        "  - {id: r3, kind: roth_529_rollover, person: k, date: 2026-06-03, amount: 7000,"
        " basis: 5000}\n"
        "  - {id: w, kind: roth_distribution, person: k, date: 2026-12-01, amount: 45000}\n"
    )
    assert run("import", _ledger(tmp_path, events, KID)).exit_code == 0
    w = _json(run, "report", "withdrawals", "-H", "h", "-p", "k", "--tax-year", 2026, "--explain")
    assert [(d["year"], d["amount"], d["events"]) for d in w["draws"]] == [
        (2024, "20000.00", ["r1"]),
        (2025, "14000.00", ["r2"]),
        (2026, "6714.29", ["r3"]),
        (None, "4285.71", []),
    ]
    assert (w["form8606"]["22"], w["form8606"]["25c"]) == ("40714.29", "4285.71")
    assert (w["taxable_amount"], w["additional_tax"]) == ("4285.71", "428.57")
    for entry in w["explain"]:
        ids = [e["id"] for e in entry["events"]]
        assert len(ids) == len(set(ids)), entry
    rows = run("report", "withdrawals", "-H", "h", "-p", "k", "-y", 2026, "--format", "csv")
    assert "r3; r3" not in rows.output


def test_529_rollover_split_at_the_lifetime_limit_without_basis_names_the_whole(run, tmp_path):
    # §529(c)(3)(E)(ii)(II): $35,000 over all years; 20,000 (2024) + 14,000 (2025) leave
    # 1,000 for the 2026 rollover of 7,000, whose basis (Form 1099-Q box 3) is not given.
    # The 1,000 is a qualified rollover, counted as all basis for want of box 3; the 6,000
    # over the limit kept in the Roth IRA is a regular contribution, all basis in any case
    # (module ledger.projections.rollover_529). So all 7,000 of r3 is basis: a 45,000
    # withdrawal at 26 in 2026 recovers 20,000 + 14,000 + 7,000 = 41,000 first (Reg.
    # 1.408A-6 A-8; Form 8606 line 22), earnings 4,000 taxable, 10% = 400. The warning
    # names the 7,000 recorded and the 1,000 the missing box 3 is about, not "the whole
    # 1,000.00" of an event of 7,000 (as it did).
    events = (
        "  - {id: r1, kind: roth_529_rollover, person: k, date: 2024-06-03, amount: 20000,"
        " basis: 20000}\n"
        "  - {id: r2, kind: roth_529_rollover, person: k, date: 2025-06-03, amount: 14000,"
        " basis: 14000}\n"
        "  - {id: r3, kind: roth_529_rollover, person: k, date: 2026-06-03, amount: 7000}\n"
        "  - {id: w, kind: roth_distribution, person: k, date: 2026-12-01, amount: 45000}\n"
    )
    assert run("import", _ledger(tmp_path, events, KID)).exit_code == 0
    w = _json(run, "report", "withdrawals", "-H", "h", "-p", "k", "--tax-year", 2026)
    assert (w["form8606"]["22"], w["form8606"]["25c"]) == ("41000.00", "4000.00")
    assert w["additional_tax"] == "400.00"
    [warning] = [x for x in w["warnings"] if x.startswith("r3: basis")]
    assert "the whole 1,000.00" not in warning
    assert "the whole 7,000.00 is counted as Roth contribution basis" in warning, warning
    assert "the 1,000.00 within the 35,000.00 lifetime limit" in warning, warning
    assert "the 6,000.00 over it as a regular contribution" in warning, warning
    # a rollover not split keeps the warning it had
    one = "  - {id: r, kind: roth_529_rollover, person: k, date: 2024-06-03, amount: 7000}\n"
    one_db = tmp_path / "one.db"
    assert run("--db", one_db, "import", _ledger(tmp_path, one, KID)).exit_code == 0
    out = _json(run, "--db", one_db, "report", "year", "-H", "h", "-p", "k", "--tax-year", 2024)
    assert (
        "r: basis (the 529 contributions in it, Form 1099-Q box 3) not given: the whole "
        "7,000.00 is counted as Roth contribution basis; the part that was 529 earnings is "
        "Roth IRA earnings (IRC §408A(e)(1))"
    ) in out["warnings"]
