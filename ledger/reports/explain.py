"""``--explain``: trace every figure of a report to its events and the rule applied.

Each entry names the figure (``form8606.22``, ``draws[3]``), its value, the rule with its
citation (RULES.md), and the events behind it with their ids, dates, amounts and source
documents, so a preparer can walk from a number back to the paper it came from.

The Roth IRA distribution figures (the withdrawal report, Form 8606 Part III, Form 5329
Part I) render the trace the rule itself returned (:class:`ledger.rules.roth_distributions.
Figure`: its events and its rule); only the form line label is added here.
"""

from __future__ import annotations

from ..events import Event
from ..money import fmt
from ..projections.facts import HouseholdFacts
from ..projections.person import PersonLedger
from ..projections.recharacterize import CITE as CITE_RECHAR
from ..projections.recharacterize import Target, target_year, whole_note
from ..rules.rollovers import CITE_NOT_DISTRIBUTED
from ..rules.roth_distributions import Figure
from .forms import form5329_part1, form8606_ira_events, form8606_part3

RULES_8606_I = {  # Instructions for Form 8606, Parts I-II
    "1": "nondeductible contributions for the year (IRC §408(o))",
    "2": "basis carried from the prior year's line 14",
    "3": "total basis: line 1 + line 2",
    "4": "contributions for the year made from Jan 1 to the due date of the next year's return",
    "5": "line 3 - line 4",
    "6": "Dec 31 value of all traditional/SEP/SIMPLE IRAs (IRC §408(d)(2)), less the year's repayments of that year's qualified disaster distributions, taking into account the recharacterizations of the year's amounts made after Dec 31 (Instructions for Form 8606, line 6)",
    "7": "distributions not converted or rolled over, without the qualified charitable (IRC §408(d)(8)) and HSA funding (§408(d)(9)) distributions excluded from income; qualified disaster distributions included even if repaid",
    "8": "net amount converted (Reg. 1.408A-4 A-7)",
    "10": "line 5 / line 9, at most 1.000 (ratio_precision policy)",
    "9": "line 6 + line 7 + line 8",
    "11": "nontaxable part of the conversions (line 8 x line 10)",
    "12": "nontaxable part of the distributions (line 7 x line 10)",
    "13": "line 11 + line 12: basis recovered this year (IRC §72(e)(8), §408(d)(2))",
    "14": "basis carried forward (line 3 - line 13)",
    "15a": "line 7 - line 12",
    "15b": "the qualified disaster part of line 15a: line 15a x qualified disaster distributions / line 7 (Instructions for Form 8606, line 15b; taxed on Form 8915-F)",
    "15c": "taxable distributions (line 15a - line 15b)",
    "16": "amount converted",
    "17": "basis in the amount converted",
    "18": "taxable conversions (line 16 - line 17)",
}


