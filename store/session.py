"""A run's life in the store, written once for every flow: take the watch's lock, begin the
run, commit it, or record it failed with a one-line reason, and give the lock back.

A run that dies without a word (`kill -9`, power cut) stays `running` and is abandoned by the
next one; a run that raised has its reason recorded, so `runs` says why it stopped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from litwatch.core.errors import LitwatchError, StoreError
from litwatch.store.locks import STALE_AFTER, this_process
from litwatch.store.store import Store

# A reason is read in a listing of runs: one line, and not a whole response body.
REASON_LIMIT = 300

DateSpan = tuple[date, date] | tuple[None, None]


@dataclass
class HeldLock:
    """The watch's lock while a flow holds it; `refresh` keeps a long flow's lock from going stale."""

    store: Store
    watch: str
    owner: str

    def refresh(self, now: datetime) -> None:
        self.store.acquire_lock(self.watch, self.owner, now, stale_after=STALE_AFTER)


@dataclass
class RunSession:
    """One begun run; the flow sets `stats` (stored with the run when it commits)."""

    run_id: int
    stats: dict = field(default_factory=dict)


@contextmanager
def watch_lock(store: Store, watch: str, now: datetime) -> Iterator[HeldLock]:
    """Hold the watch's run lock for this process; RunLockedError if another run holds it."""
    held = HeldLock(store, watch, this_process())
    held.refresh(now)
    try:
        yield held
    finally:
        store.release_lock(watch, held.owner)


@contextmanager
def recorded_run(store: Store, watch: str, window: DateSpan, now: datetime) -> Iterator[RunSession]:
    """Begin a run over `window`; commit it (the watermark moves to the window's end) when the
    block ends, or record it failed with the exception's one-line reason and re-raise."""
    first, last = window
    session = RunSession(store.begin_run(watch, first, last, now))
    try:
        yield session
    except BaseException as error:
        _record_failure(store, session.run_id, error, now)
        raise
    store.finish_run(session.run_id, last, now, session.stats)


@contextmanager
def run_session(store: Store, watch: str, window: DateSpan, now: datetime) -> Iterator[RunSession]:
    """The whole skeleton of a one-run flow: lock, begin, commit or fail, release."""
    with watch_lock(store, watch, now), recorded_run(store, watch, window, now) as session:
        yield session


def failure_reason(error: BaseException) -> str:
    """The exception as one line: litwatch's own messages are written for the user; anything
    else is named by its type, since its message alone may not say what broke."""
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    text = " ".join(str(error).split())
    if not isinstance(error, LitwatchError):
        text = f"{type(error).__name__}: {text}" if text else type(error).__name__
    if len(text) > REASON_LIMIT:
        text = text[: REASON_LIMIT - 1] + "…"
    return text or type(error).__name__


def _record_failure(store: Store, run_id: int, error: BaseException, now: datetime) -> None:
    try:
        store.fail_run(run_id, failure_reason(error), now)
    except (StoreError, sqlite3.Error) as unrecorded:
        # The run's own error is what the user must see; the store's trouble rides along.
        error.add_note(f"litwatch: run {run_id} could not be marked failed: {unrecorded}")
