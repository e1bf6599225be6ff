"""Report use cases: load a household from the store (as known on a date), fold it, build
the report. The only place reports meet the store."""

from __future__ import annotations

from datetime import date

from ..errors import NotFound
from ..projections.facts import HouseholdFacts, fold
from ..reports import build
from ..rules.policy import Policy


def load_facts(store, household: str, known_on: date | None = None) -> HouseholdFacts:
    stored = store.load_events(household, known_on=known_on)
    if not stored:
        known = store.households()
        hint = (
            f" (households: {', '.join(known[:10])}{'...' if len(known) > 10 else ''})"
            if known
            else ""
        )
        when = f" as known on {known_on}" if known_on else ""
        raise NotFound(f"no household {household!r} in the ledger{when}{hint}")
    return fold(household, stored)


def run_report(
    store,
    kind: str,
    household: str,
    person: str,
    policy: Policy,
    tax_year: int | None = None,
    as_of: date | None = None,
    known_on: date | None = None,
    explain: bool = False,
) -> dict:
    facts = load_facts(store, household, known_on)
    report = _build(facts, kind, person, policy, tax_year, as_of)
    if known_on is not None:
        report["as_known_on"] = known_on.isoformat()
    if explain:
        from ..reports.explain import explain as trace

        report["explain"] = trace(kind, report, facts, person)
    return report


def _build(facts, kind, person, policy, tax_year, as_of) -> dict:
    if kind == "basis":
        return build.basis_report(facts, person, as_of or date.today(), policy)
    fn = {
        "withdrawals": build.withdrawals_report,
        "form8606": build.form8606_report,
        "form5329": build.form5329_report,
        "year": build.year_report,
    }[kind]
    return fn(facts, person, tax_year, policy)
