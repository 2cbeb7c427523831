"""Backfill progress: completed slices survive reopening the store and a slice done twice is one row."""

from datetime import date, timedelta

from litwatch.store import Store


def test_completed_slices_are_remembered_across_connections(tmp_path, now):
    path = tmp_path / "litwatch.sqlite"
    with Store.open(path) as store:
        run = store.begin_run("b12", date(2020, 1, 1), date(2020, 12, 31), now)
        store.complete_slice("b12", date(2020, 1, 1), date(2020, 12, 31), run, now, {"fetched": 3})
        later = store.begin_run("b12", date(2019, 1, 1), date(2019, 12, 31), now)
        store.complete_slice("b12", date(2019, 1, 1), date(2019, 12, 31), later, now, {})
        # a slice redone after a crash between its run's commit and its progress row
        store.complete_slice(
            "b12", date(2019, 1, 1), date(2019, 12, 31), later, now + timedelta(hours=1), {}
        )
    with Store.open(path) as store:
        assert store.completed_slices("b12") == [
            (date(2019, 1, 1), date(2019, 12, 31)),
            (date(2020, 1, 1), date(2020, 12, 31)),
        ]
        assert store.completed_slices("other") == []