RULES_5329_EXCESS = {
    "9": "Form 5329 line 9: last year's line 16 if last year's line 17 was more than zero",
    "10": "Form 5329 line 10: the limit (§219(b): dollar limit, at most compensation) less this year's traditional and Roth contributions",
    "11": "Form 5329 line 11: traditional IRA distributions included in income (Form 8606 line 15c)",
    "12": "Form 5329 line 12: an earlier year's excess withdrawn after its due date, not deducted and not income (§408(d)(5)): ira_distribution excess_withdrawn, at most line 9",
    "13": "Form 5329 line 13: lines 10 + 11 + 12",
    "14": "Form 5329 line 14: line 9 minus line 13 (a later year's unused limit absorbs the excess, §219(f)(6))",
    "15": "Form 5329 line 15: traditional contributions over the limit, less those returned by the due date (§408(d)(4))",
    "16": "Form 5329 line 16: lines 14 + 15",
    "17": "Form 5329 line 17: 6% of the smaller of line 16 and the Dec 31 value (IRC §4973(a),(b))",
    "18": "Form 5329 line 18: last year's line 24 if last year's line 25 was more than zero",
    "19": "Form 5329 line 19: the Roth limit (§408A(c)(2)-(3): the limit less traditional contributions, reduced by MAGI) less this year's Roth contributions and 529-to-Roth rollovers",
    "20": "Form 5329 line 20: this year's Roth IRA distributions (Form 8606 line 19 plus qualified ones; at least line 18 when every Roth IRA was emptied)",
    "21": "Form 5329 line 21: lines 19 + 20",
    "22": "Form 5329 line 22: line 18 minus line 21",
    "23": "Form 5329 line 23: Roth contributions over the Roth limit, less those returned by the due date (§408(d)(4)), plus 529-to-Roth rollovers over the IRA limit less the year's other contributions (§529(c)(3)(E)(ii)(I), no MAGI limit)",
    "24": "Form 5329 line 24: lines 22 + 23",
    "25": "Form 5329 line 25: 6% of the smaller of line 24 and the Dec 31 value of the Roth IRAs (IRC §4973(a),(f))",
}
EXCESS_KINDS = (
    "roth_contribution",
    "roth_529_rollover",
    "roth_contribution_return",
    "roth_contribution_limit",
    "tax_year_income",
    "ira_contribution",
    "ira_distribution",
    "ira_disaster_repayment",
    "ira_year_end_value",
    "roth_distribution",
    "roth_year_end_value",
)


def _excess_entries(prefix: str, parts: dict, idx, year) -> list[dict]:
    ids = _kinds(idx, *EXCESS_KINDS, year=year, by="tax_year")
    return [
        _entry(f"{prefix}{part}.{line}", value, RULES_5329_EXCESS.get(line, ""), ids, idx)
        for part in ("part3", "part4")
        for line, value in parts.get(part, {}).items()
    ]


def _rollover_entries(idx, year, *kinds: str) -> list[dict]:
    """The year's rolled-over parts: not distributions (Form 8606 lines 7 and 19)."""
    out = []
    for e in idx.values():
        rolled = getattr(e, "rolled_over", None)
        if e.kind in kinds and rolled and e.effective_date and e.effective_date.year == year:
            rule = (
                "rolled over within 60 days: not a distribution on Form 8606 "
                f"{'line 19' if e.kind == 'roth_distribution' else 'line 7'} ({CITE_NOT_DISTRIBUTED})"
            )
            out.append(_entry(f"rolled_over.{e.id}", fmt(rolled), rule, [e.id], idx))
    return out


#: an ira_distribution's parts that are not ordinary distributions, and the rule of each
IRA_FLAG_RULES = {
    "qcd": "qualified charitable distribution: not on Form 8606 line 7, not taxable, up to "
    "the year's limit and as far as it would have been income (IRC §408(d)(8); Pub 590-B)",
    "hsa_funding": "qualified HSA funding distribution: not on Form 8606 line 7, not taxable, "
    "once in a lifetime (IRC §408(d)(9); Form 8889 line 10)",
    "excess_withdrawn": "an earlier year's excess contribution withdrawn after its due date: "
    "not on Form 8606 line 7, not taxable; Form 5329 line 12 (IRC §408(d)(5))",
    "disaster": "qualified disaster distribution: on Form 8606 line 7, its share of line 15a "
    "on line 15b (Instructions for Form 8606; taxed on Form 8915-F)",
}


def _ira_flag_entries(idx, year) -> list[dict]:
    """The year's qualified charitable, HSA funding, withdrawn-excess and disaster parts of
    traditional-IRA distributions, and the disaster repayments (ledger.rules.ira_exclusions)."""
    out = []
    for e in idx.values():
        day = e.effective_date
        if day is None or day.year != year:
            continue
        if e.kind == "ira_distribution":
            for name, rule in IRA_FLAG_RULES.items():
                value = getattr(e, name, None)
                if value:
                    shown = fmt(e.amount) if name == "disaster" else fmt(value)
                    out.append(_entry(f"{name}.{e.id}", shown, rule, [e.id], idx))
        elif e.kind == "ira_disaster_repayment":
            rule = (
                "repayment of a qualified disaster distribution within 3 years (IRC "
                "§72(t)(11)(C)): off Form 8606 line 6 in the year of the distribution; "
                "Form 8915-F (not computed)"
            )
            out.append(
                _entry(f"disaster_repayment.{e.id}", fmt(e.amount), rule, [e.id, e.target], idx)
            )
    return out


