"""The stored payload codec (ledger.events): every kind's generated encoder writes exactly
``canonical_json(to_payload(event))``, and its generated decoder rebuilds exactly the event
that was encoded, agreeing with the reference field-by-field decoder that goes through the
class's own ``__init__`` (as ``construct``, the file reader's constructor, must). Hypothesis draws events of every kind from the
field table (SPEC section 4: the fields of each kind)."""

from __future__ import annotations

import dataclasses
import datetime
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import events as ev

VALUES = {
    "money": st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
    "date": st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    "year": st.integers(min_value=1975, max_value=2100),
    "bool": st.booleans(),
    "text": st.text(min_size=1, max_size=12),
}


@st.composite
def events(draw, kind: str) -> ev.Event:
    values: dict[str, Any] = {
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,10}", fullmatch=True))
    }
    for name in ("memo", "source"):
        if draw(st.booleans()):
            values[name] = draw(VALUES["text"])
    for spec in ev.FIELDS[kind]:
        if spec.required or draw(st.booleans()):
            values[spec.name] = draw(VALUES[spec.type])
    return ev.KINDS[kind](**values)


@pytest.mark.parametrize("kind", sorted(ev.KINDS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_decoders_rebuild_the_encoded_event(kind, data):
    event = data.draw(events(kind))
    payload = ev.to_payload(event)
    assert ev.payload_json(event) == ev.canonical_json(payload)  # the stored text
    decoded = ev.from_payload(kind, event.id, payload)
    assert decoded == event and type(decoded) is type(event)
    assert ev._from_payload_fields(kind, event.id, payload) == event
    given = {
        f: getattr(event, f)
        for f in ev._PAYLOAD_NAMES[type(event)]
        if getattr(event, f) is not None
    }  # as the ledger-file reader passes them
    assert ev.construct(kind, event.id, given) == event
    # the decoded event is as immutable as one built by its class
    with pytest.raises(AttributeError):
        decoded.id = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("kind", sorted(ev.KINDS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_row_fields_are_the_payload_and_the_effective_date_and_year(kind, data):
    # the writers' one call per event (ledger.store.hashing.chained) against the reference:
    # the payload dict's canonical JSON and the class's own properties
    event = data.draw(events(kind))
    eff = event.effective_date
    expected = (
        ev.canonical_json(ev.to_payload(event)),
        None if eff is None else eff.isoformat(),
        event.effective_tax_year,
    )
    got = ev.row_fields(event)
    assert got == expected and type(got[2]) is type(expected[2])


def test_a_payload_missing_a_required_field_is_refused_as_the_class_refuses_it():
    with pytest.raises(TypeError, match="required"):
        ev.from_payload("roth_contribution", "e1", {"amount": "100.00"})


def test_optional_fields_absent_from_the_payload_take_their_defaults():
    event = ev.from_payload(
        "roth_contribution_return",
        "r1",
        {"person": "dana", "tax_year": 2021, "date": "2022-03-01", "amount": "100.00"},
    )
    assert isinstance(event, ev.RothContributionReturn)
    assert event.earnings == Decimal("0.00") and event.memo is None and event.source is None


def test_event_classes_are_final():
    # the projections dispatch on type(event) (ledger.projections.facts, .person): no kind
    # may be a subclass of another
    kinds = list(ev.KINDS.values())
    assert not [(a, b) for a in kinds for b in kinds if a is not b and issubclass(a, b)]


TEXTS = st.text(min_size=1, max_size=12) | st.sampled_from(
    ['"', "\\", "\n\r\t", "\x00\x1f", "é\u2028"]
)


@pytest.mark.parametrize("kind", sorted(ev.KINDS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_hashed_fields_are_row_fields_with_the_kind_and_payload_escaped(kind, data):
    """HASHED_FIELDS (the writers' one call per event, ledger.store.hashing.chained):
    row_fields' payload, date and year, and the kind and payload as the hashed document
    holds them -- escaped whole by the json module's encoder -- on events of every kind,
    usual (defaults) or not, with texts that need escaping."""
    import json

    event = data.draw(events(kind))
    if data.draw(st.booleans()):  # a text that needs escaping, in the memo or a text field
        texts = [s.name for s in ev.FIELDS[kind] if s.type == "text"] + ["memo"]
        event = dataclasses.replace(event, **{data.draw(st.sampled_from(texts)): data.draw(TEXTS)})
    escape = json.encoder.encode_basestring
    payload, day, year = ev.row_fields(event)
    got = ev.HASHED_FIELDS[type(event)](event)
    assert got == (payload, escape(event.kind) + ',"payload":' + escape(payload), day, year)
    assert type(got[3]) is type(year)


@pytest.mark.parametrize("kind", sorted(ev.KINDS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_decoders_read_nulls_and_unknown_keys_as_the_reference(kind, data):
    """A stored payload may say null for an optional field, or carry a key no field has
    (an older or a changed row): the generated decoder reads it as the reference does
    (the default, ignored), or refuses it with the same exception."""
    payload: dict[str, Any] = dict(ev.to_payload(data.draw(events(kind))))
    optional = ["memo", "source"] + [s.name for s in ev.FIELDS[kind] if not s.required]
    for name in data.draw(st.lists(st.sampled_from(optional), max_size=3)):
        payload[name] = None
    if data.draw(st.booleans()):
        payload["not_a_field"] = data.draw(TEXTS)
    required = [s.name for s in ev.FIELDS[kind] if s.required]
    if required and data.draw(st.booleans()):
        payload[data.draw(st.sampled_from(required))] = None  # refused by both
    try:
        expected: Any = ev._from_payload_fields(kind, "e", payload)
    except (TypeError, ValueError, KeyError) as exc:
        expected = type(exc)
    try:
        got: Any = ev.from_payload(kind, "e", payload)
    except (TypeError, ValueError, KeyError) as exc:
        got = type(exc)
    assert got == expected


#: what a changed payload may give a field instead of its value
_ODD: st.SearchStrategy[Any] = st.sampled_from(
    [None, "x", "", 0, 1, False, True, "2020-02-30", "1e3", [], {}]
)


@pytest.mark.parametrize("kind", sorted(ev.KINDS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_decoders_skip_absent_fields_as_the_reference_reads_them(kind, data):
    """The decoders' shortcut (a payload with no key but the required ones and the
    optional ones whose default is not None: the None-default fields are not looked up)
    against the same decoder without it (``_decoder(cls, shortcut=False)``, every field
    looked up in order): the same event, or the same exception, on payloads of every kind
    with keys dropped (required ones too), nulls, unknown keys and values of other types
    -- so what verify names (the exception's type) stays what it was."""
    payload: dict[str, Any] = dict(ev.to_payload(data.draw(events(kind))))
    names = ["memo", "source"] + [s.name for s in ev.FIELDS[kind]]
    for name in data.draw(st.lists(st.sampled_from(names), max_size=3)):
        payload.pop(name, None)
    for name in data.draw(st.lists(st.sampled_from(names), max_size=2)):
        payload[name] = data.draw(_ODD | TEXTS)
    if data.draw(st.booleans()):
        payload["not_a_field"] = data.draw(_ODD)
    cls = ev.KINDS[kind]
    outcomes = []
    for decode in (ev.DECODERS[kind], ev._decoder(cls, shortcut=False)):
        try:
            got: Any = decode("e", dict(payload))
            assert type(got) is cls
            got = repr([getattr(got, f.name) for f in dataclasses.fields(cls)])
        except Exception as exc:  # noqa: BLE001 -- the same type on both sides
            got = type(exc)
        outcomes.append(got)
    assert outcomes[0] == outcomes[1]


class _Day(date):
    """A date subclass (its texts are never kept by the hashed encoders)."""


@pytest.mark.parametrize("kind", sorted(ev.KINDS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_hashed_fields_with_kept_date_texts_are_the_reference(kind, data):
    """HASHED_FIELDS keeps each date's ISO text (and each year's Dec 31) to look it up
    the next time (``_hashed_encoder(memo=True)``); ``memo=False`` formats every date
    (the reference): the same four values on the same events, seen again (the texts
    kept) or after the kept texts were emptied, dates given as a datetime or a date
    subclass (never kept) included."""
    events_ = [data.draw(events(kind)) for _ in range(data.draw(st.integers(1, 3)))]
    dates = [s.name for s in ev.FIELDS[kind] if s.type == "date"]
    if dates and data.draw(st.booleans()):
        name = data.draw(st.sampled_from(dates))
        day = getattr(events_[0], name)
        if day is not None:
            odd = data.draw(
                st.sampled_from(
                    [
                        datetime.datetime(day.year, day.month, day.day, 0, 0),
                        _Day(day.year, day.month, day.day),
                    ]
                )
            )
            events_.append(dataclasses.replace(events_[0], **{name: odd}))
    if data.draw(st.booleans()):
        ev._ISO_TEXTS.clear()
        ev._YEAR_END_TEXTS.clear()
    memo = ev.HASHED_FIELDS[ev.KINDS[kind]]
    reference = ev._hashed_encoder(ev.KINDS[kind], memo=False)
    for event in events_ + events_:  # twice: the second time from the kept texts
        got, expected = memo(event), reference(event)
        assert got == expected
        assert [type(v) for v in got] == [type(v) for v in expected]
