"""``--explain``: trace every figure of a report to its events and the rule applied.

Each entry names the figure (``form8606.22``, ``draws[3]``), its value, the rule with its
citation (RULES.md), and the events behind it with their ids, dates, amounts and source
documents, so a preparer can walk from a number back to the paper it came from.
"""

from __future__ import annotations

from ..events import Event
from ..projections.facts import HouseholdFacts

RULES_8606_III = {
    "19": "Form 8606 line 19: nonqualified Roth IRA distributions, plus qualified first-home ones (Instructions for Form 8606)",
    "20": "Form 8606 line 20: qualified first-time homebuyer expenses, $10,000 lifetime (IRC §72(t)(8))",
    "21": "Form 8606 line 21: line 19 minus line 20",
    "22": "Form 8606 line 22: basis in regular contributions, plus designated Roth rollover investment in the contract (Reg. 1.408A-10 A-3), less earlier distributions (Reg. 1.408A-6 A-4)",
    "23": "Form 8606 line 23: line 21 minus line 22 (regular contributions come out first, Reg. 1.408A-6 A-8)",
    "24": "Form 8606 line 24: basis in conversions and plan rollovers to Roth IRAs not yet distributed",
    "25a": "Form 8606 line 25a: line 23 minus line 24 = earnings distributed",
    "25b": "Form 8606 line 25b: qualified disaster share of 25a (line 25a x disaster distributions / line 19)",
    "25c": "Form 8606 line 25c: taxable amount (IRC §408A(d)(1); Reg. 1.408A-6 A-4)",
}
RULES_5329 = {
    "1": "Form 5329 line 1: early taxable earnings plus the taxable part of conversions/rollovers still within their 5 years (IRC §408A(d)(3)(F); Reg. 1.408A-6 A-5; Instructions for Form 5329)",
    "2": "Form 5329 line 2: the part excepted under IRC §72(t)(2) (exception number per that year's instructions)",
    "3": "Form 5329 line 3: line 1 minus line 2",
    "4": "Form 5329 line 4: 10% of line 3 (IRC §72(t)(1))",
}
RULES_8606_I = {
    "1": "nondeductible contributions for the year (IRC §408(o))",
    "2": "basis carried from the prior year's line 14",
    "6": "Dec 31 value of all traditional/SEP/SIMPLE IRAs (IRC §408(d)(2))",
    "7": "distributions not converted or rolled over",
    "8": "net amount converted (Reg. 1.408A-4 A-7)",
    "10": "line 5 / line 9, at most 1.000 (ratio_precision policy)",
    "11": "nontaxable part of the conversions (line 8 x line 10)",
    "14": "basis carried forward (line 3 - line 13)",
    "16": "amount converted",
    "17": "basis in the amount converted",
    "18": "taxable conversions (line 16 - line 17)",
}


def _index(facts: HouseholdFacts, person: str) -> dict[str, Event]:
    return {e.id: e for e in facts.person(person).events}


def _event(e: Event) -> dict:
    out = {"id": e.id, "kind": e.kind}
    d = e.effective_date
    if d is not None:
        out["date"] = d.isoformat()
    for name in ("amount", "value", "taxable", "basis"):
        v = getattr(e, name, None)
        if v is not None:
            out[name] = str(v)
    if getattr(e, "tax_year", None) is not None:
        out["tax_year"] = e.tax_year
    if e.source:
        out["source"] = e.source
    if e.memo:
        out["memo"] = e.memo
    return out


def _entry(figure, value, rule, ids, idx) -> dict:
    return {
        "figure": figure,
        "value": value,
        "rule": rule,
        "events": [_event(idx[i]) for i in dict.fromkeys(ids) if i in idx],
    }


def _kinds(idx, *kinds, year=None, by="year") -> list[str]:
    out = []
    for e in idx.values():
        if e.kind in kinds:
            y = (
                e.effective_tax_year
                if by == "tax_year"
                else (e.effective_date.year if e.effective_date else None)
            )
            if year is None or y is None or y <= year:
                out.append(e.id)
    return out


