"""Commands that write and list events: import, export, record, events, void, households.

A thin layer over :mod:`ledger.app`: parse flags, call one use case, print. Errors are
raised as ``LedgerError`` and printed by the group in :mod:`cli.main` (never a traceback).
"""

from __future__ import annotations

import json

import click

from ledger import events as ev

from ..context import get_store, recorded_by
from ..main import WholeHelpGroup, cli
from ..options import (
    DATE,
    EVENT_REF,
    ID,
    KNOWN_ON_HELP,
    LEDGER_YEAR,
    CountType,
    output_options,
    output_to,
)
from ..progress import progress_for, quiet_option


@cli.command("import")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE...",
    type=click.Path(dir_okay=True, path_type=str),
)
@click.option("--dry-run", is_flag=True, help="Validate and report; store nothing.")
@click.option(
    "--jobs",
    "-j",
    type=CountType(0, 64),
    default=0,
    show_default=True,
    help="Processes reading the files; 0: one per core (up to 4) when the files "
    "hold 2 MB or more and the ledger is a SQLite file or PostgreSQL, else 1. The import "
    "is one transaction either way; with several processes it holds the "
    "ledger's write lock from the start (other writers wait); at most 64.",
)
@quiet_option
@click.pass_context
def import_cmd(ctx, files: tuple[str, ...], dry_run: bool, jobs: int, quiet: bool) -> None:
    """Import ledger files (YAML, JSON or CSV), each into its household.

    Several files (or a directory, standing for the ledger files in it) are one import:
    every file is checked first, and the whole import is stored in one transaction or
    not at all. The import is atomic (all or nothing) and idempotent: an event whose id
    is already stored is skipped, so importing the same file twice adds nothing (an event
    a file gives again in the same import is counted as repeated). A bad file is
    refused whole, with every problem listed as FILE:LINE: field: reason. Contributions
    over the yearly limits and possible duplicates (the same distribution or
    contribution twice) are stored and reported as warnings. On a terminal a progress
    bar on standard error counts the files read (never in piped output; --quiet: none).
    A with-history export (`export --with-history`) is stored with its own rows, its
    hash chain re-checked first (exit 6 naming an entry changed since the export).

    \b
    File shape (SPEC section 4):
      version: 1
      household: {id: rivera, name: Dana and Lee Rivera}
      people:
        - {id: dana, name: Dana Rivera, born: 1980-07-02}
      events:
        - {id: e1, kind: roth_conversion, person: dana, date: 2017-06-01, amount: 15000}
        - {id: e2, kind: roth_contribution, person: dana, tax_year: 2019,
           date: 2020-04-01, amount: 6000}

    CSV: one row per event, columns named as the fields plus `kind`; a row of kind
    `household` (columns id, name) and rows of kind `person` (id, name, born).

    \b
    Examples:
      roth-ledger import rivera.yaml --dry-run
      roth-ledger import rivera.yaml
      roth-ledger import clients/          # every ledger file in it, one transaction
    """
    from ledger.app.importing import import_files

    store = get_store(ctx, write=not dry_run, missing_ok=dry_run)
    with progress_for("import", "files", quiet) as progress:
        results = import_files(
            store, list(files), recorded_by(ctx), dry_run=dry_run, jobs=jobs, progress=progress
        )
    verb = "would import" if dry_run else "imported"
    for result in results if len(results) <= 20 else []:
        n = result.added
        click.echo(
            f"{'dry run: ' if dry_run else ''}{verb} {n} event{'s' if n != 1 else ''} "
            f"({_not_added(result.skipped, result.repeated)}) into household "
            f"{result.household}" + ("; nothing was stored" if dry_run else "")
        )
    if len(results) > 20:
        added = sum(r.added for r in results)
        skipped = sum(r.skipped for r in results)
        repeated = sum(r.repeated for r in results)
        click.echo(
            f"{'dry run: ' if dry_run else ''}{verb} {added} events "
            f"({_not_added(skipped, repeated)}) into {len(results)} households"
            + ("; nothing was stored" if dry_run else "")
        )
    for result in results:
        for warning in result.warnings:
            click.echo(
                f"warning: {result.household}: {warning}"
                if len(results) > 1
                else f"warning: {warning}",
                err=True,
            )


