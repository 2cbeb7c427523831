"""The run skeleton every flow uses: lock, begin, commit or record the failure, release."""

from datetime import timedelta

import pytest
from litwatch.core.errors import EntrezError, RunLockedError
from litwatch.core.records import Record
from litwatch.store.session import failure_reason, recorded_run, run_session, watch_lock


def test_a_session_that_ends_commits_its_run_with_its_stats_and_moves_the_watermark(store, now):
    day = now.date()
    with run_session(store, "b12", (day - timedelta(days=7), day), now) as run:
        store.upsert_records(run.run_id, "b12", [Record(pmid="1")], now)
        run.stats = {"fetched": 1}
    info = store.run(run.run_id)
    assert (info.status, info.stats, info.error) == ("committed", {"fetched": 1}, None)
    assert store.watermark("b12") == day


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (EntrezError("E-utilities answered 502\nsix times"), "E-utilities answered 502 six times"),
        (
            ValueError("invalid literal for int(): 'abc'"),
            "ValueError: invalid literal for int(): 'abc'",
        ),
        (KeyboardInterrupt(), "interrupted"),
    ],
)
def test_any_exception_marks_the_run_failed_with_a_one_line_reason_and_is_raised_again(
    store, now, error, reason
):
    with pytest.raises(type(error)), run_session(store, "b12", (None, None), now) as run:
        store.upsert_records(run.run_id, "b12", [Record(pmid="1")], now)
        raise error
    info = store.run(run.run_id)
    assert (info.status, info.error, info.finished_at) == ("failed", reason, now)
    assert store.watermark("b12") is None
    assert [p.pmid for p in store.pending_changes("b12")] == ["1"]  # its records stay stored


def test_the_lock_is_released_after_a_failure_so_the_next_run_can_start(store, now):
    with pytest.raises(RuntimeError), run_session(store, "b12", (None, None), now):
        raise RuntimeError("disk full")
    store.acquire_lock("b12", "other-host:1", now, stale_after=timedelta(hours=6))  # free again


def test_a_held_lock_refuses_a_second_session_and_begins_no_run(store, now):
    store.acquire_lock("b12", "other-host:1", now, stale_after=timedelta(hours=6))
    with pytest.raises(RunLockedError), run_session(store, "b12", (None, None), now):
        pytest.fail("the session must not start")
    assert store.runs("b12") == []


def test_runs_under_one_lock_each_commit_or_fail_on_their_own(store, now):
    day = now.date()
    with watch_lock(store, "b12", now) as lock:
        with recorded_run(store, "b12", (day, day), now) as first:
            pass
        lock.refresh(now + timedelta(hours=1))
        with pytest.raises(OSError), recorded_run(store, "b12", (day, day), now) as second:
            raise OSError("no space left on device")
    assert [r.status for r in store.runs("b12")] == ["committed", "failed"]
    assert store.run(second.run_id).error == "OSError: no space left on device"
    assert first.run_id != second.run_id


def test_a_long_reason_is_cut_to_one_short_line():
    reason = failure_reason(RuntimeError("x" * 5000 + "\n" + "y"))
    assert len(reason) <= 300 and "\n" not in reason and reason.startswith("RuntimeError: xxx")
