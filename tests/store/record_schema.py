"""Record the DDL the Alembic migrations issue on an empty database, for
:mod:`ledger.store.schema` (a new ledger's schema without replaying the migrations).

``python -m tests.store.record_schema [--pg URL]`` (from the checkout; ``--pg`` defaults
to ``$ROTH_LEDGER_TEST_PG``) runs ``alembic upgrade head`` on an empty SQLite file and in
a fresh PostgreSQL schema, keeps every statement sent to the database except Alembic's
own bookkeeping (its ``alembic_version`` reads and writes, reflection queries, ``BEGIN``)
and writes them into ``ledger/store/schema.py`` between its ``recorded`` markers.
``tests/store/test_schema.py`` records them the same way and fails while they differ.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url

from ledger.store.engine import make_engine
from ledger.store.migrate import replay_migrations
from ledger.store.urls import resolve

SCHEMA_MODULE = Path(__file__).resolve().parents[2] / "ledger" / "store" / "schema.py"
START = "# --- recorded from the migrations (python -m tests.store.record_schema): start\n"
END = "# --- recorded from the migrations: end\n"

#: what Alembic sends for itself, not for the schema
_BOOKKEEPING = re.compile(
    r"\s*(SELECT|PRAGMA|BEGIN|INSERT INTO alembic_version|UPDATE alembic_version)\b", re.I
)


def migrated_statements(url: str) -> tuple[str, ...]:
    """The statements ``alembic upgrade head`` sends to the empty database at ``url``
    (Alembic's bookkeeping left out), as the database receives them."""
    engine = make_engine(resolve(url))
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.begin() as conn:
            replay_migrations(conn)
    finally:
        engine.dispose()
    statements = []
    for statement, parameters in seen:
        if _BOOKKEEPING.match(statement):
            continue
        if parameters:
            raise AssertionError(f"a migration statement with parameters: {statement!r}")
        if isinstance(parameters, Mapping):
            # psycopg got an empty parameter dict, so it read a doubled `%` as one:
            # recorded as the server received it (create_head sends it without parameters)
            statement = statement.replace("%%", "%")
        statements.append(statement)
    return tuple(statements)


@contextmanager
def empty_sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield str(Path(directory) / "empty.db")


@contextmanager
def empty_pg_schema(base: str) -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema (dropped afterwards)."""
    schema = f"record_{uuid.uuid4().hex[:12]}"
    admin = create_engine(resolve(base).sqlalchemy(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


def rendered(name: str, statements: tuple[str, ...]) -> str:
    lines = [f"{name}: tuple[str, ...] = ("]
    lines += [f"    {statement!r}," for statement in statements]
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("ROTH_LEDGER_TEST_PG"))
    args = parser.parse_args(argv)
    if not args.pg:
        sys.exit("record_schema: name a PostgreSQL server (--pg URL or ROTH_LEDGER_TEST_PG)")
    with empty_sqlite() as url:
        sqlite = migrated_statements(url)
    with empty_pg_schema(args.pg) as url:
        postgresql = migrated_statements(url)
    text = SCHEMA_MODULE.read_text(encoding="utf-8")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    block = rendered("SQLITE", sqlite) + rendered("POSTGRESQL", postgresql)
    SCHEMA_MODULE.write_text(head + START + block + END + tail, encoding="utf-8")
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff) if ruff.exists() else "ruff", "format", str(SCHEMA_MODULE)])
    print(f"recorded {len(sqlite)} SQLite and {len(postgresql)} PostgreSQL statements")


if __name__ == "__main__":
    main()
