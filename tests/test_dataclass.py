"""``ledger.dataclass.dataclass`` makes the class ``dataclasses.dataclass`` makes: the
same fields, parameters, attributes and signature, and ``__repr__``, ``__eq__``,
``__hash__`` (and a frozen class's refusals) that give the same results or raise the
same errors on the same field values -- on classes of every shape the decorator takes,
and on every class of every module that uses it, each module's source run a second time
with :data:`ledger.dataclass.REFERENCE` set (``dataclasses.dataclass`` alone)."""

from __future__ import annotations

import ast
import copy
import dataclasses
import datetime
import importlib
import inspect
import pickle
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ledger.dataclass as cheap

ROOT = Path(__file__).resolve().parent.parent

#: classes of every shape: each source is run twice, with and without REFERENCE
SHAPES = '''
from dataclasses import InitVar, field
from typing import ClassVar

@dataclass(frozen=True, slots=True, kw_only=True)
class Base:
    """doc"""
    kind: ClassVar[str] = ""
    id: str = field(metadata={"help": "x"})
    memo: str | None = None

@dataclass(frozen=True, slots=True, kw_only=True)
class Kind(Base):
    """doc"""
    person: str
    amount: object = field(default=None, metadata={"help": "y"})

@dataclass(frozen=True, slots=True)
class Plain:
    a: object
    b: object = 0

@dataclass(frozen=True)
class Dicted:
    a: object
    b: object = field(default_factory=list)

@dataclass(slots=True)
class Mutable:
    a: object
    b: object = None

@dataclass
class Bare:
    a: object

@dataclass()
class Empty:
    pass

@dataclass(frozen=True)
class FrozenEmpty:
    pass

@dataclass(frozen=True, slots=True)
class One:
    a: object

@dataclass(frozen=True, slots=True)
class Flags:
    a: object
    shown_only: object = field(default=1, compare=False)
    hidden: object = field(default=2, repr=False)
    unhashed: object = field(default=3, hash=False)
    hashed_only: object = field(default=4, compare=False, hash=True)

@dataclass(repr=False, frozen=True, slots=True)
class NoRepr:
    a: object

@dataclass(frozen=True, slots=True)
class OwnRepr:
    a: object
    def __repr__(self):
        return "own"

@dataclass(frozen=True)
class OwnEq:
    a: object
    def __eq__(self, other):
        return True

@dataclass(frozen=True, eq=False)
class NoEq:
    a: object

@dataclass(order=True, frozen=True)
class Ordered:
    a: object

@dataclass(unsafe_hash=True)
class Unsafe:
    a: object

@dataclass(frozen=True)
class ExplicitHash:
    a: object
    def __hash__(self):
        return 7

@dataclass(init=False, frozen=True, slots=True)
class OwnInit:
    a: object
    def __init__(self, a):
        object.__setattr__(self, "a", a)

@dataclass
class WithInitVar:
    a: object
    b: InitVar[int] = 0
    def __post_init__(self, b):
        pass

@dataclass(slots=True, weakref_slot=True, frozen=True)
class Weak:
    a: object

@dataclass(frozen=True, match_args=False)
class NoMatch:
    a: object

class Undecorated(Plain):
    pass

@dataclasses.dataclass(frozen=True, eq=False)
class StdSub(Plain):
    c: object = 5

@dataclass(frozen=True)
class CheapSub(Plain):
    c: object = 5
'''


def _run(source: str, name: str, reference: bool) -> dict[str, typing.Any]:
    namespace: dict[str, typing.Any] = {
        "__name__": name,
        "dataclass": cheap.dataclass,
        "dataclasses": dataclasses,
    }
    module = types.ModuleType(name)
    module.__dict__.update(namespace)
    sys.modules[name] = module  # the classes' module, as dataclasses looks it up
    cheap.REFERENCE, before = reference, cheap.REFERENCE
    try:
        exec(compile(source, f"<{name}>", "exec"), module.__dict__)  # noqa: S102
    finally:
        cheap.REFERENCE = before
        del sys.modules[name]
    return module.__dict__


