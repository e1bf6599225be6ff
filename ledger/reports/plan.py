"""Planning reports: ``plan withdrawal`` and ``plan ladder`` (nothing is stored)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ..events import RothDistribution
from ..money import ZERO, fmt
from ..projections import planner
from ..projections.facts import HouseholdFacts
from ..projections.person import compute_person
from ..projections.rollovers import net_amount
from ..rules.policy import Policy
from .build import withdrawals_report


def withdrawal_plan(
    facts: HouseholdFacts,
    person: str,
    on: date,
    policy: Policy,
    amount: Decimal | None = None,
    exception: str | None = None,
) -> dict:
    pf = facts.person(person)
    already = sum(
        (
            net_amount(e)
            for e in pf.events
            if isinstance(e, RothDistribution) and e.date.year == on.year
        ),
        ZERO,
    )
    head = {
        "household": facts.id,
        "person": person,
        "date": on.isoformat(),
        "tax_year": on.year,
        "policy": policy.as_dict(),
        "already_withdrawn_this_year": fmt(already),
    }
    if amount is None:
        free = planner.max_free(pf, on, policy, exception)
        head.update(
            {
                "max_tax_free": fmt(free.max_tax_free),
                "max_tax_and_penalty_free": fmt(free.max_tax_and_penalty_free),
                "unlimited": free.would_be_qualified,
                "would_be_qualified": free.would_be_qualified,
                "basis_available": fmt(free.basis_available),
                "warnings": [free.note],
            }
        )
        return head
    base = compute_person(pf, on.year, policy).year(on.year).withdrawals
    base_tax = base.taxable_amount if base else ZERO
    base_add = base.additional_tax if base else ZERO
    planned_facts = HouseholdFacts(
        facts.id,
        facts.name,
        {**facts.people, person: planner.with_planned(pf, on, amount, exception)},
        facts.voided,
    )
    report = withdrawals_report(planned_facts, person, on.year, policy)
    mine = [d for d in report["distributions"] if d["id"] == planner.PLANNED_ID][0]
    report.update(head)
    report["planned"] = {
        "date": on.isoformat(),
        "amount": fmt(amount),
        "exception": mine["exception"],
        "qualified": mine["qualified"],
        "draws": [d for d in report["draws"] if d["distribution"] == planner.PLANNED_ID],
        "taxable_amount": mine["taxable_amount"],
        "additional_tax": mine["additional_tax"],
        "incremental_taxable_amount": fmt(Decimal(report["taxable_amount"]) - base_tax),
        "incremental_additional_tax": fmt(Decimal(report["additional_tax"]) - base_add),
    }
    return report


def ladder_report(facts: HouseholdFacts, person: str, as_of: date, policy: Policy) -> dict:
    lad = planner.ladder(facts.person(person), as_of, policy)
    return {
        "household": facts.id,
        "person": person,
        "as_of": as_of.isoformat(),
        "policy": policy.as_dict(),
        "layers": [
            {
                "source": r.source,
                "year": r.year,
                "portion": r.portion,
                "amount": fmt(r.amount),
                "clock_ends": r.clock_ends.isoformat() if r.clock_ends else None,
                "penalty_free_from": r.penalty_free_from.isoformat(),
            }
            for r in lad.rungs
            if r.amount > 0
        ],
        "schedule": [
            {
                "date": d.isoformat(),
                "max_penalty_free": None if a is None else fmt(a),
                "unlimited": a is None,
            }
            for d, a in lad.schedule
        ],
        "qualified_from": lad.qualified_from.isoformat() if lad.qualified_from else None,
        "age_59_and_a_half_on": lad.age_59_and_a_half_on.isoformat(),
        "qualified_distributions_from": (
            lad.qualified_distributions_from.isoformat()
            if lad.qualified_distributions_from
            else None
        ),
        "warnings": [
            "assumes no further contributions, conversions or withdrawals; earnings are taxable "
            "and penalised until the account is qualified"
        ],
    }


def _m(v) -> str:
    return "" if v is None else f"{Decimal(v):,.2f}"


def table_withdrawal_plan(r: dict) -> str:
    out = [
        f"Planned withdrawal - household {r['household']}, person {r['person']}, on {r['date']}",
        f"already withdrawn in {r['tax_year']}: {_m(r['already_withdrawn_this_year'])}",
        "",
    ]
    if "planned" not in r:
        if r["unlimited"]:
            out.append(
                "Any amount is free of tax and of the 10% additional tax (qualified distribution)."
            )
        else:
            out.append(f"  most free of income tax:                 {_m(r['max_tax_free']):>14}")
            out.append(
                f"  most free of tax AND the 10% additional: {_m(r['max_tax_and_penalty_free']):>14}"
            )
    else:
        p = r["planned"]
        out.append(
            f"Withdrawing {_m(p['amount'])}: taxable {_m(p['incremental_taxable_amount'])}, "
            f"additional tax {_m(p['incremental_additional_tax'])}"
        )
        out.append("")
        out.append(
            f"  {'source':<25} {'year':>4} {'portion':<10} {'clock':>5} {'amount':>12} {'subj. to 10%':>12}"
        )
        for d in p["draws"]:
            out.append(
                f"  {d['source']:<25} {d['year'] or '':>4} {d['portion'] or '':<10} "
                f"{d['clock_year'] or '':>5} {_m(d['amount']):>12} {_m(d['subject_to_additional_tax']):>12}"
            )
        out.append("")
        out.append(
            f"Year {r['tax_year']} with it: taxable {_m(r['taxable_amount'])}, additional tax {_m(r['additional_tax'])}"
        )
    ws = r.get("warnings") or []
    return "\n".join(out + (["", "Notes:"] + [f"  - {w}" for w in ws] if ws else [])) + "\n"


def table_ladder(r: dict) -> str:
    out = [
        f"Conversion ladder - household {r['household']}, person {r['person']}, as of {r['as_of']}",
        "",
        f"  {'layer':<25} {'year':>4} {'portion':<10} {'amount':>12}  penalty-free from",
    ]
    for la in r["layers"]:
        out.append(
            f"  {la['source']:<25} {la['year'] or '':>4} {la['portion']:<10} {_m(la['amount']):>12}  {la['penalty_free_from']}"
        )
    out += ["", "  most that can be withdrawn penalty-free on:"]
    for s in r["schedule"]:
        most = (
            "any amount (qualified)" if s.get("unlimited") else f"{_m(s['max_penalty_free']):>14}"
        )
        out.append(f"    {s['date']}  {most}")
    out += [
        "",
        f"5-year period met from: {r['qualified_from'] or '-'}; age 59 1/2 on "
        f"{r['age_59_and_a_half_on']}",
        "Qualified (any amount free of tax and of the 10%) from: "
        f"{r.get('qualified_distributions_from') or '-'}",
    ]
    return "\n".join(out) + "\n"
