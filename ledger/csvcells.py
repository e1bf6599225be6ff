"""CSV cells fit for a spreadsheet: every CSV the tool writes goes through :func:`writer`.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and
some treat a leading tab or carriage return the same way): a memo such as
``=HYPERLINK("http://...")`` would run when a preparer opens the export (OWASP, "CSV
Injection"). Such a cell is written with a ``'`` in front -- unless it is a plain number
(``-5.00`` stays a number). A NUL is never written (replaced by U+FFFD).

The import reads the quote back off (:func:`unescape`), so ``export --format csv``
round-trips: a cell whose text, leading quotes aside, begins with one of those
characters gets exactly one more quote on the way out and loses exactly one on the way in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")


def _needs_quote(text: str) -> bool:
    return text.lstrip("'").startswith(TRIGGERS) and not _NUMBER.match(text)


def escape(value: Any) -> Any:
    """One cell as written: a formula-like text behind a ``'``, NULs replaced."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    if value and _needs_quote(value):
        return "'" + value
    return value


def unescape(text: str) -> str:
    """A cell as read by the import: the quote :func:`escape` added taken off."""
    if text.startswith("'") and _needs_quote(text[1:]):
        return text[1:]
    return text


class _Writer:
    def __init__(self, stream: TextIO):
        import csv  # only a CSV output needs it (start-up of every report)

        self._writer = csv.writer(stream, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([escape(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: TextIO) -> _Writer:
    """A ``csv.writer`` (lines end in ``\\n``) whose every cell goes through :func:`escape`."""
    return _Writer(stream)
