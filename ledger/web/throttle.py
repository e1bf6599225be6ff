"""Failed sign-ins slow their sender down: per client address, in this server process.

Beside the per-user lock-out (:mod:`ledger.app.accounts`, in the database), which a
password sprayed over many names never trips, each address's failures in the last
:data:`WINDOW` seconds delay its next answer (``STEP`` seconds per failure beyond
:data:`FREE`, at most :data:`MAX_DELAY`; the wait is asynchronous, so it holds no worker
thread) and from :data:`BLOCK_AFTER` failures it is refused at once with 429, before any
password hash is computed (so failures cannot buy CPU either).
"""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW = 15 * 60
FREE = 3
STEP = 0.5
MAX_DELAY = 5.0
BLOCK_AFTER = 30


class Throttle:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        stamps = self._failures.setdefault(address, deque())
        while stamps and stamps[0] <= now - WINDOW:
            stamps.popleft()
        return stamps

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(address, now).append(now)
            if len(self._failures) > 100_000:  # forget the quiet ones first
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def delay(self, address: str, now: float | None = None) -> float:
        """Seconds to wait before answering this address."""
        now = time.monotonic() if now is None else now
        with self._lock:
            n = len(self._recent(address, now))
        return min(MAX_DELAY, max(0, n - FREE) * STEP)

    def blocked(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            return len(self._recent(address, now)) >= BLOCK_AFTER
