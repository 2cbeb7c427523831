"""Reviewers' decisions in the store: appended, never updated, each tied to the record version
and text it was made on; the checked values every output reads are derived from them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from litwatch.core.classification import Classification
from litwatch.core.review import (
    DECIDE,
    Decision,
    FieldState,
    ReviewError,
    ReviewMode,
    StaleDecisionError,
    apply_checked,
    field_states,
    machine_value,
    text_hash,
)
from litwatch.store.db import datetime_from_iso, iso, transaction
from litwatch.store.records import decode_record

_COLUMNS = (
    "decision_id, watch, pmid, store_version, text_hash, field, machine_value, model_version,"
    " reviewer_value, reviewer, decided_at, note, kind"
)


def _decision(row: sqlite3.Row) -> Decision:
    return Decision(**dict(row))


class Reviews:
    """Store methods over review decisions (mixed into `Store`)."""

    _conn: sqlite3.Connection

    def record_decision(
        self,
        watch: str,
        pmid: str,
        field: str,
        reviewer_value: str,
        reviewer: str,
        now: datetime,
        *,
        note: str = "",
        kind: str = DECIDE,
        seen: int | None = None,
        mode: ReviewMode = "single",
    ) -> int:
        """Append one decision on the newest version of `pmid` the watch has; returns its id.

        `seen` is the decision the reviewer's page showed as current for the field (0: none):
        when another has been saved since, the save is refused (StaleDecisionError), never lost
        silently. In dual review a reviewer's page shows only their own decisions."""
        with transaction(self._conn) as conn:
            if seen is not None:
                current = _visible_latest(conn, watch, pmid, field, reviewer, mode, kind)
                if (current["decision_id"] if current else 0) != seen:
                    said = (
                        f"set to {current['reviewer_value']!r} by {current['reviewer']}"
                        if current
                        else "changed"
                    )
                    raise StaleDecisionError(
                        f"PMID {pmid} {field} was {said} since you opened the page; nothing "
                        "was saved: reload to see it, then decide again"
                    )
            return _append(conn, watch, pmid, field, reviewer_value, reviewer, now, note, kind)

    def record_decisions(
        self,
        watch: str,
        decisions: Iterable[tuple[str, str, str, str, str]],
        now: datetime,
        mode: ReviewMode = "single",
    ) -> int:
        """Append (pmid, field, value, reviewer, note) decisions in one transaction: all or
        none. Returns how many."""
        count = 0
        with transaction(self._conn) as conn:
            for pmid, field, value, reviewer, note in decisions:
                _append(conn, watch, pmid, field, value, reviewer, now, note, DECIDE)
                count += 1
        return count

    def decisions(
        self, watch: str, pmid: str | None = None, reviewer: str | None = None
    ) -> list[Decision]:
        """The audit trail, oldest first: of one record, one reviewer, or the whole watch."""
        query = f"SELECT {_COLUMNS} FROM review_decisions WHERE watch = ?"
        params: list[str] = [watch]
        if pmid is not None:
            query += " AND pmid = ?"
            params.append(pmid)
        if reviewer is not None:
            query += " AND reviewer = ?"
            params.append(reviewer)
        rows = self._conn.execute(query + " ORDER BY decision_id", params)
        return [_decision(row) for row in rows]

    def review_states(
        self,
        watch: str,
        mode: ReviewMode,
        pmids: Iterable[str] | None = None,
        as_of: datetime | None = None,
    ) -> dict[str, dict[str, FieldState]]:
        """pmid -> field -> state, for every record with decisions (or these records), judged
        against the text of the newest version the watch has of each; with `as_of`, from the
        decisions made by then only."""
        by_pmid: dict[str, list[Decision]] = {}
        if pmids is None:
            decisions = self.decisions(watch)
        else:  # only these records' rows, in one statement however many
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM review_decisions WHERE watch = ?"
                " AND pmid IN (SELECT value FROM json_each(?)) ORDER BY decision_id",
                (watch, json.dumps(sorted(set(pmids)))),
            )
            decisions = [_decision(row) for row in rows]
        for decision in decisions:
            if as_of is not None and _moment(decision.decided_at) > _moment(iso(as_of) or ""):
                continue
            by_pmid.setdefault(decision.pmid, []).append(decision)
        if not by_pmid:
            return {}
        hashes = self._current_text_hashes(watch, by_pmid)
        return {
            pmid: field_states(rows, mode, hashes.get(pmid, "")) for pmid, rows in by_pmid.items()
        }

    def _current_text_hashes(self, watch: str, pmids: Iterable[str]) -> dict[str, str]:
        rows = self._conn.execute(
            """
            SELECT v.pmid, v.record FROM json_each(?) AS wanted
            JOIN (SELECT pmid, MAX(store_version) AS store_version FROM watch_records
                  WHERE watch = ? GROUP BY pmid) seen ON seen.pmid = wanted.value
            JOIN record_versions v USING (pmid, store_version)
            """,
            (json.dumps(sorted(pmids)), watch),
        )
        return {row["pmid"]: text_hash(decode_record(row["record"])) for row in rows}

    def checked_overlay(
        self,
        watch: str,
        classifications: dict[tuple[str, int], Classification],
        mode: ReviewMode,
        as_of: datetime | None = None,
    ) -> dict[tuple[str, int], Classification]:
        """The classifications with every checked value of the watch laid over them (those
        decided by `as_of`, when given)."""
        states = self.review_states(watch, mode, {pmid for pmid, _ in classifications}, as_of)
        if not states:
            return classifications
        result = dict(classifications)
        for (pmid, version), classification in classifications.items():
            checked = {
                field: state.checked
                for field, state in states.get(pmid, {}).items()
                if state.checked is not None
            }
            if checked:
                result[(pmid, version)] = apply_checked(classification, checked)
        return result