def _recharacterization_entries(idx, year) -> list[dict]:
    """The recharacterizations that change the year's figures (a contribution's tax year, a
    conversion's income year): what was treated as recharacterized, and the rule; a whole
    one whose amount moved is not its target's says so, and how to record a partial one."""
    out = []
    for r in idx.values():
        if r.kind != "recharacterization":
            continue
        target = idx.get(r.target)
        if not isinstance(target, Target) or target_year(target) != year:
            continue
        conversion = target.kind == "roth_conversion"
        part = r.moved_part
        if part is None or part == target.amount:
            what = (
                f"the whole of {target.id} ({fmt(target.amount)}) "
                + ("undone: no Form 8606 Part II income, no layer" if conversion else "")
                + ("" if conversion else "treated as made to the other kind of IRA")
            )
            if part is None and r.amount != target.amount:
                what += "; " + whole_note(r, target)
            value = target.amount
        else:
            what = f"{fmt(part)} of {target.id} ({fmt(target.amount)}) recharacterized, " + (
                "the rest stays converted (Form 8606 lines 8 and 16 net of the part)"
                if conversion
                else "treated as made to the other kind of IRA; the rest stays"
            )
            value = part
        rule = f"{what}; {fmt(r.amount)} moved with its net income attributable ({CITE_RECHAR})"
        out.append(_entry(f"recharacterization.{r.id}", fmt(value), rule, [r.id, target.id], idx))
    return out


def _index(facts: HouseholdFacts, person: str) -> dict[str, Event]:
    return {e.id: e for e in facts.person(person).events}


def _event(e: Event) -> dict:
    out = {"id": e.id, "kind": e.kind}
    d = e.effective_date
    if d is not None:
        out["date"] = d.isoformat()
    for name in ("amount", "part", "rolled_over", "value", "taxable", "basis", "limit", "magi"):
        v = getattr(e, name, None)
        if v is not None:
            out[name] = str(v)
    tax_year = getattr(e, "tax_year", None)
    if tax_year is not None:
        out["tax_year"] = tax_year
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


def _figure(figure: str, label: str, fig: Figure, idx) -> dict:
    entry = _entry(figure, fmt(fig.value), f"{label}: {fig.citation}", fig.events, idx)
    entry["rule_name"] = fig.rule
    return entry


def _traditional_shares(w, idx, pre: str) -> list[dict]:
    """Each early traditional IRA distribution's share of Form 5329 line 1, with its rule
    (``part1.1[ID]``)."""
    if w is None or not form5329_part1(w):
        return []
    return [
        _figure(
            f"{pre}1[{t.distribution.id}]",
            f"Form 5329 line 1, the part from {t.distribution.id}"
            + (f" (exception {t.exception}, {fmt(t.excepted)} on line 2)" if t.excepted else ""),
            t.share,
            idx,
        )
        for t in w.traditional
        if t.share.value > 0
    ]


def _draws(w, idx) -> list[dict]:
    return [
        _entry(f"draws[{i}]", fmt(d.amount), d.citation, [d.distribution, *d.event_ids], idx)
        for i, d in enumerate(w.draws)
    ]


