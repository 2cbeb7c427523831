"""Pending-for-digest bookkeeping: every new or revised version is reported by exactly one digest.

A digest is recorded (its items attached) before its e-mail is built, its delivery attempt
is noted before the SMTP conversation starts, and it is marked delivered after. A crash before
the attempt sends the same digest later rather than building another; a crash during it
leaves the attempt behind, and the digest is not sent again (at most once, RELIABILITY.md).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from litwatch.core.digest import DigestLog
from litwatch.core.errors import StoreError
from litwatch.core.records import Record
from litwatch.store.changes import describe_changes
from litwatch.store.db import datetime_from_iso, iso, transaction
from litwatch.store.records import decode_record


@dataclass(frozen=True)
class PendingChange:
    """A record version a watch has seen and no digest has reported yet."""

    watch: str
    pmid: str
    store_version: int
    kind: Literal["new", "revised"]
    record: Record
    first_seen: datetime
    run_id: int | None
    previous_version: int | None = None
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """One channel's delivery of a digest."""

    channel: str
    message_id: str
    delivered_at: datetime


@dataclass(frozen=True)
class DigestEntry:
    """A recorded digest: its key, the (pmid, store_version) items it settled, and its deliveries."""

    digest_key: str
    watch: str
    created_at: datetime
    items: tuple[tuple[str, int], ...]
    payload: dict | None = None
    deliveries: tuple[Delivery, ...] = ()
    attempt: Delivery | None = None  # a send that began and was never settled (the run died)

    @property
    def delivered(self) -> bool:
        return bool(self.deliveries)


