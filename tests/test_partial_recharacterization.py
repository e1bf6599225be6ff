"""A recharacterization of part of a contribution or conversion (`part`), issue 11 item 3.

Where the expected numbers come from:

* Instructions for Form 8606 (2015), "Recharacterizations", the example of a $4,000
  traditional IRA contribution made May 27, 2015 of which $3,000 is recharacterized as a
  Roth IRA contribution, $3,300 moved ($3,000 plus $300 related earnings): the $1,000 left
  is the traditional contribution (deducted), the $3,000 a Roth IRA contribution for 2015.
* The same instructions' example of a $20,000 conversion made May 20, 2015, the entire
  amount recharacterized when it was worth $19,000 (April 7, 2016): no conversion income.
* Hand arithmetic on Form 8606 Part II (line 16 = the amount converted less the part
  recharacterized, Instructions for Form 8606 line 8/16: "do not include amounts ...
  later recharacterized"): a $50,000 conversion in 2016 (taxable 50,000), $20,000 of it
  recharacterized with a $1,000 loss ($19,000 moved) -> 2016 conversion income 50,000 -
  20,000 = 30,000.
* Hand arithmetic on Form 8606 Part I and II (lines 1-18) for a conversion whose taxable
  part the ledger pro-rates, worked line by line in the test.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.events import Recharacterization
from ledger.projections.recharacterize import apply_recharacterizations
from ledger.reports.build import basis_report, form8606_report, year_report
from ledger.rules import recharacterization as rules
from ledger.rules.policy import Policy

from .rules.helpers import D, facts

POLICY = Policy()
HEAD = "version: 1\nhousehold: {id: h, name: H}\npeople:\n- {id: p, name: P, born: 1970-01-01}\nevents:\n"


def _import(run, tmp_path, events: str, name: str = "l.yaml"):
    path = tmp_path / name
    path.write_text(HEAD + events)
    return run("import", str(path)), path


def _json(run, *args) -> dict:
    r = run("report", *args, "-H", "h", "-p", "p", "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


# --- through the command line ------------------------------------------------------------


def test_50000_conversion_20000_recharacterized_with_a_loss(run, tmp_path):
    r, _ = _import(
        run,
        tmp_path,
        "- {id: c1, kind: roth_conversion, person: p, date: 2016-03-01, amount: 50000, taxable: 50000}\n"
        "- {id: r1, kind: recharacterization, person: p, date: 2016-10-01, target: c1, amount: 19000, part: 20000}\n",
    )
    assert r.exit_code == 0, r.output
    year = _json(run, "year", "--tax-year", "2016")
    # 50,000 - 20,000 (the part, before its $1,000 loss) stays converted, all taxable
    assert year["taxable_income"]["conversions"] == "30000.00"
    assert [la["taxable"] for la in year["roth_layers_added"]] == ["30000.00"]
    assert year["warnings"] == []  # a part given: no note
    f = _json(run, "form8606", "--tax-year", "2016")
    assert f["part2"] == {"16": "30000.00", "17": "0.00", "18": "30000.00"}


def test_the_whole_2015_conversion_recharacterized_at_19000_is_said(run, tmp_path):
    """Instructions for Form 8606 (2015): the entire $20,000 recharacterized, then worth
    $19,000: no income; the report says the whole target was taken as recharacterized."""
    r, _ = _import(
        run,
        tmp_path,
        "- {id: c1, kind: roth_conversion, person: p, date: 2015-05-20, amount: 20000, taxable: 20000}\n"
        "- {id: r1, kind: recharacterization, person: p, date: 2016-04-07, target: c1, amount: 19000}\n",
    )
    assert r.exit_code == 0, r.output
    year = _json(run, "year", "--tax-year", "2015", "--explain")
    assert year["taxable_income"]["conversions"] == "0.00"
    note = [w for w in year["warnings"] if w.startswith("r1:")]
    assert len(note) == 1 and "whole of c1" in note[0] and "part" in note[0]
    traced = [e for e in year["explain"] if e["figure"] == "recharacterization.r1"]
    assert traced and "whole of c1" in traced[0]["rule"] and "-1000.00" in traced[0]["rule"]
    w = _json(run, "withdrawals", "--tax-year", "2015")
    assert any(x.startswith("r1: the whole of c1") for x in w["warnings"])
    # the same amount as the target: no note at all
    r, _ = _import(
        run,
        tmp_path,
        "- {id: c2, kind: roth_conversion, person: p, date: 2015-06-01, amount: 500, taxable: 500}\n"
        "- {id: r2, kind: recharacterization, person: p, date: 2016-04-07, target: c2, amount: 500}\n",
        "m.yaml",
    )
    assert r.exit_code == 0, r.output
    year = _json(run, "year", "--tax-year", "2015")
    assert not [w for w in year["warnings"] if w.startswith("r2:")]


def test_form_8606_2015_example_3000_of_a_4000_traditional_contribution(run, tmp_path):
    r, path = _import(
        run,
        tmp_path,
        "- {id: t1, kind: ira_contribution, person: p, tax_year: 2015, date: 2015-05-27, amount: 4000, deductible: true}\n"
        "- {id: r1, kind: recharacterization, person: p, date: 2016-02-24, target: t1, amount: 3300, part: 3000}\n",
    )
    assert r.exit_code == 0, r.output
    basis = _json(run, "basis", "--as-of", "2016-12-31")
    assert basis["regular_contribution_basis"] == "3000.00"  # the Roth IRA contribution
    assert basis["ira_basis"] == "0.00"  # the $1,000 left was deducted
    # export and import again: the same part, the same figures
    out = run("export", "-H", "h", "--format", "yaml")
    assert out.exit_code == 0 and "part: '3000.00'" in out.output, out.output
    again = tmp_path / "again.yaml"
    again.write_text(out.output.replace("household:\n  id: h\n", "household:\n  id: h2\n", 1))
    r = run("import", str(again))
    assert r.exit_code == 0, r.output
    r = run("report", "basis", "-H", "h2", "-p", "p", "--as-of", "2016-12-31", "--format", "json")
    assert json.loads(r.output)["regular_contribution_basis"] == "3000.00"


def test_pro_rata_on_the_part_that_stays_converted(run, tmp_path):
    """Form 8606 2016, by hand: line 1 = 3,000 (the part of a $5,500 Roth contribution
    moved to a traditional IRA, nondeductible); line 2 = 5,500; line 3 = line 5 = 8,500;
    line 6 = 15,000; line 8 = 10,000 converted - 5,000 recharacterized = 5,000; line 9 =
    20,000; line 10 = 8,500 / 20,000 = 0.425; line 11 = 2,125; line 14 = 6,375; line 16 =
    5,000; line 17 = 2,125; line 18 = 2,875. Roth basis left: 5,500 - 3,000 = 2,500."""
    r, _ = _import(
        run,
        tmp_path,
        "- {id: c2, kind: roth_contribution, person: p, tax_year: 2016, date: 2016-02-01, amount: 5500}\n"
        "- {id: r2, kind: recharacterization, person: p, date: 2016-10-01, target: c2, amount: 3300, part: 3000}\n"
        "- {id: n1, kind: ira_contribution, person: p, tax_year: 2015, date: 2015-02-01, amount: 5500, deductible: false}\n"
        "- {id: v5, kind: ira_year_end_value, person: p, year: 2015, value: 5500}\n"
        "- {id: c1, kind: roth_conversion, person: p, date: 2016-03-01, amount: 10000}\n"
        "- {id: r1, kind: recharacterization, person: p, date: 2016-10-01, target: c1, amount: 4500, part: 5000}\n"
        "- {id: v, kind: ira_year_end_value, person: p, year: 2016, value: 15000}\n",
    )
    assert r.exit_code == 0, r.output
    f = _json(run, "form8606", "--tax-year", "2016")
    p1 = f["part1"]
    assert (p1["1"], p1["3"], p1["8"], p1["9"], p1["10"], p1["11"], p1["14"]) == (
        "3000.00",
        "8500.00",
        "5000.00",
        "20000.00",
        "0.425",
        "2125.00",
        "6375.00",
    )
    assert f["part2"] == {"16": "5000.00", "17": "2125.00", "18": "2875.00"}
    basis = _json(run, "basis", "--as-of", "2016-12-31")
    assert basis["regular_contribution_basis"] == "2500.00"


def test_refusals_name_the_file_line_and_field(run, tmp_path):
    r, path = _import(
        run,
        tmp_path,
        "- {id: c1, kind: roth_conversion, person: p, date: 2016-03-01, amount: 50000, taxable: 40000}\n"
        "- {id: r1, kind: recharacterization, person: p, date: 2016-10-01, target: c1, amount: 19000, part: 20000}\n"
        "- {id: c2, kind: roth_contribution, person: p, tax_year: 2016, date: 2016-02-01, amount: 5500}\n"
        "- {id: r2, kind: recharacterization, person: p, date: 2016-10-01, target: c2, amount: 6100, part: 6000}\n",
    )
    assert r.exit_code == 2
    assert f"{path}:7: part: not supported: a partial recharacterization of c1" in r.output
    assert "post-recharacterization figures" in r.output
    assert f"{path}:9: part: 6000.00 is more than c2's amount 5500.00" in r.output
    assert "c1" not in run("events", "-H", "h").output  # nothing stored


def test_second_partial_allowed_while_the_parts_fit(run, tmp_path):
    r, path = _import(
        run,
        tmp_path,
        "- {id: c2, kind: roth_contribution, person: p, tax_year: 2016, date: 2016-02-01, amount: 5500}\n"
        "- {id: r2, kind: recharacterization, person: p, date: 2016-06-01, target: c2, amount: 3100, part: 3000}\n"
        "- {id: r3, kind: recharacterization, person: p, date: 2016-07-01, target: c2, amount: 2600, part: 2500}\n",
    )
    assert r.exit_code == 0, r.output
    basis = _json(run, "basis", "--as-of", "2016-12-31")
    assert basis["regular_contribution_basis"] == "0.00"
    assert basis["ira_basis"] == "5500.00"  # 3,000 + 2,500 nondeductible (line 1)
    r, path = _import(
        run,
        tmp_path,
        "- {id: r4, kind: recharacterization, person: p, date: 2016-08-01, target: c2, amount: 1, part: 1}\n"
        "- {id: r5, kind: recharacterization, person: p, date: 2016-08-01, target: c2, amount: 1}\n",
        "more.yaml",
    )
    assert r.exit_code == 2
    assert f"{path}:6: part: 1.00 with the 5500.00 already recharacterized by r2, r3" in r.output
    assert f"{path}:7: target: c2 is already recharacterized in part by r2, r3" in r.output


def test_form_1099r_code_n_with_part(run):
    run("record", "household", "-H", "h", "--name", "H")
    run("record", "person", "-H", "h", "--id", "p", "--name", "P", "--born", "1970-01-01")
    r = run(
        "record", "roth_conversion", "-H", "h", "--person", "p", "--id", "c1",
        "--date", "2016-03-01", "--amount", "50000", "--taxable", "50000",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    form = ("record", "form-1099r", "-H", "h", "-p", "p", "--tax-year", "2016")
    r = run(*form, "--box1", "19000", "--box2a", "0", "--box7", "N", "--date", "2016-10-01",
            "--part", "20000")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "30000.00 stays converted" in r.output
    year = _json(run, "year", "--tax-year", "2016")
    assert year["taxable_income"]["conversions"] == "30000.00"
    # the rest can still be recharacterized, found by the form; more than the rest cannot
    r = run(*form, "--box1", "40000", "--box7", "N", "--date", "2016-11-01", "--part", "30001")
    assert r.exit_code == 2 and "part: 30001.00 with the 20000.00 already" in r.output
    r = run(*form, "--box1", "100", "--box7", "J", "--date", "2016-11-01", "--part", "5")
    assert r.exit_code == 2 and "drop --part" in r.output
    r = run(*form, "--box1", "19000", "--box7", "N", "--date", "2016-11-01")
    assert r.exit_code == 2 and "already recharacterized in part" in r.output
    assert "--part" in run("record", "form-1099r", "--help").output
    assert "part" in run("record", "recharacterization", "--help").output


# --- the rule and the projection ----------------------------------------------------------


def test_rest_taxable_at_the_two_ends_only():
    assert rules.rest_taxable(D(50000), D(50000), D(20000)) == D(30000)
    assert rules.rest_taxable(D(50000), D(0), D(20000)) == D(0)
    assert rules.rest_taxable(D(50000), D(40000), D(20000)) is None


CONVERSION = ("roth_conversion", {"id": "c1", "date": "2016-03-01", "amount": "50000"})


@settings(max_examples=40, deadline=None)
@given(
    amount=st.integers(min_value=1, max_value=200_000),
    moved=st.integers(min_value=1, max_value=300_000),
    kind=st.sampled_from(["conversion", "conversion_taxable", "roth", "traditional"]),
)
def test_part_equal_to_the_target_is_the_whole_target(amount, moved, kind):
    """Invariant: ``part`` = the target's amount gives the same figures as no part."""
    target: tuple
    if kind.startswith("conversion"):
        fields = {"id": "t", "date": "2016-03-01", "amount": str(amount)}
        if kind == "conversion_taxable":
            fields["taxable"] = str(amount)
        target = ("roth_conversion", fields)
    elif kind == "roth":
        target = (
            "roth_contribution",
            {"id": "t", "tax_year": 2016, "date": "2016-02-01", "amount": str(amount)},
        )
    else:
        target = (
            "ira_contribution",
            {"id": "t", "tax_year": 2016, "date": "2016-02-01", "amount": str(amount),
             "deductible": False},
        )  # fmt: skip
    figures = []
    for part in (None, D(amount)):
        rechar = {"id": "r", "date": "2016-10-01", "target": "t", "amount": D(moved)}
        if part is not None:
            rechar["part"] = part
        h = facts(
            "1970-01-01",
            (target[0], dict(target[1])),
            ("recharacterization", rechar),
            ("ira_year_end_value", {"id": "v", "year": 2016, "value": "10000"}),
        )
        y = year_report(h, "p", 2016, POLICY)
        f = form8606_report(h, "p", 2016, POLICY)
        b = basis_report(h, "p", date(2016, 12, 31), POLICY)
        for d in (y, f, b):
            d.pop("warnings", None)
        figures.append((y, f, b))
    assert figures[0] == figures[1]


