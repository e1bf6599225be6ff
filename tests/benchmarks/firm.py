"""Firm-scale benchmark: roth-ledger against raw ``sqlite3`` on the same rows, same run.

Not run by pytest. From the repository root, after installing the project::

    python tests/benchmarks/firm.py                       # 10,000 households x 100 events
    python tests/benchmarks/firm.py --households 500 --events-per-household 100

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
  JSON-ready dict) for 50 households of the full ledger;
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

It ends with the ratios ``import_vs_raw_insert``, ``rebuild_vs_raw_scan``,
``household_report_ms``, ``cli_vs_import_floor`` and ``batch_rss_growth``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import FIRST_YEAR, YEARS, household  # noqa: E402

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL")


def line(name: str, value) -> None:
    if isinstance(value, float):
        value = f"{value:.3f}"
    print(f"{name}: {value}", flush=True)


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("roth-ledger")
    if script.exists():
        return [str(script)]
    found = shutil.which("roth-ledger")
    return [found] if found else [sys.executable, "-m", "cli"]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def settle() -> None:
    """Flush the page cache's dirty pages (the generated files, the last ledger) before a
    timed write: otherwise their writeback lands on whichever fsync comes next."""
    if hasattr(os, "sync"):
        os.sync()


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


def raw_insert(ledger_db: Path, raw_db: Path) -> float:
    """The same rows into the same schema (no triggers), one executemany, one commit."""
    src = sqlite3.connect(ledger_db)
    schema = [
        sql
        for (sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND type IN ('table', 'index') "
            "AND sql IS NOT NULL ORDER BY type DESC"
        )
    ]
    columns = [r[1] for r in src.execute("PRAGMA table_info(events)") if r[1] != "position"]
    rows = src.execute(f"SELECT {', '.join(columns)} FROM events ORDER BY position").fetchall()
    src.close()
    dst = sqlite3.connect(raw_db, isolation_level=None)
    for pragma in PRAGMAS:
        dst.execute(pragma)
    for sql in schema:
        dst.execute(sql)
    insert = f"INSERT INTO events ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    start = time.perf_counter()
    dst.execute("BEGIN IMMEDIATE")
    dst.executemany(insert, rows)
    dst.execute("COMMIT")
    elapsed = time.perf_counter() - start
    dst.close()
    return elapsed


def raw_scan(db: Path) -> tuple[float, int]:
    con = sqlite3.connect(db)
    start = time.perf_counter()
    n = 0
    for _ in con.execute("SELECT * FROM events ORDER BY household, version"):
        n += 1
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed, n


def rebuild(db: Path, year: int) -> tuple[float, int, int]:
    """The batch report as `report batch` runs it by default (auto_jobs: one process per
    core on a large ledger)."""
    from ledger.app.batch import auto_jobs, batch_rows
    from ledger.rules.policy import Policy
    from ledger.store import open_store

    store = open_store(str(db))
    jobs = auto_jobs(store)
    start = time.perf_counter()
    rows = sum(1 for _ in batch_rows(store, year, Policy(), jobs=jobs))
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, rows, jobs


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


def household_reports(db: Path, targets) -> float:
    from ledger.app.reporting import run_report
    from ledger.rules.policy import Policy
    from ledger.store import open_store

    store = open_store(str(db))
    policy = Policy()
    times = []
    for household_id, person, year in targets:
        start = time.perf_counter()
        run_report(store, "withdrawals", household_id, person, policy, tax_year=year)
        times.append((time.perf_counter() - start) * 1000)
    store.close()
    return statistics.median(times)


def peak_rss_mb(db: Path, year: int) -> float:
    """Peak RSS of `roth-ledger report batch --jobs 2` run in a fresh child process: its
    VmHWM plus the largest of its worker processes (``ru_maxrss`` of RUSAGE_CHILDREN; for
    the process itself ``ru_maxrss`` would not do -- Linux carries it across exec from
    the forked parent). Two jobs at both sizes, so only the ledger's size changes."""
    code = (
        "import resource, sys\n"
        "from cli.main import cli, register\n"
        "register()\n"
        "try:\n"
        f"    cli.main(args=['--db', {str(db)!r}, 'report', 'batch', '--tax-year', '{year}',"
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


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def main(argv: list[str] | None = None) -> None:
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
        "--workdir",
        type=Path,
        default=None,
        help="keep the generated files and ledgers here (default: a temp dir)",
    )
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="roth-ledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    files, tenth_files = work / "ledger", work / "ledger-10pct"
    db, tenth_db, raw_db = work / "firm.db", work / "firm-10pct.db", work / "raw.db"
    for path in (files, tenth_files, db, tenth_db, raw_db):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for suffix in ("-wal", "-shm"):
        for path in (db, tenth_db, raw_db):
            Path(str(path) + suffix).unlink(missing_ok=True)

    line("machine", machine())
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
    imports, inserts = [], []
    for r in range(args.repeat):  # alternated; the best of each (the least disturbed run)
        target = db if r == 0 else work / f"firm-again-{r}.db"
        settle()
        imports.append(run(cli + ["--db", str(target), "import", str(files)]))
        if target != db:
            remove_db(target)
        remove_db(raw_db)
        settle()
        inserts.append(raw_insert(db, raw_db))
    import_s, insert_s = min(imports), min(inserts)
    events = sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()[0]
    line("events", events)
    line("import_runs_s", ", ".join(f"{t:.3f}" for t in imports))
    line("import_s", import_s)
    line("import_events_per_s", round(events / import_s))
    line("raw_insert_runs_s", ", ".join(f"{t:.3f}" for t in inserts))
    line("raw_insert_s", insert_s)
    line("raw_insert_events_per_s", round(events / insert_s))

    scans, rebuilds = [], []
    for _ in range(args.repeat):
        scan_s, scanned = raw_scan(db)
        assert scanned == events
        scans.append(scan_s)
        rebuild_s, people, jobs = rebuild(db, args.tax_year)
        rebuilds.append(rebuild_s)
    scan_s, rebuild_s = min(scans), min(rebuilds)
    line("raw_scan_runs_s", ", ".join(f"{t:.3f}" for t in scans))
    line("raw_scan_s", scan_s)
    line("rebuild_jobs", jobs)
    line("rebuild_runs_s", ", ".join(f"{t:.3f}" for t in rebuilds))
    line("rebuild_s", rebuild_s)
    line("rebuild_people", people)
    line("rebuild_events_per_s", round(events / rebuild_s))

    targets = withdrawal_targets(ledgers, 50)
    del ledgers  # the parent stays small while its children are measured
    report_ms = household_reports(db, targets)

    household_id, person, year = targets[0]
    report = cli + [
        "--db",
        str(db),
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

    run(cli + ["--db", str(tenth_db), "import", str(tenth_files)])
    rss_10 = peak_rss_mb(tenth_db, args.tax_year)
    rss_100 = peak_rss_mb(db, args.tax_year)
    line("batch_rss_10_mb", rss_10)
    line("batch_rss_100_mb", rss_100)

    line("import_vs_raw_insert", import_s / insert_s)
    line("rebuild_vs_raw_scan", rebuild_s / scan_s)
    line("household_report_ms", report_ms)
    line("cli_vs_import_floor", cli_s / floor)
    line("batch_rss_growth", rss_100 / rss_10)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
