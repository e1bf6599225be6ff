"""The README's commands are the CLI's: every ``roth-ledger`` command line the README shows
(its ``sh`` blocks and inline code) names a command that exists, with options that
command has (and, for an option with fixed choices, values among them), and the README
shows every command the CLI has. Read by click introspection, no subprocess.

README conventions the parser understands: ``[...]`` marks an optional part; ``a | b``
between words lists sibling commands (``report year | form8606 --household H``: the
options after the last one belong to each), or whole commands (``user add NAME | user
list``); an UPPERCASE word is a placeholder (``FILE``,
``H``; ``KIND`` where a subcommand stands: every subcommand of that group); ``--FIELD``
is a placeholder option; ``...`` stands for more of the same; ``#`` starts a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from cli.main import cli, register

README = Path(__file__).resolve().parent.parent / "README.md"
PROGRAM = re.compile(r"(?:^|\s)(?:\S*/)?roth-ledger(?=\s|$)")


def readme_command_lines(text: str) -> list[str]:
    """Every roth-ledger invocation in the README: from sh blocks (comments dropped; a
    line of several commands joined by && gives each) and from inline code spans."""
    found: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if line.startswith("#"):
                continue
            for part in line.split("&&"):
                match = PROGRAM.search(part)
                if match:
                    found.append(part[match.end() :].strip())
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    for span in re.findall(r"`([^`\n]+)`", prose):
        match = PROGRAM.match(span)
        if match:
            found.append(span[match.end() :].strip())
    return found


@dataclass
class Use:
    line: str
    path: tuple[str, ...]  # the command's names from the root, e.g. ("report", "batch")
    command: click.Command
    tokens: list[str]  # what follows the command's name


def _placeholder(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_]*(\.\.\.)?", word))


def _subcommand(group: click.Group, name: str) -> click.Command | None:
    return group.get_command(click.Context(group), name)


def _visible(group: click.Group) -> dict[str, click.Command]:
    ctx = click.Context(group)
    out = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            out[name] = command
    return out


def _options(command: click.Command) -> dict[str, click.Option]:
    return {
        opt: param
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts + param.secondary_opts
    }


def resolve(line: str) -> list[Use]:
    """The commands one README line uses, each with the words that follow it."""
    words = [w.strip("[]") for w in line.split() if w.strip("[]")]
    alternatives: list[list[str]] = [[]]
    for w in words:
        if w == "|":
            alternatives.append([])
        else:
            alternatives[-1].append(w)
    first = alternatives[0]
    command: click.Command = cli
    parent: click.Group = cli
    path: tuple[str, ...] = ()
    every_subcommand = False
    i = 0
    while i < len(first) and isinstance(command, click.Group):
        word = first[i]
        if word.startswith("-"):  # an option of the group itself (e.g. --db URL)
            option = _options(command).get(word)
            assert option is not None, f"README: `roth-ledger {line}`: no option {word}"
            i += 1 if option.is_flag else 2
            continue
        sub = _subcommand(command, word)
        if sub is None and _placeholder(word):
            every_subcommand = True  # KIND: each of the group's commands
            i += 1
            break
        assert sub is not None, f"README: `roth-ledger {line}`: no command {word!r}"
        parent, command, path, i = command, sub, path + (word,), i + 1
    rest = first[i:]
    siblings = all(_subcommand(parent, alt[0]) is not None for alt in alternatives[1:])
    if not siblings:  # `user add NAME | user list`: each alternative a whole command
        return [use for alt in alternatives for use in resolve(" ".join(alt))]
    shared = alternatives[-1][1:] if len(alternatives) > 1 else []
    uses: list[Use] = []
    if every_subcommand:
        assert isinstance(command, click.Group)
        for name, sub in _visible(command).items():
            uses.append(Use(line, path + (name,), sub, rest + shared))
    else:
        uses.append(Use(line, path, command, rest + shared))
    for n, alt in enumerate(alternatives[1:], 1):
        sub = _subcommand(parent, alt[0])
        assert sub is not None, f"README: `roth-ledger {line}`: no command {alt[0]!r}"
        own = alt[1:] if n < len(alternatives) - 1 else []
        uses.append(Use(line, path[:-1] + (alt[0],), sub, own + shared))
    return uses


def check_tokens(use: Use) -> list[str]:
    """Problems with the options and arguments one use gives its command."""
    problems: list[str] = []
    options = _options(use.command)
    arguments = [p for p in use.command.params if isinstance(p, click.Argument)]
    capacity = sum(float("inf") if a.nargs < 0 else a.nargs for a in arguments)
    positional = 0
    tokens = list(use.tokens)
    where = f"README: `roth-ledger {use.line}` ({' '.join(use.path)})"
    while tokens:
        word = tokens.pop(0)
        if word == "...":
            continue
        if word.startswith("-"):
            name, _, inline = word.partition("=")
            if name in ("--help", "-h"):
                continue
            if re.fullmatch(r"--[A-Z][A-Z0-9_-]*", name):  # --FIELD VALUE: a placeholder
                if tokens and not tokens[0].startswith("-"):
                    tokens.pop(0)
                continue
            option = options.get(name)
            if option is None:
                problems.append(f"{where}: no option {name}")
                continue
            if option.is_flag or option.count:
                continue
            value = inline or (tokens.pop(0) if tokens and not tokens[0].startswith("-") else "")
            if isinstance(option.type, click.Choice) and value and not _placeholder(value):
                for choice in value.split("|"):
                    if choice not in option.type.choices:
                        problems.append(f"{where}: {name} has no value {choice!r}")
        else:
            positional += 1
    if positional > capacity:
        problems.append(f"{where}: {positional} arguments, the command takes {capacity}")
    return problems


def readme_uses() -> list[Use]:
    register()
    uses = []
    for line in readme_command_lines(README.read_text(encoding="utf-8")):
        uses.extend(resolve(line))
    return uses


def all_commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out = set()
    for name, command in _visible(group).items():
        out.add(path + (name,))
        if isinstance(command, click.Group):
            out |= all_commands(command, path + (name,))
    return out


def test_readme_shows_commands():
    lines = readme_command_lines(README.read_text(encoding="utf-8"))
    assert any(line.startswith("report withdrawals") for line in lines)
    assert len(lines) >= 15


def test_every_readme_command_exists_with_its_options():
    problems = [p for use in readme_uses() for p in check_tokens(use)]
    assert not problems, "\n".join(problems)


def test_readme_lists_every_command():
    register()
    shown = {use.path for use in readme_uses()}
    shown |= {use.path[:i] for use in readme_uses() for i in range(1, len(use.path))}
    missing = sorted(" ".join(p) for p in all_commands() - shown)
    assert not missing, f"commands the README does not show: {missing}"


def test_every_report_takes_the_common_options():
    """README: every report takes --format table|json|csv, --as-known-on DATE and the
    policy settings (the table's choices)."""
    register()
    report = cli.get_command(click.Context(cli), "report")
    assert isinstance(report, click.Group)
    for name, command in _visible(report).items():
        opts = {o: p for p in command.params if isinstance(p, click.Option) for o in p.opts}
        for option, choices in (
            ("--format", {"table", "json", "csv"}),
            ("--ratio-precision", {"exact", "3"}),
            ("--irr-recapture", {"carry", "none"}),
        ):
            assert option in opts, f"report {name}: no {option}"
            kind = opts[option].type
            assert isinstance(kind, click.Choice) and choices <= set(kind.choices), (name, option)
        assert "--as-known-on" in opts, f"report {name}: no --as-known-on"


@pytest.mark.parametrize(
    "line, problem",
    [
        ("report withdrawals --household H --bogus", "no option --bogus"),
        ("export --household H --format xml", "no value 'xml'"),
        ("verify EXTRA", "1 arguments"),
    ],
)
def test_the_checker_catches(line, problem):
    register()
    found = [p for use in resolve(line) for p in check_tokens(use)]
    assert any(problem in p for p in found), found


def test_the_checker_catches_an_unknown_command():
    register()
    with pytest.raises(AssertionError, match="no command 'frobnicate'"):
        resolve("report frobnicate --household H")


def test_alternatives_may_be_whole_commands():
    register()
    uses = resolve("db upgrade --bogus | db current")
    assert [u.path for u in uses] == [("db", "upgrade"), ("db", "current")]
    assert "no option --bogus" in check_tokens(uses[0])[0]


def test_alternatives_share_trailing_options():
    register()
    uses = resolve("report year | form8606 --household H --tax-year Y")
    assert [u.path for u in uses] == [("report", "year"), ("report", "form8606")]
    assert all("--tax-year" in u.tokens for u in uses)
