"""Form intake through the command line: `roth-ledger record form-1099r` and `form-5498`.

Every form is entered the way a user would type it from the paper form, then the ledger is
read back with `roth-ledger events --format json` (and, for whole histories, `report
withdrawals` / `report year --format json`).

Where the rules come from:

* G1099R: IRS Instructions for Forms 1099-R and 5498, "Guide to Distribution Codes" (the
  "Used with code" column: J with 8 or P only; Q and T with no other code; G with 4 or B;
  H with 4; B with 1, 2, 4, 7, 8, G, L, M, P or U), and its box 7 notes: Code 7 "at least
  age 59½", "Do not use Code 7 for a Roth IRA"; Code Q / Code T need 59½, death or
  disability; "use Code J for a distribution from a Roth IRA when Code Q or Code T does
  not apply"; "Do not use Code G for a direct rollover from a designated Roth account to a
  Roth IRA. Use Code H"; the IRA/SEP/SIMPLE box is not checked for a Roth IRA; box 11 and
  box 10 are for designated Roth account distributions only.
* G5498: the same instructions, Form 5498 box notes: box 10 reports Roth IRA contributions
  made for the year, including those made up to the filing deadline of the next year;
  box 1 traditional contributions; box 3 conversions received; box 5 the Dec 31 value.
* Worked figures: the project's published examples (tests/examples/*.yaml, each citing its
  source) — IRS Pub 590-B "Ordering Rules for Distributions" example (Justin), Astra
  Wealth Partners 2025 "Example of Ordering Rules" (seed 004), Kitces 2015 Example 2
  with Notice 2014-54 (seed 002) — here rebuilt from forms instead of from a ledger file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

YOUNG_BORN = "1985-01-01"  # 59½ on 2044-07-01: under 59½ for every date below
OLD_BORN = "1955-03-10"  # 59½ on 2014-09-10: over 59½ for every date below


@pytest.fixture
def h(run):
    """Household ``h`` with ``young`` (under 59½ throughout) and ``old`` (over 59½)."""
    assert run("record", "household", "-H", "h", "--name", "Forms").exit_code == 0
    for pid, born in (("young", YOUNG_BORN), ("old", OLD_BORN)):
        assert (
            run("record", "person", "-H", "h", "--id", pid, "--name", pid, "--born", born).exit_code
            == 0
        )
    return Ledger(run, "h")


class Ledger:
    """The command line, seen from one household."""

    def __init__(self, run, household: str):
        self.run, self.household = run, household

    def events(self) -> list[dict]:
        result = self.run("events", "-H", self.household, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["events"]

    def form(self, which: str, person: str, *args: str) -> tuple[list[dict], str]:
        """Enter a form; return the events it stored (kind + fields) and its stdout."""
        before = len(self.events())
        result = self.run("record", which, "-H", self.household, "-p", person, *args)
        assert result.exit_code == 0, result.output
        added = self.events()[before:]
        return [{"kind": e["kind"], **e["fields"]} for e in added], result.stdout

    def f1099r(self, person: str, *args: str):
        return self.form("form-1099r", person, *args)

    def f5498(self, person: str, *args: str):
        return self.form("form-5498", person, *args)

    def refused(self, which: str, person: str, *args: str) -> str:
        """The form is refused: exit 2, one line on stderr, nothing stored."""
        before = self.events()
        result = self.run("record", which, "-H", self.household, "-p", person, *args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.output
        assert "recorded" not in result.stdout
        assert self.events() == before
        return lines[0]

    def report(self, *args: str) -> dict:
        result = self.run("report", *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


def only(events: list[dict], kind: str) -> dict:
    hits = [e for e in events if e["kind"] == kind]
    assert len(hits) == 1, events
    return hits[0]


def money(value) -> Decimal:
    return Decimal(str(value))


# --- Roth IRA codes J, Q, T -----------------------------------------------------------


def test_code_j_is_a_roth_distribution(h):
    events, out = h.f1099r(
        "young",
        "--tax-year",
        2024,
        "--box1",
        "5000",
        "--box2a",
        "0",
        "--box7",
        "J",
        "--date",
        "2024-06-01",
        "--payer",
        "Fidelity",
    )
    assert [e["kind"] for e in events] == ["roth_distribution"]
    e = events[0]
    assert (e["person"], e["date"], money(e["amount"])) == ("young", "2024-06-01", 5000)
    assert "1099-R Fidelity 2024 box 7 J" == e["source"]


def test_code_j_after_59_and_a_half_is_recorded_with_a_note(h):
    events, out = h.f1099r(
        "old", "--tax-year", 2024, "--box1", "100", "--box7", "J", "--date", "2024-06-01"
    )
    assert [e["kind"] for e in events] == ["roth_distribution"]
    assert "note: code J but the person is 59½" in out


def test_code_q_over_59_and_a_half(h):
    events, out = h.f1099r(
        "old", "--tax-year", 2024, "--box1", "12000", "--box7", "Q", "--date", "2024-03-15"
    )
    e = only(events, "roth_distribution")
    assert money(e["amount"]) == 12000 and e["date"] == "2024-03-15"
    assert "code Q is the payer's view" in out  # the ledger judges qualified itself


def test_code_t_over_59_and_a_half(h):
    events, _ = h.f1099r(
        "old", "--tax-year", 2023, "--box1", "2500", "--box7", "T", "--date", "2023-09-01"
    )
    assert money(only(events, "roth_distribution")["amount"]) == 2500


def test_code_t_under_59_and_a_half_with_disability_records_it(h):
    # G1099R: Code T when the participant "is disabled"; the ledger needs the date.
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2023,
        "--box1",
        "2500",
        "--box7",
        "T",
        "--date",
        "2023-09-01",
        "--disabled-on",
        "2023-02-01",
    )
    assert [e["kind"] for e in events] == ["person_disabled", "roth_distribution"]
    assert events[0]["date"] == "2023-02-01"
    # a second form the same year: the disability is already in the ledger
    events, _ = h.f1099r(
        "young", "--tax-year", 2023, "--box1", "100", "--box7", "Q", "--date", "2023-10-01"
    )
    assert [e["kind"] for e in events] == ["roth_distribution"]


def test_code_q_after_death_recorded_on_the_form(h):
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2024,
        "--box1",
        "800",
        "--box7",
        "Q",
        "--date",
        "2024-05-01",
        "--died-on",
        "2024-01-20",
    )
    assert [e["kind"] for e in events] == ["person_died", "roth_distribution"]


# --- J8 / JP: a contribution returned with its earnings ---------------------------------


def test_code_j8_returns_a_current_year_contribution(h):
    # G1099R: box 1 = contribution + net income, box 2a = the net income; Code 8 = taxable
    # in the form's year. 1,050 - 50 = 1,000 returned contribution, 50 earnings.
    events, out = h.f1099r(
        "young",
        "--tax-year",
        2024,
        "--box1",
        "1050",
        "--box2a",
        "50",
        "--box7",
        "J8",
        "--for-tax-year",
        "2024",
        "--date",
        "2024-03-01",
    )
    e = only(events, "roth_contribution_return")
    assert (e["tax_year"], money(e["amount"]), money(e["earnings"])) == (2024, 1000, 50)
    assert "code 8: the earnings (50.00) are taxable in 2024; the 2024 contribution" in out


def test_code_jp_returns_a_prior_year_contribution(h):
    # Code P = taxable in the prior year: the contribution was for 2023 (deposited for
    # 2023 up to its filing deadline, §219(f)(3)), returned in 2024.
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2024,
        "--box1",
        "6210.40",
        "--box2a",
        "210.40",
        "--box7",
        "PJ",
        "--for-tax-year",
        "2023",
        "--date",
        "2024-04-01",
    )
    e = only(events, "roth_contribution_return")
    assert (e["tax_year"], money(e["amount"]), money(e["earnings"])) == (
        2023,
        6000,
        Decimal("210.40"),
    )


def test_returned_contribution_after_a_loss(h):
    # A 1,000 contribution returned as 900 (box 2a 0): all 1,000 is treated as never made.
    events, out = h.f1099r(
        "young",
        "--tax-year",
        2024,
        "--box1",
        "900",
        "--box2a",
        "0",
        "--box7",
        "J8",
        "--for-tax-year",
        "2024",
        "--date",
        "2024-05-01",
        "--returned-contribution",
        "1000",
    )
    e = only(events, "roth_contribution_return")
    assert (money(e["amount"]), money(e["earnings"])) == (1000, 0)
    assert "lost 100.00" in out


def test_returned_contribution_with_box_2a_zero_says_the_form_cannot_tell_a_loss(h):
    _, out = h.f1099r(
        "young",
        "--tax-year",
        2024,
        "--box1",
        "900",
        "--box2a",
        "0",
        "--box7",
        "J8",
        "--for-tax-year",
        "2024",
        "--date",
        "2024-05-01",
    )
    assert "--returned-contribution" in out


def test_code_8_can_return_the_previous_tax_years_contribution(h):
    # G1099R, code 8: "Excess contributions plus earnings ... taxable in" the form's year;
    # the code does not say which tax year the contribution was for. A 2017 contribution
    # made in 2018 and returned in 2018 is reported with code 8 on the 2018 1099-R (IBA
    # Q&A cq-2018-111, citing the same instructions). --for-tax-year says so and the 2017
    # contribution is the one removed: the basis left at the end of 2018 is 0.
    h.f5498(
        "young", "--tax-year", 2017, "--account", "roth", "--box10", "5000", "--date", "2018-03-01"
    )
    events, out = h.f1099r(
        "young",
        "--tax-year",
        2018,
        "--box1",
        "5100",
        "--box2a",
        "100",
        "--box7",
        "J8",
        "--date",
        "2018-04-02",
        "--for-tax-year",
        "2017",
    )
    e = only(events, "roth_contribution_return")
    assert (e["tax_year"], money(e["amount"]), money(e["earnings"])) == (2017, 5000, 100)
    assert "the earnings (100.00) are taxable in 2018; the 2017 contribution" in out
    assert "recorded" in out and "only" not in out  # the 2017 contribution is on file
    basis = h.report("basis", "-H", "h", "-p", "young", "--as-of", "2018-12-31")
    assert basis["regular_contribution_basis"] == "0.00"


@pytest.mark.parametrize("code", ["J8", "JP"])
def test_codes_8_and_p_need_the_tax_year_of_the_contribution(h, code):
    line = h.refused(
        "form-1099r",
        "young",
        *("--tax-year", "2024", "--box1", "1050", "--box2a", "50", "--box7", code),
        *("--date", "2024-03-01"),
    )
    assert line == (
        f"error: 1099-R: for_tax_year: code {code} returns a contribution but Form 1099-R "
        "does not say which tax year's: give --for-tax-year YEAR (code 8: the earnings are "
        "taxable in 2024, the year of the 1099-R; code P: in 2023, the year before) "
        "(nothing was stored)"
    )


@pytest.mark.parametrize(
    "code,year,why",
    [
        ("JP", "2024", "code P says the earnings are taxable in 2023"),
        ("J8", "2025", "2025 is after 2024"),
    ],
)
def test_a_tax_year_the_code_rules_out_is_refused(h, code, year, why):
    line = h.refused(
        "form-1099r",
        "young",
        *("--tax-year", "2024", "--box1", "1050", "--box2a", "50", "--box7", code),
        *("--date", "2024-03-01", "--for-tax-year", year),
    )
    assert why in line


def test_a_return_with_no_contribution_on_file_says_so(h):
    _, out = h.f1099r(
        "young",
        *("--tax-year", "2024", "--box1", "1050", "--box2a", "50", "--box7", "JP"),
        *("--date", "2024-03-01", "--for-tax-year", "2023"),
    )
    assert "only 0.00 of Roth IRA contributions for 2023 is recorded" in out


def test_help_says_what_codes_8_and_p_mean(run):
    text = " ".join(run("record", "form-1099r", "--help").output.split())
    assert "Code 8: excess contributions plus earnings taxable in the year of the 1099-R" in text
    assert "code P: taxable in the prior year" in text
    assert "--for-tax-year" in text


# --- traditional IRA codes 1, 2, 7, S: distributed or converted ------------------------


@pytest.mark.parametrize(
    "person,code", [("young", "1"), ("young", "2"), ("old", "7"), ("young", "S")]
)
def test_ira_codes_not_converted_are_ira_distributions(h, person, code):
    events, out = h.f1099r(
        person,
        "--tax-year",
        2022,
        "--box1",
        "3000",
        "--box2a",
        "3000",
        "--box7",
        code,
        "--ira-sep-simple",
        "--date",
        "2022-03-01",
    )
    e = only(events, "ira_distribution")
    assert (e["person"], e["date"], money(e["amount"])) == (person, "2022-03-01", 3000)
    assert len(events) == 1
    assert "box 2a/2b are not recorded" in out  # 8606 Part I computes the taxable part


@pytest.mark.parametrize("person,code", [("young", "2"), ("old", "7"), ("young", "1")])
def test_ira_codes_converted_are_roth_conversions(h, person, code):
    events, out = h.f1099r(
        person,
        "--tax-year",
        2022,
        "--box1",
        "6000",
        "--box7",
        code,
        "--ira-sep-simple",
        "--converted",
        "--date",
        "2022-02-03",
    )
    e = only(events, "roth_conversion")
    assert (e["date"], money(e["amount"])) == ("2022-02-03", 6000)
    assert "taxable" not in e  # computed by the Form 8606 pro-rata rule, not stored
    assert len(events) == 1
    if code == "1":
        assert "conversions are coded 2 (under 59½) or 7" in out


def test_partial_cross_year_conversion(h):
    # 10,000 left the IRA on 2022-12-20, 9,000 reached the Roth IRA on 2023-01-05 and
    # 1,000 was withheld: RULES section 0 (cross-year conversions); (b2) withholding.
    events, out = h.f1099r(
        "old",
        "--tax-year",
        2022,
        "--box1",
        "10000",
        "--box7",
        "7",
        "--ira-sep-simple",
        "--converted",
        "--converted-amount",
        "9000",
        "--date",
        "2022-12-20",
        "--received-on",
        "2023-01-05",
    )
    conv, dist = only(events, "roth_conversion"), only(events, "ira_distribution")
    assert (conv["date"], conv["distributed_on"], money(conv["amount"])) == (
        "2023-01-05",
        "2022-12-20",
        9000,
    )
    assert (dist["date"], money(dist["amount"])) == ("2022-12-20", 1000)
    assert "cross-year conversion" in out


# --- G: plan money; H: designated Roth -> Roth IRA -------------------------------------


def test_code_g_split_between_roth_and_traditional_ira(h):
    """Kitces 2015 Example 2 (seed 002; tests/examples/seed-ii-b-separate-subaccount-
    split.yaml): 50,000 after-tax sub-account of a 90,000 plan account; per Notice 2014-54
    27,777.78 after-tax goes to the Roth IRA and 22,222.22 pretax to a traditional IRA."""
    assert (
        h.run(
            "record",
            "plan_after_tax_contribution",
            "-H",
            "h",
            "--person",
            "young",
            "--plan",
            "k401",
            "--date",
            "2014-06-01",
            "--amount",
            "50000",
        ).exit_code
        == 0
    )
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2015,
        "--box1",
        "50000",
        "--box2a",
        "0",
        "--box5",
        "27777.78",
        "--box7",
        "G",
        "--plan",
        "k401",
        "--date",
        "2015-06-01",
        "--account-value",
        "90000",
        "--to-roth-ira",
        "27777.78",
        "--to-traditional-ira",
        "22222.22",
    )
    e = only(events, "plan_distribution")
    assert (
        money(e["amount"]),
        money(e["account_value"]),
        money(e["to_roth_ira"]),
        money(e["to_traditional_ira"]),
        money(e["to_cash"]),
        e["separate_accounting"],
    ) == (50000, 90000, Decimal("27777.78"), Decimal("22222.22"), 0, True)
    year = h.report("year", "-H", "h", "-p", "young", "--tax-year", "2015")
    assert year["taxable_income"]["total"] == "0.00"
    split = year["plan_distributions"][0]
    assert (split["after_tax"], split["pretax"]) == ("27777.78", "22222.22")
    assert split["to_roth_ira"] == {"taxable": "0.00", "nontaxable": "27777.78"}
    assert split["to_traditional_ira"] == {"pretax": "22222.22", "after_tax": "0.00"}


def test_code_g_in_plan_roth_rollover(h):
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2020,
        "--box1",
        "21000",
        "--box2a",
        "1000",
        "--box5",
        "20000",
        "--box7",
        "G",
        "--in-plan",
        "--plan",
        "k401",
        "--date",
        "2020-12-01",
    )
    e = only(events, "in_plan_roth_rollover")
    assert (e["plan"], money(e["amount"]), money(e["taxable"])) == ("k401", 21000, 1000)


def test_code_g_from_an_ira_records_nothing(h):
    events, out = h.f1099r(
        "old",
        "--tax-year",
        2022,
        "--box1",
        "3000",
        "--box7",
        "G",
        "--ira-sep-simple",
        "--date",
        "2022-03-01",
    )
    assert events == [] and "nothing to record" in out


def test_code_h_nonqualified_box5_is_basis(h):
    # RULES (c): a nonqualified designated Roth rollover brings only box 5 (investment in
    # the contract) as basis. Under 59½, so not qualified whatever box 11 says.
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2021,
        "--box1",
        "25000",
        "--box2a",
        "0",
        "--box5",
        "21000",
        "--box7",
        "H",
        "--box11",
        "2020",
        "--plan",
        "k401",
        "--date",
        "2021-08-01",
    )
    e = only(events, "designated_roth_rollover")
    assert (money(e["amount"]), money(e["basis"]), e["qualified"]) == (25000, 21000, False)
    assert "first designated Roth contribution year 2020" in e["memo"]


def test_code_h_qualified_from_box11_and_age(h):
    # 5 taxable years from box 11's 2015 have passed by 2024 and the owner is over 59½.
    events, _ = h.f1099r(
        "old",
        "--tax-year",
        2024,
        "--box1",
        "40000",
        "--box5",
        "30000",
        "--box7",
        "H",
        "--box11",
        "2015",
        "--plan",
        "roth401",
        "--date",
        "2024-05-01",
    )
    assert only(events, "designated_roth_rollover")["qualified"] is True


def test_code_h_without_box11_asks_whether_qualified(h):
    line = h.refused(
        "form-1099r",
        "old",
        "--tax-year",
        2024,
        "--box1",
        "40000",
        "--box7",
        "H",
        "--plan",
        "roth401",
        "--date",
        "2024-05-01",
    )
    assert "--qualified or --nonqualified" in line
    events, _ = h.f1099r(
        "old",
        "--tax-year",
        2024,
        "--box1",
        "40000",
        "--box5",
        "30000",
        "--box7",
        "H",
        "--plan",
        "roth401",
        "--date",
        "2024-05-01",
        "--qualified",
    )
    assert only(events, "designated_roth_rollover")["qualified"] is True


# --- 4 (death) and 3 (disability) ------------------------------------------------------


def test_code_4_records_the_death(h):
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2023,
        "--box1",
        "3000",
        "--box7",
        "4",
        "--ira-sep-simple",
        "--date",
        "2023-06-01",
        "--died-on",
        "2023-01-10",
    )
    assert [e["kind"] for e in events] == ["person_died", "ira_distribution"]
    assert events[0]["date"] == "2023-01-10"


def test_code_4_without_a_death_date_says_so(h):
    events, out = h.f1099r(
        "young",
        "--tax-year",
        2023,
        "--box1",
        "3000",
        "--box7",
        "4",
        "--ira-sep-simple",
        "--date",
        "2023-06-01",
    )
    assert [e["kind"] for e in events] == ["ira_distribution"]
    assert "--died-on" in out


def test_code_3_records_the_disability(h):
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2022,
        "--box1",
        "3000",
        "--box7",
        "3",
        "--ira-sep-simple",
        "--date",
        "2022-05-01",
        "--disabled-on",
        "2022-02-01",
    )
    assert [e["kind"] for e in events] == ["person_disabled", "ira_distribution"]


def test_code_4g_beneficiary_direct_rollover(h):
    # G1099R: "For a direct rollover ... for the surviving spouse ..., enter Codes 4 and G".
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2023,
        "--box1",
        "8000",
        "--box7",
        "4G",
        "--plan",
        "k401",
        "--account-value",
        "8000",
        "--to-traditional-ira",
        "8000",
        "--date",
        "2023-07-01",
        "--died-on",
        "2023-02-01",
    )
    assert [e["kind"] for e in events] == ["person_died", "plan_distribution"]


# --- refusals: exit 2, one line, nothing stored ----------------------------------------

REFUSED_1099R = [
    # (person, args, words the one line must contain)
    ("young", ["--box1", "100", "--box7", "JQ", "--date", "2024-06-01"], "J and Q together"),
    ("young", ["--box1", "100", "--box7", "J8P", "--date", "2024-06-01"], "at most two codes"),
    ("old", ["--box1", "100", "--box7", "T8", "--date", "2024-06-01"], "T and 8 together"),
    (
        "young",
        ["--box1", "100", "--box7", "Q", "--date", "2024-06-01"],
        "code Q (qualified) requires 59½",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "T", "--date", "2024-06-01"],
        "code T (exception applies) requires 59½",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "7", "--ira-sep-simple", "--date", "2024-06-01"],
        "under 59½",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "J", "--ira-sep-simple", "--date", "2024-06-01"],
        "IRA/SEP/SIMPLE box is checked",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "1", "--roth-ira", "--date", "2024-06-01"],
        "code 1 from a Roth IRA",
    ),
    (
        "old",
        ["--box1", "100", "--box7", "7", "--roth-ira", "--date", "2024-06-01"],
        "Do not use Code 7 for a Roth IRA",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "J", "--box11", "2019", "--date", "2024-06-01"],
        "box 11",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "BG", "--plan", "k401", "--date", "2024-06-01"],
        "should be H",
    ),
    (
        "young",
        [
            "--box1",
            "100",
            "--box7",
            "G",
            "--box11",
            "2019",
            "--plan",
            "k401",
            "--to-roth-ira",
            "100",
            "--account-value",
            "100",
            "--date",
            "2024-06-01",
        ],
        "coded H",
    ),
    (
        "young",
        [
            "--box1",
            "100",
            "--box7",
            "G",
            "--into-roth-ira",
            "--plan",
            "k401",
            "--to-roth-ira",
            "100",
            "--account-value",
            "100",
            "--date",
            "2024-06-01",
        ],
        "that is code H",
    ),
    (
        "young",
        [
            "--box1",
            "100",
            "--box7",
            "G",
            "--plan",
            "k401",
            "--account-value",
            "100",
            "--date",
            "2024-06-01",
        ],
        "--to-roth-ira",
    ),
    (
        "young",
        [
            "--box1",
            "100",
            "--box7",
            "H",
            "--ira-sep-simple",
            "--plan",
            "k401",
            "--date",
            "2024-06-01",
        ],
        "IRA/SEP/SIMPLE box cannot be checked",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "H", "--plan", "k401", "--qualified", "--date", "2024-06-01"],
        "contradicts the form",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "H", "--date", "2024-06-01", "--nonqualified"],
        "needs --plan",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "J8", "--date", "2024-06-01", "--for-tax-year", "2024"],
        "needs box 2a",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "4", "--ira-sep-simple", "--converted", "--date", "2024-06-01"],
        "inherited IRA cannot be converted",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "B", "--plan", "k401", "--date", "2024-06-01"],
        "not supported",
    ),
    ("young", ["--box1", "100", "--box7", "2", "--date", "2024-06-01"], "say where it came from"),
    ("young", ["--box1", "100", "--box7", "X", "--date", "2024-06-01"], "not a distribution code"),
    ("young", ["--box1", "100", "--box7", "5", "--date", "2024-06-01"], "prohibited transaction"),
    ("young", ["--box1", "100", "--box7", "J"], "give --date"),
    ("young", ["--box1", "100", "--box7", "J", "--date", "2023-12-31"], "not in 2024"),
    (
        "young",
        ["--box1", "100", "--box2a", "150", "--box7", "J", "--date", "2024-06-01"],
        "more than box 1",
    ),
    (
        "young",
        [
            "--box1",
            "100",
            "--box7",
            "2",
            "--ira-sep-simple",
            "--converted",
            "--date",
            "2024-06-01",
            "--received-on",
            "2024-05-01",
        ],
        "before the distribution",
    ),
    (
        "young",
        ["--box1", "100", "--box7", "J", "--date", "2024-06-01", "--returned-contribution", "100"],
        "not a returned contribution",
    ),
]


@pytest.mark.parametrize(
    "person,args,words",
    REFUSED_1099R,
    ids=[
        f"{' '.join(a[a.index('--box7') + 1 : a.index('--box7') + 2])}-{w}"
        for _, a, w in REFUSED_1099R
    ],
)
def test_1099r_refusals(h, person, args, words):
    line = h.refused("form-1099r", person, "--tax-year", "2024", *args)
    assert words in line, line


REFUSED_5498 = [
    (["--account", "roth", "--box10", "7000"], "does not say when it was deposited"),
    (["--account", "ira", "--box1", "7000", "--date", "2024-02-01"], "--nondeductible"),
    (["--account", "ira", "--box10", "7000", "--date", "2024-02-01"], "not a Roth IRA"),
    (
        ["--account", "roth", "--box1", "7000", "--date", "2024-02-01", "--deductible"],
        "a Roth IRA's are in box 10",
    ),
    (
        ["--account", "roth", "--box10", "7000", "--date", "2025-05-01"],
        "after the 2024 contribution deadline",
    ),
    (["--account", "roth", "--box10", "7000", "--date", "2023-12-31"], "before tax year 2024"),
    (["--account", "roth", "--box3", "5000", "--record-conversion"], "--conversion-date"),
    (
        [
            "--account",
            "roth",
            "--box3",
            "5000",
            "--record-conversion",
            "--conversion-date",
            "2023-12-30",
        ],
        "not in 2024",
    ),
    (["--account", "ira", "--box3", "5000"], "receiving Roth IRA"),
    (["--account", "ira", "--box5", "100", "--year-end-total", "50"], "less than this account"),
]


@pytest.mark.parametrize("args,words", REFUSED_5498, ids=[w for _, w in REFUSED_5498])
def test_5498_refusals(h, args, words):
    line = h.refused("form-5498", "young", "--tax-year", "2024", *args)
    assert words in line, line


def test_several_problems_are_listed_together_and_nothing_is_stored(h):
    before = h.events()
    result = h.run(
        "record",
        "form-5498",
        "-H",
        "h",
        "-p",
        "young",
        "--tax-year",
        "2024",
        "--account",
        "ira",
        "--box1",
        "7000",
        "--box10",
        "100",
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: 3 problems found; nothing was stored")
    assert h.events() == before


def test_unknown_household_or_person(h):
    for household, person in (("nobody", "young"), ("h", "nobody")):
        result = h.run(
            "record",
            "form-1099r",
            "-H",
            household,
            "-p",
            person,
            "--tax-year",
            "2024",
            "--box1",
            "1",
            "--box7",
            "J",
            "--date",
            "2024-01-02",
        )
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


# --- Form 5498 -------------------------------------------------------------------------


def test_5498_box10_prior_year_contribution(h):
    # G5498 box 10: contributions for 2024 made up to the 2025 filing deadline.
    events, out = h.f5498(
        "young",
        "--tax-year",
        2024,
        "--account",
        "roth",
        "--box10",
        "7000",
        "--date",
        "2025-04-01",
        "--box5",
        "7350.25",
        "--trustee",
        "Vanguard",
    )
    c = only(events, "roth_contribution")
    assert (c["tax_year"], c["date"], money(c["amount"])) == (2024, "2025-04-01", 7000)
    assert c["source"] == "5498 Vanguard 2024 box 10"
    y = only(events, "roth_year_end_value")
    assert (y["year"], money(y["value"])) == (2024, Decimal("7350.25"))
    assert "prior-year contribution" in out


def test_5498_box1_needs_deductible_or_not(h):
    events, _ = h.f5498(
        "young",
        "--tax-year",
        2024,
        "--account",
        "ira",
        "--box1",
        "7000",
        "--nondeductible",
        "--date",
        "2024-02-01",
        "--no-year-end",
        "--box5",
        "7010",
    )
    c = only(events, "ira_contribution")
    assert (c["deductible"], money(c["amount"]), c["tax_year"]) == (False, 7000, 2024)
    assert len(events) == 1  # --no-year-end: box 5 not recorded
    events, _ = h.f5498(
        "old",
        "--tax-year",
        2024,
        "--account",
        "ira",
        "--box1",
        "8000",
        "--deductible",
        "--date",
        "2025-03-01",
    )
    assert only(events, "ira_contribution")["deductible"] is True


def test_5498_box5_year_end_value_and_total(h):
    events, out = h.f5498("old", "--tax-year", 2024, "--account", "ira", "--box5", "15000")
    e = only(events, "ira_year_end_value")
    assert (e["year"], money(e["value"])) == (2024, 15000)
    assert "--year-end-total" in out  # Form 8606 line 6 needs ALL the IRAs summed
    events, out = h.f5498(
        "old", "--tax-year", 2024, "--account", "sep", "--box5", "5000", "--year-end-total", "20000"
    )
    assert money(only(events, "ira_year_end_value")["value"]) == 20000
    assert "already recorded" in out


def test_5498_box3_not_recorded_unless_asked(h):
    events, out = h.f5498(
        "young",
        "--tax-year",
        2024,
        "--account",
        "roth",
        "--box3",
        "6000",
        "--box2",
        "1000",
        "--box11",
    )
    assert events == []
    assert "record the conversion once" in out and "box 2" in out and "box 11" in out
    events, _ = h.f5498(
        "young",
        "--tax-year",
        2024,
        "--account",
        "roth",
        "--box3",
        "6000",
        "--record-conversion",
        "--conversion-date",
        "2024-02-05",
    )
    e = only(events, "roth_conversion")
    assert (e["date"], money(e["amount"])) == ("2024-02-05", 6000)


def test_dry_run_stores_nothing(h):
    before = h.events()
    for which, args in (
        (
            "form-5498",
            ["--account", "roth", "--box10", "7000", "--date", "2025-04-01", "--box5", "1"],
        ),
        (
            "form-1099r",
            [
                "--box1",
                "5000",
                "--box7",
                "T",
                "--date",
                "2024-06-01",
                "--disabled-on",
                "2024-01-02",
            ],
        ),
    ):
        result = h.run(
            "record", which, "-H", "h", "-p", "young", "--tax-year", "2024", *args, "--dry-run"
        )
        assert result.exit_code == 0, result.output
        assert "would record" in result.stdout and "dry run: nothing was stored" in result.stdout
    assert h.events() == before


# --- whole histories from forms, checked against published figures ----------------------


def test_seed_004_mixed_history_from_forms(h):
    """Astra Wealth Partners (2025), "Example of Ordering Rules" (project seed 004;
    tests/examples/seed-i-mixed-history-48k.yaml, with its assumptions: born 1980-06-15,
    no other IRA money at year ends, Roth 401(k) rollover nonqualified, investment in the
    contract 21,000). A 48,000 withdrawal in 2022 draws 6,000 regular + 21,000 designated
    Roth rollover basis (Form 8606 line 22 = 27,000), then 21,000 of conversions (line 23,
    line 24); 10% on the 1,000 IRR and 1,000 2018-conversion taxable parts inside their
    5 years = 200 (Form 5329 lines 1-4), nothing taxable (line 25c)."""
    run, f = h.run, h.f1099r
    assert (
        run(
            "record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", "1980-06-15"
        ).exit_code
        == 0
    )
    f(
        "p",
        "--tax-year",
        2017,
        "--box1",
        "15000",
        "--box7",
        "2",
        "--ira-sep-simple",
        "--converted",
        "--date",
        "2017-03-01",
    )
    h.f5498("p", "--tax-year", 2017, "--account", "ira", "--box5", "0")
    h.f5498(
        "p",
        "--tax-year",
        2018,
        "--account",
        "ira",
        "--box1",
        "5000",
        "--nondeductible",
        "--date",
        "2018-01-15",
        "--box5",
        "0",
    )
    f(
        "p",
        "--tax-year",
        2018,
        "--box1",
        "6000",
        "--box7",
        "2",
        "--ira-sep-simple",
        "--converted",
        "--date",
        "2018-06-01",
    )
    h.f5498("p", "--tax-year", 2019, "--account", "roth", "--box10", "6000", "--date", "2019-03-01")
    assert (
        run(
            "record",
            "plan_after_tax_contribution",
            "-H",
            "h",
            "--person",
            "p",
            "--plan",
            "k401",
            "--date",
            "2020-02-01",
            "--amount",
            "20000",
        ).exit_code
        == 0
    )
    f(
        "p",
        "--tax-year",
        2020,
        "--box1",
        "21000",
        "--box2a",
        "1000",
        "--box7",
        "G",
        "--in-plan",
        "--plan",
        "k401",
        "--date",
        "2020-12-01",
    )
    f(
        "p",
        "--tax-year",
        2021,
        "--box1",
        "25000",
        "--box2a",
        "0",
        "--box5",
        "21000",
        "--box7",
        "H",
        "--box11",
        "2020",
        "--plan",
        "k401",
        "--date",
        "2021-08-01",
    )
    f("p", "--tax-year", 2022, "--box1", "48000", "--box7", "J", "--date", "2022-06-01")

    report = h.report("withdrawals", "-H", "h", "-p", "p", "--tax-year", "2022")
    assert report["form8606"] == {
        "19": "48000.00",
        "20": "0.00",
        "21": "48000.00",
        "22": "27000.00",
        "23": "21000.00",
        "24": "21000.00",
        "25a": "0.00",
        "25b": "0.00",
        "25c": "0.00",
    }
    assert report["form5329"] == {"1": "2000.00", "2": "0.00", "3": "2000.00", "4": "200.00"}
    assert (report["taxable_amount"], report["additional_tax"], report["qualified"]) == (
        "0.00",
        "200.00",
        False,
    )
    form8606_2018 = h.report("form8606", "-H", "h", "-p", "p", "--tax-year", "2018")
    assert form8606_2018["part2"] == {"16": "6000.00", "17": "5000.00", "18": "1000.00"}


def test_pub_590b_justin_from_forms(h):
    """IRS Pub 590-B, "Ordering Rules for Distributions", Example (Justin; tests/examples/
    pub590b-justin.yaml): an 80,000 conversion on 2016-10-15 of which 20,000 was basis
    (60,000 taxable), a 5,000 contribution on 2020-02-23, and a 7,000 distribution on
    2020-11-08 at age 60: 5,000 from regular contributions and 2,000 from the 2016
    conversion's taxable part; not taxable, no 10% (he is over 59½), yet not qualified
    (5-year clock from 2016). The 20,000 basis is entered as nondeductible 5498 box 1
    contributions (2013-2015 at the 6,500 age-50 limit, 500 in 2016: Form 8606 line 2)."""
    assert (
        h.run(
            "record",
            "person",
            "-H",
            "h",
            "--id",
            "justin",
            "--name",
            "Justin",
            "--born",
            "1960-05-01",
        ).exit_code
        == 0
    )
    for year, amount in ((2013, "6500"), (2014, "6500"), (2015, "6500"), (2016, "500")):
        h.f5498(
            "justin",
            "--tax-year",
            year,
            "--account",
            "ira",
            "--box1",
            amount,
            "--nondeductible",
            "--date",
            f"{year}-01-10",
            "--no-year-end",
        )
    # 56 in 2016: a conversion under 59½ is code 2 (G1099R)
    h.f1099r(
        "justin",
        "--tax-year",
        2016,
        "--box1",
        "80000",
        "--box2a",
        "80000",
        "--box2b",
        "--box7",
        "2",
        "--ira-sep-simple",
        "--converted",
        "--date",
        "2016-10-15",
    )
    h.f5498("justin", "--tax-year", 2016, "--account", "ira", "--box5", "0")
    h.f5498(
        "justin", "--tax-year", 2020, "--account", "roth", "--box10", "5000", "--date", "2020-02-23"
    )
    # 60 on 2020-11-08: the payer uses T (59½, five years not known)
    h.f1099r("justin", "--tax-year", 2020, "--box1", "7000", "--box7", "T", "--date", "2020-11-08")

    f8606 = h.report("form8606", "-H", "h", "-p", "justin", "--tax-year", "2016")
    assert (f8606["part2"]["16"], f8606["part2"]["17"], f8606["part2"]["18"]) == (
        "80000.00",
        "20000.00",
        "60000.00",
    )
    report = h.report("withdrawals", "-H", "h", "-p", "justin", "--tax-year", "2020")
    assert report["qualified"] is False
    assert (report["taxable_amount"], report["additional_tax"]) == ("0.00", "0.00")
    drawn = {(d["source"], d["year"], d["portion"]): money(d["amount"]) for d in report["draws"]}
    assert drawn == {
        ("regular_contributions", 2020, None): 5000,
        ("conversion", 2016, "taxable"): 2000,
    }
    assert {k: report["form8606"][k] for k in ("19", "22", "23", "24", "25c")} == {
        "19": "7000.00",
        "22": "5000.00",
        "23": "2000.00",
        "24": "80000.00",
        "25c": "0.00",
    }


def test_seed_004_one_year_conversion_from_forms(h):
    """Astra Wealth Partners (2025), seed 004 lines 24-28 (tests/examples/seed-004-simple-
    one-year-conversion.yaml): a 10,000 conversion in 2019 (no IRA basis: all taxable)
    withdrawn in 2020 under 59½ owes 10% on it: 1,000 (Form 5329 lines 1 and 4)."""
    h.f1099r(
        "young",
        "--tax-year",
        2019,
        "--box1",
        "10000",
        "--box7",
        "2",
        "--ira-sep-simple",
        "--converted",
        "--date",
        "2019-06-01",
    )
    h.f5498("young", "--tax-year", 2019, "--account", "ira", "--box5", "0")
    h.f1099r("young", "--tax-year", 2020, "--box1", "10000", "--box7", "J", "--date", "2020-06-01")
    report = h.report("withdrawals", "-H", "h", "-p", "young", "--tax-year", "2020")
    assert (report["taxable_amount"], report["additional_tax"]) == ("0.00", "1000.00")
    assert report["form5329"] == {"1": "10000.00", "2": "0.00", "3": "10000.00", "4": "1000.00"}
    assert {k: report["form8606"][k] for k in ("19", "22", "23", "24", "25c")} == {
        "19": "10000.00",
        "22": "0.00",
        "23": "10000.00",
        "24": "10000.00",
        "25c": "0.00",
    }


def test_returned_contribution_leaves_no_basis(h):
    """RULES (a), corrective distributions (Reg 1.408A-6 A-1(d)): a contribution returned
    by the deadline is treated as never made. 6,000 for 2023, all returned in 2024 (JP):
    the regular-contribution basis at the end of 2024 is 0."""
    h.f5498(
        "young", "--tax-year", 2023, "--account", "roth", "--box10", "6000", "--date", "2024-03-01"
    )
    h.f1099r(
        "young",
        "--tax-year",
        2024,
        "--box1",
        "6120",
        "--box2a",
        "120",
        "--box7",
        "JP",
        "--for-tax-year",
        "2023",
        "--date",
        "2024-04-01",
    )
    basis = h.report("basis", "-H", "h", "-p", "young", "--as-of", "2024-12-31")
    assert basis["regular_contribution_basis"] == "0.00"


# --- the command line itself -------------------------------------------------------------


def test_record_help_lists_the_hyphenated_form_commands(run):
    listing = run("record", "--help").output
    assert "form-1099r" in listing and "form-5498" in listing
    assert "form_1099r" not in listing and "form_5498" not in listing
    for name in ("form-1099r", "form-5498", "form_1099r", "form_5498"):
        result = run("record", name, "--help")
        assert result.exit_code == 0 and "What the form cannot tell you" in result.output


def test_fresh_process_exit_code_and_one_line(tmp_path):
    """The installed entry point (`python -m cli`), as a user runs it."""
    env = dict(os.environ, ROTH_LEDGER_DB=str(tmp_path / "l.db"), ROTH_LEDGER_USER="t")

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    assert cli("record", "household", "-H", "x", "--name", "X").returncode == 0
    assert cli("record", "person", "-H", "x", "--id", "a", "--born", "1990-01-01").returncode == 0
    bad = cli(
        "record",
        "form-1099r",
        "-H",
        "x",
        "-p",
        "a",
        "--tax-year",
        "2024",
        "--box1",
        "100",
        "--box7",
        "Q",
        "--date",
        "2024-06-01",
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    good = cli(
        "record",
        "form-1099r",
        "-H",
        "x",
        "-p",
        "a",
        "--tax-year",
        "2024",
        "--box1",
        "100",
        "--box7",
        "J",
        "--date",
        "2024-06-01",
    )
    assert good.returncode == 0 and good.stdout.startswith("recorded ")
    events = json.loads(cli("events", "-H", "x", "--format", "json").stdout)["events"]
    assert [e["kind"] for e in events][-1] == "roth_distribution"


def test_ira_disaster_flag_is_kept_on_the_ira_distribution(h):
    # a qualified disaster distribution from a traditional IRA: Form 8606 line 15b needs it
    events, _ = h.f1099r(
        "young",
        "--tax-year",
        2023,
        "--box1",
        "5000",
        "--box7",
        "1",
        "--ira-sep-simple",
        "--date",
        "2023-09-01",
        "--disaster",
    )
    e = only(events, "ira_distribution")
    assert e["disaster"] is True and money(e["amount"]) == 5000
