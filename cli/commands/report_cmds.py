"""``roth-ledger report ...``: the withdrawal, form, year and basis reports."""

from __future__ import annotations

import click

from ..context import get_store
from ..main import cli
from ..options import (
    DATE,
    ID,
    KNOWN_ON_HELP,
    TAX_YEAR,
    output_options,
    policy_options,
    report_format,
    write_text,
)


@cli.group()
def report() -> None:
    """Reports for one person: withdrawals, form8606, form5329, year, basis.

    \b
    Every report takes --format table|json|csv, --as-known-on DATE (the ledger as
    recorded by that day, so a filed report can be reproduced later) and the policy
    settings --ratio-precision exact|3 and --irr-recapture carry|none. withdrawals,
    form8606 and form5329 take --whole-dollars: the forms in whole dollars, as filed.
    """


WHOLE_DOLLAR_REPORTS = ("withdrawals", "form8606", "form5329")


def _common(f, formats=("table", "json", "csv"), whole_dollars=False):
    f = click.option("--household", "-H", required=True, type=ID, help="Household id.")(f)
    f = click.option("--person", "-p", required=True, type=ID, help="Person id.")(f)
    f = click.option(
        "--as-known-on",
        type=DATE,
        default=None,
        metavar="DATE",
        help=KNOWN_ON_HELP,
    )(f)
    f = click.option(
        "--explain",
        is_flag=True,
        default=False,
        help="Trace every figure to its events and the rule applied (JSON key 'explain').",
    )(f)
    f = report_format(f, formats)
    f = output_options(f)
    f = policy_options(f, whole_dollars)
    return f


def _emit(
    kind,
    household,
    person,
    fmt,
    policy,
    known_on,
    tax_year=None,
    as_of=None,
    explain=False,
    output=None,
    force=False,
):
    from ledger.app.reporting import report_text

    ctx = click.get_current_context()
    text = report_text(
        get_store(ctx),
        kind,
        household,
        person,
        policy,
        fmt,
        tax_year=tax_year,
        as_of=as_of,
        known_on=known_on,
        explain=explain,
        width=terminal_width(),
    )
    write_text(text, output, force)


def terminal_width() -> int:
    """The terminal's columns (COLUMNS if set, else the terminal's own; 80 when neither)."""
    from ..progress import terminal_columns

    return terminal_columns()


def _year_report(kind: str, doc: str):
    @click.option("--tax-year", "-y", type=TAX_YEAR, required=True, help="Tax year.")
    def command(
        household,
        person,
        tax_year,
        as_known_on,
        fmt,
        policy,
        explain=False,
        output=None,
        force=False,
    ):
        _emit(
            kind,
            household,
            person,
            fmt,
            policy,
            as_known_on,
            tax_year=tax_year,
            output=output,
            force=force,
            explain=explain,
        )

    whole = kind in WHOLE_DOLLAR_REPORTS
    if kind == "withdrawals":  # a printable page (SPEC 6 plus issue item 4)
        command = _common(command, ("table", "json", "csv", "html"), whole)
    else:
        command = _common(command, whole_dollars=whole)
    command.__doc__ = doc
    report.command(name=kind)(command)


_year_report(
    "withdrawals",
    """Roth IRA withdrawals of a tax year: taxable amount and 10% tax.

    Applies the ordering rules (regular contributions, then conversions first-in-first-out,
    then earnings) to the year's distributions and shows which basis layer every dollar
    came from, Form 8606 Part III (lines 19-25c) and Form 5329 Part I (lines 1-4).

    \b
    Example:
      roth-ledger report withdrawals -H rivera -p dana -y 2022 --format json
      roth-ledger report withdrawals -H rivera -p dana -y 2022 --format html -o 2022.html
    """,
)
_year_report(
    "form8606",
    """Form 8606 Parts I, II and III for a tax year.

    Part I: traditional IRA basis and the pro-rata rule (line 10 ratio per
    --ratio-precision); Part II: conversions; Part III: Roth IRA distributions.
    """,
)
_year_report(
    "form5329",
    """Form 5329 Part I: the 10% additional tax on early distributions.

    Line 1 includes taxable earnings and recaptured conversion amounts; line 2 the
    exceptions (by kind and by that year's exception number).
    """,
)
_year_report(
    "year",
    """Everything a tax year adds to income and to basis.

    Taxable income by source, each plan distribution's Notice 2014-54 split and
    destinations, in-plan Roth rollovers, and the Roth IRA layers added with the date
    their 10% clock ends.
    """,
)


@report.command()
@_common
@click.option(
    "--as-of",
    type=DATE,
    default=None,
    metavar="DATE",
    help="Basis as of this day (default: today).",
)
def basis(household, person, as_of, as_known_on, fmt, policy, explain, output, force):
    """What is carried forward as of a date.

    Regular-contribution basis, designated-Roth rollover basis, each conversion layer with
    the date its 10% clock ends, traditional IRA basis (Form 8606 line 14), each plan's
    after-tax and designated Roth basis, and when the Roth IRA becomes qualified.
    """
    import datetime

    _emit(
        "basis",
        household,
        person,
        fmt,
        policy,
        as_known_on,
        as_of=as_of or datetime.date.today(),
        explain=explain,
        output=output,
        force=force,
    )
