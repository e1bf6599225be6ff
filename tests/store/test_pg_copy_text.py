"""PostgreSQL's row builder (``_PostgresEncoder``): the COPY text it writes is the
reference's (``_reference_copy_lines``: every field escaped and formatted in place), COPY's
special characters in any field included. No database needed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.events import KINDS
from ledger.store import sql
from ledger.store.hashing import GENESIS
from ledger.store.keyed import LedgerKey
from ledger.store.sql import _PostgresEncoder, _reference_copy_lines

from ..test_payload_codec import events
from .helpers import contribution

#: text with COPY's special characters (backslash, tab, newline, CR) likely
special = st.text(st.sampled_from("ab\\\t\n\r\x00é✓ ") | st.characters(codec="utf-8"), max_size=12)
KEY = LedgerKey(secret=b"k" * 32, path="test")


def _agree(encoder, household, version, prev, drawn, by, at, key):
    batch = encoder(household, version, prev, drawn)
    assert batch[:3] == (household, version, prev)
    assert batch[3] == _reference_copy_lines(household, version, prev, drawn, by, at, key)
    assert batch[3].count("\n") == len(drawn)  # one line a row: newlines in values escaped


@settings(max_examples=80, deadline=None)
@given(
    household=special,
    by=special,
    at=st.datetimes(timezones=st.just(UTC)),
    version=st.integers(0, 10**6),
    kinds=st.lists(st.sampled_from(sorted(KINDS)), max_size=8),
    ids=st.lists(special, max_size=8),
    keyed=st.booleans(),
    data=st.data(),
)
def test_the_copy_text_is_the_references(household, by, at, version, kinds, ids, keyed, data):
    drawn = [data.draw(events(kind)) for kind in kinds]
    for i, event_id in enumerate(ids[: len(drawn)]):  # ids with special characters
        drawn[i] = dataclasses.replace(drawn[i], id=f"{event_id}{i}")
    prev = GENESIS if version == 0 else hashlib.sha256(str(version).encode()).hexdigest()
    key = KEY if keyed else None
    encoder = _PostgresEncoder(by, at, key)
    _agree(encoder, household, version, prev, drawn, by, at, key)
    _agree(encoder, household, version, prev, drawn, by, at, key)  # its texts kept


def test_numbers_kept_past_the_limit_are_written_again(monkeypatch):
    monkeypatch.setattr(sql, "NUMBER_TEXTS", 3)
    at = datetime(2026, 12, 2, 1, 2, 3, 456789, tzinfo=UTC)
    encoder = _PostgresEncoder("me", at)
    for version in (0, 5, 20, 3, 0):
        drawn = [contribution(f"e{version}-{i}", year=2000 + i) for i in range(6)]
        _agree(encoder, "h", version, GENESIS, drawn, "me", at, None)
    assert len(encoder._numbers) <= 3 + 12


def test_a_payload_backslash_is_doubled_and_an_id_tab_escaped():
    at = datetime(2026, 12, 2, tzinfo=UTC)
    event = dataclasses.replace(contribution("x\ty"), memo='tab\there "q" back\\slash')
    (line,) = _PostgresEncoder("me", at)("h", 0, GENESIS, [event])[3].splitlines()
    fields = line.split("\t")
    assert fields[1] == "x\\ty"  # COPY text: a tab in a value is written \t
    memo = json.dumps('tab\there "q" back\\slash')  # the payload's JSON text of the memo
    assert memo.replace("\\", "\\\\") in fields[5]  # and each backslash doubled
    assert len(fields) == 12
