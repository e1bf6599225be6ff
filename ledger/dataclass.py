"""``dataclass``: :func:`dataclasses.dataclass`, the class made with three of its
generated methods built without compiling them (start-up time).

``dataclasses`` writes each method it adds as source text and compiles it: for a frozen
class ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and
``__delattr__``, ~0.5-1 M instructions each, ~5 M a class; every command builds some
sixty to ninety such classes as it starts. Here ``__repr__``, ``__eq__`` and ``__hash__``
are closures over the class's field names instead (a function object made, nothing
compiled): ``dataclasses.dataclass`` makes the class with ``repr=False, eq=False`` and
the three are then set on it, each doing what the generated one does --

* ``__repr__``: ``self.__class__.__qualname__ + "(a=" + repr(self.a) + ", b=" ... + ")"``
  over the fields with ``repr=True``, in order, ``...`` for an object met again while it
  is being shown (the same guard as ``dataclasses``);
* ``__eq__``: for ``other`` of exactly ``self``'s class, the tuple of the fields with
  ``compare=True`` against the other's, else ``NotImplemented``;
* ``__hash__``: ``hash`` of the tuple of the hashed fields (``hash=None``: those
  compared) for a frozen class, ``None`` (unhashable) for one that is not --

and ``__dataclass_params__`` says ``repr``/``eq`` as given. A class this does not cover
(``eq=False``, ``order``, ``unsafe_hash``, its own ``__eq__`` or ``__hash__``, an
abstract base) is made with ``dataclasses``' own three.

A frozen class's ``__setattr__`` and ``__delattr__`` (refusing to set or delete a field,
or anything on an object of exactly that class) are closures too, on the Pythons whose
``dataclasses`` builds them in ``_frozen_get_del_attr(cls, fields, globals)`` (3.11,
3.12): while ``dataclasses.dataclass`` makes the class, that function is
:func:`_frozen_get_del_attr` -- the two functions it returns doing what the compiled
ones do, with the same ``cls`` (the class before ``slots=True`` remakes it), the same
membership test (3.11: a tuple of the field names, 3.12: a set) and the same words --
and it is put back as soon as the class is made. Only ``__init__`` is compiled then.

With :data:`REFERENCE` set every class is made by ``dataclasses.dataclass`` alone
(tests/test_dataclass.py builds each module's classes both ways and holds them to the
same behaviour).
"""

from __future__ import annotations

import abc
import dataclasses
import sys
import typing
from _thread import RLock, get_ident
from operator import attrgetter

#: True: every class is made by ``dataclasses.dataclass`` itself (the reference)
REFERENCE = False

#: ``dataclasses``' own maker of a frozen class's refusals, where it has the signature
#: and body :func:`_frozen_get_del_attr` stands in for (else None: it is left alone)
_STDLIB_FROZEN: typing.Any = (
    getattr(dataclasses, "_frozen_get_del_attr", None)
    if sys.version_info[:2] in ((3, 11), (3, 12))
    else None
)
#: 3.11 tests ``name in ('a','b',)``, 3.12 ``name in {'a', 'b'}``
_NAMES_AS: typing.Callable[[typing.Iterable[str]], typing.Container[str]] = (
    tuple if sys.version_info[:2] == (3, 11) else frozenset
)
_SWAP = RLock()


