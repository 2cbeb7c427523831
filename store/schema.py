"""The store's schema as migrations: entry n upgrades a file from `PRAGMA user_version` n to n+1.

An entry is SQL, or a function of the connection where a migration must fill a new table from
what older files hold (run inside the same transaction as the rest)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from litwatch.core.digest import Digest, DigestLog, payload_changes

# Per recorded digest, the small record the summary's change log reads (`DigestLog`), and the
# statement marks the digest's summary showed, which the next digest compares with (NULL for a
# digest recorded before the marks were kept).
_DIGEST_LOGS = """
CREATE TABLE digest_logs (
    digest_id  INTEGER PRIMARY KEY REFERENCES digests (digest_id),
    watch      TEXT NOT NULL,
    log        TEXT NOT NULL,  -- DigestLog.to_dict() as JSON
    statements TEXT            -- JSON array of statement marks, shape owned by outputs/
);
CREATE INDEX digest_logs_by_watch ON digest_logs (watch, digest_id);
"""


def _digest_logs(conn: sqlite3.Connection) -> None:
    """5: the digest_logs table, with a log for every digest an older file holds: each payload
    is decoded once, here, and never again by the change log."""
    for statement in _DIGEST_LOGS.split(";")[:-1]:  # no semicolon inside the statements
        conn.execute(statement)
    rows = conn.execute(
        "SELECT digest_id, watch, payload FROM digests WHERE payload IS NOT NULL"
    ).fetchall()
    for digest_id, watch, text in rows:
        payload = json.loads(text)
        log = DigestLog.of(Digest.from_dict(payload), payload_changes(payload))
        conn.execute(
            "INSERT INTO digest_logs (digest_id, watch, log) VALUES (?, ?, ?)",
            (digest_id, watch, json.dumps(log.to_dict(), ensure_ascii=False)),
        )


Migration = str | Callable[[sqlite3.Connection], None]

MIGRATIONS: tuple[Migration, ...] = (
    # 1: runs, watermarks, record versions, watch membership, classifications, digests, locks.
    # Timestamps are ISO 8601 text, always supplied by the caller (the store reads no clock).
    """
CREATE TABLE runs (
    run_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    watch        TEXT NOT NULL,
    window_start TEXT,
    window_end   TEXT,
    status       TEXT NOT NULL CHECK (status IN ('running', 'committed', 'failed', 'abandoned')),
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    watermark    TEXT,
    stats        TEXT,  -- JSON object
    error        TEXT
);
CREATE INDEX runs_by_watch ON runs (watch, run_id);

-- Advanced only by a committed run, in the same transaction that commits it.
CREATE TABLE watermarks (
    watch     TEXT PRIMARY KEY,
    watermark TEXT NOT NULL,
    run_id    INTEGER NOT NULL REFERENCES runs (run_id)
);

-- Every version of every record ever seen; records are global, shared by watches.
CREATE TABLE record_versions (
    pmid              TEXT NOT NULL,
    store_version     INTEGER NOT NULL,
    pubmed_version    INTEGER NOT NULL,
    content_hash      TEXT NOT NULL,
    status            TEXT NOT NULL,
    publication_types TEXT NOT NULL,  -- JSON array
    record            TEXT NOT NULL,  -- Record.to_dict() as JSON
    first_seen        TEXT NOT NULL,
    first_run_id      INTEGER REFERENCES runs (run_id),
    PRIMARY KEY (pmid, store_version)
);

-- Which watch has seen which version; digest_id stays NULL until a digest reports the row.
CREATE TABLE watch_records (
    watch            TEXT NOT NULL,
    pmid             TEXT NOT NULL,
    store_version    INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('new', 'revised')),
    previous_version INTEGER,
    changes          TEXT NOT NULL,  -- JSON array of short phrases
    first_seen       TEXT NOT NULL,
    run_id           INTEGER REFERENCES runs (run_id),
    digest_id        INTEGER REFERENCES digests (digest_id),
    PRIMARY KEY (watch, pmid, store_version),
    FOREIGN KEY (pmid, store_version) REFERENCES record_versions (pmid, store_version)
);
CREATE INDEX watch_records_pending ON watch_records (watch, digest_id);

CREATE TABLE classifications (
    pmid              TEXT NOT NULL,
    store_version     INTEGER NOT NULL,
    watch             TEXT NOT NULL,
    definitions_hash  TEXT NOT NULL,
    design            TEXT,
    design_confidence REAL,
    design_source     TEXT,
    topic_relevant    INTEGER,
    payload           TEXT NOT NULL,  -- the classifiers' JSON, shape owned by them
    PRIMARY KEY (pmid, store_version, watch),
    FOREIGN KEY (pmid, store_version) REFERENCES record_versions (pmid, store_version)
);

CREATE TABLE digests (
    digest_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    digest_key TEXT NOT NULL UNIQUE,
    watch      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    payload    TEXT  -- JSON object or NULL
);
CREATE INDEX digests_by_watch ON digests (watch, digest_id);

CREATE TABLE deliveries (
    digest_id    INTEGER NOT NULL REFERENCES digests (digest_id),
    channel      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (digest_id, channel)
);

-- One row per watch while a run holds it; taken in an IMMEDIATE transaction.
CREATE TABLE run_locks (
    watch       TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    acquired_at TEXT NOT NULL
);
""",
    # 2: backfill progress, one row per completed date slice, so a killed backfill resumes
    # after the last slice it finished instead of starting over.
    """
CREATE TABLE backfill_slices (
    watch        TEXT NOT NULL,
    first_day    TEXT NOT NULL,  -- inclusive Entrez-date window, ISO dates
    last_day     TEXT NOT NULL,
    run_id       INTEGER NOT NULL REFERENCES runs (run_id),
    completed_at TEXT NOT NULL,
    stats        TEXT NOT NULL,  -- JSON object
    PRIMARY KEY (watch, first_day, last_day)
);
""",
    # 3: a delivery is noted before the SMTP conversation starts and settled after it, so a run
    # that dies in between leaves the row behind and the next run does not send again.
    """
CREATE TABLE delivery_attempts (
    digest_id  INTEGER PRIMARY KEY REFERENCES digests (digest_id),
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    started_at TEXT NOT NULL
);
""",
    # 4: reviewers' decisions, append-only: a row is never updated or deleted; the value that
    # rules is derived from the rows (core/review.py). Each row keeps the machine's value and the
    # classification it came from, and the hash of the text it was decided on.
    """
CREATE TABLE review_decisions (
    decision_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    watch          TEXT NOT NULL,
    pmid           TEXT NOT NULL,
    store_version  INTEGER NOT NULL,
    text_hash      TEXT NOT NULL,
    field          TEXT NOT NULL,
    machine_value  TEXT NOT NULL,
    model_version  TEXT NOT NULL,
    reviewer_value TEXT NOT NULL,
    reviewer       TEXT NOT NULL,
    decided_at     TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL DEFAULT 'decide' CHECK (kind IN ('decide', 'resolve')),
    FOREIGN KEY (pmid, store_version) REFERENCES record_versions (pmid, store_version)
);
CREATE INDEX review_decisions_by_record ON review_decisions (watch, pmid, field, decision_id);
CREATE INDEX review_decisions_by_reviewer ON review_decisions (watch, reviewer, decision_id);
CREATE TRIGGER review_decisions_append_only_update BEFORE UPDATE ON review_decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
CREATE TRIGGER review_decisions_append_only_delete BEFORE DELETE ON review_decisions
BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
""",
    _digest_logs,
)
