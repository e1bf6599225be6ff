"""``roth-ledger plan withdrawal`` and ``plan ladder``: what a withdrawal would cost."""

from __future__ import annotations

import click

from ..context import get_store
from ..main import cli
from ..options import DATE, policy_options, report_format


@cli.group()
def plan() -> None:
    """Planning: what would a withdrawal cost, and when do conversions become penalty-free.

    Nothing is stored. The planner runs the same rules as `report withdrawals`, so once the
    withdrawal is recorded the report agrees with the plan to the cent.
    """


def _out(report: dict, fmt: str, table) -> None:
    from ledger.reports.render import to_csv, to_json

    if fmt == "json":
        click.echo(to_json(report), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(report), nl=False)
    else:
        click.echo(table(report), nl=False)


@plan.command("withdrawal")
@click.option("--household", "-H", required=True, help="Household id.")
@click.option("--person", "-p", required=True, help="Person id.")
@click.option(
    "--date", "on", type=DATE, required=True, metavar="DATE", help="Day of the withdrawal."
)
@click.option(
    "--amount", default=None, metavar="X", help="Amount to withdraw (omit to get the maxima)."
)
@click.option(
    "--exception",
    default=None,
    metavar="KIND",
    help="A §72(t) exception that would apply (e.g. first_home) or its Form 5329 number.",
)
@report_format
@policy_options
@click.pass_context
def withdrawal(ctx, household, person, on, amount, exception, fmt, policy):
    """What withdrawing X on DATE would cost, or how much is free of tax and penalty.

    \b
    Without --amount: the largest amount that can be withdrawn on DATE free of income
    tax, and the largest free of both tax and the 10% additional tax, counting what was
    already withdrawn that year.
    With --amount: the draws (which layer each dollar comes from), the taxable amount and
    the additional tax, given the year's other recorded withdrawals.

    \b
    Examples:
      roth-ledger plan withdrawal -H astra -p p --date 2023-03-01
      roth-ledger plan withdrawal -H astra -p p --date 2023-03-01 --amount 10000 --format json
    """
    from ledger.app.reporting import load_facts
    from ledger.errors import LedgerError
    from ledger.money import MoneyError, parse_money
    from ledger.reports.plan import table_withdrawal_plan, withdrawal_plan

    value = None
    if amount is not None:
        try:
            value = parse_money(amount)
        except MoneyError as e:
            raise LedgerError(f"--amount: {e}") from None
        if value == 0:
            raise LedgerError("--amount: must be more than 0")
    facts = load_facts(get_store(ctx), household)
    _out(withdrawal_plan(facts, person, on, policy, value, exception), fmt, table_withdrawal_plan)


@plan.command("ladder")
@click.option("--household", "-H", required=True, help="Household id.")
@click.option("--person", "-p", required=True, help="Person id.")
@click.option(
    "--as-of",
    type=DATE,
    default=None,
    metavar="DATE",
    help="Start from the ledger as of DATE (default: today).",
)
@report_format
@policy_options
@click.pass_context
def ladder(ctx, household, person, as_of, fmt, policy):
    """The Roth conversion ladder: when each layer becomes penalty-free.

    For each conversion (and plan rollover) layer: the date its 5-year 10% clock ends and
    how much becomes penalty-free then; the most that can be withdrawn penalty-free on
    each of those dates (layers come out in order, so an earlier layer still under its
    clock blocks later ones); and the date the account becomes qualified.
    """
    import datetime

    from ledger.app.reporting import load_facts
    from ledger.reports.plan import ladder_report, table_ladder

    facts = load_facts(get_store(ctx), household)
    _out(ladder_report(facts, person, as_of or datetime.date.today(), policy), fmt, table_ladder)
