"""Pace requests to E-utilities: NCBI allows 3 requests a second per client (10 with an API key)
and answers HTTP 429 past that, so every Entrez request in every thread and every process on
this machine waits its turn here before it starts.

How it is shared: one `RateLimiter` per (base URL, keyed or not) per process, handed out by
`limiter_for`; inside a process a threading lock orders the threads, and across processes an
`fcntl.flock` on a small file holding the start time of the last request does. The file lives
in `$XDG_RUNTIME_DIR/litwatch` (else `<tmp>/litwatch-<uid>`), or in the folder passed in.
Times are `time.monotonic()`, which on Linux and macOS is one clock for the whole machine.

Why the slack: NCBI (and the stand-in) count request starts in a sliding one-second window.
Starts spaced exactly 1/rate apart put rate + 1 starts in a closed one-second window, and a
request reaches the server some milliseconds after its turn was granted, more when the
machine is busy. Spacing starts by (1 + slack)/rate makes any rate + 1 consecutive starts
span 1 s + `slack`, so a request may arrive up to `slack` late relative to the one `rate`
turns after it before the server sees too many. Loopback delays measured 1-3 ms on an idle
machine, yet with 40 ms of slack the stand-in still answered 429 now and then while other
work loaded both cores; 100 ms (Biopython's own 0.37 s spacing at 3/s gives 110 ms) has not,
and costs 9 % of the allowed rate, cheap beside the one-second Retry-After of a 429.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_SLACK = 0.1  # seconds by which rate + 1 consecutive starts overshoot one second


class RateLimiter:
    """Grants request starts no closer together than (1 + slack)/rate seconds."""

    def __init__(self, rate: float, state_file: Path | None = None, slack: float = DEFAULT_SLACK):
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = rate
        self.interval = (1.0 + slack) / rate
        self.state_file = state_file
        self._thread_lock = threading.Lock()
        self._last_start = float("-inf")  # used when there is no state file

    def acquire(self) -> float:
        """Block until a request may start; record and return its start (monotonic seconds)."""
        # Threads of this process queue on the thread lock; processes queue on the file lock.
        with self._thread_lock:
            if self.state_file is None:
                self._last_start = self._wait_after(self._last_start)
                return self._last_start
            with open(self.state_file, "a+b") as state:
                fcntl.flock(state, fcntl.LOCK_EX)
                try:
                    state.seek(0)
                    start = self._wait_after(_parse_start(state.read()))
                    state.seek(0)
                    state.truncate()
                    state.write(repr(start).encode())
                    state.flush()
                    return start
                finally:
                    fcntl.flock(state, fcntl.LOCK_UN)

    def _wait_after(self, last_start: float) -> float:
        # Sleep while holding the locks, then read the clock: the recorded start is when the
        # request really may go, not when its turn was promised, so oversleeping never
        # squeezes two starts closer than the interval.
        now = time.monotonic()
        if last_start > now:  # written under another boot's clock: not a real recent start
            last_start = float("-inf")
        wait = last_start + self.interval - now
        if wait > 0:
            time.sleep(wait)
        return time.monotonic()


def _parse_start(text: bytes) -> float:
    try:
        return float(text)
    except ValueError:  # a new, empty file
        return float("-inf")


_limiters: dict[tuple[str, bool, float, Path | None], RateLimiter] = {}
_limiters_lock = threading.Lock()


def limiter_for(
    base_url: str, keyed: bool, rate: float, state_dir: Path | None = None
) -> RateLimiter:
    """The process-wide limiter for one E-utilities server and key-or-not, shared across processes."""
    folder = state_dir if state_dir is not None else default_state_dir()
    state_file = _state_file(folder, base_url, keyed)
    with _limiters_lock:
        key = (base_url, keyed, rate, state_file)
        if key not in _limiters:
            _limiters[key] = RateLimiter(rate, state_file)
        return _limiters[key]


def default_state_dir() -> Path:
    """Where the shared pace files live: the user's runtime folder, else a private tmp folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "litwatch"
    return Path(tempfile.gettempdir()) / f"litwatch-{os.getuid()}"


def _state_file(folder: Path, base_url: str, keyed: bool) -> Path | None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        log.warning("pace file folder %s unusable (%s): pacing this process only", folder, error)
        return None
    digest = hashlib.sha256(f"{base_url}|{'key' if keyed else 'nokey'}".encode()).hexdigest()
    return folder / f"entrez-{digest[:16]}.pace"