def _not_added(skipped: int, repeated: int) -> str:
    """The events an import skipped: stored before it, and given twice in it."""
    again = f", {repeated} repeated within this import" if repeated else ""
    return f"{skipped} already stored{again}"


@cli.command("export")
@click.option("--household", "-H", required=True, type=ID, metavar="H", help="Household id.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json", "csv"]),
    default=None,
    help="Output format (default: from --output's extension, else yaml).",
)
@output_options
@click.option("--as-known-on", type=DATE, default=None, help=KNOWN_ON_HELP)
@click.option(
    "--with-history",
    is_flag=True,
    help=(
        "Every stored event with its version, recorded_at, recorded_by and hash (YAML or "
        "JSON): import it into another ledger for the same ledger, the same heads."
    ),
)
@click.pass_context
def export_cmd(ctx, household, fmt, output, force, as_known_on, with_history) -> None:
    """Export a household as a ledger file that `import` reads back unchanged.

    Every event is written with its id, including voids, so export then import into an
    empty ledger reproduces the same events. With --with-history every stored event is
    written with its row (version, recorded_at, recorded_by, hash): imported into another
    ledger (SQLite or PostgreSQL) it is the same ledger, the same heads, and `verify
    --against` heads saved before passes; the import re-checks the hash chain.

    \b
    Examples:
      roth-ledger export --household rivera > rivera.yaml
      roth-ledger export --household rivera --format csv -o rivera.csv
      roth-ledger export --household rivera --as-known-on 2023-04-15
      roth-ledger export --household rivera --with-history -o rivera-history.yaml
    """
    from ledger.app.exporting import export_to

    n = export_to(get_store(ctx), household, None, fmt, output, as_known_on, force, with_history)
    if output is not None:
        click.echo(f"exported {n} events of household {household} to {output}", err=True)


# --- record: one subcommand per kind, generated from events.FIELDS ----------------------


class RecordGroup(WholeHelpGroup):
    """Accepts kind names with dashes too (roth-contribution); a name filed as typed (the
    form commands, form-5498 and form-1099r) is found first.

    The subcommand of an event kind is made when it is named or the group's commands are
    listed (:data:`RECORD_KINDS`): every command of this module (``import``, ``export``,
    ``events``...) loads it, and making the twenty-odd kinds' commands and their options
    was ~13 M instructions of each one's start-up."""

    def get_command(self, ctx, cmd_name):
        found = self.commands.get(cmd_name)
        if found is not None:
            return found
        name = cmd_name.replace("-", "_")
        if name in RECORD_KINDS and name not in self.commands:
            self.add_command(_record_command(name, RECORD_KINDS[name]))
        found = super().get_command(ctx, name)
        if found is None:  # unknown: click's "Did you mean" looks through every kind
            self.list_commands(ctx)
        return found

    def list_commands(self, ctx):
        for name, kind in RECORD_KINDS.items():
            if name not in self.commands:
                self.add_command(_record_command(name, kind))
        return super().list_commands(ctx)


@cli.group("record", cls=RecordGroup)
def record() -> None:
    """Record one event from command-line flags (the same fields and checks as a file).

    Run `roth-ledger record KIND --help` for a kind's fields. The stored event's id is
    printed (use it with `void`). The person must already be in the household: add them
    with `record person` first.

    \b
    Examples:
      roth-ledger record household --household rivera --name "Dana and Lee Rivera"
      roth-ledger record person --household rivera --id dana --name "Dana Rivera" \\
          --born 1980-07-02
      roth-ledger record roth_contribution --household rivera --person dana \\
          --tax-year 2024 --date 2025-04-01 --amount 7000 --source "5498 Vanguard 2024"
    """


def _option(name: str, help_text: str, dest: str | None = None) -> click.Option:
    decls = [f"--{name.replace('_', '-')}"]
    if "_" in name:
        decls.append(f"--{name}")
    short = {"person": "-p", "tax_year": "-y"}.get(name)  # the same letters everywhere
    if short:
        decls.append(short)
    decls.append(dest or name)
    return click.Option(decls, metavar="VALUE", default=None, help=help_text)