def _classes(namespace: dict[str, typing.Any], module: str) -> dict[str, type]:
    return {
        name: value
        for name, value in namespace.items()
        if isinstance(value, type) and value.__module__ == module
    }


def _outcome(fn: typing.Callable[[], object]) -> tuple:
    try:
        value = fn()
    except Exception as exc:  # the same exception, with the same words
        return ("raises", type(exc).__name__, str(exc))
    return ("gives", value)


def _field_rows(cls: type) -> list[tuple]:
    rows = []
    for f in dataclasses.fields(cls):
        factory = f.default_factory
        made = None if factory is dataclasses.MISSING else factory()
        rows.append(
            (f.name, str(f.type), f.default, made, f.init, f.repr, f.hash, f.compare)
            + (dict(f.metadata), f.kw_only, f._field_type)  # type: ignore[attr-defined]
        )
    return rows


def assert_same_class(fast: type, ref: type) -> None:
    """The class, as a class: attributes, parameters, fields, signature, hashability."""
    assert fast.__name__ == ref.__name__ and fast.__qualname__ == ref.__qualname__
    cached = {"__slotnames__"}  # copyreg's, once an object of the class was copied
    assert sorted(set(vars(fast)) - cached) == sorted(set(vars(ref)) - cached)
    assert [b.__name__ for b in fast.__mro__] == [b.__name__ for b in ref.__mro__]
    assert dataclasses.is_dataclass(fast) == dataclasses.is_dataclass(ref)
    if not dataclasses.is_dataclass(ref):
        return
    assert repr(vars(fast).get("__dataclass_params__")) == repr(
        vars(ref).get("__dataclass_params__")
    )
    assert _field_rows(fast) == _field_rows(ref)
    assert str(inspect.signature(fast)) == str(inspect.signature(ref))
    assert (fast.__hash__ is None) == (ref.__hash__ is None)
    assert getattr(fast, "__slots__", None) == getattr(ref, "__slots__", None)
    assert getattr(fast, "__match_args__", None) == getattr(ref, "__match_args__", None)
    assert fast.__doc__ == ref.__doc__
    for name in ("__repr__", "__eq__", "__hash__"):
        mine, theirs = vars(fast).get(name), vars(ref).get(name)
        if theirs is not None and mine is not None:
            assert mine.__qualname__ == theirs.__qualname__
            assert mine.__name__ == theirs.__name__


def _instance(cls: type, values: dict[str, object]) -> object:
    """An object of ``cls`` holding ``values`` (not through ``__init__``: any values, and
    a field left unset where ``values`` has none for it)."""
    obj: object = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    return obj


def _names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []


