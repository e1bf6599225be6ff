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
print(json.dumps(sorted(getattr(command, "commands", {}))))
"""


def full_registration() -> dict[str, list[str]]:
    register()
    return {name: sorted(getattr(cmd, "commands", {})) for name, cmd in cli.commands.items()}


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
