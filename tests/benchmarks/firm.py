"""Firm-scale benchmark: roth-ledger against the raw driver on the same rows, same run.

Not run by pytest. From the repository root, after installing the project::

    python tests/benchmarks/firm.py                       # 10,000 households x 100 events
    python tests/benchmarks/firm.py --households 500 --events-per-household 100
    python tests/benchmarks/firm.py --households 1000 --db postgresql+psycopg://postgres@127.0.0.1:5432/test

On SQLite (the default) the baseline is raw ``sqlite3``; with ``--db`` naming a PostgreSQL
server it is raw psycopg 3 (``COPY ... FROM STDIN`` with ``write_row`` for the insert, a
server-side cursor for the scan), every ledger in a fresh schema of that database
(dropped at the end), and every line below is printed with the prefix ``pg_``.

It generates a realistic firm ledger (tests/benchmarks/generate.py: contributions,
backdoor conversions, mega-backdoor plan flows, withdrawals across 20 years; one JSON
ledger file per household) and measures, printing ``name: value`` lines:

* ``import_s`` -- ``roth-ledger import DIR`` (the real command, one transaction) of every
  file into an empty SQLite ledger, versus ``raw_insert_s``: the same rows (read back from
  that ledger) inserted into a table of the same schema with one ``sqlite3.executemany``
  in one transaction, same pragmas (WAL, synchronous=FULL);
* ``rebuild_s`` -- the batch report for one tax year over every household, in-process
  (``ledger.app.batch.batch_rows``: decode every event, fold, run the rules; with the
  processes ``report batch`` uses by default, ``rebuild_jobs``), versus
  ``raw_scan_s``: ``SELECT * FROM events ORDER BY household, version`` through ``sqlite3``;
* ``household_report_ms`` -- median in-process withdrawal report (load + fold + rules +
  JSON-ready dict) for 50 households of the full ledger; ``household_report_cpu_ms`` the
  CPU time per report (this process, and on PostgreSQL the backend serving it);
* ``cli_s`` -- median wall time of ``roth-ledger report withdrawals ... --format json``
  versus ``import_floor_s``: ``python -c "import sqlmodel"`` (9 runs of each, alternated
  so that both see the machine in the same state);
* ``batch_rss_10_mb`` / ``batch_rss_100_mb`` -- peak RSS of ``roth-ledger report batch
  --jobs 2`` (in a child process: its own plus its worker's) on a ledger of 10% of the
  households and on the full one.

The import, the raw insert, the rebuild and the raw scan run ``--repeat`` times (default
2), alternated, and the best run of each is compared (its runs are printed too): on a
shared virtual machine one run can land in a slow phase. Dirty pages are flushed before
each timed write.

CPU time is measured too: user + system time summed over every process involved --
the command and its workers (``RUSAGE_CHILDREN``), this process for the in-process runs
and the raw baselines, and on PostgreSQL the server backends serving the run (found by
``application_name`` in ``pg_stat_activity``; on a local server, those that ended are
counted in the postmaster's reaped children's time, read after the run, with nothing
sampling during it: :class:`ServerCpu`) -- and compared the same way (``*_cpu_vs_*``).

``household_report_growth`` is one person's withdrawal report (in-process, best of
several runs) per event on a lifetime ledger of 10,000 events over the same on 100
events (``generate.lifetime``: monthly contributions and conversions, 1998-2024); the
reports at 100, 1,000 and 10,000 events are printed as ``household_report_N_ms``.

It ends with the ratios ``import_vs_raw_insert``, ``import_cpu_vs_raw_insert``,
``rebuild_vs_raw_scan``, ``rebuild_cpu_vs_raw_scan``, ``household_report_ms``,
``household_report_cpu_ms``, ``household_report_growth``, ``cli_vs_import_floor`` and
``batch_rss_growth``; on PostgreSQL ``pg_import_vs_raw_copy``,
``pg_import_cpu_vs_raw_copy``, ``pg_rebuild_vs_raw_scan``, ``pg_rebuild_cpu_vs_raw_scan``,
``pg_household_report_ms``, ``pg_household_report_cpu_ms``, ``pg_household_report_growth``,
``pg_cli_vs_import_floor`` and ``pg_batch_rss_growth``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import FIRST_YEAR, YEARS, household, lifetime  # noqa: E402

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL")
PREFIX = ""  # "pg_" on PostgreSQL


def line(name: str, value) -> None:
    if isinstance(value, float):
        value = f"{value:.3f}"
    print(f"{PREFIX}{name}: {value}", flush=True)


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("roth-ledger")
    if script.exists():
        return [str(script)]
    found = shutil.which("roth-ledger")
    return [found] if found else [sys.executable, "-m", "cli"]


def settle() -> None:
    """Flush the page cache's dirty pages (the generated files, the last ledger) before a
    timed write: otherwise their writeback lands on whichever fsync comes next."""
    if hasattr(os, "sync"):
        os.sync()


# --- CPU time -------------------------------------------------------------------------


def _rusage_s(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class Cpu:
    """User + system seconds spent between ``start()`` and ``stop()`` by this process
    (``self_too``), its waited-for children and grandchildren, and the database server
    processes ``server`` reports (see :class:`ServerCpu`)."""

    def __init__(self, self_too: bool = True, server=None):
        self.self_too, self.server = self_too, server

    def __enter__(self):
        self.me = _rusage_s(resource.RUSAGE_SELF)
        self.kids = _rusage_s(resource.RUSAGE_CHILDREN)
        if self.server is not None:
            self.server.start()
        return self

    def __exit__(self, *exc):
        server = self.server.stop() if self.server is not None else 0.0
        kids = _rusage_s(resource.RUSAGE_CHILDREN) - self.kids
        me = _rusage_s(resource.RUSAGE_SELF) - self.me if self.self_too else 0.0
        self.seconds = me + kids + server


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of Linux ``/proc/PID/stat`` after the command name (the state first),
    None once the process is gone or where there is no such file."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def proc_cpu_s(pid: int) -> float | None:
    """utime + stime of a process (Linux ``/proc/PID/stat``), None once it is gone."""
    fields = _proc_stat(pid)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_reaped_cpu_s(pid: int) -> float | None:
    """cutime + cstime of a process: the CPU of the children it has waited for."""
    fields = _proc_stat(pid)
    if fields is None:
        return None
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def proc_parent(pid: int) -> int | None:
    """A process's parent (a PostgreSQL backend's: the postmaster)."""
    fields = _proc_stat(pid)
    return int(fields[1]) if fields is not None else None


# --- the ledgers: SQLite files or PostgreSQL schemas ----------------------------------


class SqliteBench:
    """Ledgers as files in the work directory; the raw baseline is ``sqlite3``."""

    name = "sqlite"

    def __init__(self, work: Path):
        self.work = work

    def ledger(self, name: str) -> str:
        path = self.work / f"{name}.db"
        self.drop(str(path))
        return str(path)

    def drop(self, url: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(url + suffix).unlink(missing_ok=True)

    def server(self, url: str, poll: bool = True):
        return None

    def count(self, url: str) -> int:
        con = sqlite3.connect(url)
        try:
            return con.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            con.close()

    def raw_insert(self, ledger: str) -> tuple[float, float]:
        """The same rows into the same schema (no triggers), one executemany, one commit:
        (wall seconds, CPU seconds)."""
        src = sqlite3.connect(ledger)
        schema = [
            sql
            for (sql,) in src.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' "
                "AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC"
            )
        ]
        columns = [r[1] for r in src.execute("PRAGMA table_info(events)") if r[1] != "position"]
        rows = src.execute(f"SELECT {', '.join(columns)} FROM events ORDER BY position").fetchall()
        src.close()
        raw_db = self.ledger("raw")
        dst = sqlite3.connect(raw_db, isolation_level=None)
        for pragma in PRAGMAS:
            dst.execute(pragma)
        for sql in schema:
            dst.execute(sql)
        marks = ", ".join("?" * len(columns))
        insert = f"INSERT INTO events ({', '.join(columns)}) VALUES ({marks})"
        settle()
        with Cpu() as cpu:
            start = time.perf_counter()
            dst.execute("BEGIN IMMEDIATE")
            dst.executemany(insert, rows)
            dst.execute("COMMIT")
            elapsed = time.perf_counter() - start
        dst.close()
        self.drop(raw_db)
        return elapsed, cpu.seconds

    def raw_scan(self, ledger: str) -> tuple[float, float, int]:
        con = sqlite3.connect(ledger)
        with Cpu() as cpu:
            start = time.perf_counter()
            n = 0
            for _ in con.execute("SELECT * FROM events ORDER BY household, version"):
                n += 1
            elapsed = time.perf_counter() - start
        con.close()
        return elapsed, cpu.seconds, n

    def close(self) -> None:
        pass


class ServerCpu:
    """CPU of the PostgreSQL backends whose ``application_name`` is ``tag``, between
    ``start()`` and ``stop()``.

    On a local server (its processes in ``/proc``) nothing runs during the measured work:
    a backend that ends within it is counted, once the postmaster has reaped it, in the
    postmaster's ``cutime + cstime`` (the CPU of the children it has waited for), so
    ``stop()`` waits until the tagged backends are gone and reaped, then counts the
    growth of the postmaster's reaped time, less what the backends open at ``start()``
    had used by then, plus what the backends still open at the end have used since. Every
    backend that ended in between is counted -- another client's or an autovacuum
    worker's too, never less than the run's own. (A sampling thread instead took about a
    tenth of a core from the measured work: ~0.13 s of this process's CPU and ~0.07 s of
    its backend's per second.) Where the postmaster cannot be read (a remote server), a
    thread samples ``pg_stat_activity`` and each backend's ``/proc/PID/stat`` every 5 ms
    and the last reading of each backend counts.
    ``poll=False``: read the tagged backends at start and stop only (a run on one pooled
    connection, open throughout)."""

    def __init__(self, dsn: str, tag: str, poll: bool = True):
        self.dsn, self.tag, self.poll = dsn, tag, poll

    def start(self) -> None:
        import psycopg

        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.done = threading.Event()
        self.conn = psycopg.connect(self.dsn, autocommit=True)
        (own,) = self.conn.execute("SELECT pg_backend_pid()").fetchall()[0]
        self.postmaster: int | None = proc_parent(own)
        self.reaped: float | None = None
        if self.poll and self.postmaster is not None:
            self.reaped = proc_reaped_cpu_s(self.postmaster)
        self._sample()
        self.first = dict(self.last)
        self.thread = threading.Thread(target=self._run, daemon=True)
        if self.poll and self.reaped is None:
            self.thread.start()

    def _tagged(self) -> list[int]:
        return [
            pid
            for (pid,) in self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.tag,)
            ).fetchall()
        ]

    def _sample(self) -> None:
        for pid in self._tagged():
            seconds = proc_cpu_s(pid)
            if seconds is not None:
                self.last[pid] = seconds

    def _run(self) -> None:
        while not self.done.wait(0.005):
            self._sample()

    def stop(self) -> float:
        self.done.set()
        if self.reaped is not None and self.postmaster is not None:
            return self._stop_reaped(self.postmaster, self.reaped)
        if self.poll:
            self.thread.join()
        self._sample()
        self.conn.close()
        return sum(v - self.first.get(pid, 0.0) for pid, v in self.last.items())

    def _stop_reaped(self, postmaster: int, at_start: float) -> float:
        """Wait (up to 10 s) for the tagged backends to end and be reaped; count the
        postmaster's reaped CPU since ``start()`` and the backends still open."""
        deadline = time.monotonic() + 10.0
        seen = set(self.first)
        while time.monotonic() < deadline:
            open_now = self._tagged()
            seen.update(open_now)
            if not open_now and not any(Path(f"/proc/{pid}").exists() for pid in seen):
                break  # every one gone from /proc: reaped (a zombie keeps its entry)
            time.sleep(0.005)
        time.sleep(0.02)  # a backend never seen, ended at the very end: reaped by now
        still = {pid: proc_cpu_s(pid) for pid in self._tagged()}
        self.conn.close()
        now = proc_reaped_cpu_s(postmaster)
        reaped = (now if now is not None else at_start) - at_start
        ended_before = sum(v for pid, v in self.first.items() if pid not in still)
        running = sum(
            (v or 0.0) - self.first.get(pid, 0.0) for pid, v in still.items() if v is not None
        )
        return reaped - ended_before + running


class PostgresBench:
    """Ledgers as fresh schemas of one PostgreSQL database (dropped at the end); the raw
    baseline is psycopg 3 on the same server."""

    name = "postgresql"

    def __init__(self, url: str):
        from sqlalchemy.engine import make_url

        self.base = make_url(url).set(drivername="postgresql+psycopg")
        self.dsn = self.base.set(drivername="postgresql").render_as_string(hide_password=False)
        self.run_id = uuid.uuid4().hex[:8]
        self.schemas: list[str] = []

    def _admin(self):
        import psycopg

        return psycopg.connect(self.dsn, autocommit=True)

    def ledger(self, name: str) -> str:
        schema = f"bench_{self.run_id}_{name.replace('-', '_')}"
        with self._admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self.schemas.append(schema)
        url = self.base.update_query_dict(
            {"options": f"-csearch_path={schema}", "application_name": f"roth-bench-{schema}"}
        )
        return url.render_as_string(hide_password=False)

    def _schema(self, url: str) -> str:
        from sqlalchemy.engine import make_url

        options = make_url(url).query["options"]
        assert isinstance(options, str), options  # set once, by _url
        return options.split("=", 1)[1]

    def drop(self, url: str) -> None:
        schema = self._schema(url)
        with self._admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def server(self, url: str, poll: bool = True) -> ServerCpu:
        return ServerCpu(self.dsn, f"roth-bench-{self._schema(url)}", poll)

    def _connect(self, url: str):
        import psycopg

        schema = self._schema(url)
        return psycopg.connect(self.dsn, options=f"-csearch_path={schema}"), schema

    def count(self, url: str) -> int:
        conn, _ = self._connect(url)
        with conn:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def raw_insert(self, ledger: str) -> tuple[float, float]:
        """The same rows into a table of the same definition (LIKE ... INCLUDING ALL: the
        keys and indexes, no triggers) with one ``COPY ... FROM STDIN`` (``write_row``)
        in one transaction: (wall seconds, CPU seconds of this process and its backend)."""
        src, schema = self._connect(ledger)
        with src:
            columns = [
                name
                for (name,) in src.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                    "AND table_name = 'events' AND column_name <> 'position' "
                    "ORDER BY ordinal_position",
                    (schema,),
                )
            ]
            rows = src.execute(
                f"SELECT {', '.join(columns)} FROM events ORDER BY position"
            ).fetchall()
        raw = self.ledger("raw")
        dst, raw_schema = self._connect(raw)
        with dst:
            dst.execute(f'CREATE TABLE events (LIKE "{schema}".events INCLUDING ALL)')
            dst.commit()
            backend = dst.execute("SELECT pg_backend_pid()").fetchone()[0]
            dst.commit()
            before = proc_cpu_s(backend) or 0.0
            with Cpu() as cpu:
                start = time.perf_counter()
                with dst.cursor() as cur:
                    with cur.copy(f"COPY events ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                dst.commit()
                elapsed = time.perf_counter() - start
                server = (proc_cpu_s(backend) or before) - before
        self.drop(raw)
        return elapsed, cpu.seconds + server

    def raw_scan(self, ledger: str) -> tuple[float, float, int]:
        """``SELECT * ... ORDER BY household, version`` through a server-side cursor."""
        conn, _ = self._connect(ledger)
        with conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            conn.commit()
            before = proc_cpu_s(backend) or 0.0
            with Cpu() as cpu:
                start = time.perf_counter()
                n = 0
                with conn.cursor(name="raw_scan") as cur:
                    cur.itersize = 2000
                    cur.execute("SELECT * FROM events ORDER BY household, version")
                    for _ in cur:
                        n += 1
                conn.commit()
                elapsed = time.perf_counter() - start
                server = (proc_cpu_s(backend) or before) - before
        return elapsed, cpu.seconds + server, n

    def close(self) -> None:
        with self._admin() as conn:
            for schema in self.schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# --- what is measured -----------------------------------------------------------------


def run(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(
            f"benchmark: {' '.join(cmd[:4])}... failed ({done.returncode}): {done.stderr[-2000:]}"
        )
    return elapsed


def generate(directory: Path, households: int, events: int) -> list[dict]:
    directory.mkdir(parents=True)
    made = []
    for i in range(households):
        ledger = household(i, events)
        (directory / f"{ledger['household']['id']}.json").write_text(json.dumps(ledger))
        made.append(ledger)
    return made


def rebuild(url: str, year: int, server) -> tuple[float, float, int, int]:
    """The batch report as `report batch` runs it by default (auto_jobs: one process per
    core on a large ledger): (wall s, CPU s, rows, processes)."""
    from ledger.app.batch import auto_jobs, batch_rows
    from ledger.rules.policy import Policy
    from ledger.store import open_store

    store = open_store(url)
    jobs = auto_jobs(store)
    with Cpu(server=server) as cpu:
        start = time.perf_counter()
        rows = sum(1 for _ in batch_rows(store, year, Policy(), jobs=jobs))
        elapsed = time.perf_counter() - start
        store.close()
    return elapsed, cpu.seconds, rows, jobs


def withdrawal_targets(ledgers: list[dict], count: int) -> list[tuple[str, str, int]]:
    """(household, person, year of that person's last withdrawal) for sampled households."""
    rng = random.Random(11)
    targets = []
    for ledger in rng.sample(ledgers, min(count, len(ledgers))):
        for person in ledger["people"]:
            years = [
                int(e["date"][:4])
                for e in ledger["events"]
                if e["kind"] == "roth_distribution" and e["person"] == person["id"]
            ]
            if years:
                targets.append((ledger["household"]["id"], person["id"], max(years)))
                break
    return targets


def household_reports(url: str, targets, server=None) -> tuple[float, float]:
    """(median wall ms, CPU ms per report: this process and, on PostgreSQL, the server
    backend serving it)."""
    from ledger.app.reporting import run_report
    from ledger.rules.policy import Policy
    from ledger.store import open_store

    store = open_store(url)
    policy = Policy()
    first, who, when = targets[0]
    run_report(store, "withdrawals", first, who, policy, tax_year=when)  # warm: the connection
    times = []
    with Cpu(server=server) as cpu:
        for household_id, person, year in targets:
            start = time.perf_counter()
            run_report(store, "withdrawals", household_id, person, policy, tax_year=year)
            times.append((time.perf_counter() - start) * 1000)
    store.close()
    return statistics.median(times), cpu.seconds * 1000 / len(targets)


def report_growth(url: str, work: Path) -> dict[int, float]:
    """One lifetime household's withdrawal report at 100, 1,000 and 10,000 events:
    best of several in-process runs, in ms."""
    from ledger.app.importing import import_files
    from ledger.app.reporting import run_report
    from ledger.rules.policy import Policy
    from ledger.store import open_store

    store = open_store(url)
    out = {}
    for size, runs in ((100, 41), (1_000, 15), (10_000, 7)):
        path = work / f"lifetime-{size}.json"
        path.write_text(json.dumps(lifetime(size, f"lifetime{size}")))
        import_files(store, [path], "benchmark")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            run_report(store, "withdrawals", f"lifetime{size}", "p", Policy(), tax_year=2024)
            times.append((time.perf_counter() - start) * 1000)
        out[size] = min(times)
    store.close()
    return out


def peak_rss_mb(url: str, year: int) -> float:
    """Peak RSS of `roth-ledger report batch --jobs 2` run in a fresh child process: its
    VmHWM plus the largest of its worker processes (``ru_maxrss`` of RUSAGE_CHILDREN; for
    the process itself ``ru_maxrss`` would not do -- Linux carries it across exec from
    the forked parent). Two jobs at both sizes, so only the ledger's size changes."""
    code = (
        "import resource, sys\n"
        "from cli.main import cli, register\n"
        "register()\n"
        "try:\n"
        f"    cli.main(args=['--db', {url!r}, 'report', 'batch', '--tax-year', '{year}',"
        " '--format', 'csv', '--jobs', '2'], standalone_mode=False)\n"
        "finally:\n"
        "    sys.stdout.flush()\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "    print(int(hwm.split()[1]) + workers, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        sys.exit(f"benchmark: batch child failed: {done.stderr[-2000:]}")
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def machine(bench) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    db = f"SQLite {sqlite3.sqlite_version}"
    if bench.name == "postgresql":
        import psycopg

        with bench._admin() as conn:
            server = conn.execute("SHOW server_version").fetchone()[0]
        db = f"PostgreSQL {server}, psycopg {psycopg.__version__}"
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {db}"


def main(argv: list[str] | None = None) -> None:
    global PREFIX
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--events-per-household", type=int, default=100)
    parser.add_argument(
        "--tax-year",
        type=int,
        default=FIRST_YEAR + YEARS - 1,
        help="year of the batch report (default: the last generated year)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs of the import, raw insert, rebuild and raw scan, alternated; "
        "the best of each is compared (default: 2)",
    )
    parser.add_argument(
        "--db",
        default=None,
        help="a PostgreSQL server's URL (postgresql+psycopg://USER@HOST/DB): measure there, "
        "each ledger in a fresh schema (default: SQLite files in the work directory)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the generated files and ledgers here (default: a temp dir)",
    )
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="roth-ledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    files, tenth_files = work / "ledger", work / "ledger-10pct"
    for path in (files, tenth_files):
        if path.is_dir():
            shutil.rmtree(path)
    bench: PostgresBench | SqliteBench
    if args.db and "://" in args.db and not args.db.startswith("sqlite"):
        bench = PostgresBench(args.db)
        PREFIX = "pg_"
    else:
        bench = SqliteBench(work)
    try:
        measure(bench, args, work, files, tenth_files)
    finally:
        bench.close()
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The least wall time and the least CPU time of the runs (each its own best)."""
    return min(w for w, _ in runs), min(c for _, c in runs)


def measure(bench, args, work: Path, files: Path, tenth_files: Path) -> None:
    raw_name = "raw_copy" if bench.name == "postgresql" else "raw_insert"
    line("machine", machine(bench))
    line("households", args.households)
    start = time.perf_counter()
    ledgers = generate(files, args.households, args.events_per_household)
    tenth = max(1, args.households // 10)
    tenth_files.mkdir()
    for ledger in ledgers[:tenth]:
        name = f"{ledger['household']['id']}.json"
        shutil.copy(files / name, tenth_files / name)
    line("generate_s", time.perf_counter() - start)

    cli = cli_command()
    db = bench.ledger("firm")
    imports, inserts = [], []  # (wall, cpu)
    for r in range(args.repeat):  # alternated; the best of each (the least disturbed run)
        target = db if r == 0 else bench.ledger(f"firm-again-{r}")
        settle()
        with Cpu(self_too=False, server=bench.server(target)) as cpu:
            wall = run(cli + ["--db", target, "import", str(files)])
        imports.append((wall, cpu.seconds))
        if target != db:
            bench.drop(target)
        inserts.append(bench.raw_insert(db))
    import_s, import_cpu = best(imports)
    insert_s, insert_cpu = best(inserts)
    events = bench.count(db)
    line("events", events)
    line("import_runs_s", ", ".join(f"{t:.3f}" for t, _ in imports))
    line("import_cpu_runs_s", ", ".join(f"{c:.3f}" for _, c in imports))
    line("import_s", import_s)
    line("import_cpu_s", import_cpu)
    line("import_events_per_s", round(events / import_s))
    line(f"{raw_name}_runs_s", ", ".join(f"{t:.3f}" for t, _ in inserts))
    line(f"{raw_name}_cpu_runs_s", ", ".join(f"{c:.3f}" for _, c in inserts))
    line(f"{raw_name}_s", insert_s)
    line(f"{raw_name}_cpu_s", insert_cpu)
    line(f"{raw_name}_events_per_s", round(events / insert_s))

    scans, rebuilds = [], []
    for _ in range(args.repeat):
        scan_s, scan_cpu, scanned = bench.raw_scan(db)
        assert scanned == events
        scans.append((scan_s, scan_cpu))
        rebuild_s, rebuild_cpu, people, jobs = rebuild(db, args.tax_year, bench.server(db))
        rebuilds.append((rebuild_s, rebuild_cpu))
    scan_s, scan_cpu = best(scans)
    rebuild_s, rebuild_cpu = best(rebuilds)
    line("raw_scan_runs_s", ", ".join(f"{t:.3f}" for t, _ in scans))
    line("raw_scan_s", scan_s)
    line("raw_scan_cpu_s", scan_cpu)
    line("rebuild_jobs", jobs)
    line("rebuild_runs_s", ", ".join(f"{t:.3f}" for t, _ in rebuilds))
    line("rebuild_s", rebuild_s)
    line("rebuild_cpu_s", rebuild_cpu)
    line("rebuild_people", people)
    line("rebuild_events_per_s", round(events / rebuild_s))

    targets = withdrawal_targets(ledgers, 50)
    del ledgers  # the parent stays small while its children are measured
    report_ms, report_cpu_ms = household_reports(db, targets, bench.server(db, poll=False))

    household_id, person, year = targets[0]
    report = cli + [
        "--db",
        db,
        "report",
        "withdrawals",
        "--household",
        household_id,
        "--person",
        person,
        "--tax-year",
        str(year),
        "--format",
        "json",
    ]
    floors, clis = [], []
    for _ in range(9):  # alternated, so that both see the machine in the same state
        floors.append(run([sys.executable, "-c", "import sqlmodel"]))
        clis.append(run(report))
    floor, cli_s = statistics.median(floors), statistics.median(clis)
    line("import_floor_s", floor)
    line("cli_s", cli_s)

    tenth_db = bench.ledger("firm-10pct")
    run(cli + ["--db", tenth_db, "import", str(tenth_files)])
    rss_10 = peak_rss_mb(tenth_db, args.tax_year)
    rss_100 = peak_rss_mb(db, args.tax_year)
    line("batch_rss_10_mb", rss_10)
    line("batch_rss_100_mb", rss_100)

    growth = report_growth(bench.ledger("lifetime"), work)
    for size, ms in growth.items():
        line(f"household_report_{size}_ms", ms)

    line(f"import_vs_{raw_name}", import_s / insert_s)
    line(f"import_cpu_vs_{raw_name}", import_cpu / insert_cpu)
    line("rebuild_vs_raw_scan", rebuild_s / scan_s)
    line("rebuild_cpu_vs_raw_scan", rebuild_cpu / scan_cpu)
    line("household_report_ms", report_ms)
    line("household_report_cpu_ms", report_cpu_ms)
    line("household_report_growth", (growth[10_000] / 10_000) / (growth[100] / 100))
    line("cli_vs_import_floor", cli_s / floor)
    line("batch_rss_growth", rss_100 / rss_10)


if __name__ == "__main__":
    main()