@typing.dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(
    cls: typing.Any = None,
    /,
    *,
    init: bool = True,
    repr: bool = True,
    eq: bool = True,
    order: bool = False,
    unsafe_hash: bool = False,
    frozen: bool = False,
    match_args: bool = True,
    kw_only: bool = False,
    slots: bool = False,
    weakref_slot: bool = False,
) -> typing.Any:
    """:func:`dataclasses.dataclass`, with the same parameters (module docstring)."""

    def wrap(cls: typing.Any) -> typing.Any:
        options = dict(
            init=init,
            order=order,
            unsafe_hash=unsafe_hash,
            frozen=frozen,
            match_args=match_args,
            kw_only=kw_only,
            slots=slots,
            weakref_slot=weakref_slot,
        )
        own = cls.__dict__
        if (
            REFERENCE
            or not eq
            or order
            or unsafe_hash
            or "__eq__" in own
            or "__hash__" in own
            or isinstance(cls, abc.ABCMeta)
        ):
            if REFERENCE:
                return dataclasses.dataclass(cls, repr=repr, eq=eq, **options)
            return _made(cls, repr=repr, eq=eq, **options)
        cls = _made(cls, repr=False, eq=False, **options)
        fields = dataclasses.fields(cls)
        if repr and "__repr__" not in own:  # (its own: kept, as dataclasses keeps it)
            _set(cls, _repr_fn(tuple(f.name for f in fields if f.repr)))
        _set(cls, _eq_fn(_values(tuple(f.name for f in fields if f.compare))))
        if frozen:
            hashed = (f.name for f in fields if (f.compare if f.hash is None else f.hash))
            _set(cls, _hash_fn(_values(tuple(hashed))))
        else:
            cls.__hash__ = None
        params = cls.__dataclass_params__
        params.repr = repr
        params.eq = True
        return cls

    return wrap if cls is None else wrap(cls)


def _made(cls: type, **options: typing.Any) -> typing.Any:
    """``dataclasses.dataclass(cls, **options)``, a frozen class's refusals made by
    :func:`_frozen_get_del_attr` (module docstring)."""
    if not options["frozen"] or _STDLIB_FROZEN is None:
        return dataclasses.dataclass(cls, **options)
    with _SWAP:
        dataclasses._frozen_get_del_attr = _frozen_get_del_attr  # type: ignore[attr-defined]
        try:
            return dataclasses.dataclass(cls, **options)
        finally:
            dataclasses._frozen_get_del_attr = _STDLIB_FROZEN  # type: ignore[attr-defined]


def _frozen_get_del_attr(cls: typing.Any, fields: list, globals: dict) -> tuple:
    """``dataclasses._frozen_get_del_attr``: the frozen class's ``__setattr__`` and
    ``__delattr__`` (``globals`` is for the source it would compile: unused)."""
    names = _NAMES_AS(f.name for f in fields)
    refused = dataclasses.FrozenInstanceError

    def __setattr__(self: typing.Any, name: str, value: object) -> None:
        if type(self) is cls or name in names:
            raise refused(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: typing.Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise refused(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    __setattr__.__module__ = __delattr__.__module__ = cls.__module__
    return __setattr__, __delattr__


def _set(cls: type, fn: typing.Any) -> None:
    """Put ``fn`` on ``cls`` named as ``dataclasses`` names what it adds."""
    fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
    fn.__module__ = cls.__module__
    setattr(cls, fn.__name__, fn)


def _values(names: tuple[str, ...]) -> typing.Callable[[object], tuple]:
    """The tuple ``(o.a, o.b, ...)`` of an object's fields ``names``, in order."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda o: (one(o),)
    return lambda o: ()


def _eq_fn(values: typing.Callable[[object], tuple]) -> typing.Callable[[object, object], object]:
    def __eq__(self: object, other: object) -> object:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash_fn(values: typing.Callable[[object], tuple]) -> typing.Callable[[object], int]:
    def __hash__(self: object) -> int:
        return hash(values(self))

    return __hash__


def _repr_fn(names: tuple[str, ...]) -> typing.Callable[[object], str]:
    labels = tuple((name, ("" if i == 0 else ", ") + name + "=") for i, name in enumerate(names))
    running: set[tuple[int, int]] = set()

    def __repr__(self: object) -> str:
        key = id(self), get_ident()
        if key in running:  # shown again inside itself
            return "..."
        running.add(key)
        try:
            text = self.__class__.__qualname__ + "("
            for name, label in labels:
                text += label + repr(getattr(self, name))
            return text + ")"
        finally:
            running.discard(key)

    return __repr__
