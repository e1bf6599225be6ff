"""Command modules; importing this package registers every command on ``cli.main.cli``."""
from importlib import import_module

for _name in ("ledger_cmds", "report_cmds", "db_cmds", "plan_cmds", "forms_cmds", "batch_cmds"):
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a module not written yet
        if exc.name != f"{__name__}.{_name}":
            raise
