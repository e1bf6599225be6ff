"""Alembic environment for roth-ledger (imports only the store's metadata).

Two ways in:

* programmatically (``roth-ledger db upgrade``, automatic upgrade on open, also from an
  installed wheel): ``ledger.store.migrate`` builds the ``Config`` in code and passes an
  open connection in ``config.attributes["connection"]``; that connection's transaction
  is used as-is.
* the ``alembic`` command line in a checkout: the URL comes from ``-x db=URL``, else
  ``$ROTH_LEDGER_DB``, else ``sqlalchemy.url`` in ``alembic.ini``; a plain path is a
  SQLite file.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

from ledger.store.models import METADATA

config = context.config
target_metadata = METADATA

if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _cli_url() -> str:
    url = (
        context.get_x_argument(as_dictionary=True).get("db")
        or os.environ.get("ROTH_LEDGER_DB")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise SystemExit("no database: pass -x db=URL or set ROTH_LEDGER_DB")
    if "://" not in url:
        url = "sqlite:///" + os.path.expanduser(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def run_offline() -> None:
    context.configure(url=_cli_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_cli_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
