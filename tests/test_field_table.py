"""The field table (ledger.events.FIELDS) read from the fields' annotation texts
(``_spec_for``: each text looked up in ``_ANNOTATED``) is the one the reference makes by
evaluating every annotation with typing.get_type_hints (``shortcut=False``): on every
kind, and on a class written with an annotation the table does not know."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import ClassVar

import pytest

from ledger import events as ev


@pytest.mark.parametrize("kind", sorted(ev.KINDS))
def test_the_field_table_is_the_reference_on_every_kind(kind):
    cls = ev.KINDS[kind]
    fast, reference = ev._spec_for(cls), ev._spec_for(cls, shortcut=False)
    assert fast == reference == ev.FIELDS[kind]
    assert [type(s.default) for s in fast] == [type(s.default) for s in reference]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _Odd(ev.Event):
    kind: ClassVar[str] = "odd"
    amount: Decimal|None = ev._f("an amount", None)  # fmt: skip
    year: int = ev._f("a year")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _Unknown(ev.Event):
    kind: ClassVar[str] = "unknown"
    amounts: list[Decimal] = ev._f("amounts")
    rate: float = ev._f("a rate")


def test_an_annotation_the_table_does_not_know_is_evaluated():
    assert ev._spec_for(_Odd) == ev._spec_for(_Odd, shortcut=False)
    assert [s.type for s in ev._spec_for(_Odd)] == ["money", "year"]
    for shortcut in (True, False):  # a type the field table has no name for: refused alike
        with pytest.raises(KeyError, match="float"):
            ev._spec_for(_Unknown, shortcut=shortcut)