def _inherited(facts, idx, ledger, year, lines: str) -> list[dict]:
    """The figures of each inherited Roth IRA's block (``inherited[i]``), traced to the
    decedent's events and the beneficiary's (Reg. 1.408A-6 A-7, A-11)."""
    out: list[dict] = []
    if ledger is None or year is None:
        return out
    shown = 0
    for decedent, acct in ledger.inherited:
        iw = acct.year(year).withdrawals
        if iw is None or (lines and not form8606_part3(iw)):
            continue
        didx = {**idx, **_index(facts, decedent)}
        pre = f"inherited[{shown}]."
        shown += 1
        if not lines:
            if iw.qualified_figure is not None:
                q = iw.qualified_figure
                e = _entry(pre + "qualified", iw.qualified, q.citation, q.events, didx)
                e["rule_name"] = q.rule
                out.append(e)
            for e in _draws(iw, didx):
                e["figure"] = pre + e["figure"]
                out.append(e)
        for line, fig in form8606_part3(iw).items():
            name = f"{pre}{lines or 'form8606.'}{line}"
            out.append(
                _figure(name, f"Form 8606 line {line} (inherited from {decedent})", fig, didx)
            )
    return out


def explain(
    kind: str, report: dict, facts: HouseholdFacts, person: str, ledger: PersonLedger | None
) -> list[dict]:
    idx = _index(facts, person)
    year = report.get("tax_year")
    w = ledger.year(year).withdrawals if ledger is not None and year is not None else None
    out: list[dict] = []
    if kind == "withdrawals":
        if w is not None and w.qualified_figure is not None:
            q = w.qualified_figure
            e = _entry("qualified", report.get("qualified"), q.citation, q.events, idx)
            e["rule_name"] = q.rule
            out.append(e)
        if w is not None:
            out.extend(_draws(w, idx))
        for line, fig in form8606_part3(w).items():
            out.append(_figure(f"form8606.{line}", f"Form 8606 line {line}", fig, idx))
        for line, fig in form5329_part1(w).items():
            out.append(_figure(f"form5329.{line}", f"Form 5329 line {line}", fig, idx))
        out += _traditional_shares(w, idx, "form5329.")
        out += _rollover_entries(idx, year, "roth_distribution")
        out += _recharacterization_entries(idx, year)
        out += _inherited(facts, idx, ledger, year, "")
    elif kind == "form8606":
        out += _inherited(facts, idx, ledger, year, "part3.")
        events = ledger.year(year).ira_events if ledger is not None and year is not None else {}
        for part in ("part1", "part2"):
            for line, value in report.get(part, {}).items():
                rule = f"Form 8606 line {line}: " + RULES_8606_I.get(line, "see the form")
                ids = form8606_ira_events(line, events)
                out.append(_entry(f"{part}.{line}", value, rule, ids, idx))
        for line, fig in form8606_part3(w).items():
            out.append(_figure(f"part3.{line}", f"Form 8606 line {line}", fig, idx))
        out += _rollover_entries(idx, year, "ira_distribution", "roth_distribution")
        out += _ira_flag_entries(idx, year)
        out += _recharacterization_entries(idx, year)
    elif kind == "form5329":
        for line, fig in form5329_part1(w).items():
            out.append(_figure(f"part1.{line}", f"Form 5329 line {line}", fig, idx))
        out += _traditional_shares(w, idx, "part1.")
        out += _excess_entries("", report, idx, year)
    elif kind == "year":
        out += _excess_entries("form5329.", report.get("form5329", {}), idx, year)
        out += _rollover_entries(idx, year, "ira_distribution", "roth_distribution")
        out += _ira_flag_entries(idx, year)
        out += _recharacterization_entries(idx, year)
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
                "Reg. 1.408A-6 A-8: regular contributions for each tax year, less returned ones and "
                "earlier draws; with the 529 contributions of 529-to-Roth rollovers (IRC "
                "§408A(e)(1)(C)) and Roth SEP/SIMPLE IRA contributions (SECURE 2.0 §601)",
                _kinds(
                    idx,
                    "roth_contribution",
                    "roth_contribution_return",
                    "roth_529_rollover",
                    "roth_sep_simple_contribution",
                ),
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
