"""Classification results per record version and watch, redone when the record or the watch's gap definitions change."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from litwatch.core.classification import Classification
from litwatch.core.errors import StoreError
from litwatch.core.review import ReviewMode
from litwatch.store.reviews import Reviews


class Classifications(Reviews):
    """Store methods over classification results (mixed into `Store`). What they read carries
    the reviewers' checked values over the machine's (`machine=True`: the machine's alone)."""

    _conn: sqlite3.Connection

    def save_classification(
        self,
        pmid: str,
        store_version: int,
        watch: str,
        definitions_hash: str,
        classification: Classification,
    ) -> None:
        """Keep the classifiers' result for one record version under one watch, replacing an older one."""
        design = classification.design
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
                    design.label,
                    design.confidence,
                    design.source,
                    int(classification.topic_relevant),
                    json.dumps(classification.to_json(), ensure_ascii=False, default=str),
                ),
            )
        except sqlite3.IntegrityError as error:
            raise StoreError(
                f"cannot save classification of PMID {pmid} version {store_version}: "
                "no such record version in the store"
            ) from error

    def classification(
        self,
        pmid: str,
        store_version: int,
        watch: str,
        review: ReviewMode = "single",
        machine: bool = False,
    ) -> Classification | None:
        """The saved classification, or None if the version was never classified for the watch."""
        found = self.classifications(watch, [(pmid, store_version)], review, machine)
        return found.get((pmid, store_version))

    def classifications(
        self,
        watch: str,
        versions: Iterable[tuple[str, int]],
        review: ReviewMode = "single",
        machine: bool = False,
        as_of: datetime | None = None,
    ) -> dict[tuple[str, int], Classification]:
        """The watch's saved classifications of these (pmid, store_version) pairs, with the
        values reviewers checked in place of the machine's (`review`: the watch's review mode;
        `as_of`: only the decisions made by then).

        A pair never classified for the watch has no key.
        """
        # The pairs go in as one JSON array: one statement and one bound parameter, however many.
        wanted = json.dumps([[pmid, store_version] for pmid, store_version in versions])
        rows = self._conn.execute(
            """
            SELECT c.pmid, c.store_version, c.payload FROM json_each(?) AS wanted
            JOIN classifications c
              ON c.pmid = json_extract(wanted.value, '$[0]')
             AND c.store_version = json_extract(wanted.value, '$[1]')
             AND c.watch = ?
            """,
            (wanted, watch),
        )
        found = {
            (row["pmid"], row["store_version"]): Classification.from_json(
                json.loads(row["payload"])
            )
            for row in rows
        }
        return found if machine else self.checked_overlay(watch, found, review, as_of)

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
