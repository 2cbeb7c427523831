"""Classification results per record version and watch, redone when the record or the watch's gap definitions change."""

from __future__ import annotations

import json
import sqlite3

from litwatch.core.errors import StoreError


class Classifications:
    """Store methods over classification results (mixed into `Store`)."""

    _conn: sqlite3.Connection

    def save_classification(
        self, pmid: str, store_version: int, watch: str, definitions_hash: str, payload: dict
    ) -> None:
        """Keep the classifiers' result for one record version under one watch, replacing an older one."""
        label, confidence, source = _design(payload)
        relevant = payload.get("topic_relevant")
        try:
            self._conn.execute(
                "INSERT INTO classifications (pmid, store_version, watch, definitions_hash,"
                " design, design_confidence, design_source, topic_relevant, payload)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (pmid, store_version, watch) DO UPDATE SET"
                " definitions_hash = excluded.definitions_hash, design = excluded.design,"
                " design_confidence = excluded.design_confidence,"
                " design_source = excluded.design_source,"
                " topic_relevant = excluded.topic_relevant, payload = excluded.payload",
                (
                    pmid,
                    store_version,
                    watch,
                    definitions_hash,
                    label,
                    confidence,
                    source,
                    None if relevant is None else int(bool(relevant)),
                    json.dumps(payload, ensure_ascii=False, default=str),
                ),
            )
        except sqlite3.IntegrityError as error:
            raise StoreError(
                f"cannot save classification of PMID {pmid} version {store_version}: "
                "no such record version in the store"
            ) from error

    def classification(self, pmid: str, store_version: int, watch: str) -> dict | None:
        """The saved classification payload, or None if the version was never classified for the watch."""
        row = self._conn.execute(
            "SELECT payload FROM classifications WHERE pmid = ? AND store_version = ? AND watch = ?",
            (pmid, store_version, watch),
        ).fetchone()
        return json.loads(row["payload"]) if row else None

    def unclassified(self, watch: str, definitions_hash: str) -> list[tuple[str, int]]:
        """(pmid, store_version) pairs the watch still needs classified under these gap definitions.

        That is each record's newest version plus every version still waiting for a digest,
        when it has no classification or one made under other definitions.
        """
        rows = self._conn.execute(
            """
            SELECT w.pmid, w.store_version FROM watch_records w
            LEFT JOIN classifications c
              ON c.pmid = w.pmid AND c.store_version = w.store_version AND c.watch = w.watch
            WHERE w.watch = ?
              AND (c.definitions_hash IS NULL OR c.definitions_hash != ?)
              AND (w.digest_id IS NULL OR w.store_version = (
                   SELECT MAX(store_version) FROM watch_records
                   WHERE watch = w.watch AND pmid = w.pmid))
            ORDER BY CAST(w.pmid AS INTEGER), w.pmid, w.store_version
            """,
            (watch, definitions_hash),
        )
        return [(row["pmid"], row["store_version"]) for row in rows]


def _design(payload: dict) -> tuple[str | None, float | None, str | None]:
    """Design label, confidence and source, whether `design` is a label or a {label, confidence, source} object."""
    design = payload.get("design")
    if isinstance(design, dict):
        return design.get("label"), design.get("confidence"), design.get("source")
    return design, payload.get("design_confidence"), payload.get("design_source")
