"""Form intake: the boxes of Forms 5498 and 1099-R as printed -> ledger events.

Pure (no click, no database): ``events_from_5498(form, facts)`` and
``events_from_1099r(form, person_born, facts)`` return ``(raw events, notes)``; each raw
event is a dict of ``kind`` plus the field names of ``ledger.events.FIELDS``, to be
validated and stored by ``ledger.app.intake.record_events``. Impossible code combinations
and missing facts raise ``InvalidInput`` naming the box.

Sources: IRS Instructions for Forms 1099-R and 5498 (box notes and the "Guide to
Distribution Codes"); RULES.md sections (a), (b), (c), (f), (g) and section 0.
"""

from .form1099r import events_from_1099r
from .form5498 import events_from_5498
from .forms import CODES, Facts1099R, Facts5498, Form1099R, Form5498, parse_codes

__all__ = [
    "CODES",
    "Facts1099R",
    "Facts5498",
    "Form1099R",
    "Form5498",
    "events_from_1099r",
    "events_from_5498",
    "parse_codes",
]
