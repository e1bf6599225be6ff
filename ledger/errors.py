"""Errors the user can fix. The CLI turns these into one line on stderr (never a traceback)."""

from __future__ import annotations

from decimal import Decimal

from .dataclass import dataclass


class LedgerError(Exception):
    """Base for every error caused by input or ledger contents (exit code 2)."""

    exit_code = 2


class NotSupported(LedgerError):
    """A case the rules engine does not handle yet; reported by name, never guessed."""

    def __init__(self, what: str):
        super().__init__(f"not supported: {what}")


class MissingFact(LedgerError):
    """A figure cannot be computed because a fact (event) is missing from the ledger."""

    def __init__(self, what: str):
        super().__init__(f"missing: {what}")


class NotFound(LedgerError):
    exit_code = 3


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input file: FILE:LINE: field: message."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class InvalidInput(LedgerError):
    """A ledger file (or a record command) with one or more problems; nothing is stored.

    One problem is one line (``FILE:LINE: field: reason (nothing was stored)``); several
    are a header line and one line each."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        if n == 1:
            super().__init__(f"{self.problems[0]} (nothing was stored)")
            return
        super().__init__(
            f"{n} problems found; nothing was stored\n" + "\n".join(str(p) for p in self.problems)
        )


def shown(raw: object, limit: int = 40) -> str:
    """``raw`` for a message, never longer than about ``limit`` characters (an error
    message never prints, or builds, a whole hostile value)."""
    if isinstance(raw, (dict, list, tuple)):
        return "a mapping" if isinstance(raw, dict) else "a list"
    text = raw if isinstance(raw, str) else None
    if text is None:
        try:
            text = str(raw) if isinstance(raw, (int, Decimal)) and printable_number(raw) else None
        except (ValueError, ArithmeticError):
            text = None
        if text is None:
            return f"a value of type {type(raw).__name__}"
        return text
    if len(text) > limit:
        return repr(text[:limit]) + f"... ({len(text):,} characters)"
    return repr(text)


def printable_number(value: int | Decimal) -> bool:
    """A number short enough to print whole."""
    if isinstance(value, int):
        return value.bit_length() < 200
    return value.is_finite() and value.adjusted() < 60 and len(value.as_tuple().digits) < 60
