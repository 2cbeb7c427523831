"""The per-watch run lock: one row per watch, taken in an IMMEDIATE transaction so it holds across processes."""

from __future__ import annotations

import os
import socket
import sqlite3
from datetime import datetime, timedelta

from litwatch.core.errors import RunLockedError
from litwatch.core.files import process_alive
from litwatch.store.db import datetime_from_iso, iso, transaction

# How long a run may hold its watch's lock before another run presumes it dead and takes over
# (a run whose process is known to be gone is taken over at once, see `_owner_gone`).
STALE_AFTER = timedelta(hours=6)


def this_process() -> str:
    """This process as a lock owner: "host:pid", the form `_owner_gone` can check."""
    return f"{socket.gethostname()}:{os.getpid()}"


class RunLocks:
    """Store methods over the run lock (mixed into `Store`)."""

    _conn: sqlite3.Connection

    def acquire_lock(self, watch: str, owner: str, now: datetime, stale_after: timedelta) -> None:
        """Take the watch's lock, or refresh it if `owner` holds it; a lock older than `stale_after`,
        or held by a process of this host that no longer exists (killed), is taken over.

        Raises RunLockedError naming the run and owner that hold it.
        """
        with transaction(self._conn) as conn:
            held = conn.execute(
                "SELECT owner, acquired_at FROM run_locks WHERE watch = ?", (watch,)
            ).fetchone()
            if held is not None and held["owner"] != owner:
                acquired_at = datetime_from_iso(held["acquired_at"])
                if now - acquired_at <= stale_after and not _owner_gone(held["owner"]):
                    raise RunLockedError(
                        _locked_message(conn, watch, held["owner"], acquired_at, stale_after)
                    )
            conn.execute(
                "INSERT INTO run_locks (watch, owner, acquired_at) VALUES (?, ?, ?)"
                " ON CONFLICT (watch) DO UPDATE SET"
                " owner = excluded.owner, acquired_at = excluded.acquired_at",
                (watch, owner, iso(now)),
            )

    def release_lock(self, watch: str, owner: str) -> bool:
        """Give the lock back; False if `owner` no longer holds it (another run took it over)."""
        with transaction(self._conn) as conn:
            cursor = conn.execute(
                "DELETE FROM run_locks WHERE watch = ? AND owner = ?", (watch, owner)
            )
        return cursor.rowcount == 1


def _owner_gone(owner: str) -> bool:
    """True when `owner` ("host:pid", as `this_process` names it) is a process of this host that
    has exited: a killed run must not block the next one (a resumed backfill) for `stale_after`."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    return not process_alive(int(pid))


def _locked_message(
    conn: sqlite3.Connection,
    watch: str,
    owner: str,
    acquired_at: datetime,
    stale_after: timedelta,
) -> str:
    run = conn.execute(
        "SELECT run_id, started_at FROM runs WHERE watch = ? AND status = 'running'"
        " ORDER BY run_id DESC LIMIT 1",
        (watch,),
    ).fetchone()
    if run is not None:
        holder = f"run {run['run_id']} started {_minute(datetime_from_iso(run['started_at']))} by {owner}"
    else:
        holder = f"locked {_minute(acquired_at)} by {owner}"
    return (
        f"watch {watch!r} is already running ({holder}); wait for it to finish, "
        f"or if that process is gone the lock is taken over after {_minute(acquired_at + stale_after)}"
    )


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
