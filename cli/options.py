"""Reusable click options and parameter types (dates, formats, policy settings)."""

from __future__ import annotations

import click


class DateType(click.ParamType):
    name = "date"

    def convert(self, value, param, ctx):
        from ledger.dates import DateError, parse_date

        try:
            return parse_date(value)
        except DateError as e:
            self.fail(str(e), param, ctx)


DATE = DateType()


def report_format(f, choices=("table", "json", "csv")):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def policy_options(f):
    """--ratio-precision and --irr-recapture (RULES.md section 0), combined into ``policy``."""

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

    import functools

    @functools.wraps(f)
    def wrapper(*args, ratio_precision, irr_recapture, **kwargs):
        from ledger.app.session import policy

        return f(*args, policy=policy(ratio_precision, irr_recapture), **kwargs)

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
