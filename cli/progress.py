"""A progress bar for long work (``import``, ``report batch``) on standard error.

Drawn only when standard error is a terminal and ``--quiet`` was not given: piped or
redirected output (standard output and standard error alike) never holds it. The use
case reports ``(done, total)`` through a plain callback (:func:`progress_for`); this
module draws it, at most every :data:`EVERY` seconds, and erases it at the end so that
what follows (the result lines, warnings) starts on a clean line.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click

#: seconds between two redraws (a bar that redraws per event would cost more than it shows)
EVERY = 0.1

Progress = Callable[[int, int], None]


def quiet_option(f):
    """``--quiet``/``-q``: no progress bar (accepted, and without effect, when standard
    error is not a terminal: there is never a bar then)."""
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        default=False,
        help="No progress bar (it is drawn on standard error, and only on a terminal).",
    )(f)


def terminal_columns() -> int:
    """The terminal's columns: COLUMNS if it is a positive number, else the size of the
    terminal on the interpreter's standard output, else 80 -- exactly
    ``shutil.get_terminal_size((80, 24)).columns`` (the reference: tests/
    test_terminal_columns.py checks they agree), without importing shutil, which loads
    zlib, bz2 and lzma (~7 M instructions of every report's start-up)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


class Bar:
    """``label [#####.....] done/total unit`` redrawn in place with a carriage return."""

    def __init__(self, label: str, unit: str, stream: TextIO):
        self.label, self.unit, self.stream = label, unit, stream
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < EVERY:
            return
        self.last = now
        columns = terminal_columns()
        count = f" {done:,}/{total:,} {self.unit}"
        width = max(10, min(40, columns - len(self.label) - len(count) - 4))
        filled = width if total <= 0 else min(width, width * done // total)
        line = f"{self.label} [{'#' * filled}{'.' * (width - filled)}]{count}"
        self._write("\r" + line[: max(1, columns - 1)] + "\x1b[K")
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a terminal gone away: the work goes on, unseen
            pass


@contextmanager
def progress_for(label: str, unit: str, quiet: bool) -> Iterator[Progress | None]:
    """The callback to hand to the use case (None: no bar: ``--quiet``, or standard
    error is not a terminal); the bar is erased when the block ends, however it ends."""
    stream = sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if quiet or not tty:
        yield None
        return
    bar = Bar(label, unit, stream)
    try:
        yield bar
    finally:
        bar.clear()
