"""The summary's inputs: every reported record at the version the watch has seen, with that
version's classification, read in a fixed number of SQL statements however many records there are
(a real store; the statements counted with SQLite's trace callback)."""

from __future__ import annotations

from datetime import datetime

from litwatch.core.classification import Classification, DesignCall
from litwatch.core.records import Record
from litwatch.flows.digesting import summary_inputs, summary_records
from litwatch.store import Store

from litwatch.config import load_watches

NOW = datetime(2026, 11, 23, 7, 0)


def _called(pmid: str, design: str) -> Classification:
    return Classification(pmid=pmid, design=DesignCall(design, 0.9, "publication_type", ()))


def _reported_store(path, watch, n_records: int, weeks: int = 1) -> Store:
    """A store whose watch has reported `n_records` records at their second version (the first
    was classified a protocol, the second an RCT), after `weeks` - 1 empty digests."""
    store = Store.open(path)
    for week in range(1, weeks):
        store.record_digest(watch.name, f"week-{week}-empty", [], NOW)
    run = store.begin_run(watch.name, None, None, NOW)
    pmids = [str(100 + i) for i in range(n_records)]
    for status in ("Publisher", "MEDLINE"):
        store.upsert_records(run, watch.name, [Record(pmid=p, status=status) for p in pmids], NOW)
    for pmid in pmids:
        store.save_classification(pmid, 1, watch.name, "defs", _called(pmid, "protocol"))
        store.save_classification(pmid, 2, watch.name, "defs", _called(pmid, "rct"))
    store.record_digest(watch.name, f"week-{weeks}", [(p, 2) for p in pmids], NOW)
    return store


def _statements(path, watch, n_records: int, read, weeks: int = 1) -> int:
    """How many SQL statements `read(store)` runs on a store reporting `n_records` records."""
    seen: list[str] = []
    with _reported_store(path, watch, n_records, weeks) as store:
        store._conn.set_trace_callback(seen.append)
        read(store)
    return len(seen)


def test_summary_inputs_are_every_reported_record_at_its_newest_version(tmp_path):
    watch = load_watches()[0]
    with _reported_store(tmp_path / "litwatch.sqlite", watch, 3) as store:
        records, _ = summary_inputs(store, watch)
    assert [(r.pmid, r.status, c) for r, c in records] == [
        (pmid, "MEDLINE", _called(pmid, "rct")) for pmid in ("100", "101", "102")
    ]


def test_summary_inputs_take_the_same_statements_for_3_or_30_records(tmp_path):
    watch = load_watches()[0]
    counts = [
        _statements(tmp_path / f"{n}.sqlite", watch, n, lambda store: summary_inputs(store, watch))
        for n in (3, 30)
    ]
    assert counts[0] == counts[1]


def test_the_records_before_a_digest_are_read_without_the_digests_so_far(tmp_path):
    """moved_statements reads the records only: its statements do not grow week by week."""
    watch = load_watches()[0]
    counts = [
        _statements(
            tmp_path / f"{weeks}.sqlite",
            watch,
            3,
            lambda store: summary_records(store, watch),
            weeks=weeks,
        )
        for weeks in (1, 10)
    ]
    assert counts[0] == counts[1]


def test_the_statement_count_sees_a_query_per_record(tmp_path):
    """Control: reading the classifications one record at a time is caught by the same count."""
    watch = load_watches()[0]

    def one_by_one(store):
        for record in store.latest_records(watch.name):
            store.classification(record.pmid, 2, watch.name)

    counts = [_statements(tmp_path / f"{n}.sqlite", watch, n, one_by_one) for n in (3, 30)]
    assert counts[1] - counts[0] == 27


def test_a_version_only_another_watch_has_seen_leaves_the_summary_as_it_was(tmp_path):
    """Records are shared between watches: a newer version another watch stored is not this
    watch's yet, so its summary keeps the version it reported, classified as it was."""
    watch = load_watches()[0]
    with _reported_store(tmp_path / "litwatch.sqlite", watch, 1) as store:
        other = store.begin_run("other", None, None, NOW)
        store.upsert_records(
            other, "other", [Record(pmid="100", status="MEDLINE", title="Corrected")], NOW
        )
        [(record, classification)] = summary_inputs(store, watch)[0]
    assert (record.status, record.title) == ("MEDLINE", "")
    assert classification == _called("100", "rct")
