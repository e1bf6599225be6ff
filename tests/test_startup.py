"""What a command costs before and after its work: the libraries it loads, and its exit.

The store writes its own SQL, so no command needs SQLModel (pydantic, SQLAlchemy's ORM);
a new ledger's schema comes from the recorded DDL, so none needs Alembic; the web desk's
libraries only ``serve`` and ``user``. Run as the program, the command leaves with every
object frozen (``cli.main.main``: no last collection of the libraries' objects), having
written and closed all it writes.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "ledger" / "examples" / "astra-2022.yaml"

#: loaded by no command but those of the web desk (and `db upgrade` of an older ledger)
#: (the event commands run on the store's own connection layer, ledger.store.dbapi: no
#: SQLAlchemy at all, about half of a command's fixed cost)
HEAVY = ("sqlalchemy", "alembic", "sqlmodel", "pydantic", "starlette", "jinja2", "uvicorn")

#: runs the program as the console script does, then says what was loaded and whether
#: the objects were frozen, from an atexit handler (after main's sys.exit)
PROGRAM = """
import atexit, gc, json, sys
heavy = {heavy!r}
def say():
    loaded = sorted(m for m in heavy if m in sys.modules)
    with open({out!r}, "w") as f:
        said = {{"loaded": loaded, "frozen": gc.get_freeze_count() > 0}}
        json.dump({{**said, "threshold": gc.get_threshold()}}, f)
atexit.register(say)
sys.argv = ["roth-ledger", *{args!r}]
from cli.main import main
main({argv})
"""


def program(
    tmp_path: Path, *args: str, in_process: bool = False, heavy: tuple[str, ...] = HEAVY
) -> dict:
    out = tmp_path / "said.json"
    code = PROGRAM.format(
        heavy=heavy, out=str(out), args=list(args), argv=repr(list(args)) if in_process else ""
    )
    env = {**os.environ, "ROTH_LEDGER_USER": "tester"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


@pytest.fixture
def ledger(tmp_path) -> str:
    return str(tmp_path / "ledger.db")


def test_import_into_a_new_ledger_loads_no_heavy_library(tmp_path, ledger):
    said = program(tmp_path, "--db", ledger, "import", str(EXAMPLE))
    assert said["loaded"] == [] and said["frozen"]
    with sqlite3.connect(ledger) as conn:  # written, committed and readable
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (12,)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"],
        ["report", "batch", "--tax-year", "2022", "--format", "json"],
        ["verify"],
        ["events", "-H", "astra"],
        ["export", "-H", "astra"],
        ["households"],
        ["heads"],
        ["db", "current"],
        ["db", "backup", "-o", "{tmp}/copy.db"],
        ["record", "household", "--household", "bora", "--name", "Bora"],
    ],
)
def test_reading_commands_load_no_heavy_library(tmp_path, ledger, args):
    program(tmp_path, "--db", ledger, "import", str(EXAMPLE))
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    assert program(tmp_path, "--db", ledger, *args)["loaded"] == []


#: standard modules (and the restore) that only some paths of a command use, loaded there
SOME_PATHS = (
    "csv",
    "pickle",
    "getpass",
    "bz2",
    "lzma",
    "shlex",
    "ledger.app.restoring",
    "ledger.app.entry",  # record's event commands (made only when record is run)
)


def test_an_import_and_a_report_load_only_what_their_path_uses(tmp_path, ledger):
    """An import of a YAML file (its recorder named: ROTH_LEDGER_USER) asks no login
    name (getpass), reads no CSV, spools nothing (pickle: the parallel import), quotes no
    path for a message (shlex: a ledger to upgrade), restores no history and makes no
    ``record`` command (ledger.app.entry: their fields); a JSON
    report none of those, and draws no bar (shutil, which loads bz2 and lzma; the import
    still loads it, through tempfile)."""
    said = program(tmp_path, "--db", ledger, "import", str(EXAMPLE), heavy=SOME_PATHS)
    assert said["loaded"] == ["bz2", "lzma"]  # tempfile (the spool's directory)
    report = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022", "--format", "json"]
    said = program(tmp_path, "--db", ledger, *report, heavy=SOME_PATHS)
    assert said["loaded"] == []


def test_restoring_a_backup_loads_no_heavy_library(tmp_path, ledger):
    program(tmp_path, "--db", ledger, "import", str(EXAMPLE))
    copy = str(tmp_path / "copy.db")
    assert program(tmp_path, "--db", ledger, "db", "backup", "-o", copy)["loaded"] == []
    again = str(tmp_path / "again.db")
    assert program(tmp_path, "--db", again, "db", "restore", copy)["loaded"] == []
    with sqlite3.connect(again) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (12,)


@pytest.mark.skipif(not os.environ.get("ROTH_LEDGER_TEST_PG"), reason="no PostgreSQL")
def test_postgresql_commands_load_no_sqlalchemy(tmp_path):
    """On PostgreSQL too: a new schema's import and a report, without SQLAlchemy."""
    import psycopg

    from ledger.store.dburl import make_url

    base = make_url(os.environ["ROTH_LEDGER_TEST_PG"])
    schema = f"t_startup_{os.getpid()}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = base.set(query={"options": f"-csearch_path={schema}"})
        db = url.render_as_string(hide_password=False)
        assert program(tmp_path, "--db", db, "import", str(EXAMPLE))["loaded"] == []
        report = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"]
        assert program(tmp_path, "--db", db, *report, "--format", "json")["loaded"] == []
        assert program(tmp_path, "--db", db, "verify")["loaded"] == []
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_a_report_written_to_a_file_is_whole(tmp_path, ledger):
    program(tmp_path, "--db", ledger, "import", str(EXAMPLE))
    target = tmp_path / "report.json"
    args = ["report", "withdrawals", "-H", "astra", "-p", "p", "-y", "2022"]
    said = program(tmp_path, "--db", ledger, *args, "--format", "json", "-o", str(target))
    assert said["frozen"]
    assert json.loads(target.read_text())  # complete JSON, closed before the exit


