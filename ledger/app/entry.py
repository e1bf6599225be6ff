"""The fields a person fills in to record one event of a kind, with their help text: the
``record KIND`` command's options and the web desk's form, from the one field table of
:mod:`ledger.events` (so both offer the same fields, said the same way; the checks are
``record_event``'s, shared too)."""

from __future__ import annotations

from .. import events as ev
from ..dataclass import dataclass

#: what the command line and the web call the two internal kinds
RECORD_NAMES = {"household": "household_named", "person": "person_added"}


@dataclass(frozen=True, slots=True)
class EntryField:
    """One field of a form-entry record: its name, type, whether it is required, its help."""

    name: str
    type: str  # money | date | year | bool | text
    required: bool
    help: str


def describe(spec: ev.FieldSpec) -> str:
    """A field's help with its type, and whether it is required or its default."""
    extra = [spec.type]
    if spec.required:
        extra.append("required")
    elif spec.default is not None:
        default = spec.default
        extra.append(f"default {str(default).lower() if isinstance(default, bool) else default}")
    return f"{spec.help} [{', '.join(extra)}]"


def recordable_kinds() -> list[str]:
    """Every kind ``record`` takes, by the name it takes it (household, person, ...)."""
    return [*RECORD_NAMES, *(k for k in ev.FILE_KINDS if k != "void")]


def entry_fields(kind: str) -> list[EntryField]:
    """The fields of ``record KIND`` (besides the household), in the order offered."""
    kind = RECORD_NAMES.get(kind, kind)
    if kind == "person_added":
        return [
            EntryField("id", "text", True, "the person's id, e.g. dana [required]"),
            EntryField("name", "text", False, "full name [text]"),
            EntryField("born", "date", True, "birth date, YYYY-MM-DD (sets age 59½) [required]"),
        ]
    if kind == "household_named":
        return [EntryField("name", "text", True, "the household's display name [required]")]
    return [
        EntryField("id", "text", False, "event id (optional; generated when absent)"),
        *(EntryField(s.name, s.type, s.required, describe(s)) for s in ev.FIELDS[kind]),
        EntryField("memo", "text", False, "free-text note"),
        EntryField(
            "source", "text", False, 'the document it came from, e.g. "1099-R Fidelity 2022"'
        ),
    ]