class Digests:
    """Store methods over pending changes, digests and deliveries (mixed into `Store`)."""

    _conn: sqlite3.Connection

    def pending_changes(self, watch: str) -> list[PendingChange]:
        """What no digest has reported yet, one change per record, in the order first seen.

        Two versions of one record pending together (two imports, or runs that stored them and
        failed before their digest) are one change: the newest version, new if the watch never
        reported the record, else revised from the version last reported. Recording a digest of
        it settles the older pending versions too.
        """
        rows = self._conn.execute(
            """
            SELECT w.*, v.record, first.kind AS first_kind,
                   first.previous_version AS first_previous, first.first_seen AS first_sight
            FROM (SELECT pmid, MIN(store_version) AS oldest, MAX(store_version) AS newest
                  FROM watch_records WHERE watch = ? AND digest_id IS NULL GROUP BY pmid) p
            JOIN watch_records w
              ON w.watch = ? AND w.pmid = p.pmid AND w.store_version = p.newest
            JOIN watch_records first
              ON first.watch = w.watch AND first.pmid = p.pmid AND first.store_version = p.oldest
            JOIN record_versions v ON v.pmid = w.pmid AND v.store_version = w.store_version
            ORDER BY first.rowid
            """,
            (watch, watch),
        ).fetchall()
        return [self._pending(row) for row in rows]

    def _pending(self, row: sqlite3.Row) -> PendingChange:
        record = decode_record(row["record"])
        change = PendingChange(
            watch=row["watch"],
            pmid=row["pmid"],
            store_version=row["store_version"],
            kind=row["kind"],
            record=record,
            first_seen=datetime_from_iso(row["first_sight"]),
            run_id=row["run_id"],
            previous_version=row["previous_version"],
            changes=tuple(json.loads(row["changes"])),
        )
        if row["first_kind"] == "new":
            return replace(change, kind="new", previous_version=None, changes=())
        if row["first_previous"] == row["previous_version"]:
            return change  # one pending version: its own changes say it
        reported = self._conn.execute(
            "SELECT record FROM record_versions WHERE pmid = ? AND store_version = ?",
            (row["pmid"], row["first_previous"]),
        ).fetchone()
        return replace(
            change,
            previous_version=row["first_previous"],
            changes=describe_changes(decode_record(reported["record"]), record),
        )

    def record_digest(
        self,
        watch: str,
        digest_key: str,
        items: Iterable[tuple[str, int]],
        now: datetime,
        payload: dict | None = None,
        log: DigestLog | None = None,
        statements: list | None = None,
    ) -> DigestEntry:
        """Record a digest settling `items`, in one transaction; recording a key again returns the first.

        Settling (pmid, v) also settles that record's earlier pending versions for the watch:
        the digest reports the newer version, and the older must not wait for a later digest.
        Its `log` (what the change log prints) and `statements` (the marks of the statements
        its summary shows, JSON shaped by outputs/) are kept beside it, in the same transaction.
        """
        with transaction(self._conn) as conn:
            existing = _digest_row(conn, digest_key)
            if existing is not None:
                if existing["watch"] != watch:
                    raise StoreError(
                        f"digest key {digest_key!r} already belongs to watch {existing['watch']!r}"
                    )
                return _entry(conn, existing)
            digest_id = conn.execute(
                "INSERT INTO digests (digest_key, watch, created_at, payload) VALUES (?, ?, ?, ?)",
                (
                    digest_key,
                    watch,
                    iso(now),
                    None
                    if payload is None
                    else json.dumps(payload, ensure_ascii=False, default=str),
                ),
            ).lastrowid
            if log is not None:
                conn.execute(
                    "INSERT INTO digest_logs (digest_id, watch, log, statements)"
                    " VALUES (?, ?, ?, ?)",
                    (
                        digest_id,
                        watch,
                        json.dumps(log.to_dict(), ensure_ascii=False),
                        None if statements is None else json.dumps(statements, ensure_ascii=False),
                    ),
                )
            for pmid, store_version in items:
                settled = conn.execute(
                    "UPDATE watch_records SET digest_id = ? WHERE watch = ? AND pmid = ?"
                    " AND store_version = ? AND (digest_id IS NULL OR digest_id = ?)",
                    (digest_id, watch, pmid, store_version, digest_id),
                )
                if settled.rowcount != 1:
                    raise StoreError(_not_pending(conn, watch, pmid, store_version))
                conn.execute(
                    "UPDATE watch_records SET digest_id = ? WHERE watch = ? AND pmid = ?"
                    " AND store_version < ? AND digest_id IS NULL",
                    (digest_id, watch, pmid, store_version),
                )
            row = _digest_row(conn, digest_key)
            assert row is not None  # recorded above, in this transaction
            return _entry(conn, row)

    def digest(self, digest_key: str) -> DigestEntry | None:
        """The digest recorded under the key, or None."""
        row = _digest_row(self._conn, digest_key)
        return _entry(self._conn, row) if row else None

    def last_digest_at(self, watch: str) -> datetime | None:
        """When the watch's newest digest was recorded, if it has one."""
        row = self._conn.execute(
            "SELECT created_at FROM digests WHERE watch = ? ORDER BY digest_id DESC LIMIT 1",
            (watch,),
        ).fetchone()
        return datetime_from_iso(row["created_at"]) if row else None

    def digests(self, watch: str) -> list[DigestEntry]:
        """Every digest of the watch, oldest first."""
        rows = self._conn.execute(
            "SELECT * FROM digests WHERE watch = ? ORDER BY digest_id", (watch,)
        ).fetchall()
        return [_entry(self._conn, row) for row in rows]

    def digest_logs(self, watch: str) -> list[DigestLog]:
        """The log of every digest of the watch, oldest first: what the change log reads, in one
        query over small rows, never a digest's payload."""
        rows = self._conn.execute(
            "SELECT log FROM digest_logs WHERE watch = ? ORDER BY digest_id", (watch,)
        )
        return [DigestLog.from_dict(json.loads(row["log"])) for row in rows]

    def statement_marks(self, watch: str) -> list | None:
        """The statement marks kept with the watch's latest digest: what its summary showed,
        which the next digest compares with. [] when the watch has no digest yet; None when the
        latest was recorded without marks (by a litwatch that did not keep them)."""
        row = self._conn.execute(
            "SELECT l.statements FROM digests d LEFT JOIN digest_logs l USING (digest_id)"
            " WHERE d.watch = ? ORDER BY d.digest_id DESC LIMIT 1",
            (watch,),
        ).fetchone()
        if row is None:
            return []
        return None if row["statements"] is None else json.loads(row["statements"])

    def mark_delivered(self, digest_key: str, now: datetime, channel: str, message_id: str) -> None:
        """Note that the digest went out on `channel` (settling any open attempt); marking the
        same channel again keeps the first."""
        with transaction(self._conn) as conn:
            row = _digest_row(conn, digest_key)
            if row is None:
                raise StoreError(f"cannot mark digest {digest_key!r} delivered: no such digest")
            conn.execute(
                "INSERT INTO deliveries (digest_id, channel, message_id, delivered_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (digest_id, channel) DO NOTHING",
                (row["digest_id"], channel, message_id, iso(now)),
            )
            conn.execute("DELETE FROM delivery_attempts WHERE digest_id = ?", (row["digest_id"],))

    def begin_delivery(self, digest_key: str, now: datetime, channel: str, message_id: str) -> None:
        """Note, before sending, that the digest is about to go out: committed before any SMTP byte."""
        with transaction(self._conn) as conn:
            row = _digest_row(conn, digest_key)
            if row is None:
                raise StoreError(f"cannot send digest {digest_key!r}: no such digest")
            conn.execute(
                "INSERT INTO delivery_attempts (digest_id, channel, message_id, started_at)"
                " VALUES (?, ?, ?, ?)",
                (row["digest_id"], channel, message_id, iso(now)),
            )

    def abort_delivery(self, digest_key: str) -> None:
        """Forget the attempt of a send the server refused outright: the next run sends it again."""
        with transaction(self._conn) as conn:
            conn.execute(
                "DELETE FROM delivery_attempts WHERE digest_id ="
                " (SELECT digest_id FROM digests WHERE digest_key = ?)",
                (digest_key,),
            )

    def undelivered_digests(self, watch: str) -> list[DigestEntry]:
        """Digests recorded but never delivered (a crash between recording and sending), oldest first."""
        rows = self._conn.execute(
            "SELECT * FROM digests d WHERE watch = ? AND NOT EXISTS"
            " (SELECT 1 FROM deliveries WHERE digest_id = d.digest_id) ORDER BY digest_id",
            (watch,),
        ).fetchall()
        return [_entry(self._conn, row) for row in rows]

    def digested_pmids(self, watch: str) -> set[str]:
        """PMIDs some digest of the watch has already reported: the records readers know about."""
        rows = self._conn.execute(
            "SELECT DISTINCT pmid FROM watch_records WHERE watch = ? AND digest_id IS NOT NULL",
            (watch,),
        )
        return {row["pmid"] for row in rows}


