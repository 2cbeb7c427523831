"""Pace requests to E-utilities: NCBI allows 3 requests a second per client (10 with an API key)
and answers HTTP 429 past that, so every Entrez request in every thread and every process on
this machine waits its turn here before it starts.

How it is shared: one `RateLimiter` per (base URL, keyed or not) per process, handed out by
`limiter_for`; inside a process a threading lock orders the threads, and across processes an
`fcntl.flock` on a small file holding the start time of the last request does. The file lives
in `$XDG_RUNTIME_DIR/litwatch` (else `<tmp>/litwatch-<uid>`), or in the folder passed in.
Times are `time.monotonic()`, which on Linux and macOS is one clock for the whole machine.

Why the care with that folder: `<tmp>/litwatch-<uid>` has a name anyone can guess, so another
local user may create it first and plant a symlink or hold a lock there. A folder that is a
symlink, not ours, or writable by others is refused for a private one (mkdtemp: this process
alone is paced then, with a warning), the pace file is opened without following a symlink, and
the wait for its lock is bounded.

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

import atexit
import fcntl
import hashlib
import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path

from litwatch.core.errors import EntrezError

log = logging.getLogger(__name__)

DEFAULT_SLACK = 0.1  # seconds by which rate + 1 consecutive starts overshoot one second
# A turn is held for at most one interval (a third of a second), so even dozens of processes
# queueing on one pace file pass within seconds; a lock held longer is stuck or hostile.
LOCK_WAIT_SECONDS = 30.0


class RateLimiter:
    """Grants request starts no closer together than (1 + slack)/rate seconds."""

    def __init__(
        self,
        rate: float,
        state_file: Path | None = None,
        slack: float = DEFAULT_SLACK,
        lock_wait: float = LOCK_WAIT_SECONDS,
    ):
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = rate
        self.interval = (1.0 + slack) / rate
        self.state_file = state_file
        self.lock_wait = lock_wait
        self._thread_lock = threading.Lock()
        self._last_start = float("-inf")  # used when there is no state file

    def acquire(self) -> float:
        """Block until a request may start; record and return its start (monotonic seconds)."""
        # Threads of this process queue on the thread lock; processes queue on the file lock.
        with self._thread_lock:
            if self.state_file is None:
                self._last_start = self._wait_after(self._last_start)
                return self._last_start
            with _open_pace_file(self.state_file) as state:
                self._lock(state)
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

    def _lock(self, state) -> None:
        """Take the pace file's lock, or EntrezError once `lock_wait` seconds have passed."""
        try:
            fcntl.flock(state, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        # A blocking flock, as the kernel queues waiters (polling with LOCK_NB let a process
        # that had just unlocked take the lock again before a waiter woke), in a helper thread,
        # since flock itself has no timeout. Its descriptor shares the lock with `state`: given
        # up on, the thread's close after the grant drops the lock with the last reference.
        granted = threading.Event()
        waiter = os.dup(state.fileno())

        def wait_for_lock() -> None:
            try:
                fcntl.flock(waiter, fcntl.LOCK_EX)
                granted.set()
            finally:
                os.close(waiter)

        threading.Thread(target=wait_for_lock, name="pace-file-lock", daemon=True).start()
        if not granted.wait(self.lock_wait):
            raise EntrezError(
                f"pace file {self.state_file} stayed locked for {self.lock_wait:g} s "
                "(a stuck litwatch process, or another user's?); not waiting longer"
            )

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


def pace_file_name(base_url: str, keyed: bool) -> str:
    """The pace file's name for one E-utilities server, keyed or not."""
    digest = hashlib.sha256(f"{base_url}|{'key' if keyed else 'nokey'}".encode()).hexdigest()
    return f"entrez-{digest[:16]}.pace"


def _state_file(folder: Path, base_url: str, keyed: bool) -> Path | None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        problem = _unsafe_folder(folder)
    except OSError as error:
        problem = error.strerror or str(error)
    if problem:
        private = _private_folder(folder, problem)
        if private is None:
            return None
        folder = private
    return folder / pace_file_name(base_url, keyed)


# One private folder per refused folder, for the life of the process (removed when it exits):
# every limiter of this process then still shares one pace file (and one warning is enough).
_private_folders: dict[Path, Path] = {}


def _private_folder(refused: Path, problem: str) -> Path | None:
    with _limiters_lock:
        if refused not in _private_folders:
            try:
                private = Path(tempfile.mkdtemp(prefix=f"litwatch-{os.getuid()}-"))
            except OSError as error:
                log.warning("pace file folder %s %s: pacing this process only", refused, problem)
                log.debug("no private folder either: %s", error)
                return None
            log.warning(
                "pace file folder %s %s: using %s, so this process is paced alone",
                refused,
                problem,
                private,
            )
            _private_folders[refused] = private
            # Its pace file paces this process alone: nothing else needs it once we exit.
            atexit.register(shutil.rmtree, private, ignore_errors=True)
        return _private_folders[refused]


def _unsafe_folder(folder: Path) -> str | None:
    """Why `folder` may not hold the pace file (another user could redirect or block it), or None."""
    status = os.lstat(folder)
    if stat.S_ISLNK(status.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(status.st_mode):
        return "is not a folder"
    if status.st_uid != os.getuid():
        return f"belongs to another user (uid {status.st_uid})"
    if status.st_mode & 0o022:
        return f"is writable by others (mode {stat.S_IMODE(status.st_mode):o})"
    return None


def _open_pace_file(path: Path):
    """The pace file opened for reading and writing, created private if new; never through a
    symlink, and only if it is a plain file of ours."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as error:
        raise EntrezError(f"pace file {path} cannot be opened ({error.strerror})") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode) or status.st_uid != os.getuid():
        os.close(descriptor)
        raise EntrezError(f"pace file {path} is not a plain file of this user; not used")
    if stat.S_IMODE(status.st_mode) != 0o600:
        os.fchmod(descriptor, 0o600)  # one made before pace files were private: no one else's lock
    return os.fdopen(descriptor, "r+b")
