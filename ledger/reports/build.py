"""Reports are projections: plain dicts with the stable keys of SPEC section 6.

Money is a string with two decimals; form lines are keyed as printed ("19", "25a"); a
line the form would leave blank is absent. Each report carries household, person,
tax_year (or as_of), policy and warnings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..dates import age_59_and_a_half
from ..money import fmt
from ..projections.facts import HouseholdFacts
from ..projections.person import PersonLedger, compute_person
from ..projections.rollovers import rolled_over_in
from ..projections.state import PersonState, snapshot
from ..rules.policy import Policy
from ..rules.qualified import qualified_from
from .forms import form5329_part1, form8606_part3


def _money_lines(lines: dict | None) -> dict | None:
    if lines is None:
        return None
    return {k: (v if isinstance(v, str) else fmt(getattr(v, "value", v))) for k, v in lines.items()}


def _exceptions(w) -> list[dict]:
    return [{"kind": e.kind, "code": e.code, "amount": fmt(e.amount)} for e in w.exceptions]


def _header(facts: HouseholdFacts, person: str, policy: Policy, **when) -> dict:
    out: dict[str, object] = {"household": facts.id, "person": person}
    out.update(when)
    out["policy"] = policy.as_dict()
    return out


def ledger_for(
    facts: HouseholdFacts, person: str, through_year: int, policy: Policy, as_of: date | None = None
) -> PersonLedger:
    """The person's fold through ``through_year``, whose year a report shows: earlier
    years' withdrawals only consume basis (``report_years``; the reported year is the
    same as with every year reported, tests/test_batch_fast_path.py)."""
    return compute_person(
        facts.person(person), through_year, policy, as_of, report_years=frozenset({through_year})
    )


def _draw_dict(d) -> dict:
    return {
        "distribution": d.distribution,
        "source": d.source,
        "year": d.year,
        "portion": d.portion,
        "clock_year": d.clock_year,
        "amount": fmt(d.amount),
        "subject_to_additional_tax": fmt(d.subject_to_additional_tax),
        "events": list(d.event_ids),
        "rule": d.citation,
    }


def withdrawals_report(
    facts: HouseholdFacts,
    person: str,
    tax_year: int,
    policy: Policy,
    ledger: PersonLedger | None = None,
) -> dict:
    ledger = ledger or ledger_for(facts, person, tax_year, policy)
    out = _header(facts, person, policy, tax_year=tax_year)
    rolled = rolled_over_in(facts.person(person).events, tax_year)
    own_ids = {e.id for e in facts.person(person).events if e.kind == "roth_distribution"} - {
        e.id for _, acct in ledger.inherited for e in acct.person.events
    }
    out.update(_withdrawal_block(ledger.year(tax_year), tax_year, rolled, own_ids))
    blocks = []
    for decedent, acct in ledger.inherited:
        if acct.year(tax_year).withdrawals is None:
            continue
        ids = {e.id for e in acct.person.events}
        block = _withdrawal_block(acct.year(tax_year), tax_year, rolled, ids)
        block["warnings"].append(
            "not supported: the required minimum distributions of an inherited Roth IRA "
            "(§401(a)(9)(B), (H): the 5-year and 10-year rules) are not checked"
        )
        blocks.append({"decedent": decedent, **block})
    if blocks:
        out["inherited"] = blocks
        # the top-level figures are the person's own Roth IRAs; with the inherited ones,
        # what report year's taxable_income.roth_distributions and the batch row count
        accounts = [ledger.year(tax_year).withdrawals]
        accounts += [acct.year(tax_year).withdrawals for _, acct in ledger.inherited]
        out["total_with_inherited"] = {
            key: fmt(sum((getattr(w, key) for w in accounts if w is not None), Decimal(0)))
            for key in ("taxable_amount", "additional_tax")
        }
        if not ledger.year(tax_year).withdrawals:
            out["warnings"] = [
                w for w in out["warnings"] if not w.startswith("no Roth IRA distributions")
            ]
    return out


def inherited_blocks(ledger: PersonLedger, tax_year: int, make) -> list[dict]:
    """One block a decedent whose inherited Roth IRA has something for the year."""
    out = []
    for decedent, acct in ledger.inherited:
        block = make(acct.year(tax_year))
        if block:
            out.append({"decedent": decedent, **block})
    return out


def _withdrawal_block(yr, tax_year: int, rolled: dict, roth_ids: set[str]) -> dict:
    """The withdrawal figures of one account's year (the person's own Roth IRAs, or an
    inherited one); ``rolled``: the year's rolled-over parts by distribution id,
    ``roth_ids``: the account's distributions."""
    w = yr.withdrawals
    out: dict = {}
    if w is None:
        none = f"no Roth IRA distributions recorded for {tax_year}"
        whole = [i for i in rolled if i in roth_ids]
        if whole:
            none = (
                f"no Roth IRA distributions for {tax_year}: {', '.join(whole)} rolled over "
                "within 60 days (not a distribution)"
            )
        out.update(
            {
                "qualified": None,
                "distributions": [],
                "draws": [],
                "form8606": {},
                "form5329": {},
                "exceptions": [],
                "taxable_amount": "0.00",
                "additional_tax": "0.00",
                "warnings": list(yr.warnings) + list(yr.notes) + [none],
            }
        )
        return out
    out["qualified"] = w.qualified
    out["distributions"] = [
        {
            "id": r.withdrawal.id,
            "date": r.withdrawal.date.isoformat(),
            "amount": fmt(r.withdrawal.amount),
            "exception": r.exception,
            "exception_code": r.exception_code,
            "disaster": r.withdrawal.disaster,
            "qualified": r.test.qualified,
            "qualified_reason": r.test.reason,
            "early": r.early,
            "taxable_amount": fmt(r.taxable),
            "subject_to_additional_tax": fmt(r.subject),
            "excepted": fmt(r.excepted),
            "additional_tax": fmt(r.additional_tax),
            "source": r.withdrawal.source,
            **({"rolled_over": fmt(rolled[r.withdrawal.id])} if r.withdrawal.id in rolled else {}),
        }
        for r in w.distributions
    ]
    out["draws"] = [_draw_dict(d) for d in w.draws]
    out["form8606"] = _money_lines(form8606_part3(w))
    out["form5329"] = _money_lines(form5329_part1(w))
    out["exceptions"] = _exceptions(w)
    out["taxable_amount"] = fmt(w.taxable_amount)
    out["additional_tax"] = fmt(w.additional_tax)
    out["warnings"] = list(yr.warnings) + list(yr.notes) + list(w.warnings)
    if not w.distributions and not w.returns:  # Part I from traditional IRAs only
        out["warnings"].append(
            f"no Roth IRA distributions recorded for {tax_year}; form5329 is the early "
            "traditional IRA distributions"
        )
    return out


