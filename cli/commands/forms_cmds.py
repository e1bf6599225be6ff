"""`record form-5498` and `record form-1099r`: enter a tax form's boxes as printed.

Thin layer: flags -> ``ledger.intake`` (pure mapping, refusals) -> ``ledger.app.intake``
(validate all, append all at once). Errors are printed by the group in :mod:`cli.main`.
"""

from __future__ import annotations

import copy

import click

from ledger.app.boxes import HELP_1099R, HELP_5498

from ..context import get_store, recorded_by
from ..options import DATE, ID, LEDGER_YEAR, MONEY
from .ledger_cmds import record

_common = [
    click.option("--household", "-H", required=True, type=ID, metavar="H", help="Household id."),
    click.option("--person", "-p", required=True, type=ID, help="The person the form is for."),
    click.option(
        "--tax-year",
        "-y",
        required=True,
        type=LEDGER_YEAR,
        help="The year printed on the form.",
    ),
    click.option(
        "--dry-run", is_flag=True, help="Print the events it would record; store nothing."
    ),
]


def common(f):
    for option in reversed(_common):
        f = option(f)
    return f


def _show(event) -> str:
    from ledger import events as ev

    fields = " ".join(
        f"{k}={v}" for k, v in ev.to_payload(event).items() if k not in ("person", "source", "memo")
    )
    return f"{event.kind} {fields}"


def _print(outcome) -> None:
    """What a form became (a :class:`ledger.app.intake.FormOutcome`)."""
    for event in outcome.events:
        if outcome.dry_run:
            click.echo(f"would record {_show(event)}")
        else:
            click.echo(f"recorded {event.id}  {_show(event)}")
    if not outcome.events:
        click.echo("nothing to record")
    for note in outcome.notes:
        click.echo(f"note: {note}")
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)
    if outcome.dry_run:
        click.echo("dry run: nothing was stored")


@record.command("form-5498", short_help="a Form 5498 (IRA Contribution Information) from its boxes")
@common
@click.option(
    "--account",
    required=True,
    type=click.Choice(["IRA", "SEP", "SIMPLE", "ROTH"], case_sensitive=False),
    help=HELP_5498["account"],
)
@click.option("--box1", type=MONEY, help=HELP_5498["box1"])
@click.option("--box2", type=MONEY, help=HELP_5498["box2"])
@click.option("--box3", type=MONEY, help=HELP_5498["box3"])
@click.option("--box5", type=MONEY, help=HELP_5498["box5"])
@click.option("--box10", type=MONEY, help=HELP_5498["box10"])
@click.option("--box11/--no-box11", default=False, help=HELP_5498["box11"])
@click.option("--trustee", help=HELP_5498["trustee"])
@click.option("--date", "deposit", type=DATE, help=HELP_5498["deposit"])
@click.option(
    "--deductible/--nondeductible",
    default=None,
    help=HELP_5498["deductible"],
)
@click.option(
    "--record-conversion",
    is_flag=True,
    help=HELP_5498["record_conversion"],
)
@click.option("--conversion-date", type=DATE, help=HELP_5498["conversion_date"])
@click.option(
    "--year-end-total",
    type=MONEY,
    help=HELP_5498["year_end_total"],
)
@click.option("--no-year-end", is_flag=True, help=HELP_5498["no_year_end"])
@click.pass_context
def form_5498(ctx, household, person, tax_year, dry_run, **boxes) -> None:
    """Record a Form 5498 (IRA Contribution Information) from its boxes.

    \b
    What each box becomes:
      box 10  Roth IRA contributions for --tax-year  -> roth_contribution
      box 1   traditional IRA contributions           -> ira_contribution
      box 3   Roth conversion -> nothing unless --record-conversion (it mirrors
              the 1099-R of the IRA it left: record the conversion once)
      box 5   Dec 31 value -> ira_year_end_value (IRA/SEP/SIMPLE) or
              roth_year_end_value (Roth)
      box 2, box 11  notes only (rollovers and RMDs are not basis events)

    \b
    What the form cannot tell you (supply it):
      --date            the day box 1/10 was deposited (may be Jan 1 - Apr 15
                        of the next year for a prior-year contribution)
      --deductible / --nondeductible   whether box 1 was deducted
      --year-end-total  Form 8606 line 6 needs ALL traditional/SEP/SIMPLE IRAs
                        summed (plus outstanding rollovers), not one account

    \b
    Examples:
      roth-ledger record form-5498 -H rivera -p dana --tax-year 2024 \\
          --account roth --box10 7000 --box5 15320.11 --date 2025-04-01
      roth-ledger record form-5498 -H rivera -p dana --tax-year 2024 \\
          --account ira --box1 7000 --nondeductible --date 2024-02-01 --box5 0
    """
    from ledger.app.intake import record_form_5498

    store = get_store(ctx, write=not dry_run)
    outcome = record_form_5498(
        store, household, person, tax_year, recorded_by(ctx), dry_run=dry_run, **boxes
    )
    _print(outcome)