def explain(kind: str, report: dict, facts: HouseholdFacts, person: str) -> list[dict]:
    idx = _index(facts, person)
    year = report.get("tax_year")
    out: list[dict] = []
    if kind == "withdrawals":
        dist_ids = [d["id"] for d in report.get("distributions", [])]
        out.append(
            _entry(
                "qualified",
                report.get("qualified"),
                "IRC §408A(d)(2); Reg. 1.408A-6 A-1, A-2: 5-taxable-year period and 59½/death/disability/first home",
                dist_ids
                + _kinds(
                    idx,
                    "roth_contribution",
                    "roth_conversion",
                    "designated_roth_rollover",
                    "plan_distribution",
                    "person_died",
                    "person_disabled",
                    year=year,
                ),
                idx,
            )
        )
        for i, d in enumerate(report.get("draws", [])):
            out.append(
                _entry(
                    f"draws[{i}]",
                    d["amount"],
                    d.get("rule") or "",
                    [d["distribution"], *d.get("events", [])],
                    idx,
                )
            )
        regular = _kinds(
            idx,
            "roth_contribution",
            "roth_contribution_return",
            "designated_roth_rollover",
            year=year,
            by="tax_year",
        )
        conv = _kinds(
            idx,
            "roth_conversion",
            "plan_distribution",
            "ira_contribution",
            "ira_year_end_value",
            year=year,
        )
        for line, value in report.get("form8606", {}).items():
            ids = dist_ids + (regular if line == "22" else conv if line == "24" else [])
            out.append(_entry(f"form8606.{line}", value, RULES_8606_III.get(line, ""), ids, idx))
        hot = [
            i
            for d in report.get("draws", [])
            if d["subject_to_additional_tax"] != "0.00"
            for i in d.get("events", [])
        ]
        for line, value in report.get("form5329", {}).items():
            out.append(
                _entry(f"form5329.{line}", value, RULES_5329.get(line, ""), dist_ids + hot, idx)
            )
    elif kind == "form8606":
        ira = _kinds(
            idx,
            "ira_contribution",
            "ira_distribution",
            "ira_year_end_value",
            "roth_conversion",
            "plan_distribution",
            year=year,
        )
        for part in ("part1", "part2", "part3"):
            for line, value in report.get(part, {}).items():
                rule = (
                    RULES_8606_III.get(line)
                    if part == "part3"
                    else f"Form 8606 line {line}: " + RULES_8606_I.get(line, "see the form")
                )
                ids = _kinds(idx, "roth_distribution", year=year) if part == "part3" else ira
                out.append(_entry(f"{part}.{line}", value, rule, ids, idx))
    elif kind == "form5329":
        for line, value in report.get("part1", {}).items():
            out.append(
                _entry(
                    f"part1.{line}",
                    value,
                    RULES_5329.get(line, ""),
                    _kinds(idx, "roth_distribution", year=year),
                    idx,
                )
            )
    elif kind == "year":
        for p in report.get("plan_distributions", []):
            out.append(
                _entry(
                    f"plan_distributions.{p['id']}",
                    p["amount"],
                    "IRC §72(e)(8) pro-rata (§72(d)(2) sub-account if separately accounted); Notice 2014-54 allocation",
                    [p["id"]] + _kinds(idx, "plan_after_tax_contribution", year=year),
                    idx,
                )
            )
        for r in report.get("in_plan_roth_rollovers", []):
            out.append(
                _entry(
                    f"in_plan_roth_rollovers.{r['id']}",
                    r["taxable"],
                    "IRC §402A(c)(4); Notice 2010-84 Q&A-7: taxable as if rolled to a Roth IRA",
                    [r["id"]],
                    idx,
                )
            )
        for i, la in enumerate(report.get("roth_layers_added", [])):
            out.append(
                _entry(
                    f"roth_layers_added[{i}]",
                    la["taxable"],
                    "Reg. 1.408A-6 A-9: conversions received in one year form one layer; clock from Jan 1 of that year (A-5(c))",
                    la.get("events", []),
                    idx,
                )
            )
    elif kind == "basis":
        out.append(
            _entry(
                "regular_contribution_basis",
                report["regular_contribution_basis"],
                "Reg. 1.408A-6 A-8: regular contributions for each tax year, less returned ones and earlier draws",
                _kinds(idx, "roth_contribution", "roth_contribution_return"),
                idx,
            )
        )
        for i, la in enumerate(report.get("conversion_layers", [])):
            out.append(
                _entry(
                    f"conversion_layers[{i}]",
                    la["taxable"],
                    "Reg. 1.408A-6 A-5, A-9: layer by year received; taxable part first; 10% clock 5 taxable years",
                    la.get("events", []),
                    idx,
                )
            )
    return out
