"""Running the web desk: uvicorn, one or several worker processes."""

from __future__ import annotations

import os


def serve(
    db: str | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    forwarded_allow_ips: str | None = None,
    log_level: str = "info",
) -> None:
    """Serve the ledger ``db`` until interrupted. Worker processes open the ledger
    themselves (``$ROTH_LEDGER_DB``); with ``forwarded_allow_ips`` (the TLS proxy's
    address) the proxy's X-Forwarded-Proto/-For are believed, so cookies get ``Secure``."""
    import secrets

    import uvicorn

    from .app import SECRET_ENV

    if db:
        os.environ["ROTH_LEDGER_DB"] = db
    os.environ.setdefault(SECRET_ENV, secrets.token_hex(32))  # one key for every worker
    uvicorn.run(
        "ledger.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips,
        log_level=log_level,
        server_header=False,
        limit_concurrency=200,
    )
