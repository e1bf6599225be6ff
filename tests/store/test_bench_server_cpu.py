"""The firm benchmark's count of the PostgreSQL server's CPU (``tests/benchmarks/firm.py``,
``ServerCpu``): on a local server nothing samples during the measured run, and a backend
that ends within it is still counted whole -- from the postmaster's reaped children's
time, read once the backend is gone."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.benchmarks.firm import ServerCpu, proc_cpu_s

from .conftest import PG_SKIP, pg_base_url

#: /proc counts in clock ticks (1/100 s): sums of them differ in the last float digits
TICK = 0.015


def _tag() -> str:
    """A tag of this test's own: no backend of another run is counted."""
    return f"roth-bench-cpu-{uuid.uuid4().hex[:8]}"


def _dsn() -> str:
    base = pg_base_url()
    if base is None:
        pytest.skip(PG_SKIP)
    return make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)


def test_a_backend_that_ends_in_the_run_is_counted_whole():
    dsn, tag = _dsn(), _tag()
    server = ServerCpu(dsn, tag)
    server.start()
    assert server.reaped is not None  # the server's processes are readable here
    assert not server.thread.is_alive()  # so no thread samples during the run
    conn = psycopg.connect(dsn, application_name=tag, autocommit=True)
    (pid,) = conn.execute("SELECT pg_backend_pid()").fetchall()[0]
    conn.execute("SELECT sum(x) FROM generate_series(1, 3000000) x").fetchall()
    used = proc_cpu_s(pid)
    conn.close()
    counted = server.stop()
    assert used is not None and used >= 0.05
    # all of it (plus its last moments, and any other backend that ended meanwhile)
    assert used - TICK <= counted <= used + 0.25


def test_a_backend_open_before_and_after_counts_only_the_run():
    dsn, tag = _dsn(), _tag()
    conn = psycopg.connect(dsn, application_name=tag, autocommit=True)
    try:
        (pid,) = conn.execute("SELECT pg_backend_pid()").fetchall()[0]
        conn.execute("SELECT sum(x) FROM generate_series(1, 5000000) x").fetchall()
        server = ServerCpu(dsn, tag)
        server.start()
        before = proc_cpu_s(pid)
        conn.execute("SELECT sum(x) FROM generate_series(1, 3000000) x").fetchall()
        after = proc_cpu_s(pid)
        conn.close()  # it ends in the run: what it had used before start() is not counted
        counted = server.stop()
    finally:
        conn.close()
    assert before is not None and after is not None and after - before >= 0.05
    assert before >= 0.3  # the work before start(), which a whole-life count would add
    assert after - before - TICK <= counted <= after - before + 0.25