def _moment(text: str) -> datetime:
    """A stored time, naive ones taken as UTC, so that any two compare."""
    moment = datetime_from_iso(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _append(
    conn: sqlite3.Connection,
    watch: str,
    pmid: str,
    field: str,
    reviewer_value: str,
    reviewer: str,
    now: datetime,
    note: str,
    kind: str,
) -> int:
    """One decision row on the newest version of the record the watch has, with the machine's
    value for the field and the definitions its classification was made under."""
    row = conn.execute(
        """
        SELECT v.store_version, v.record, c.payload, c.definitions_hash
        FROM record_versions v
        JOIN (SELECT pmid, MAX(store_version) AS store_version FROM watch_records
              WHERE watch = ? AND pmid = ? GROUP BY pmid) seen USING (pmid, store_version)
        LEFT JOIN classifications c
          ON c.pmid = v.pmid AND c.store_version = v.store_version AND c.watch = ?
        """,
        (watch, pmid, watch),
    ).fetchone()
    if row is None:
        raise ReviewError(f"PMID {pmid} is not a record of watch {watch}")
    payload = row["payload"]
    machine = Classification.from_json(json.loads(payload)) if payload else None
    cursor = conn.execute(
        f"INSERT INTO review_decisions ({_COLUMNS.split(', ', 1)[1]})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            watch,
            pmid,
            row["store_version"],
            text_hash(decode_record(row["record"])),
            field,
            machine_value(machine, field),
            row["definitions_hash"] or "",
            reviewer_value,
            reviewer,
            iso(now),
            note,
            kind,
        ),
    )
    return int(cursor.lastrowid or 0)


def _visible_latest(
    conn: sqlite3.Connection,
    watch: str,
    pmid: str,
    field: str,
    reviewer: str,
    mode: ReviewMode,
    kind: str,
) -> sqlite3.Row | None:
    """The newest decision on the field that the reviewer's page showed: any in single review;
    in dual review their own or a resolution (a resolver sees every one)."""
    query = (
        "SELECT decision_id, reviewer_value, reviewer FROM review_decisions"
        " WHERE watch = ? AND pmid = ? AND field = ?"
    )
    params: list[str] = [watch, pmid, field]
    if mode == "dual" and kind == DECIDE:
        query += " AND (reviewer = ? OR kind = 'resolve')"
        params.append(reviewer)
    return conn.execute(query + " ORDER BY decision_id DESC LIMIT 1", params).fetchone()