def _record_callback(kind: str):
    @click.pass_context
    def callback(ctx, household, **values):
        from ledger.app.importing import record_event_warned

        raw = {k: v for k, v in values.items() if v is not None}
        stored, warnings = record_event_warned(
            get_store(ctx, write=True), household, kind, raw, recorded_by(ctx)
        )
        click.echo(stored.event.id)
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)

    return callback


def _record_command(name: str, kind: str) -> click.Command:
    household = click.Option(
        ["--household", "-H", "household"],
        required=True,
        type=ID,
        metavar="H",
        help="Household id.",
    )
    from ledger.app.entry import entry_fields  # the web desk's form offers the same

    params: list[click.Parameter] = [
        household,
        *(_option(f.name, f.help) for f in entry_fields(kind)),
    ]
    cls = ev.KINDS[kind]
    example = _example(kind)
    doc = (
        f"Record one {kind} event: {cls.doc}.\n\n"
        f"\b\nExample:\n  roth-ledger record {name} --household rivera {example}"
    )
    return click.Command(
        name, params=params, callback=_record_callback(kind), help=doc, short_help=cls.doc
    )


#: values for a kind's example (help examples run as written, on a household rivera with
#: a person dana)
SAMPLE_BY_NAME = {
    "person": "dana",
    "plan": "k401",
    "target": "e1",
    "reason": '"entered twice"',
    "filing_status": "single",
    "name": '"Dana Rivera"',
    "born": "1980-07-02",
}
SAMPLE_BY_TYPE = {"year": "2024", "date": "2024-06-03", "money": "1000", "bool": "true"}


def _example(kind: str) -> str:
    if kind == "person_added":
        return '--id dana --name "Dana Rivera" --born 1980-07-02'
    if kind == "household_named":
        return '--name "Dana and Lee Rivera"'
    parts = []
    for spec in ev.FIELDS[kind]:
        if spec.required:
            value = SAMPLE_BY_NAME.get(spec.name) or SAMPLE_BY_TYPE.get(spec.type, "x")
            parts.append(f"--{spec.name.replace('_', '-')} {value}")
    return " ".join(parts)


#: ``record``'s event subcommands (made on first use: :class:`RecordGroup`) and their kinds
RECORD_KINDS = {
    "household": "household_named",
    "person": "person_added",
    **{kind: kind for kind in ev.FILE_KINDS if kind != "void"},
}


# --- void, households --------------------------------------------------------------


@cli.command("void")
@click.argument("event_id", type=EVENT_REF)
@click.option("--reason", required=True, help="Why the event is cancelled (kept in history).")
@click.option(
    "--household",
    "-H",
    default=None,
    type=ID,
    metavar="H",
    help="Household id (needed only when the id exists in several households).",
)
@click.pass_context
def void_cmd(ctx, event_id, reason, household) -> None:
    """Cancel an event by recording a `void` that names it; both stay in the history.

    Voiding a void restores the event it cancelled (a person, a household name or any
    other event). An event already cancelled by a void in force is refused.

    \b
    Examples:
      roth-ledger void e3 --reason "1099-R was corrected; see e9"
      roth-ledger void void-e3-9f1c --reason "e3 was right after all"
    """
    from ledger.app.importing import void_event

    stored = void_event(get_store(ctx, write=True), event_id, reason, recorded_by(ctx), household)
    click.echo(f"voided {event_id} in household {stored.household} (void event {stored.event.id})")


@cli.command("households")
@click.pass_context
def households_cmd(ctx) -> None:
    """List the households in the ledger, one id a line.

    \b
    Example:
      roth-ledger households
    """
    from ledger.app.history import list_households

    for household in list_households(get_store(ctx)):
        click.echo(household)


# --- events: the household's history --------------------------------------------------

