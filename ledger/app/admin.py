"""Use cases on the ledger database as a whole: its schema revision and its hash chains."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store.api import ChainProblem, EventStore


def upgrade_schema(db: str | None) -> str | None:
    """Migrate the ledger database named by ``db`` to the latest schema; the revision it
    is now at."""
    from ..store.open import upgrade

    return upgrade(db)


def schema_revision(db: str | None) -> str | None:
    """The ledger database's schema revision (None: never migrated); changes nothing."""
    from ..store.open import current

    return current(db)


@dataclass(frozen=True, slots=True)
class Verification:
    problems: list[ChainProblem]
    households: int
    schema: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.schema


def verify_ledger(store: EventStore) -> Verification:
    """Re-check every household's hash chain, version sequence and stored values, and
    that the table's constraints and append-only triggers are the migrations' own."""
    schema = store.schema_problems()
    problems = store.verify()
    return Verification(problems, 0 if problems else len(store.households()), schema)
