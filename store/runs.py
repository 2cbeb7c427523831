"""Runs and watermarks: a watch's watermark moves only in the transaction that commits a run."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, TypeVar

from litwatch.core.errors import StoreError
from litwatch.store.db import date_from_iso, datetime_from_iso, iso, transaction

T = TypeVar("T")

RunStatus = Literal["running", "committed", "failed", "abandoned"]


@dataclass(frozen=True)
class RunInfo:
    """One run of one watch as the store remembers it."""

    run_id: int
    watch: str
    status: RunStatus
    started_at: datetime
    window_start: date | None = None  # Entrez dates: days (a timestamp given is kept as its day)
    window_end: date | None = None
    finished_at: datetime | None = None
    watermark: date | None = None
    stats: dict = field(default_factory=dict)
    error: str | None = None


class Runs:
    """Store methods over runs and per-watch watermarks (mixed into `Store`)."""

    _conn: sqlite3.Connection

    def begin_run(
        self,
        watch: str,
        window_start: date | None,
        window_end: date | None,
        now: datetime,
    ) -> int:
        """Start a run; any earlier run of the watch still 'running' died unfinished and is abandoned."""
        with transaction(self._conn) as conn:
            cursor = conn.execute(
                "INSERT INTO runs (watch, window_start, window_end, status, started_at)"
                " VALUES (?, ?, ?, 'running', ?)",
                (watch, iso(_day(window_start)), iso(_day(window_end)), iso(now)),
            )
            run_id = cursor.lastrowid
            assert run_id is not None  # an INSERT always sets it
            conn.execute(
                "UPDATE runs SET status = 'abandoned', finished_at = ?, error = ?"
                " WHERE watch = ? AND status = 'running' AND run_id != ?",
                (iso(now), f"never finished; abandoned when run {run_id} began", watch, run_id),
            )
        return run_id

    def finish_run(self, run_id: int, watermark: date | None, now: datetime, stats: dict) -> None:
        """Commit the run and, in the same transaction, move the watch's watermark forward
        (an import, which searched no window, passes None and leaves it alone)."""
        watermark = _day(watermark)
        with transaction(self._conn) as conn:
            run = running_run(conn, run_id, "commit")
            conn.execute(
                "UPDATE runs SET status = 'committed', finished_at = ?, watermark = ?, stats = ?"
                " WHERE run_id = ?",
                (iso(now), iso(watermark), json.dumps(stats, default=str), run_id),
            )
            current = conn.execute(
                "SELECT watermark FROM watermarks WHERE watch = ?", (run["watch"],)
            ).fetchone()
            # A backfill of an older window commits without pulling the watermark back.
            if watermark is not None and (
                current is None or watermark > date_from_iso(current["watermark"])
            ):
                conn.execute(
                    "INSERT INTO watermarks (watch, watermark, run_id) VALUES (?, ?, ?)"
                    " ON CONFLICT (watch) DO UPDATE SET"
                    " watermark = excluded.watermark, run_id = excluded.run_id",
                    (run["watch"], iso(watermark), run_id),
                )

    def fail_run(self, run_id: int, error: str, now: datetime) -> None:
        """Mark the run failed; its records stay stored and the watermark stays where it was."""
        with transaction(self._conn) as conn:
            running_run(conn, run_id, "fail")
            conn.execute(
                "UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE run_id = ?",
                (iso(now), error, run_id),
            )

    def watermark(self, watch: str) -> date | None:
        """The last day the watch's committed runs have searched through, or None."""
        row = self._conn.execute(
            "SELECT watermark FROM watermarks WHERE watch = ?", (watch,)
        ).fetchone()
        return date_from_iso(row["watermark"]) if row else None

    def runs(self, watch: str) -> list[RunInfo]:
        """Every run of the watch, oldest first."""
        rows = self._conn.execute("SELECT * FROM runs WHERE watch = ? ORDER BY run_id", (watch,))
        return [_run_info(row) for row in rows]

    def run(self, run_id: int) -> RunInfo | None:
        """One run, or None if there is no such run."""
        row = self._conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return _run_info(row) if row else None


def _day(moment: date | None) -> date | None:
    # A watermark is an Entrez date, which has no time of day: store a timestamp as its day.
    return moment.date() if isinstance(moment, datetime) else moment


def running_run(
    conn: sqlite3.Connection, run_id: int, action: str, watch: str | None = None
) -> sqlite3.Row:
    """The run's row if it is still running (and of `watch`, when given); otherwise StoreError."""
    row = conn.execute("SELECT watch, status FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    if row is None:
        raise StoreError(f"cannot {action} run {run_id}: no such run")
    if watch is not None and row["watch"] != watch:
        raise StoreError(
            f"cannot {action} run {run_id}: it is a run of watch {row['watch']!r}, not {watch!r}"
        )
    if row["status"] != "running":
        raise StoreError(
            f"cannot {action} run {run_id} of watch {row['watch']!r}: it is {row['status']}"
        )
    return row


def _run_info(row: sqlite3.Row) -> RunInfo:
    return RunInfo(
        run_id=row["run_id"],
        watch=row["watch"],
        status=row["status"],
        started_at=datetime_from_iso(row["started_at"]),
        window_start=_optional(date_from_iso, row["window_start"]),
        window_end=_optional(date_from_iso, row["window_end"]),
        finished_at=_optional(datetime_from_iso, row["finished_at"]),
        watermark=_optional(date_from_iso, row["watermark"]),
        stats=json.loads(row["stats"]) if row["stats"] else {},
        error=row["error"],
    )


def _optional(read: Callable[[str], T], text: str | None) -> T | None:
    return read(text) if text is not None else None
