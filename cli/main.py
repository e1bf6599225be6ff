"""The ``roth-ledger`` command line: a thin click layer over ``ledger.app``.

Errors are translated in one place (:class:`LedgerGroup`): a user mistake prints one
clear message on stderr and exits non-zero; only bugs produce tracebacks.
"""

from __future__ import annotations

import re
import sys

import click

from .options import DATABASE, USER

EXIT_USAGE = 2
EXIT_CONFLICT = 4  # ledger.app.session.EXIT_CONFLICT (tests/test_layers.py checks they agree)
EXIT_STORE = 5
EXIT_VERIFY = 6


class WholeHelpGroup(click.Group):
    """A group whose ``--help`` lists each command with its first sentence whole,
    wrapped, never cut short with "..." (click's default stops at 45 characters)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class LedgerGroup(WholeHelpGroup):
    """A click group that turns library errors into one-line messages, and loads a
    command's module only when the command is named (start-up time)."""

    group_class = WholeHelpGroup  # report, plan, db, user: their help lists whole too

    def get_command(self, ctx: click.Context, cmd_name: str):
        from .commands import COMMAND_MODULES, load

        load(COMMAND_MODULES.get(cmd_name))  # an unknown name: all, for click's message
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context):
        register()
        return super().list_commands(ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """``--db`` and ``--user`` work before or after the subcommand: those given after
        it are moved in front (the last one given wins, as for any option). An argument
        no file or database could hold (a NUL, or bytes that are not UTF-8, which Python
        passes on as lone surrogates) is refused here, naming its option."""
        args = hoist_global_options(args)
        bad = unreadable_argument(args)
        if bad is not None:
            click.echo(f"error: {bad}", err=True)
            ctx.exit(EXIT_USAGE)
        try:
            return super().parse_args(ctx, args)
        except click.BadParameter as exc:  # --db or --user
            click.echo(f"error: {_option_name(exc)}: {clip(exc.message)}", err=True)
            ctx.exit(EXIT_USAGE)
        except click.UsageError as exc:
            raise _clipped(exc) from None

    def invoke(self, ctx: click.Context):  # noqa: D401
        try:
            return self._invoke(ctx)
        except BaseException as exc:
            if not isinstance(exc, KeyboardInterrupt) and getattr(exc, "exit_code", 1) != 0:
                _discard_created(ctx)
            raise

    def _invoke(self, ctx: click.Context):
        from ledger.app.session import error_exit_code

        try:
            return super().invoke(ctx)
        except click.BadParameter as exc:
            # a malformed option value is one line naming the option, as a file's
            # problems name their field (exit 2, like click's own usage errors)
            click.echo(f"error: {_option_name(exc)}: {clip(exc.message)}", err=True)
            ctx.exit(EXIT_USAGE)
        except click.UsageError as exc:  # an unknown option, a missing value: never echoed whole
            raise _clipped(exc) from None
        except OSError as exc:  # writing standard output: a full disk, a closed pipe
            ctx.exit(output_failed(exc))
        except Exception as exc:
            code = error_exit_code(exc)
            if code is None:  # click's own exceptions, and bugs
                raise
            click.echo(f"error: {clip(str(exc))}", err=True)
            ctx.exit(code)


def _discard_created(ctx: click.Context) -> None:
    """A refused command stores nothing: the ledger file it created (opening it for
    writing, when no file was there) is removed if nothing is stored in it; a file that
    existed before is never touched (:func:`ledger.app.session.discard_created`)."""
    store = (ctx.obj or {}).get("store")
    if store is not None and getattr(store, "created", None) is not None:
        from ledger.app.session import discard_created

        discard_created(store)


#: the longest run of characters without a space an error message prints whole (a long
#: path still fits; a hostile value of thousands of characters is cut)
LONGEST_WORD = 200
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def _clipped(exc: click.UsageError) -> click.UsageError:
    """click's usage error (usage line, hint, message) with its message clipped."""
    if len(exc.message) <= LONGEST_WORD:
        return exc
    return click.UsageError(clip(exc.message), exc.ctx)


def clip(message: str) -> str:
    """``message`` with every over-long word cut: a message never prints a whole hostile
    value, whichever check (click's own included) quoted it."""
    if len(message) <= LONGEST_WORD:
        return message
    return _LONG_WORD.sub(lambda m: f"{m[0][:40]}... ({len(m[0]):,} characters)", message)


def unreadable_argument(args: list[str]) -> str | None:
    """Why one of ``args`` cannot be used (None: all can): a NUL or a lone surrogate."""
    for i, arg in enumerate(args):
        if "\x00" in arg:
            reason = "contains a NUL character"
        else:
            try:
                arg.encode("utf-8")
                continue
            except UnicodeEncodeError:
                reason = "is not valid UTF-8 text"
        name = arg.split("=", 1)[0] if arg.startswith("--") and "=" in arg else None
        if name is None and i > 0 and args[i - 1].startswith("-") and args[i - 1] != "-":
            name = args[i - 1]
        return f"{clip(name) if name else f'argument {i + 1}'}: {reason}"
    return None


def _option_name(exc: click.BadParameter) -> str:
    param = exc.param
    if param is not None and getattr(param, "opts", None):
        return max(param.opts, key=len) if param.param_type_name == "option" else param.name
    return exc.param_hint if isinstance(exc.param_hint, str) else "value"


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db",
    envvar="ROTH_LEDGER_DB",
    type=DATABASE,
    metavar="URL",
    help="Ledger database: a file path, sqlite:///path or postgresql+psycopg://... "
    "(default: ~/.local/share/roth-ledger/ledger.db; env ROTH_LEDGER_DB).",
)
@click.option(
    "--user",
    "user",
    envvar="ROTH_LEDGER_USER",
    type=USER,
    metavar="NAME",
    help="Who is recording (audit trail; default: the login name).",
)
@click.version_option(package_name="roth-ledger")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None) -> None:
    """roth-ledger: an event-sourced ledger of Roth IRA basis.

    Log each year's retirement-account events (Forms 5498, 1099-R, plan statements) once;
    for any Roth IRA withdrawal get the taxable amount (Form 8606 Part III), the 10%
    additional tax (Form 5329 Part I) and the basis layer every dollar came from.

    \b
    Typical use:
      roth-ledger import ledger.yaml
      roth-ledger report withdrawals --household rivera --person dana --tax-year 2022
      roth-ledger report basis --household rivera --person dana --as-of 2022-12-31
    """
    ctx.obj = {"db": db, "user": user}


