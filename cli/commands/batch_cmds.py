"""``roth-ledger report batch``: every client's Roth figures for a tax year, streamed."""

from __future__ import annotations

import json
import sys

import click

from ..context import get_store
from ..options import (
    DATE,
    KNOWN_ON_HELP,
    TAX_YEAR,
    CountType,
    output_options,
    output_to,
    policy_options,
    write_text,
)
from ..progress import progress_for, quiet_option
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
    help=KNOWN_ON_HELP,
)
@click.option(
    "--jobs",
    "-j",
    type=CountType(0, 64),
    default=0,
    show_default=True,
    help="Processes to use; 0: one per core (up to 4) when the ledger holds "
    "20,000 events or more, else 1 (at most 64).",
)
@output_options
@quiet_option
@policy_options
@click.pass_context
def batch(ctx, tax_year, fmt, as_known_on, jobs, output, force, quiet, policy):
    """One row per person of every household with Roth activity in the tax year.

    Columns: distributions, taxable amount (Form 8606 line 25c), additional tax (Form 5329
    line 4), qualified or not, contributions and conversions of the year, warnings, and an
    error column for a person whose figures cannot be computed (the batch goes on).
    Streams household by household: memory does not grow with the ledger. A large
    ledger is shared out among one process per core; the rows are the same, in the same
    order. On a terminal a progress bar on standard error counts the households done
    (never in piped output; --quiet: none).

    The batch does not re-hash the hash chains (a household whose rows cannot be read
    is reported as broken, the others go on): run `roth-ledger verify` before relying
    on it; a household's own report checks its chain.

    \b
    Example:
      roth-ledger report batch --tax-year 2024 --format csv > 2024.csv
    """
    from ledger.app.reporting import batch_report

    store = get_store(ctx)
    # rows streamed to the terminal are their own progress (a bar would cut them)
    streamed_here = fmt != "table" and output is None and _is_terminal(sys.stdout)
    with progress_for("report batch", "households", quiet or streamed_here) as progress:
        rows = batch_report(store, tax_year, policy, as_known_on, jobs, progress)
        if fmt != "table":
            with output_to(output, force) as out:
                _write_batch(rows, fmt, tax_year, out)
            return
        table = _table(list(rows), tax_year)
    write_text(table, output, force)  # the bar is gone before the table is printed


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


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
        out.write(_table(list(rows), tax_year))


def _money(value) -> str:
    from decimal import Decimal

    return f"{Decimal(value):,.2f}" if value not in (None, "") else ""


def _table(rows: list[dict], tax_year: int) -> str:
    """The batch for a person to read: ids whole, amounts with thousands separators, a
    totals row, and the ledger state the figures came from."""
    from ledger.app.batch import totals

    hw = max([9] + [len(r["household"]) for r in rows])
    pw = max([6] + [len(r["person"]) for r in rows])
    sums = {k: _money(v) for k, v in totals(rows).items()}
    mw = max(
        [12] + [len(_money(r[k])) for r in rows for k in sums] + [len(v) for v in sums.values()]
    )
    lines = [
        f"{'household':<{hw}} {'person':<{pw}} {'distrib.':>{mw}} {'taxable':>{mw}} "
        f"{'10% tax':>{mw}} {'ver':>4} {'qual':<4} notes"
    ]
    for r in rows:
        note = r["error"] or (r["warnings"][:20] + ("..." if len(r["warnings"]) > 20 else ""))
        q = {True: "yes", False: "no", None: "-"}[r["qualified"]] if not r["error"] else "?"
        lines.append(
            f"{r['household']:<{hw}} {r['person']:<{pw}} {_money(r['distributions']):>{mw}} "
            f"{_money(r['taxable_amount']):>{mw}} {_money(r['additional_tax']):>{mw}} "
            f"{r['ledger_version']:>4} {q:<4} {note}".rstrip()
        )
    lines.append(
        f"{'total':<{hw}} {'':<{pw}} {sums['distributions']:>{mw}} {sums['taxable_amount']:>{mw}} "
        f"{sums['additional_tax']:>{mw}}"
    )
    lines.append(f"{len(rows)} people with Roth activity in {tax_year}")
    if rows:
        lines.append(
            f"ledger as known on {rows[0]['as_known_on']}, generated {rows[0]['generated_at']} "
            "(ver: each household's head; hashes: --format csv)"
        )
    return "\n".join(lines) + "\n"
