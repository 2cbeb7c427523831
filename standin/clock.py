"""The stand-in's simulated "now": what PubMed holds depends on it, and tests or a demo move it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

# The times the clock may show: PubMed's oldest entrez dates are 18th-century, and date
# arithmetic near year 1 or 9999 would overflow in the E-utilities' reldate and history code.
EARLIEST = datetime(1700, 1, 1)
LATEST = datetime(3000, 1, 1)


class Clock:
    """A settable, thread-safe simulated time (naive, understood as UTC like NCBI's dates)."""

    def __init__(self, now: datetime) -> None:
        self._now = _checked(now)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> None:
        """Move the simulated time to `now` (backwards too: tests replay a moment); a time
        outside EARLIEST..LATEST is a ValueError and leaves the clock where it was."""
        now = _checked(now)
        with self._lock:
            self._now = now

    def advance(self, step: timedelta) -> datetime:
        """Move the simulated time forward by `step`; return the new time (ValueError, the clock
        unmoved, when that time falls outside EARLIEST..LATEST)."""
        with self._lock:
            try:
                moved = self._now + step
            except OverflowError:
                raise ValueError(f"{step} from {self._now.isoformat()} is out of range") from None
            self._now = _checked(moved)
            return self._now


def _checked(now: datetime) -> datetime:
    """`now` as naive UTC, within the clock's range."""
    if now.tzinfo is not None:
        offset = now.utcoffset() or timedelta(0)
        now = now.replace(tzinfo=None)
        if not EARLIEST + offset <= now <= LATEST + offset:
            raise ValueError(_out_of_range(now))
        now -= offset
    if not EARLIEST <= now <= LATEST:
        raise ValueError(_out_of_range(now))
    return now


def _out_of_range(now: datetime) -> str:
    return f"{now.isoformat()} is outside {EARLIEST.year} to {LATEST.year}"