def _digest_row(conn: sqlite3.Connection, digest_key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM digests WHERE digest_key = ?", (digest_key,)).fetchone()


def _entry(conn: sqlite3.Connection, row: sqlite3.Row) -> DigestEntry:
    items = conn.execute(
        "SELECT pmid, store_version FROM watch_records WHERE digest_id = ? ORDER BY rowid",
        (row["digest_id"],),
    )
    deliveries = conn.execute(
        "SELECT channel, message_id, delivered_at FROM deliveries WHERE digest_id = ?"
        " ORDER BY delivered_at, channel",
        (row["digest_id"],),
    )
    attempt = conn.execute(
        "SELECT channel, message_id, started_at FROM delivery_attempts WHERE digest_id = ?",
        (row["digest_id"],),
    ).fetchone()
    return DigestEntry(
        digest_key=row["digest_key"],
        watch=row["watch"],
        created_at=datetime_from_iso(row["created_at"]),
        items=tuple((item["pmid"], item["store_version"]) for item in items),
        payload=json.loads(row["payload"]) if row["payload"] is not None else None,
        deliveries=tuple(
            Delivery(d["channel"], d["message_id"], datetime_from_iso(d["delivered_at"]))
            for d in deliveries
        ),
        attempt=Delivery(
            attempt["channel"], attempt["message_id"], datetime_from_iso(attempt["started_at"])
        )
        if attempt
        else None,
    )


def _not_pending(conn: sqlite3.Connection, watch: str, pmid: str, store_version: int) -> str:
    row = conn.execute(
        "SELECT d.digest_key FROM watch_records w LEFT JOIN digests d USING (digest_id)"
        " WHERE w.watch = ? AND w.pmid = ? AND w.store_version = ?",
        (watch, pmid, store_version),
    ).fetchone()
    if row is None:
        return f"PMID {pmid} version {store_version} was never seen by watch {watch!r}"
    return (
        f"PMID {pmid} version {store_version} of watch {watch!r} "
        f"is already in digest {row['digest_key']!r}"
    )