SHORT_KIND = {
    "household_named": "household",
    "person_added": "person",
    "roth_contribution": "roth_contrib",
    "roth_contribution_return": "contrib_return",
    "roth_contribution_limit": "roth_limit",
    "tax_year_income": "income",
    "ira_contribution": "ira_contrib",
    "ira_distribution": "ira_distrib",
    "ira_disaster_repayment": "disaster_repay",
    "ira_year_end_value": "ira_year_end",
    "roth_conversion": "conversion",
    "plan_after_tax_contribution": "plan_after_tax",
    "plan_roth_contribution": "plan_roth",
    "plan_distribution": "plan_distrib",
    "in_plan_roth_rollover": "in_plan_roth",
    "recharacterization": "rechar",
    "designated_roth_rollover": "droth_rollover",
    "roth_distribution": "roth_distrib",
    "roth_year_end_value": "roth_year_end",
    "roth_sep_simple_contribution": "roth_sep_simple",
    "roth_529_rollover": "roth_529",
    "roth_inherited": "inherited",
    "person_disabled": "disabled",
    "person_died": "died",
    "void": "void",
}


def _table(rows: list[dict], out) -> None:
    """The history as a table: every id, person and recorder printed whole (an id is
    what `void` needs); amounts, values and a void's target in the AMOUNT column."""
    table = [
        [
            f"{r['version']}{'x' if r['voided_by'] else ''}",
            r["id"],
            SHORT_KIND.get(r["kind"], r["kind"]),
            r["date"],
            r["person"],
            r["summary"],
            r["recorded_at"][:10],
            r["recorded_by"],
        ]
        for r in rows
    ]
    heads = ["VER", "ID", "KIND", "DATE", "PERSON", "AMOUNT", "RECORDED", "BY"]
    align = [">", "<", "<", "<", "<", ">", "<", "<"]
    widths = [max([len(h)] + [len(str(row[i])) for row in table]) for i, h in enumerate(heads)]
    for row in [heads, *table]:
        cells = (f"{str(c):{a}{w}}" for c, a, w in zip(row, align, widths))
        out.write(" ".join(cells).rstrip() + "\n")
    if any(r["voided_by"] for r in rows):
        out.write("x = voided (see the void event naming it)\n")


@cli.command("events")
@click.option("--household", "-H", required=True, type=ID, metavar="H", help="Household id.")
@click.option("--person", "-p", default=None, type=ID, help="Only this person's events.")
@click.option(
    "--tax-year", "-y", type=LEDGER_YEAR, default=None, help="Only events of this tax year."
)
@click.option(
    "--kind",
    "-k",
    default=None,
    type=click.Choice(list(ev.KINDS)),
    metavar="KIND",
    help="Only events of this kind (e.g. roth_distribution).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    help="Output format (default table).",
)
@click.option("--as-known-on", type=DATE, default=None, help=KNOWN_ON_HELP)
@output_options
@click.pass_context
def events_cmd(ctx, household, person, tax_year, kind, fmt, as_known_on, output, force) -> None:
    """List a household's events in the order they were recorded.

    Voided events stay in the list, marked `x` after their version (json/csv:
    `voided_by`: the void in force that cancels it). A voided void is marked too, and
    the event it named is in force again. The table shows the version, id, kind, date, person, amount (or value,
    or a void's target) and when and by whom it was recorded.

    \b
    Examples:
      roth-ledger events --household rivera
      roth-ledger events --household rivera --person dana --tax-year 2022
      roth-ledger events --household rivera --kind void --format json
    """
    from ledger.app.history import event_history

    rows = event_history(get_store(ctx), household, person, tax_year, kind, as_known_on)
    with output_to(output, force) as out:
        _write_events(household, rows, fmt, out)


def _write_events(household: str, rows: list[dict], fmt: str, out) -> None:
    if fmt == "json":
        out.write(json.dumps({"household": household, "events": rows}, indent=2) + "\n")
    elif fmt == "csv":
        from ledger import csvcells

        writer = csvcells.writer(out)
        keys = [
            "version",
            "id",
            "kind",
            "date",
            "person",
            "tax_year",
            "summary",
            "voided_by",
            "recorded_at",
            "recorded_by",
        ]
        writer.writerow(keys)
        for r in rows:
            writer.writerow(["" if r[k] is None else r[k] for k in keys])
    else:
        _table(rows, out)
