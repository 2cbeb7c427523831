"""The stand-in's simulated "now": what PubMed holds depends on it, and tests or a demo move it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta


class Clock:
    """A settable, thread-safe simulated time (naive, understood as UTC like NCBI's dates)."""

    def __init__(self, now: datetime) -> None:
        self._now = now
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> None:
        """Move the simulated time to `now` (backwards too: tests replay a moment)."""
        if now.tzinfo is not None:
            now = now.replace(tzinfo=None) - (now.utcoffset() or timedelta(0))
        with self._lock:
            self._now = now

    def advance(self, step: timedelta) -> datetime:
        """Move the simulated time forward by `step`; return the new time."""
        with self._lock:
            self._now += step
            return self._now
