"""Planning use cases (``plan withdrawal``, ``plan ladder``): what a withdrawal would cost,
and when each conversion layer becomes penalty-free. Nothing is stored.

``withdrawal_plan`` and ``ladder`` give the plan as data; the ``*_text`` functions render
it as the command prints it (table, JSON or CSV).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import LedgerError
from ..money import MoneyError, parse_money
from ..rules.policy import Policy
from ..store.api import EventStore
from .reporting import load_facts_and_state


def _amount(amount: str | Decimal | None) -> Decimal | None:
    if amount is None or isinstance(amount, Decimal):
        value = amount
    else:
        try:
            value = parse_money(amount)
        except MoneyError as e:
            raise LedgerError(f"--amount: {e}") from None
    if value is not None and value == 0:
        raise LedgerError("--amount: must be more than 0")
    return value


def withdrawal_plan(
    store: EventStore,
    household: str,
    person: str,
    on: date,
    policy: Policy,
    amount: str | Decimal | None = None,
    exception: str | None = None,
) -> dict[str, Any]:
    """Without ``amount``: the most that can be withdrawn on ``on`` free of tax, and free
    of tax and the 10% additional tax. With it: the draws, taxable amount and additional
    tax of withdrawing it, given the year's recorded withdrawals."""
    from ..reports.plan import withdrawal_plan as build

    value = _amount(amount)
    facts, state = load_facts_and_state(store, household)
    report = build(facts, person, on, policy, value, exception)
    report["ledger_state"] = state
    return report


def ladder(
    store: EventStore, household: str, person: str, as_of: date, policy: Policy
) -> dict[str, Any]:
    """Each conversion layer's 10% clock, the penalty-free schedule, the qualified date."""
    from ..reports.plan import ladder_report

    facts, state = load_facts_and_state(store, household)
    report = ladder_report(facts, person, as_of, policy)
    report["ledger_state"] = state
    return report


def _text(report: dict[str, Any], fmt: str, table: Callable[[dict[str, Any]], str]) -> str:
    from ..reports.render import state_footer, to_csv, to_json

    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    return table(report) + state_footer(report)


def withdrawal_plan_text(
    store: EventStore,
    household: str,
    person: str,
    on: date,
    policy: Policy,
    amount: str | Decimal | None = None,
    exception: str | None = None,
    fmt: str = "table",
) -> str:
    """:func:`withdrawal_plan` rendered as ``fmt`` (table, json or csv)."""
    from ..reports.plan import table_withdrawal_plan

    report = withdrawal_plan(store, household, person, on, policy, amount, exception)
    return _text(report, fmt, table_withdrawal_plan)


def ladder_text(
    store: EventStore,
    household: str,
    person: str,
    as_of: date,
    policy: Policy,
    fmt: str = "table",
) -> str:
    """:func:`ladder` rendered as ``fmt`` (table, json or csv)."""
    from ..reports.plan import table_ladder

    return _text(ladder(store, household, person, as_of, policy), fmt, table_ladder)
