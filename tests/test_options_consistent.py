"""Consistent options and output a person can use (issue 12 items 8 and 9): --db before
or after the subcommand, -p/-y wherever a person or a tax year is taken, help examples
that run as written, kinds listed whole in `record --help`, ids never cut in tables."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from cli.main import cli, hoist_global_options, register
from ledger import events as ev

EXAMPLE = Path(__file__).resolve().parent.parent / "ledger" / "examples" / "astra-2022.yaml"


def test_db_after_the_subcommand(run, tmp_path):
    db = tmp_path / "x.db"
    assert run("import", EXAMPLE, "--db", db).exit_code == 0
    assert run("households", "--db", db).output.strip() == "astra"
    assert run("households", f"--db={db}").output.strip() == "astra"
    out = run("report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--db", db)
    assert out.exit_code == 0 and "48,000.00" in out.output


def test_hoisting_leaves_values_after_a_double_dash():
    assert hoist_global_options(["a", "--db", "x", "b", "--", "--db"]) == [
        "--db",
        "x",
        "a",
        "b",
        "--",
        "--db",
    ]


def _commands(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # (record makes its kinds' commands as listed)
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_person_and_tax_year_have_their_short_options_everywhere():
    register()
    missing = []
    for path, command in _commands(cli):
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            wanted = {"--person": "-p", "--tax-year": "-y"}
            for long, short in wanted.items():
                if long in param.opts and short not in param.opts + param.secondary_opts:
                    missing.append(f"{' '.join(path)} {long}")
    assert not missing, missing


def test_record_help_lists_every_kind_whole(run):
    text = " ".join(run("record", "--help").output.split())
    for kind in ev.FILE_KINDS:
        if kind != "void":
            assert " ".join(ev.KINDS[kind].doc.split()) in text, kind
    commands = text[text.index("Commands:") :]
    assert "..." not in commands  # the form commands' lines too (click cut them short)


@pytest.mark.parametrize(
    "kind", ["person", "household", *[k for k in ev.FILE_KINDS if k != "void"]]
)
def test_record_help_example_parses_as_written(run, tmp_path, kind):
    db = tmp_path / "r.db"
    run("--db", db, "record", "household", "-H", "rivera", "--name", "Rivera")
    run("--db", db, "record", "person", "-H", "rivera", "--id", "dana", "--born", "1980-07-02")
    text = run("record", kind, "--help").output
    line = re.search(r"^\s+(roth-ledger record .*)$", text, re.M).group(1)
    result = run("--db", db, *shlex.split(line)[1:])
    for usage in ("No such option", "Missing option", "Invalid value", "Usage:"):
        assert usage not in result.output, (line, result.output)


def test_event_ids_are_never_cut(run, tmp_path):
    db = tmp_path / "ids.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    long_id = "a-rather-long-event-id-from-a-custodian-file-2023"
    out = run(
        "--db",
        db,
        "record",
        "roth_distribution",
        "-H",
        "astra",
        "-p",
        "p",
        "--id",
        long_id,
        "--date",
        "2023-02-01",
        "--amount",
        "100",
    )
    assert out.exit_code == 0, out.output
    table = run("--db", db, "events", "-H", "astra").output
    assert long_id in table


@pytest.mark.parametrize("group", [[], ["report"], ["plan"], ["db"], ["user"], ["record"]])
def test_command_lists_are_never_cut(run, group):
    """Each command's first sentence whole in its group's --help (click cut them at 45
    characters with '...')."""
    text = run(*group, "--help").output
    body = text[text.index("Commands:") :]
    assert "..." not in body, body


def _entry_point(*args: str, **env: str):
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", "from cli.main import main; main()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_version():
    from importlib.metadata import version

    done = _entry_point("--version")
    assert done.returncode == 0 and done.stdout.strip().endswith(version("roth-ledger"))


def test_shell_completion_as_the_readme_says():
    """README: eval "$(_ROTH_LEDGER_COMPLETE=bash_source roth-ledger)" (zsh_source,
    fish_source): the script, and the completions it asks for."""
    readme = (EXAMPLE.parent.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "_ROTH_LEDGER_COMPLETE=bash_source roth-ledger" in readme
    for shell in ("bash", "zsh", "fish"):
        script = _entry_point(_ROTH_LEDGER_COMPLETE=f"{shell}_source")
        assert script.returncode == 0 and "_ROTH_LEDGER_COMPLETE" in script.stdout, shell
    asked = _entry_point(
        COMP_WORDS="roth-ledger report batch --",
        COMP_CWORD="3",
        _ROTH_LEDGER_COMPLETE="bash_complete",
    )
    assert "plain,--tax-year" in asked.stdout.splitlines() and "plain,--quiet" in asked.stdout


def test_events_help_names_exactly_the_columns_printed(run, tmp_path):
    db = tmp_path / "cols.db"
    assert run("--db", db, "import", EXAMPLE).exit_code == 0
    header = run("--db", db, "events", "-H", "astra").output.splitlines()[0].split()
    assert header == ["VER", "ID", "KIND", "DATE", "PERSON", "AMOUNT", "RECORDED", "BY"]
    text = " ".join(run("events", "--help").output.split())
    promised = re.search(r"The table shows (.*?) it was recorded\.", text).group(1)
    words = {
        "VER": "version",
        "ID": "id",
        "KIND": "kind",
        "DATE": "date",
        "PERSON": "person",
        "AMOUNT": "amount",
        "RECORDED": "when",
        "BY": "whom",
    }
    assert all(words[h] in promised for h in header), promised
    assert not {"tax year", "source", "memo", "hash"} & set(promised.split(", ")), promised
