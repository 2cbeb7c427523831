"""The store file itself: WAL, foreign keys, schema version, folders created on open."""

import sqlite3

import pytest
from litwatch.core.errors import StoreError
from litwatch.store import Store
from litwatch.store.schema import MIGRATIONS


def test_open_creates_folders_and_a_wal_file_at_the_newest_schema(tmp_path):
    path = tmp_path / "deep" / "er" / "litwatch.sqlite"
    with Store.open(path) as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert path.is_file()


def test_reopening_keeps_the_data(tmp_path, now):
    path = tmp_path / "litwatch.sqlite"
    with Store.open(path) as store:
        store.finish_run(store.begin_run("b12", None, now, now), now, now, {})
    with Store.open(path) as store:
        assert store.watermark("b12") == now.date()


def test_a_file_from_a_newer_litwatch_is_refused(tmp_path):
    path = tmp_path / "litwatch.sqlite"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer than this litwatch"):
        Store.open(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "litwatch.sqlite"
    path.write_text("not a database " * 100)
    with pytest.raises(StoreError, match="cannot open store"):
        Store.open(path)
