"""The `Store`: litwatch's one SQLite file of record versions, runs, classifications and digests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from litwatch.core.errors import StoreError
from litwatch.store.backfills import Backfills
from litwatch.store.classifications import Classifications
from litwatch.store.db import connect, migrate, store_failure
from litwatch.store.digests import Digests
from litwatch.store.locks import RunLocks
from litwatch.store.records import RecordVersions
from litwatch.store.runs import Runs


@dataclass(frozen=True)
class WatchCounts:
    """How much the store holds for one watch, for summaries and `doctor`."""

    records: int  # distinct PMIDs
    versions: int  # (pmid, version) rows the watch has seen
    revised: int  # of those, versions that revised an earlier one
    pending: int  # versions no digest has reported yet
    digests: int
    undelivered: int
    runs: int


class Store(RecordVersions, Classifications, Runs, RunLocks, Digests, Backfills):
    """A store file; open with `Store.open(path)`, use as a context manager or `close()` it."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open the store at `path`, creating folders, file and schema as needed."""
        path = Path(path)
        conn = connect(path)
        try:
            migrate(conn)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(store_failure(path, error)) from error
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close()
        if isinstance(error, sqlite3.DatabaseError):
            # A damaged file or a full disk meets whatever query comes next: one line that names
            # the store, not SQLite's traceback. What was committed stays; the next run recovers.
            raise StoreError(store_failure(self.path, error)) from error

    def counts(self, watch: str) -> WatchCounts:
        """Record, version, pending, digest and run counts for one watch."""
        row = self._conn.execute(
            """
            SELECT
              (SELECT COUNT(DISTINCT pmid) FROM watch_records WHERE watch = :watch) AS records,
              (SELECT COUNT(*) FROM watch_records WHERE watch = :watch) AS versions,
              (SELECT COUNT(*) FROM watch_records WHERE watch = :watch AND kind = 'revised')
                AS revised,
              (SELECT COUNT(*) FROM watch_records WHERE watch = :watch AND digest_id IS NULL)
                AS pending,
              (SELECT COUNT(*) FROM digests WHERE watch = :watch) AS digests,
              (SELECT COUNT(*) FROM digests d WHERE watch = :watch AND NOT EXISTS
                 (SELECT 1 FROM deliveries WHERE digest_id = d.digest_id)) AS undelivered,
              (SELECT COUNT(*) FROM runs WHERE watch = :watch) AS runs
            """,
            {"watch": watch},
        ).fetchone()
        return WatchCounts(**dict(row))