def _roth_ids(facts: HouseholdFacts, person: str) -> set[str]:
    return {e.id for e in facts.person(person).events if e.kind == "roth_distribution"}


def rollovers_of_year(facts: HouseholdFacts, person: str, tax_year: int) -> list[dict]:
    """The year's distributions rolled over in part or whole (``report year``)."""
    by_id = {e.id: e for e in facts.person(person).events}
    out = []
    for i, rolled in rolled_over_in(by_id.values(), tax_year).items():
        e = by_id[i]
        out.append(
            {
                "id": i,
                "kind": e.kind,
                "date": e.effective_date.isoformat() if e.effective_date else None,
                "amount": fmt(e.amount),  # type: ignore[attr-defined]
                "rolled_over": fmt(rolled),
                "distributed": fmt(e.amount - rolled),  # type: ignore[attr-defined]
            }
        )
    return out


def form8606_report(facts, person, tax_year, policy, ledger=None) -> dict:
    ledger = ledger or ledger_for(facts, person, tax_year, policy)
    yr = ledger.year(tax_year)
    out = _header(facts, person, policy, tax_year=tax_year)
    if yr.ira is not None and yr.ira.part1 is not None:
        out["part1"] = _money_lines(yr.ira.part1)
    if yr.ira is not None and yr.ira.part2 is not None:
        out["part2"] = _money_lines(yr.ira.part2)
    if form8606_part3(yr.withdrawals):
        out["part3"] = _money_lines(form8606_part3(yr.withdrawals))
    inherited = inherited_blocks(
        ledger,
        tax_year,
        lambda y: (
            {"part3": _money_lines(form8606_part3(y.withdrawals))}
            if form8606_part3(y.withdrawals)
            else None
        ),
    )
    if inherited:  # a separate Part III for each decedent (Reg. 1.408A-6 A-11)
        out["inherited"] = inherited
    warnings = list(yr.warnings)
    if not any(k in out for k in ("part1", "part2", "part3", "inherited")):
        warnings.append(
            f"Form 8606 is not required for {person} in {tax_year} by the recorded events"
        )
    out["warnings"] = warnings + (list(yr.withdrawals.warnings) if yr.withdrawals else [])
    return out


