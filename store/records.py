"""Record versions in the store: every fetched version is kept, and each watch remembers which it has seen."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

from litwatch.core.crash import crash_point
from litwatch.core.records import Record
from litwatch.store.changes import describe_changes
from litwatch.store.db import datetime_from_iso, iso, transaction
from litwatch.store.runs import running_run

# "older": a version older than the one the watch has (an old export imported late), kept as
# history and never made current.
ChangeKind = Literal["new", "revised", "unchanged", "older"]


@dataclass(frozen=True)
class RecordChange:
    """What one upserted record meant for the watch that fetched it."""

    kind: ChangeKind
    pmid: str
    store_version: int
    previous_version: int | None = None  # for "revised": the version the watch saw before
    changes: tuple[str, ...] = ()  # for "revised": e.g. "status: Publisher → MEDLINE"


class RecordVersion(NamedTuple):
    """One stored version of a record."""

    store_version: int
    record: Record
    first_seen: datetime


class RecordVersions:
    """Store methods over record versions and watch membership (mixed into `Store`)."""

    _conn: sqlite3.Connection

    def upsert_records(
        self, run_id: int, watch: str, records: Iterable[Record], now: datetime
    ) -> list[RecordChange]:
        """Store every record not already held with the same content; say for each what it was."""
        with transaction(self._conn) as conn:
            running_run(conn, run_id, "store records in", watch)
            changes = [_upsert_one(conn, run_id, watch, record, now) for record in records]
            crash_point("store")  # rows written, transaction not committed
            return changes

    def latest_versions(self, watch: str) -> list[RecordVersion]:
        """Each record's newest version the watch has seen, with its store version, by PMID.

        One query, which reads and decodes those versions only, never the older ones.
        """
        rows = self._conn.execute(
            """
            SELECT v.store_version, v.record, v.first_seen FROM record_versions v
            JOIN (SELECT pmid, MAX(store_version) AS store_version
                  FROM watch_records WHERE watch = ? GROUP BY pmid) seen
              USING (pmid, store_version)
            ORDER BY CAST(v.pmid AS INTEGER), v.pmid
            """,
            (watch,),
        )
        return [_version(row) for row in rows]

    def latest_records(self, watch: str) -> list[Record]:
        """The newest version the watch has seen of each of its records, by PMID."""
        return [version.record for version in self.latest_versions(watch)]

    def record_versions(self, pmid: str) -> list[RecordVersion]:
        """Every stored version of one record, oldest first."""
        rows = self._conn.execute(
            "SELECT store_version, record, first_seen FROM record_versions"
            " WHERE pmid = ? ORDER BY store_version",
            (pmid,),
        )
        return [_version(row) for row in rows]

    def get_record(self, pmid: str, version: int | None = None) -> Record | None:
        """One stored version of a record (when `version` is None, the newest PubMed version,
        latest revised: an older one imported late is history, not the record), or None."""
        row = self._conn.execute(
            "SELECT record FROM record_versions WHERE pmid = ? AND store_version = COALESCE(?,"
            " (SELECT store_version FROM record_versions WHERE pmid = ?"
            "  ORDER BY pubmed_version DESC, json_extract(record, '$.revision_date') DESC,"
            "  store_version DESC LIMIT 1))",
            (pmid, version, pmid),
        ).fetchone()
        return decode_record(row["record"]) if row else None


def _upsert_one(
    conn: sqlite3.Connection, run_id: int, watch: str, record: Record, now: datetime
) -> RecordChange:
    content_hash = record.content_hash()
    seen = conn.execute(
        """
        SELECT w.store_version, v.content_hash, v.pubmed_version, v.record FROM watch_records w
        JOIN record_versions v USING (pmid, store_version)
        WHERE w.watch = ? AND w.pmid = ? ORDER BY w.store_version DESC LIMIT 1
        """,
        (watch, record.pmid),
    ).fetchone()
    if seen is not None and seen["content_hash"] == content_hash:
        return RecordChange("unchanged", record.pmid, seen["store_version"])
    if seen is not None and _is_older(record, seen["pubmed_version"], seen["record"]):
        return RecordChange("older", record.pmid, _keep_as_history(conn, run_id, record, now))

    seen_version = seen["store_version"] if seen is not None else 0
    # Another watch may already have stored this very content: share its version, unless
    # it is one this watch has moved past (a reverted record gets a fresh version).
    shared = conn.execute(
        "SELECT MAX(store_version) FROM record_versions"
        " WHERE pmid = ? AND content_hash = ? AND store_version > ?",
        (record.pmid, content_hash, seen_version),
    ).fetchone()[0]
    if shared is not None:
        store_version = shared
    else:
        store_version = _insert_version(conn, run_id, record, now)

    if seen is None:
        change = RecordChange("new", record.pmid, store_version)
    else:
        change = RecordChange(
            "revised",
            record.pmid,
            store_version,
            previous_version=seen["store_version"],
            changes=describe_changes(decode_record(seen["record"]), record),
        )
    conn.execute(
        "INSERT INTO watch_records (watch, pmid, store_version, kind, previous_version, changes,"
        " first_seen, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            watch,
            record.pmid,
            store_version,
            change.kind,
            change.previous_version,
            json.dumps(list(change.changes), ensure_ascii=False),
            iso(now),
            run_id,
        ),
    )
    return change


def _is_older(record: Record, seen_pubmed_version: int, seen_record: str) -> bool:
    """Whether `record` is an older copy than the version the watch has: a lower PubMed version,
    or the same one revised earlier (when both say when they were revised)."""
    if record.version != seen_pubmed_version:
        return record.version < seen_pubmed_version
    seen_revised = decode_record(seen_record).revision_date
    return bool(record.revision_date and seen_revised and record.revision_date < seen_revised)


def _keep_as_history(conn: sqlite3.Connection, run_id: int, record: Record, now: datetime) -> int:
    """Store an older version once, for the record's history, without the watch seeing it."""
    stored = conn.execute(
        "SELECT MAX(store_version) FROM record_versions WHERE pmid = ? AND content_hash = ?",
        (record.pmid, record.content_hash()),
    ).fetchone()[0]
    return stored if stored is not None else _insert_version(conn, run_id, record, now)


def _insert_version(conn: sqlite3.Connection, run_id: int, record: Record, now: datetime) -> int:
    newest = conn.execute(
        "SELECT MAX(store_version) FROM record_versions WHERE pmid = ?", (record.pmid,)
    ).fetchone()[0]
    store_version = (newest or 0) + 1
    conn.execute(
        "INSERT INTO record_versions (pmid, store_version, pubmed_version, content_hash,"
        " status, publication_types, record, first_seen, first_run_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.pmid,
            store_version,
            record.version,
            record.content_hash(),
            record.status,
            json.dumps(list(record.publication_types)),
            json.dumps(record.to_dict(), ensure_ascii=False),
            iso(now),
            run_id,
        ),
    )
    return store_version


def _version(row: sqlite3.Row) -> RecordVersion:
    return RecordVersion(
        row["store_version"], decode_record(row["record"]), datetime_from_iso(row["first_seen"])
    )


def decode_record(text: str) -> Record:
    """A Record from its stored JSON."""
    return Record.from_dict(json.loads(text))
