"""What a digest and the summary read from the store: the pending versions with their
classifications, and every reported record at the version the watch has seen with that version's
classification, each in a fixed number of SQL statements however many records there are (a real
store; the statements counted with SQLite's trace callback)."""

from __future__ import annotations

from datetime import datetime

from litwatch.core.classification import Classification, DesignCall
from litwatch.core.records import Record
from litwatch.flows.digesting import (
    earlier_version,
    pending_items,
    summary_inputs,
    summary_records,
)
from litwatch.store import Store

from litwatch.config import load_watches

NOW = datetime(2026, 11, 23, 7, 0)


def _called(pmid: str, design: str) -> Classification:
    return Classification(pmid=pmid, design=DesignCall(design, 0.9, "publication_type", ()))


def _pmids(n_records: int) -> list[str]:
    return [str(100 + i) for i in range(n_records)]


def _reported_store(path, watch, n_records: int, weeks: int = 1) -> Store:
    """A store whose watch has reported `n_records` records at their second version (the first
    was classified a protocol, the second an RCT), after `weeks` - 1 empty digests."""
    store = Store.open(path)
    for week in range(1, weeks):
        store.record_digest(watch.name, f"week-{week}-empty", [], NOW)
    run = store.begin_run(watch.name, None, None, NOW)
    pmids = _pmids(n_records)
    for status in ("Publisher", "MEDLINE"):
        store.upsert_records(run, watch.name, [Record(pmid=p, status=status) for p in pmids], NOW)
    for pmid in pmids:
        store.save_classification(pmid, 1, watch.name, "defs", _called(pmid, "protocol"))
        store.save_classification(pmid, 2, watch.name, "defs", _called(pmid, "rct"))
    store.record_digest(watch.name, f"week-{weeks}", [(p, 2) for p in pmids], NOW)
    return store


def _revised_store(path, watch, n_records: int) -> Store:
    """A store whose watch reported `n_records` records at their first version (classified a
    protocol) and holds their second (an RCT) pending."""
    store = Store.open(path)
    run = store.begin_run(watch.name, None, None, NOW)
    pmids = _pmids(n_records)
    for version, status, design in ((1, "Publisher", "protocol"), (2, "MEDLINE", "rct")):
        store.upsert_records(run, watch.name, [Record(pmid=p, status=status) for p in pmids], NOW)
        for pmid in pmids:
            store.save_classification(pmid, version, watch.name, "defs", _called(pmid, design))
        if version == 1:
            store.record_digest(watch.name, "week-1", [(p, 1) for p in pmids], NOW)
    return store


def _statements(store: Store, read) -> int:
    """How many SQL statements `read(store)` runs on the store's connection."""
    seen: list[str] = []
    store._conn.set_trace_callback(seen.append)
    try:
        read(store)
    finally:
        store._conn.set_trace_callback(None)
    return len(seen)


def test_summary_inputs_are_every_reported_record_at_its_newest_version(tmp_path):
    watch = load_watches()[0]
    with _reported_store(tmp_path / "litwatch.sqlite", watch, 3) as store:
        records, _ = summary_inputs(store, watch)
    assert [(r.pmid, r.status, c) for r, c in records] == [
        (pmid, "MEDLINE", _called(pmid, "rct")) for pmid in ("100", "101", "102")
    ]


def _statements_for_3_and_30(tmp_path, build, read) -> list[int]:
    """The statements `read(store, watch)` takes on stores `build` made with 3 and 30 records."""
    watch = load_watches()[0]
    counts = []
    for n in (3, 30):
        with build(tmp_path / f"{n}.sqlite", watch, n) as store:
            counts.append(_statements(store, lambda store: read(store, watch)))
    return counts


def test_summary_inputs_take_the_same_statements_for_3_or_30_records(tmp_path):
    counts = _statements_for_3_and_30(tmp_path, _reported_store, summary_inputs)
    assert counts[0] == counts[1]


def test_the_records_before_a_digest_are_read_without_the_digests_so_far(tmp_path):
    """moved_statements reads the records only: its statements do not grow week by week."""
    watch = load_watches()[0]
    counts = []
    for weeks in (1, 10):
        with _reported_store(tmp_path / f"{weeks}.sqlite", watch, 3, weeks) as store:
            counts.append(_statements(store, lambda store: summary_records(store, watch)))
    assert counts[0] == counts[1]


def test_the_statement_count_sees_a_query_per_record(tmp_path):
    """Control: reading the classifications one record at a time is caught by the same count."""
    watch = load_watches()[0]

    def one_by_one(store):
        for record in store.latest_records(watch.name):
            store.classification(record.pmid, 2, watch.name)

    counts = []
    for n in (3, 30):
        with _reported_store(tmp_path / f"{n}.sqlite", watch, n) as store:
            counts.append(_statements(store, one_by_one))
    # two statements a record: its classification and the reviewers' decisions laid over it
    assert counts[1] - counts[0] == 2 * 27


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


def test_pending_items_carry_both_versions_classifications(tmp_path):
    watch = load_watches()[0]
    with _revised_store(tmp_path / "litwatch.sqlite", watch, 2) as store:
        items = pending_items(store, watch)
    assert [
        (i.record.pmid, i.kind, i.store_version, i.classification, i.previous_classification)
        for i in items
    ] == [(p, "revised", 2, _called(p, "rct"), _called(p, "protocol")) for p in ("100", "101")]


def test_pending_items_take_the_same_statements_for_3_or_30_records(tmp_path):
    counts = _statements_for_3_and_30(tmp_path, _revised_store, pending_items)
    assert counts[0] == counts[1]


def test_the_version_a_summary_showed_is_the_one_before_the_digests(tmp_path):
    """The summary before a digest shows a revised record as it was before the digest's
    version, even when another watch has since stored a later version of it."""
    watch = load_watches()[0]
    with _revised_store(tmp_path / "litwatch.sqlite", watch, 1) as store:
        other = store.begin_run("other", None, None, NOW)
        store.upsert_records(
            other, "other", [Record(pmid="100", status="MEDLINE", title="Corrected")], NOW
        )
        assert [v.store_version for v in store.record_versions("100")] == [1, 2, 3]
        record, classification = earlier_version(store, watch, "100", 2)
    assert record.status == "Publisher"
    assert classification == _called("100", "protocol")
