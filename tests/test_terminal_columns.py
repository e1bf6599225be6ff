"""The terminal's width as the progress bar and a table report's explanation use it:
``cli.progress.terminal_columns`` answers what ``shutil.get_terminal_size((80, 24))
.columns`` (the reference) answers, whatever COLUMNS and LINES hold and whatever the
interpreter's standard output is (a terminal of any size, a pipe, closed, missing), and
the command line loads no shutil for it."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import sys
import termios

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.progress import terminal_columns


def reference() -> int:
    return shutil.get_terminal_size((80, 24)).columns


class NoFileno:
    pass


class FilenoRaises:
    def __init__(self, error: type[Exception]):
        self.error = error

    def fileno(self) -> int:
        raise self.error("no descriptor")


class Fd:
    def __init__(self, fd: int):
        self.fd = fd

    def fileno(self) -> int:
        return self.fd


def terminal(columns: int, rows: int) -> tuple[int, int]:
    """A pseudo-terminal of that size: (the terminal's descriptor, the other end's)."""
    main, other = pty.openpty()
    fcntl.ioctl(other, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    return other, main


#: what COLUMNS or LINES may hold: nothing, a number of any sign, or any text
SETTING = st.one_of(
    st.none(),
    st.integers(-5, 400).map(str),
    st.sampled_from(["", " 120 ", "0", "+90", "1_000", "12.5", "٣٠", "x", "9" * 5000]),
    st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=6),
)

#: the interpreter's standard output: missing, without a descriptor, one that fails, a
#: pipe (not a terminal), a closed descriptor, a terminal of some size (0: unknown)
STDOUT = st.one_of(
    st.sampled_from(["none", "no-fileno", "value-error", "os-error", "pipe", "closed"]),
    st.tuples(st.integers(0, 300), st.integers(0, 100)),
)


def set_env(monkeypatch: pytest.MonkeyPatch, name: str, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv(name, raising=False)
    else:
        monkeypatch.setenv(name, value)


@settings(max_examples=300, deadline=None)
@given(columns=SETTING, lines=SETTING, stdout=STDOUT)
def test_terminal_columns_are_the_reference_columns(columns, lines, stdout):
    opened: list[int] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        set_env(monkeypatch, "COLUMNS", columns)
        set_env(monkeypatch, "LINES", lines)
        if stdout == "none":
            out: object = None
        elif stdout == "no-fileno":
            out = NoFileno()
        elif stdout == "value-error":
            out = FilenoRaises(ValueError)
        elif stdout == "os-error":
            out = FilenoRaises(OSError)
        elif stdout in ("pipe", "closed"):
            read, write = os.pipe()
            opened += [read, write]
            out = Fd(write)
            if stdout == "closed":
                os.close(write)
                opened.remove(write)
        else:
            fd, other = terminal(*stdout)
            opened += [fd, other]
            out = Fd(fd)
        monkeypatch.setattr(sys, "__stdout__", out)
        try:
            assert terminal_columns() == reference()
        finally:
            for fd in opened:
                os.close(fd)


def test_a_terminal_s_own_width_is_used_when_columns_says_none(monkeypatch):
    fd, other = terminal(132, 40)
    try:
        monkeypatch.delenv("COLUMNS", raising=False)
        monkeypatch.setattr(sys, "__stdout__", Fd(fd))
        assert terminal_columns() == 132
        monkeypatch.setenv("COLUMNS", "0")
        assert terminal_columns() == 132
        monkeypatch.setenv("COLUMNS", "100")
        assert terminal_columns() == 100
        monkeypatch.setattr(sys, "__stdout__", None)
        monkeypatch.delenv("COLUMNS")
        assert terminal_columns() == 80
    finally:
        os.close(fd)
        os.close(other)
