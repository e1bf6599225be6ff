"""Issue 12 item 9: every example in every ``--help`` runs as written -- each names a
command that exists, only options it has, every required one, and values its options
accept. Each example is parsed by the real command line (click's own parser and our
option types), without running it."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from cli.main import cli, register

register()


def commands(group: click.Group, path: tuple[str, ...] = ()):
    ctx = click.Context(group, info_name="roth-ledger")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def examples(command: click.Command) -> list[str]:
    """The ``roth-ledger ...`` lines of the help's Example(s) section, a line ending in
    a backslash joined with the next."""
    text = (command.help or "").replace("\\\\\n", "\\\n")
    found, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if current:
            current += " " + line
        elif line.startswith("roth-ledger "):
            current = line
        else:
            continue
        if current.endswith("\\"):
            current = current[:-1].rstrip()
            continue
        found.append(current)
        current = ""
    return found


CASES = [
    (" ".join(path), example) for path, command in commands(cli) for example in examples(command)
]


def test_there_are_examples():
    assert len(CASES) > 30


@pytest.mark.parametrize(("command", "example"), CASES, ids=[f"{c}: {e}" for c, e in CASES])
def test_help_example_parses_as_written(command, example):
    args = shlex.split(re.split(r"\s[>|]\s", example + " ")[0], comments=True)[1:]  # no redirects
    assert args, example
    ctx = cli.make_context("roth-ledger", list(args), resilient_parsing=False)
    rest = ctx.protected_args + ctx.args
    group: click.Command = cli
    while isinstance(group, click.Group) and rest:
        name, sub, rest = group.resolve_command(ctx, rest)
        assert sub is not None, example
        ctx = sub.make_context(name, rest, parent=ctx)
        rest = getattr(ctx, "protected_args", []) + ctx.args
        group = sub
    assert not isinstance(group, click.Group) or not rest, example
