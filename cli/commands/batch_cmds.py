"""``roth-ledger report batch``: every client's Roth figures for a tax year, streamed."""

from __future__ import annotations

import json

import click

from ..context import get_store
from ..options import DATE, TAX_YEAR, output_options, output_to, policy_options
from .report_cmds import report


@report.command("batch")
@click.option("--tax-year", "-y", type=TAX_YEAR, required=True, help="Tax year.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format (json: one JSON array, streamed).",
)
@click.option(
    "--as-known-on",
    type=DATE,
    default=None,
    metavar="DATE",
    help="Use only events recorded on or before DATE.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0, 64),
    default=0,
    show_default=True,
    help="Processes to use; 0: one per core (up to 4) when the ledger holds "
    "20,000 events or more, else 1.",
)
@output_options
@policy_options
@click.pass_context
def batch(ctx, tax_year, fmt, as_known_on, jobs, output, force, policy):
    """One row per person of every household with Roth activity in the tax year.

    Columns: distributions, taxable amount (Form 8606 line 25c), additional tax (Form 5329
    line 4), qualified or not, contributions and conversions of the year, warnings, and an
    error column for a person whose figures cannot be computed (the batch goes on).
    Streams household by household: memory does not grow with the ledger. A large
    ledger is shared out among one process per core; the rows are the same, in the same
    order.

    \b
    Example:
      roth-ledger report batch --tax-year 2024 --format csv > 2024.csv
    """
    from ledger.app.reporting import batch_report

    rows = batch_report(get_store(ctx), tax_year, policy, as_known_on, jobs)
    with output_to(output, force) as out:
        _write_batch(rows, fmt, tax_year, out)


def _write_batch(rows, fmt: str, tax_year: int, out) -> None:
    from ledger.app.batch import write_csv

    if fmt == "csv":
        write_csv(rows, out)
    elif fmt == "json":
        out.write("[")
        for i, r in enumerate(rows):
            out.write(("," if i else "") + "\n  " + json.dumps(r))
        out.write("\n]\n")
    else:
        out.write(
            f"{'household':<14} {'person':<10} {'distrib.':>12} {'taxable':>11} {'10% tax':>10} {'qual':<4} notes\n"
        )
        n = 0
        for r in rows:
            n += 1
            note = r["error"] or (r["warnings"][:20] + ("..." if len(r["warnings"]) > 20 else ""))
            q = {True: "yes", False: "no", None: "-"}[r["qualified"]] if not r["error"] else "?"
            out.write(
                f"{r['household'][:14]:<14} {r['person'][:10]:<10} {r['distributions'] or '':>12} "
                f"{r['taxable_amount'] or '':>11} {r['additional_tax'] or '':>10} {q:<4} {note}\n"
            )
        out.write(f"{n} people with Roth activity in {tax_year}\n")
