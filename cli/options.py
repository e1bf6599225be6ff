"""Reusable click options and parameter types (dates, formats, policy settings)."""

from __future__ import annotations

import click


class _Checked(click.ParamType):
    """An option read by a ledger function that raises ValueError with the reason (the
    same function that reads the file field, so both are checked alike)."""

    def __init__(self, name: str, reader: str):
        self.name = name
        self._reader = reader  # "module:function", imported on first use (start-up time)

    def convert(self, value, param, ctx):
        import importlib

        module, _, function = self._reader.partition(":")
        try:
            return getattr(importlib.import_module(module), function)(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


#: YYYY-MM-DD inside the dates a ledger field may hold (ledger.dates.date_problem: 1975 to a few
#: years ahead)
DATE = _Checked("date", "ledger.events:checked_date")

#: what --as-known-on means, the same words in every command's help
KNOWN_ON_HELP = (
    "Use the ledger as it had been recorded by the end of DATE (UTC): only events "
    "recorded on or before DATE, as a preparer saw it when filing (default: now)."
)
#: an amount read as strictly as a file's (ledger.money.parse_money)
MONEY = _Checked("AMOUNT", "ledger.money:parse_money")
#: a household, person or plan id, read as a file's id (ledger.events.checked_id)
ID = _Checked("id", "ledger.events:checked_id")
#: an event id as `events` lists it (ledger.events.checked_event_ref)
EVENT_REF = _Checked("event id", "ledger.events:checked_event_ref")
#: --user / ROTH_LEDGER_USER (ledger.app.session.read_user)
USER = _Checked("name", "ledger.app.session:read_user")
#: --db / ROTH_LEDGER_DB as given (ledger.app.session.read_database)
DATABASE = _Checked("URL", "ledger.app.session:read_database")


class CountType(click.ParamType):
    """A whole number option in ``[low, high]`` written in ASCII digits
    (:func:`ledger.app.session.read_count`): click's IntRange reads "２" as 2."""

    name = "integer"

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        from ledger.app.session import read_count

        try:
            number = read_count(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)
        if not self.low <= number <= self.high:
            self.fail(f"{number} is not in {self.low}-{self.high}", param, ctx)
        return number

    def get_metavar(self, param, ctx=None):
        return "INTEGER"

    def __repr__(self) -> str:
        return f"CountType({self.low}, {self.high})"


class YearType(click.ParamType):
    """A year option (:func:`ledger.app.session.read_year`). ``report=True``: a report's
    tax year, one the data files cover; else a ledger field's year, as in a file."""

    name = "year"

    def __init__(self, report: bool):
        self.report = report

    def convert(self, value, param, ctx):
        from ledger.app.session import read_year

        try:
            return read_year(value, self.report)
        except ValueError as e:
            self.fail(str(e), param, ctx)


TAX_YEAR = YearType(report=True)
LEDGER_YEAR = YearType(report=False)


def report_format(f, choices=("table", "json", "csv")):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def policy_options(f, whole_dollars: bool = False):
    """--ratio-precision and --irr-recapture (RULES.md section 0), combined into ``policy``;
    with ``whole_dollars`` also --whole-dollars (the form reports)."""

    def build(ctx, param, value):
        return value

    f = click.option(
        "--ratio-precision",
        type=click.Choice(["exact", "3"]),
        default="exact",
        show_default=True,
        help="Pro-rata ratios (Form 8606 line 10): full precision, or 3 decimals as on a paper form.",
    )(f)
    f = click.option(
        "--irr-recapture",
        type=click.Choice(["carry", "none"]),
        default="carry",
        show_default=True,
        help="Whether an in-plan Roth rollover keeps its 10% recapture clock after the Roth 401(k) is rolled into a Roth IRA.",
    )(f)

    if whole_dollars:
        f = click.option(
            "--whole-dollars",
            is_flag=True,
            default=False,
            help="Fill the forms as filed: every line in whole dollars, computed from the "
            "rounded lines before it (under 50 cents down, 50 cents and up to the next "
            "dollar). The ledger and the default output keep cents.",
        )(f)

    import functools

    @functools.wraps(f)
    def wrapper(*args, ratio_precision, irr_recapture, whole_dollars=False, **kwargs):
        from ledger.app.session import policy

        return f(*args, policy=policy(ratio_precision, irr_recapture, whole_dollars), **kwargs)

    return wrapper


def output_options(f):
    """``-o/--output FILE`` and ``--force`` (every file goes through ledger.app.output:
    owner-only, never through a symbolic link, an existing file only with --force)."""
    f = click.option(
        "--force",
        is_flag=True,
        default=False,
        help="With --output: replace FILE if it exists.",
    )(f)
    f = click.option(
        "--output",
        "-o",
        default=None,
        metavar="FILE",
        help="Write to FILE (created owner-only; refused if it exists, unless --force) "
        "instead of standard output.",
    )(f)
    return f


def write_text(text: str, output: str | None, force: bool) -> None:
    """Print ``text``, or write it to ``--output`` (ledger.app.output: the one place)."""
    from ledger.app.output import write_output

    write_output(text, output, force=force)


def output_to(output: str | None, force: bool):
    """A stream for streamed output: standard output or ``--output`` (see write_text)."""
    from ledger.app.output import output_stream

    return output_stream(output, force=force)
