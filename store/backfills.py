"""Backfill progress: which date slices of a watch's history are done, so a killed backfill resumes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from litwatch.store.db import iso, transaction


class Backfills:
    """Store methods over completed backfill slices (mixed into `Store`)."""

    _conn: sqlite3.Connection

    def complete_slice(
        self, watch: str, first: date, last: date, run_id: int, now: datetime, stats: dict
    ) -> None:
        """Remember that the slice `first`..`last` of the watch's history is stored and classified."""
        with transaction(self._conn) as conn:
            conn.execute(
                "INSERT INTO backfill_slices (watch, first_day, last_day, run_id, completed_at, stats)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (watch, first_day, last_day) DO UPDATE SET"
                " run_id = excluded.run_id, completed_at = excluded.completed_at,"
                " stats = excluded.stats",
                (watch, iso(first), iso(last), run_id, iso(now), json.dumps(stats, default=str)),
            )

    def completed_slices(self, watch: str) -> list[tuple[date, date]]:
        """The (first, last) days of every completed slice of the watch, oldest first."""
        rows = self._conn.execute(
            "SELECT first_day, last_day FROM backfill_slices WHERE watch = ? ORDER BY first_day",
            (watch,),
        )
        return [
            (date.fromisoformat(row["first_day"]), date.fromisoformat(row["last_day"]))
            for row in rows
        ]