def assert_same_behaviour(fast: type, ref: type, one: dict, two: dict) -> None:
    """Objects of each class holding the same values: the same repr, comparisons,
    hashes and refusals (or the same errors)."""
    a, b = _instance(fast, one), _instance(fast, two)
    ra, rb = _instance(ref, one), _instance(ref, two)
    shown = ref.__repr__ is not object.__repr__  # else each object's address, as before
    hashed = ref.__hash__ is not object.__hash__
    assert (fast.__repr__ is not object.__repr__, fast.__hash__ is not object.__hash__) == (
        shown,
        hashed,
    )
    if shown:
        assert _outcome(lambda: repr(a)) == _outcome(lambda: repr(ra))
    assert _outcome(lambda: a == b) == _outcome(lambda: ra == rb)
    assert _outcome(lambda: a != b) == _outcome(lambda: ra != rb)
    assert _outcome(lambda: a == a) == _outcome(lambda: ra == ra)
    assert _outcome(lambda: a.__eq__(object())) == _outcome(lambda: ra.__eq__(object()))
    if hashed:
        assert _outcome(lambda: hash(a)) == _outcome(lambda: hash(ra))
        assert _outcome(lambda: hash(a) == hash(b)) == _outcome(lambda: hash(ra) == hash(rb))
    for name in [*_names(ref)[:2], "not_a_field"]:
        for change in (lambda o, n=name: setattr(o, n, 1), lambda o, n=name: delattr(o, n)):
            # (a slotted frozen class refuses another name too: its refusal's super() is
            # given the class before slots remade it)
            assert _outcome(lambda: change(copy.copy(a))) == _outcome(  # noqa: B023
                lambda: change(copy.copy(ra))  # noqa: B023
            )
    names = _names(ref)
    if names and shown:  # an object shown inside itself: "..."
        inner_a, inner_r = _instance(fast, one), _instance(ref, one)
        object.__setattr__(inner_a, names[-1], inner_a)
        object.__setattr__(inner_r, names[-1], inner_r)
        assert _outcome(lambda: repr(inner_a)) == _outcome(lambda: repr(inner_r))


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=3),
    st.decimals(allow_nan=True, places=2),
    st.floats(allow_nan=True),
    st.dates(datetime.date(1999, 1, 1), datetime.date(2001, 1, 1)),
    st.lists(st.integers(0, 2), max_size=2),  # unhashable
    st.tuples(st.integers(0, 2)),
)


def _value_pair(data: st.DataObject, names: list[str]) -> tuple[dict, dict]:
    one = {n: data.draw(VALUES) for n in names if data.draw(st.integers(0, 9))}  # some unset
    two = {n: (v if data.draw(st.booleans()) else data.draw(VALUES)) for n, v in one.items()}
    return one, two


FAST = _run(SHAPES, "shapes_fast", reference=False)
REF = _run(SHAPES, "shapes_ref", reference=True)
SHAPE_NAMES = sorted(_classes(REF, "shapes_ref"))


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_every_shape_is_the_class_dataclasses_makes(name):
    assert_same_class(FAST[name], REF[name])


