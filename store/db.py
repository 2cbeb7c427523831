"""The SQLite connection under the store: pragmas, IMMEDIATE transactions and schema migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from litwatch.core.errors import StoreError
from litwatch.store.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 10_000


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating folders and file) a store database with WAL, foreign keys and a busy timeout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: the module never opens transactions behind our back;
        # `transaction` below is the only place one begins.
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open {store_failure(path, error)}") from error
    conn.row_factory = sqlite3.Row
    return conn


def store_failure(path: Path, error: sqlite3.DatabaseError) -> str:
    """What went wrong with the store file, in one line, with what the user can do."""
    reason = " ".join(str(error).split()) or type(error).__name__
    if "malformed" in reason or "not a database" in reason:
        reason += " (the file is damaged: restore it from a backup, or move it aside to start anew)"
    elif "full" in reason:
        reason += " (free some space; the next run redoes what this one could not store)"
    return f"store {path}: {reason}"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One IMMEDIATE transaction: the write lock is taken up front, so no reader-turned-writer deadlock."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to the newest version; returns the version now in the file."""
    with transaction(conn):
        # Read inside the write transaction so two processes opening a new file
        # cannot both apply the same migration.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > len(MIGRATIONS):
            raise StoreError(
                f"store schema version {current} is newer than this litwatch "
                f"({len(MIGRATIONS)}); upgrade litwatch"
            )
        for version in range(current, len(MIGRATIONS)):
            migration = MIGRATIONS[version]
            if callable(migration):
                migration(conn)
            else:
                for statement in _statements(migration):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
    return len(MIGRATIONS)


def _statements(script: str) -> Iterator[str]:
    # executescript would COMMIT our open transaction first; run statement by statement instead.
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        raise StoreError(f"incomplete SQL statement in schema: {pending.strip()[:60]}")


def iso(moment: date | None) -> str | None:
    """A date or timestamp as stored: ISO 8601 text ("2026-11-23" or "2026-11-23T07:00:00+00:00")."""
    return moment.isoformat() if moment is not None else None


def date_from_iso(text: str) -> date:
    """A stored day ("2026-11-23"): windows and watermarks, which are Entrez dates."""
    return date.fromisoformat(text)


def datetime_from_iso(text: str) -> datetime:
    """A stored moment ("2026-11-23T07:00:00+00:00"): when something happened."""
    return datetime.fromisoformat(text)


def inspect(path: Path) -> str:
    """What `doctor` says of an existing store: its schema version and that SQLite finds it
    intact; StoreError when it is not a store, is damaged or is newer than this litwatch.
    Opened read-only: nothing is created, migrated or written."""
    # Read-only leaves the -wal and -shm files SQLite makes to read a WAL file behind; with no
    # -wal file no process has the store open, and `immutable` reads it without them.
    wal = path.with_name(path.name + "-wal")
    how = "mode=ro" if wal.exists() else "immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{how}", uri=True, timeout=5)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open store {path}: {error}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as error:
        raise StoreError(f"store {path} cannot be read: {error}") from None
    finally:
        conn.close()
    if problems != ["ok"]:
        raise StoreError(f"store {path} is damaged: {'; '.join(problems)}")
    if version > len(MIGRATIONS):
        raise StoreError(
            f"store schema version {version} is newer than this litwatch "
            f"({len(MIGRATIONS)}); upgrade litwatch"
        )
    if version < len(MIGRATIONS):
        return f"schema version {version}, intact; the next run upgrades it to {len(MIGRATIONS)}"
    return f"schema version {version}, intact"
