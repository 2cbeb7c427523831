"""Runs and watermarks: the watermark moves only when a run commits; a killed run loses nothing."""

from datetime import timedelta

import pytest
from litwatch.core.errors import StoreError
from litwatch.core.records import Record
from litwatch.store import Store


def test_watermark_advances_only_when_a_run_commits(store, now):
    day = now.date()
    assert store.watermark("b12") is None
    run = store.begin_run("b12", day - timedelta(days=7), day, now)
    store.upsert_records(run, "b12", [Record(pmid="1")], now)
    assert store.watermark("b12") is None
    store.finish_run(run, day, now + timedelta(minutes=3), {"fetched": 1})
    assert store.watermark("b12") == day
    [info] = store.runs("b12")
    assert (info.status, info.stats, info.watermark) == ("committed", {"fetched": 1}, day)
    assert info.window_start == day - timedelta(days=7)
    assert info.finished_at == now + timedelta(minutes=3)


def test_a_failed_run_keeps_its_records_and_the_old_watermark(store, now):
    first = store.begin_run("b12", None, now, now)
    store.finish_run(first, now, now, {})
    second = store.begin_run("b12", now, now + timedelta(days=7), now + timedelta(days=7))
    store.upsert_records(second, "b12", [Record(pmid="1")], now + timedelta(days=7))
    store.fail_run(second, "E-utilities answered 502 five times", now + timedelta(days=7))
    assert store.watermark("b12") == now.date()
    assert store.run(second).error == "E-utilities answered 502 five times"
    assert [p.pmid for p in store.pending_changes("b12")] == ["1"]


def test_an_older_window_does_not_pull_the_watermark_back(store, now):
    run = store.begin_run("b12", None, now, now)
    store.finish_run(run, now, now, {})
    backfill = store.begin_run("b12", None, now - timedelta(days=30), now)
    store.finish_run(backfill, now - timedelta(days=30), now, {})
    assert store.watermark("b12") == now.date()
    assert [r.status for r in store.runs("b12")] == ["committed", "committed"]


def test_watermarks_are_per_watch(store, now):
    store.finish_run(store.begin_run("a", None, now, now), now, now, {})
    assert store.watermark("b") is None


def test_a_run_finishes_once(store, now):
    run = store.begin_run("b12", None, now, now)
    store.finish_run(run, now, now, {})
    with pytest.raises(StoreError, match="cannot commit run 1 of watch 'b12': it is committed"):
        store.finish_run(run, now + timedelta(days=1), now, {})
    with pytest.raises(StoreError, match="cannot fail run 1"):
        store.fail_run(run, "late", now)
    with pytest.raises(StoreError, match="no such run"):
        store.finish_run(7, now, now, {})
    assert store.watermark("b12") == now.date()


def test_a_killed_run_keeps_its_records_and_is_abandoned_by_the_next(tmp_path, now):
    path = tmp_path / "litwatch.sqlite"
    killed = Store.open(path)
    run = killed.begin_run("b12", None, now, now)
    killed.upsert_records(run, "b12", [Record(pmid="1"), Record(pmid="2")], now)
    # The process dies here: no finish_run, no fail_run, connection never closed cleanly.
    del killed

    with Store.open(path) as reopened:
        assert [r.pmid for r in reopened.latest_records("b12")] == ["1", "2"]
        assert reopened.watermark("b12") is None
        assert [p.pmid for p in reopened.pending_changes("b12")] == ["1", "2"]
        assert reopened.run(run).status == "running"
        later = now + timedelta(hours=1)
        next_run = reopened.begin_run("b12", None, later, later)
        abandoned = reopened.run(run)
        assert abandoned.status == "abandoned"
        assert abandoned.error == f"never finished; abandoned when run {next_run} began"
        assert abandoned.finished_at == later
        changes = reopened.upsert_records(next_run, "b12", [Record(pmid="1")], later)
        assert [c.kind for c in changes] == ["unchanged"]
        reopened.finish_run(next_run, later, later, {})
        assert reopened.watermark("b12") == later.date()


def test_watermarks_are_days_as_the_search_window_uses(store, now):
    day = now.date()
    store.finish_run(store.begin_run("b12", day - timedelta(days=7), day, now), day, now, {})
    assert store.watermark("b12") == day
    assert store.runs("b12")[0].window_start == day - timedelta(days=7)
    store.finish_run(store.begin_run("b12", None, day, now), day - timedelta(days=1), now, {})
    assert store.watermark("b12") == day
    # A timestamp is kept as its day (Entrez dates have no time), and only a later day moves it.
    store.finish_run(store.begin_run("b12", None, day, now), now + timedelta(hours=1), now, {})
    assert store.watermark("b12") == day
    later = now + timedelta(days=1)
    store.finish_run(store.begin_run("b12", None, day, now), later, now, {})
    assert store.watermark("b12") == later.date()
