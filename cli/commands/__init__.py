"""Command modules; each registers its commands on ``cli.main.cli`` when imported.

A run loads only the modules of the command it names (:data:`COMMAND_MODULES`); ``--help``
and an unknown name load them all (:func:`load`). A test checks the table against what
the modules register.
"""

from __future__ import annotations

from importlib import import_module

MODULES = (
    "ledger_cmds",
    "report_cmds",
    "db_cmds",
    "plan_cmds",
    "forms_cmds",
    "batch_cmds",
    "web_cmds",
)

#: each top-level command and the modules that define it or add subcommands to it
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "import": ("ledger_cmds",),
    "export": ("ledger_cmds",),
    "record": ("ledger_cmds", "forms_cmds"),
    "void": ("ledger_cmds",),
    "households": ("ledger_cmds",),
    "events": ("ledger_cmds",),
    "report": ("report_cmds", "batch_cmds"),
    "plan": ("plan_cmds",),
    "db": ("db_cmds",),
    "verify": ("db_cmds",),
    "heads": ("db_cmds",),
    "serve": ("web_cmds",),
    "user": ("web_cmds",),
}


def load(names: tuple[str, ...] | None = None) -> None:
    """Import the named command modules (None: all of them)."""
    for name in MODULES if names is None else names:
        import_module(f"{__name__}.{name}")