def excess_parts(yr) -> dict:
    """Form 5329 Parts III (traditional, lines 9-17) and IV (Roth, 18-25) of the year,
    each present only when the form requires it (an excess carried or made)."""
    x = yr.excess
    if x is None:
        return {}
    out = {}
    for key, part, first in (("part3", x.out.traditional, 9), ("part4", x.out.roth, 18)):
        if not part.required:
            continue
        if first == 9:
            figures = [part.carried, part.unused_limit, part.distributions, part.prior_distributed]
        else:
            figures = [part.carried, part.unused_limit, part.distributions]
        figures += [part.absorbed, part.carried_left, part.current, part.total, part.tax]
        lines = {str(first + i): fmt(v) for i, v in enumerate(figures)}
        if part.carried <= 0:  # "If zero, go to line 15 / 23"
            for i in range(1, len(figures) - 3):
                lines.pop(str(first + i))
        out[key] = lines
    return out


def excess_tax(yr) -> Decimal:
    x = yr.excess
    return (x.out.traditional.tax + x.out.roth.tax) if x is not None else Decimal("0.00")


def form5329_report(facts, person, tax_year, policy, ledger=None) -> dict:
    ledger = ledger or ledger_for(facts, person, tax_year, policy)
    yr = ledger.year(tax_year)
    w = yr.withdrawals
    out = _header(facts, person, policy, tax_year=tax_year)
    out["part1"] = _money_lines(form5329_part1(w))
    out.update(out["part1"])  # lines "1".."4" also at the top level
    out["exceptions"] = _exceptions(w) if w else []
    out["additional_tax"] = fmt(w.additional_tax) if w else "0.00"
    out.update(excess_parts(yr))
    out["excess_contributions_tax"] = fmt(excess_tax(yr))
    out["warnings"] = list(yr.warnings) + (list(w.warnings) if w else [])
    return out


def year_report(facts, person, tax_year, policy, ledger=None) -> dict:
    ledger = ledger or ledger_for(facts, person, tax_year, policy)
    yr = ledger.year(tax_year)
    out = _header(facts, person, policy, tax_year=tax_year)
    income = yr.taxable_income()
    inherited = []
    for decedent, acct in ledger.inherited:
        w = acct.year(tax_year).withdrawals
        if w is None or not w.distributions:
            continue
        inherited.append(
            {
                "decedent": decedent,
                "total": fmt(sum((r.withdrawal.amount for r in w.distributions), Decimal(0))),
                "taxable_amount": fmt(w.taxable_amount),
                "additional_tax": fmt(w.additional_tax),
            }
        )
        income["roth_distributions"] += w.taxable_amount  # the beneficiary's income
        income["total"] += w.taxable_amount
    out["taxable_income"] = {k: fmt(v) for k, v in income.items()}
    if inherited:
        out["inherited_roth_distributions"] = inherited
    out["plan_distributions"] = [
        {
            "id": p.event.id,
            "plan": p.event.plan,
            "date": p.event.date.isoformat(),
            "amount": fmt(p.event.amount),
            "after_tax": fmt(p.split.after_tax),
            "pretax": fmt(p.split.pretax),
            "to_roth_ira": {
                "taxable": fmt(p.split.roth_taxable),
                "nontaxable": fmt(p.split.roth_nontaxable),
            },
            "to_traditional_ira": {
                "pretax": fmt(p.split.trad_pretax),
                "after_tax": fmt(p.split.trad_after_tax),
            },
            "to_cash": {
                "taxable": fmt(p.split.cash_taxable),
                "nontaxable": fmt(p.split.cash_nontaxable),
            },
        }
        for p in yr.plan_distributions
    ]
    out["in_plan_roth_rollovers"] = [
        {
            "id": i.event.id,
            "plan": i.event.plan,
            "date": i.event.date.isoformat(),
            "amount": fmt(i.event.amount),
            "taxable": fmt(i.taxable),
            "nontaxable": fmt(i.nontaxable),
            "clock_ends": i.clock_ends.isoformat(),
        }
        for i in yr.irrs
    ]
    out["designated_roth_rollovers"] = [
        {
            "id": ev.id,
            "plan": ev.plan,
            "date": ev.date.isoformat(),
            "amount": fmt(ev.amount),
            "basis": fmt(basis),
            "earnings": fmt(ev.amount - basis),
        }
        for ev, basis in yr.drrs
    ]
    out["rollovers"] = rollovers_of_year(facts, person, tax_year)
    out["roth_layers_added"] = [
        {
            "source": la.source,
            "year": la.year,
            "taxable": fmt(la.taxable),
            "nontaxable": fmt(la.nontaxable),
            "clock_ends": la.clock_ends.isoformat(),
            "events": list(la.event_ids),
        }
        for la in yr.layers_added
    ]
    if yr.ira is not None:
        out["form8606"] = {
            k: _money_lines(v)
            for k, v in (("part1", yr.ira.part1), ("part2", yr.ira.part2))
            if v is not None
        }
    if yr.withdrawals is not None and yr.withdrawals.distributions:
        out["roth_distributions"] = {
            "total": fmt(
                sum((r.withdrawal.amount for r in yr.withdrawals.distributions), Decimal(0))
            ),
            "taxable_amount": fmt(yr.withdrawals.taxable_amount),
            "additional_tax": fmt(yr.withdrawals.additional_tax),
        }
    parts = excess_parts(yr)
    if parts:
        out["form5329"] = parts
    out["excess_contributions_tax"] = fmt(excess_tax(yr))
    out["warnings"] = (
        list(yr.warnings)
        + list(yr.notes)
        + (list(yr.withdrawals.warnings) if yr.withdrawals else [])
    )
    return out