@settings(max_examples=60, deadline=None)
@given(
    amount=st.integers(min_value=2, max_value=10**7),
    data=st.data(),
)
def test_a_wholly_taxable_conversion_keeps_the_rest(amount, data):
    """Invariant: a conversion taxable in full keeps amount - part, all of it taxable."""
    part = data.draw(st.integers(min_value=1, max_value=amount - 1))
    h = facts(
        "1970-01-01",
        ("roth_conversion", {"id": "c", "date": "2016-03-01", "amount": str(amount),
                             "taxable": str(amount)}),
        ("recharacterization", {"id": "r", "date": "2016-10-01", "target": "c",
                                "amount": D(part), "part": D(part)}),
    )  # fmt: skip
    (conv,) = [
        e for e in apply_recharacterizations(h.person("p").events) if e.kind == "roth_conversion"
    ]
    assert conv.amount == conv.taxable == Decimal(amount - part)
    assert not [
        e for e in h.person("p").events if isinstance(e, Recharacterization) and e.part is None
    ]


def test_line_6_takes_a_recharacterization_after_dec_31_into_account(run, tmp_path):
    """Instructions for Form 8606, line 6: "taking into account all recharacterizations ...
    including recharacterizations made after December 31". By hand, 2015: line 1 = 5,000;
    line 6 = 15,000 (Dec 31) + 4,500 moved back on 2016-04-01 = 19,500; line 8 = 10,000 -
    5,000 = 5,000; line 9 = 24,500; line 10 = 5,000 / 24,500 = 0.20408163; line 11 =
    1,020.41; line 14 = 3,979.59; line 18 = 5,000 - 1,020.41 = 3,979.59."""
    r, _ = _import(
        run,
        tmp_path,
        "- {id: n1, kind: ira_contribution, person: p, tax_year: 2015, date: 2015-02-01, amount: 5000, deductible: false}\n"
        "- {id: c1, kind: roth_conversion, person: p, date: 2015-03-01, amount: 10000}\n"
        "- {id: v, kind: ira_year_end_value, person: p, year: 2015, value: 15000}\n"
        "- {id: r1, kind: recharacterization, person: p, date: 2016-04-01, target: c1, amount: 4500, part: 5000}\n",
    )
    assert r.exit_code == 0, r.output
    f = _json(run, "form8606", "--tax-year", "2015", "--explain")
    assert (f["part1"]["6"], f["part1"]["9"], f["part1"]["10"], f["part1"]["14"]) == (
        "19500.00",
        "24500.00",
        "0.20408163",
        "3979.59",
    )
    assert f["part2"] == {"16": "5000.00", "17": "1020.41", "18": "3979.59"}
    (line6,) = [e for e in f["explain"] if e["figure"] == "part1.6"]
    assert "r1" in [e["id"] for e in line6["events"]]