def register() -> None:
    """Attach every command module (kept separate so each stays small); a run of one
    command loads only its own (:meth:`LedgerGroup.get_command`)."""
    from .commands import load

    load()


GLOBAL_OPTIONS = ("--db", "--user")


def hoist_global_options(args: list[str]) -> list[str]:
    """``args`` with every ``--db URL`` / ``--user NAME`` (or ``--db=URL``) moved to the
    front, so that ``roth-ledger report basis ... --db x.db`` means ``--db x.db report
    basis ...``. Nothing after a ``--`` is touched."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(args[i : i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def output_failed(exc: OSError) -> int:
    """Say in one line that standard output could not be written; the exit code (7).
    Standard output is pointed at /dev/null so that the interpreter's last flush is
    quiet (a closed pipe would otherwise print a traceback at exit)."""
    from ledger.app.output import EXIT_OUTPUT, cannot_write, silence

    silence(sys.stdout)
    try:
        click.echo(f"error: {cannot_write('standard output', exc)}", err=True)
    except OSError:
        pass
    return EXIT_OUTPUT


#: the objects a command may make before the collector first looks at them: the start-up's
#: modules, classes and functions (some 30 thousand objects, nearly all kept)
START_UP_OBJECTS = 100_000


def collect_after_start_up() -> None:
    """The collector's first young collection waits for :data:`START_UP_OBJECTS` new
    objects, and the usual thresholds are back from that collection on. With the usual
    700, loading a command's modules ran some forty collections that each looked again
    at objects all kept (~13 M instructions of an import, ~16 M of a report); what the
    command does after that is collected as before."""
    import gc

    usual = gc.get_threshold()

    def back_to_usual(phase: str, info: dict) -> None:
        gc.set_threshold(*usual)
        gc.callbacks.remove(back_to_usual)

    gc.callbacks.append(back_to_usual)
    gc.set_threshold(START_UP_OBJECTS, *usual[1:])


def main(argv: list[str] | None = None) -> None:
    """The ``roth-ledger`` entry point: the command, then a checked flush of standard
    output (a report that fills a full disk or a closed pipe ends with one line, exit 7).

    Run as the program (``argv`` None: the console script, ``python -m cli``), the process
    then leaves without the interpreter's last garbage collection: ``gc.freeze()`` moves
    every object to the permanent generation, so the collections of the shutdown skip
    them and the operating system takes the memory back as it does anyway. That
    collection, which finds the imported libraries' modules, classes and functions (all
    in reference cycles) and frees them one by one, was ~0.1 s of CPU, a fifth of a short
    command. Nothing is lost: the store is closed, files are written and closed and
    ``atexit`` handlers run, all before; standard output and error are flushed by the
    interpreter as before."""
    code: int | str | None = 0
    if argv is None:
        collect_after_start_up()
    try:
        cli.main(args=argv, prog_name="roth-ledger")
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:
        code = output_failed(exc)
    try:
        sys.stdout.flush()
    except OSError as exc:
        code = output_failed(exc)
    except ValueError:  # stdout closed by the command
        pass
    if argv is None:
        import gc

        gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