def basis_report(facts, person, as_of: date, policy) -> dict:
    pf = facts.person(person)
    ledger = compute_person(pf, as_of.year, policy, as_of)
    yr = ledger.years.get(as_of.year)
    snap = yr.snapshot if yr else None
    out = _header(facts, person, policy, as_of=as_of.isoformat())
    if snap is None:
        snap = snapshot(PersonState())
    out["regular_contribution_basis"] = fmt(snap.regular_contribution_basis)
    out["regular_contributions_by_year"] = {str(y): fmt(a) for y, a in snap.regular_by_year}
    out["designated_roth_rollover_basis"] = fmt(snap.designated_roth_rollover_basis)
    out["conversion_layers"] = [
        {
            "source": layer.source,
            "year": layer.year,
            "taxable": fmt(layer.taxable),
            "nontaxable": fmt(layer.nontaxable),
            "clock_ends": layer.clock_ends.isoformat(),
            "events": list(layer.event_ids),
        }
        for layer in snap.conversion_layers
    ]
    out["ira_basis"] = fmt(snap.ira_basis)
    out["plans"] = {
        pid: {"after_tax_basis": fmt(at), "designated_roth_basis": fmt(dr)}
        for pid, at, dr in snap.plans
    }
    start = qualified_from(snap.clock_start)
    out["qualified_clock_starts"] = f"{snap.clock_start}-01-01" if snap.clock_start else None
    out["qualified_from"] = start.isoformat() if start else None
    out["age_59_and_a_half_on"] = age_59_and_a_half(pf.require_born()).isoformat()
    out["warnings"] = list(yr.warnings) if yr else []
    accounts = []
    for decedent, acct in ledger.inherited:
        if acct.final_state is None:
            continue
        a = snapshot(acct.final_state)
        begins = qualified_from(a.clock_start)
        accounts.append(
            {
                "decedent": decedent,
                "regular_contribution_basis": fmt(a.regular_contribution_basis),
                "designated_roth_rollover_basis": fmt(a.designated_roth_rollover_basis),
                "conversion_layers": [
                    {
                        "source": la.source,
                        "year": la.year,
                        "taxable": fmt(la.taxable),
                        "nontaxable": fmt(la.nontaxable),
                        "events": list(la.event_ids),
                    }
                    for la in a.conversion_layers
                ],
                "qualified_clock_starts": f"{a.clock_start}-01-01" if a.clock_start else None,
                "qualified_from": begins.isoformat() if begins else None,
            }
        )
    if accounts:  # each inherited Roth IRA apart (Reg. 1.408A-6)
        out["inherited"] = accounts
    return out
