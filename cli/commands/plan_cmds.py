"""``roth-ledger plan withdrawal`` and ``plan ladder``: what a withdrawal would cost."""

from __future__ import annotations

import click

from ..context import get_store
from ..main import cli
from ..options import DATE, ID, MONEY, output_options, policy_options, report_format, write_text


@cli.group()
def plan() -> None:
    """Planning: what would a withdrawal cost, and when do conversions become penalty-free.

    Nothing is stored. The planner runs the same rules as `report withdrawals`, so once the
    withdrawal is recorded the report agrees with the plan to the cent.
    """


@plan.command("withdrawal")
@click.option("--household", "-H", required=True, type=ID, help="Household id.")
@click.option("--person", "-p", required=True, type=ID, help="Person id.")
@click.option(
    "--date", "on", type=DATE, required=True, metavar="DATE", help="Day of the withdrawal."
)
@click.option(
    "--amount",
    type=MONEY,
    default=None,
    metavar="X",
    help="Amount to withdraw (omit to get the maxima).",
)
@click.option(
    "--exception",
    default=None,
    metavar="KIND",
    help="A §72(t) exception that would apply (e.g. first_home) or its Form 5329 number.",
)
@report_format
@output_options
@policy_options
@click.pass_context
def withdrawal(ctx, household, person, on, amount, exception, fmt, output, force, policy):
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
    from ledger.app.planning import withdrawal_plan_text

    text = withdrawal_plan_text(
        get_store(ctx), household, person, on, policy, amount, exception, fmt
    )
    write_text(text, output, force)


@plan.command("ladder")
@click.option("--household", "-H", required=True, type=ID, help="Household id.")
@click.option("--person", "-p", required=True, type=ID, help="Person id.")
@click.option(
    "--as-of",
    type=DATE,
    default=None,
    metavar="DATE",
    help="Start from the ledger as of DATE (default: today).",
)
@report_format
@output_options
@policy_options
@click.pass_context
def ladder(ctx, household, person, as_of, fmt, output, force, policy):
    """The Roth conversion ladder: when each layer becomes penalty-free.

    For each conversion (and plan rollover) layer: the date its 5-year 10% clock ends and
    how much becomes penalty-free then; the most that can be withdrawn penalty-free on
    each of those dates (layers come out in order, so an earlier layer still under its
    clock blocks later ones); and the date the account becomes qualified.
    """
    import datetime

    from ledger.app.planning import ladder_text

    text = ladder_text(
        get_store(ctx), household, person, as_of or datetime.date.today(), policy, fmt
    )
    write_text(text, output, force)
