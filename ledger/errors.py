"""Errors the user can fix. The CLI turns these into one line on stderr (never a traceback)."""

from __future__ import annotations

from dataclasses import dataclass


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
    """A ledger file (or a record command) with one or more problems; nothing is stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(
            f"{n} problem{'s' if n != 1 else ''} found; nothing was stored\n"
            + "\n".join(str(p) for p in self.problems)
        )