def test_only_the_program_freezes_its_objects(tmp_path, ledger):
    """``main(argv)`` in a process that goes on (a test, an embedding program) leaves the
    collector alone."""
    said = program(tmp_path, "--db", ledger, "import", str(EXAMPLE), in_process=True)
    assert said["frozen"] is False
    assert said["threshold"] == list(gc.get_threshold())  # the collector as it was


def test_the_program_s_start_up_is_not_collected_and_then_the_usual_collections_run(tmp_path):
    """Run as the program, a short command ends before the collector's first collection
    (:data:`cli.main.START_UP_OBJECTS` new objects); once that collection starts the usual
    thresholds are back."""
    from cli.main import START_UP_OBJECTS, collect_after_start_up

    said = program(tmp_path, "--help")
    assert said["threshold"] == [START_UP_OBJECTS, *gc.get_threshold()[1:]]
    usual, callbacks = gc.get_threshold(), list(gc.callbacks)
    try:
        collect_after_start_up()
        assert gc.get_threshold() == (START_UP_OBJECTS, *usual[1:])
        kept = [[] for _ in range(START_UP_OBJECTS // 2)]
        assert gc.get_threshold() == (START_UP_OBJECTS, *usual[1:])  # not yet collected
        kept += [[] for _ in range(START_UP_OBJECTS)]
        assert gc.get_threshold() == usual and gc.callbacks == callbacks
        del kept
    finally:
        gc.set_threshold(*usual)
        gc.callbacks[:] = callbacks


#: modules every import or report loads whose dataclasses each carry a docstring of their
#: own: a dataclass without one has ``inspect.signature`` worked out and printed into its
#: ``__doc__`` when the class is made (~0.26 M instructions a class, every start-up)
DOCUMENTED = (
    "ledger.app.entry",
    "ledger.app.importing",
    "ledger.events",
    "ledger.ledgerfile.checks",
    "ledger.ledgerfile.history",
    "ledger.projections.excess",
    "ledger.projections.facts",
    "ledger.projections.person",
    "ledger.projections.state",
    "ledger.rules.excess",
    "ledger.rules.in_plan_rollover",
    "ledger.rules.ira_pro_rata",
    "ledger.rules.ordering",
    "ledger.rules.plan_split",
    "ledger.rules.policy",
    "ledger.rules.qualified",
    "ledger.rules.roth_distributions",
    "ledger.store.api",
)


def dataclasses_of(name: str) -> list[type]:
    """The dataclasses module ``name`` defines (at least one)."""
    import dataclasses
    import importlib

    module = importlib.import_module(name)
    classes = [
        c
        for c in vars(module).values()
        if isinstance(c, type) and c.__module__ == name and dataclasses.is_dataclass(c)
    ]
    assert classes
    return classes


@pytest.mark.parametrize("name", DOCUMENTED)
def test_the_start_up_s_dataclasses_carry_their_own_docstrings(name):
    undocumented = [
        c.__name__
        for c in dataclasses_of(name)
        if (c.__doc__ or c.__name__ + "(").startswith(c.__name__ + "(")
    ]
    assert undocumented == []


#: modules every import or report loads whose dataclasses are made by
#: ``ledger.dataclass.dataclass``: their ``__repr__``, ``__eq__`` and ``__hash__`` (and a
#: frozen class's ``__setattr__``/``__delattr__``) are not generated source compiled as
#: the class is made (~1.6 M instructions a class, ~1.25 M more a frozen one, every
#: start-up; tests/test_dataclass.py holds the classes to what ``dataclasses`` makes)
CHEAP = (
    *DOCUMENTED,
    "ledger.errors",
    "ledger.ledgerfile.fast",
    "ledger.ledgerfile.read",
    "ledger.ledgerfile.validate",
    "ledger.money",
    "ledger.rules.exceptions",
    "ledger.rules.ira_exclusions",
    "ledger.rules.rollovers",
    "ledger.store.keyed",
    "ledger.yearly",
)


def compiled_source(fn: object) -> bool:
    """``fn`` was compiled from generated source (``dataclasses``' repr wraps that one)."""
    code = getattr(getattr(fn, "__wrapped__", fn), "__code__", None)
    return code is not None and code.co_filename == "<string>"


@pytest.mark.parametrize("name", CHEAP)
def test_the_start_up_s_dataclasses_compile_only_their_init(name):
    compiled = [
        f"{c.__name__}.{method}"
        for c in dataclasses_of(name)
        for method in ("__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
        if compiled_source(vars(c).get(method))
    ]
    assert compiled == []