@record.command("form-1099r", short_help="a Form 1099-R (distributions) from its boxes as printed")
@common
@click.option("--box1", required=True, type=MONEY, help=HELP_1099R["box1"])
@click.option("--box2a", type=MONEY, help=HELP_1099R["box2a"])
@click.option("--box2b", is_flag=True, help=HELP_1099R["box2b"])
@click.option(
    "--box5",
    type=MONEY,
    help=HELP_1099R["box5"],
)
@click.option(
    "--box7",
    required=True,
    metavar="CODES",
    help=HELP_1099R["box7"],
)
@click.option("--box10", type=MONEY, help=HELP_1099R["box10"])
@click.option(
    "--box11",
    type=LEDGER_YEAR,
    help=HELP_1099R["box11"],
)
@click.option(
    "--ira-sep-simple/--no-ira-sep-simple",
    default=False,
    help=HELP_1099R["ira_sep_simple"],
)
@click.option("--payer", help=HELP_1099R["payer"])
@click.option("--date", "paid_on", type=DATE, help=HELP_1099R["paid_on"])
@click.option("--roth-ira", is_flag=True, help=HELP_1099R["roth_ira"])
@click.option("--converted", is_flag=True, help=HELP_1099R["converted"])
@click.option("--converted-amount", type=MONEY, help=HELP_1099R["converted_amount"])
@click.option("--received-on", type=DATE, help=HELP_1099R["received_on"])
@click.option("--plan", help=HELP_1099R["plan"])
@click.option("--account-value", type=MONEY, help=HELP_1099R["account_value"])
@click.option(
    "--separate-accounting/--no-separate-accounting",
    default=True,
    help=HELP_1099R["separate_accounting"],
)
@click.option("--to-roth-ira", type=MONEY, help=HELP_1099R["to_roth_ira"])
@click.option("--to-traditional-ira", type=MONEY, help=HELP_1099R["to_traditional_ira"])
@click.option("--to-cash", type=MONEY, help=HELP_1099R["to_cash"])
@click.option("--in-plan", is_flag=True, help=HELP_1099R["in_plan"])
@click.option("--into-roth-ira", is_flag=True, help=HELP_1099R["into_roth_ira"])
@click.option(
    "--qualified/--nonqualified",
    default=None,
    help=HELP_1099R["qualified"],
)
@click.option("--exception", help=HELP_1099R["exception"])
@click.option("--disaster", is_flag=True, help=HELP_1099R["disaster"])
@click.option(
    "--returned-contribution",
    type=MONEY,
    help=HELP_1099R["returned_contribution"],
)
@click.option(
    "--for-tax-year",
    type=LEDGER_YEAR,
    help=HELP_1099R["for_tax_year"],
)
@click.option("--rolled-over", type=MONEY, help=HELP_1099R["rolled_over"])
@click.option("--target", metavar="EVENT_ID", help=HELP_1099R["target"])
@click.option("--part", type=MONEY, help=HELP_1099R["part"])
@click.option("--died-on", type=DATE, help=HELP_1099R["died_on"])
@click.option("--disabled-on", type=DATE, help=HELP_1099R["disabled_on"])
@click.pass_context
def form_1099r(ctx, household, person, tax_year, dry_run, **boxes) -> None:
    """Record a Form 1099-R from its boxes; box 7 decides the event.

    \b
    Box 7 codes -> events:
      J, Q, T (Roth IRA)       -> roth_distribution (Q, T need 59½/death/disability)
      J8, JP                   -> roth_contribution_return for --for-tax-year,
                                  earnings = box 2a. Code 8: the earnings are
                                  taxable in the year of the 1099-R; code P: in the
                                  prior year. Neither says which tax year's
                                  contribution came back: --for-tax-year does
      1, 2, 7, S + IRA box     -> ira_distribution, or roth_conversion with
                                  --converted (--received-on when it arrived later)
      G (from a plan)          -> plan_distribution (--to-roth-ira,
                                  --to-traditional-ira, --to-cash, --account-value)
                                  or in_plan_roth_rollover with --in-plan
      H (Roth 401(k) -> Roth IRA) -> designated_roth_rollover, basis = box 5
      4 (death), 3 (disability)   -> also person_died / person_disabled with
                                  --died-on / --disabled-on
      N, R (recharacterized)   -> recharacterization of the contribution made for
                                  the form's year (N) or the year before (R):
                                  --target ID, else the one recorded (IRA box
                                  checked: a traditional IRA contribution; not
                                  checked: a Roth IRA contribution or a conversion
                                  made before 2018); box 1 = amount with its income;
                                  --part: the part of the target recharacterized,
                                  before its income (default: all of it)
    Refused: J+Q (and any pair the IRS guide does not allow), 7 under 59½,
    Q/T under 59½ without death or disability, 1 or 7 from a Roth IRA, J/Q/T with
    the IRA box or box 11, B alone (a Roth 401(k) paid out), B+G (plan to plan),
    G with box 10/11 or --into-roth-ira (designated Roth to a Roth IRA is H).

    \b
    What the form cannot tell you (supply it):
      --date          the distribution date
      --converted     whether an IRA distribution went into a Roth IRA
      --plan, --account-value, destinations   for plan money (Notice 2014-54)
      --qualified / --nonqualified   for H when box 11 is empty
      --for-tax-year  for J8/JP: the tax year of the contribution returned
      --returned-contribution   for J8/JP when the contribution lost value
      --rolled-over   the part of an IRA or Roth IRA distribution paid back into
                      an IRA of the same kind within 60 days (not a distribution;
                      one such rollover in any 12 months across all your IRAs)
    Box 2a of an IRA or Roth IRA distribution is NOT recorded: Form 8606 computes
    the taxable part from your basis (`roth-ledger report withdrawals`).

    \b
    Examples:
      roth-ledger record form-1099r -H rivera -p dana --tax-year 2024 \\
          --box1 7000 --box2a 0 --box7 J --date 2024-06-01
      roth-ledger record form-1099r -H rivera -p dana --tax-year 2024 \\
          --box1 6000 --box7 2 --ira-sep-simple --converted --date 2024-02-03
      roth-ledger record form-1099r -H rivera -p dana --tax-year 2024 \\
          --box1 30000 --box5 21000 --box7 H --box11 2016 --plan k401 --date 2024-05-01
      roth-ledger record form-1099r -H rivera -p dana --tax-year 2024 \\
          --box1 10000 --box7 J --date 2024-03-01 --rolled-over 10000
      roth-ledger record form-1099r -H rivera -p dana --tax-year 2025 \\
          --box1 6350 --box2a 0 --box7 R --date 2025-03-10
    """
    from ledger.app.intake import record_form_1099r

    store = get_store(ctx, write=not dry_run)
    outcome = record_form_1099r(
        store, household, person, tax_year, recorded_by(ctx), dry_run=dry_run, **boxes
    )
    _print(outcome)


def _hidden_underscored_alias(name: str) -> None:
    """Keep `record form_5498` working (a hidden copy) while `record --help` lists the
    command once, as `form-5498`."""
    alias = copy.copy(record.commands[name])
    alias.hidden = True
    record.commands[name.replace("-", "_")] = alias


_hidden_underscored_alias("form-5498")
_hidden_underscored_alias("form-1099r")