@pytest.mark.parametrize("name", SHAPE_NAMES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_shape_behaves_as_the_class_dataclasses_makes(name, data):
    fast, ref = FAST[name], REF[name]
    one, two = _value_pair(data, _names(ref))
    assert_same_behaviour(fast, ref, one, two)


def test_the_shapes_the_decorator_covers_compile_no_repr_eq_or_hash():
    """Those methods are not generated source (``<string>``) where the decorator covers
    the class; where it does not, ``dataclasses`` made them all."""

    def generated(cls, name):
        fn = vars(cls).get(name)
        fn = getattr(fn, "__wrapped__", fn)
        return fn is not None and fn.__code__.co_filename == "<string>"

    for name in ("Kind", "Plain", "Dicted", "Mutable", "Bare", "Flags", "OwnRepr", "Weak"):
        assert not any(generated(FAST[name], m) for m in ("__repr__", "__eq__", "__hash__"))
        assert generated(REF[name], "__eq__")
    for name in ("NoEq", "Ordered", "Unsafe", "ExplicitHash", "OwnEq", "StdSub"):
        assert [generated(FAST[name], m) for m in ("__repr__", "__eq__", "__hash__")] == [
            generated(REF[name], m) for m in ("__repr__", "__eq__", "__hash__")
        ]


def test_the_frozen_refusals_are_made_without_compiling_and_dataclasses_is_left_as_it_was():
    stdlib = dataclasses._frozen_get_del_attr  # type: ignore[attr-defined]
    assert cheap._STDLIB_FROZEN is stdlib  # this Python's is the one stood in for
    for name in ("Kind", "Plain", "Dicted", "FrozenEmpty", "NoEq", "Ordered", "Weak"):
        for method in ("__setattr__", "__delattr__"):
            fn = vars(FAST[name])[method]
            assert fn.__code__.co_filename != "<string>"
            assert vars(REF[name])[method].__code__.co_filename == "<string>"
            assert fn.__qualname__ == vars(REF[name])[method].__qualname__
            assert fn.__module__ == "shapes_fast"
    source = "@dataclass(frozen=True)\nclass Bad:\n    a: int = 0\n    b: int\n"
    refused = [_outcome(lambda r=r: _run(source, "bad", reference=r)) for r in (False, True)]
    assert refused[0] == refused[1] and refused[0][0] == "raises"
    assert dataclasses._frozen_get_del_attr is stdlib  # type: ignore[attr-defined]


def test_made_objects_compare_hash_show_and_pickle_as_before():
    kind = FAST["Kind"]
    a = kind(id="e1", person="p", amount=Decimal("1.00"))
    b = kind(id="e1", person="p", amount=Decimal("1.0"))
    assert a == b and hash(a) == hash(b) and a != kind(id="e2", person="p")
    assert repr(a) == "Kind(id='e1', memo=None, person='p', amount=Decimal('1.00'))"
    assert a != FAST["Base"](id="e1") and FAST["Base"](id="e1") == FAST["Base"](id="e1")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'id'"):
        a.id = "x"  # type: ignore[misc]
    assert dataclasses.replace(a, person="q").person == "q"
    assert repr(FAST["Mutable"](1)) == "Mutable(a=1, b=None)"
    assert FAST["Mutable"].__hash__ is None
    assert FAST["Undecorated"](1) == FAST["Undecorated"](1) != FAST["Plain"](1)


def _users() -> list[str]:
    """Every module of ``ledger/`` and ``cli/`` that imports the decorator."""
    found = []
    for package in ("ledger", "cli"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(
                isinstance(node, ast.ImportFrom)
                and (node.module or "").split(".")[-1] == "dataclass"
                and any(alias.name == "dataclass" for alias in node.names)
                for node in ast.walk(tree)
            ):
                parts = list(path.relative_to(ROOT).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                found.append(".".join(parts))
    return found


USERS = _users()


def _reference_module(name: str) -> dict[str, typing.Any]:
    """The module's source run again, in a namespace of its own under its own name,
    with every class made by ``dataclasses.dataclass`` alone."""
    module = importlib.import_module(name)
    path = Path(module.__file__ or "")
    namespace: dict[str, typing.Any] = {
        "__name__": name,
        "__file__": str(path),
        "__package__": module.__package__,
        "__builtins__": __builtins__,
    }
    cheap.REFERENCE = True
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
    finally:
        cheap.REFERENCE = False
    return namespace


def test_the_decorator_is_used_where_it_was_meant_to_be():
    assert "ledger.events" in USERS


@pytest.fixture(scope="module")
def project_classes() -> list[tuple[type, type]]:
    pairs = []
    for name in USERS:
        module = importlib.import_module(name)
        ref = _reference_module(name)
        for cls_name, cls in _classes(vars(module), name).items():
            if dataclasses.is_dataclass(cls):
                pairs.append((cls, ref[cls_name]))
    return pairs


def test_every_project_dataclass_is_the_class_dataclasses_makes(project_classes):
    assert len(project_classes) > 25
    for fast, ref in project_classes:
        assert_same_class(fast, ref)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_project_dataclass_behaves_as_the_class_dataclasses_makes(project_classes, data):
    fast, ref = data.draw(st.sampled_from(project_classes))
    one, two = _value_pair(data, _names(ref))
    assert_same_behaviour(fast, ref, one, two)


def test_events_pickle_and_copy_as_before():
    from ledger import events as ev

    event = ev.RothContribution(
        id="c1", person="p", tax_year=2022, date=datetime.date(2022, 3, 1), amount=Decimal("5")
    )
    again = pickle.loads(pickle.dumps(event))
    assert again == event and hash(again) == hash(event) and repr(again) == repr(event)
    assert copy.deepcopy(event) == event and copy.copy(event) == event
    assert repr(event) == (
        "RothContribution(id='c1', memo=None, source=None, person='p', tax_year=2022, "
        "date=datetime.date(2022, 3, 1), amount=Decimal('5'))"
    )
