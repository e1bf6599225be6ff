"""The command line loads only the module of the command it runs (start-up time): the
table ``cli.commands.COMMAND_MODULES`` must name, for every top-level command, every
module that defines it or adds to it. Checked against a full registration, each command
in a fresh interpreter (imports are cached within one)."""

from __future__ import annotations

import json
import subprocess
import sys

import click

from cli.commands import COMMAND_MODULES
from cli.main import cli, register

PROBE = """
import json, sys, click
from cli.main import cli
name = sys.argv[1]
command = cli.get_command(click.Context(cli), name)
group = isinstance(command, click.Group)
print(json.dumps(command.list_commands(click.Context(command)) if group else []))
"""


def full_registration() -> dict[str, list[str]]:
    """Each command's subcommands, as a group lists them (``record`` makes its event
    kinds' commands as it lists them)."""
    register()
    return {
        name: cmd.list_commands(click.Context(cmd)) if isinstance(cmd, click.Group) else []
        for name, cmd in cli.commands.items()
    }


def test_every_command_is_in_the_table():
    assert sorted(COMMAND_MODULES) == sorted(full_registration())


def test_each_command_alone_is_complete():
    full = full_registration()
    for name in COMMAND_MODULES:
        done = subprocess.run([sys.executable, "-c", PROBE, name], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == full[name], name


def test_help_lists_every_command():
    register()
    assert set(cli.list_commands(click.Context(cli))) == set(COMMAND_MODULES)


def test_a_refused_command_leaves_no_ledger_it_created(run, tmp_path):
    """Bad input stores nothing: record, void, user disable (as import) refused on a
    ledger that did not exist leave no empty ledger file; a file there before stays."""
    db = tmp_path / "ledger.db"
    refused = [
        ("record", "household", "--household", "h", "--name", ""),
        ("void", "nope", "--reason", "typo"),
        ("user", "disable", "bob"),
    ]
    for args in refused:
        assert run(*args).exit_code in (2, 3), args
        assert not db.exists() and list(tmp_path.iterdir()) == [], args
    db.write_bytes(b"")
    assert run("void", "nope", "--reason", "typo").exit_code == 3 and db.exists()
    db.unlink()
    assert run("record", "household", "--household", "h", "--name", "H").exit_code == 0
    assert run("households").output.split() == ["h"]


def test_a_misspelt_kind_is_told_the_kinds_it_is_near():
    """record's kinds are made when named (RecordGroup): an unknown one still gets click's
    "Did you mean" over every kind, as when they were all made at start-up -- in a fresh
    process, where no kind has been made yet."""
    cases = {
        "roth-contributon": "(Did you mean one of: 'plan_roth_contribution', "
        "'roth_contribution', 'roth_contribution_limit'?)",
        "Household": "Did you mean 'household'?",
    }
    for name, hint in cases.items():
        done = subprocess.run(
            [sys.executable, "-c", "from cli.main import main; main()", "record", name],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2, done.stderr
        assert f"Error: No such command '{name}'. {hint}" in done.stderr, done.stderr
