"""Record versions: new, revised and unchanged detection, shared records across watches, queries."""

from datetime import timedelta

import pytest
from litwatch.core.errors import StoreError
from litwatch.core.records import MeshHeading, Record


def _publisher(pmid: str = "100") -> Record:
    return Record(pmid=pmid, title="Methylcobalamin in DPN", status="Publisher")


def _indexed(pmid: str = "100") -> Record:
    return Record(
        pmid=pmid,
        title="Methylcobalamin in DPN",
        status="MEDLINE",
        publication_types=("Journal Article", "Randomized Controlled Trial"),
        mesh_headings=(MeshHeading("Vitamin B 12"), MeshHeading("Diabetic Neuropathies")),
    )


def test_first_sight_is_new_and_refetch_is_unchanged(store, now):
    run = store.begin_run("b12", None, None, now)
    first = store.upsert_records(run, "b12", [_publisher()], now)
    again = store.upsert_records(run, "b12", [_publisher()], now)
    assert [(c.kind, c.store_version) for c in first] == [("new", 1)]
    assert [(c.kind, c.store_version) for c in again] == [("unchanged", 1)]
    assert len(store.record_versions("100")) == 1
    assert len(store.pending_changes("b12")) == 1


def test_changed_content_is_a_revision_with_what_changed(store, now):
    run = store.begin_run("b12", None, None, now)
    store.upsert_records(run, "b12", [_publisher()], now)
    later = now + timedelta(days=7)
    [change] = store.upsert_records(run, "b12", [_indexed()], later)
    assert change.kind == "revised"
    assert (change.store_version, change.previous_version) == (2, 1)
    assert change.changes == (
        "status: Publisher → MEDLINE",
        "publication types: +Journal Article, +Randomized Controlled Trial",
        "MeSH: +2 headings",
    )
    versions = store.record_versions("100")
    assert [(v.store_version, v.record.status, v.first_seen) for v in versions] == [
        (1, "Publisher", now),
        (2, "MEDLINE", later),
    ]
    assert store.get_record("100") == _indexed()
    assert store.get_record("100", 1) == _publisher()
    assert store.get_record("100", 3) is None
    assert store.get_record("999") is None


def test_rerunning_a_whole_run_stores_nothing_new(store, now):
    records = [_publisher("1"), _indexed("2"), _publisher("3")]
    first_run = store.begin_run("b12", None, None, now)
    store.upsert_records(first_run, "b12", records, now)
    store.finish_run(first_run, now, now, {})
    rerun = store.begin_run("b12", None, None, now)
    changes = store.upsert_records(rerun, "b12", records, now)
    assert {c.kind for c in changes} == {"unchanged"}
    assert store.counts("b12").versions == 3


def test_a_record_is_stored_once_and_seen_by_each_watch(store, now):
    run_a = store.begin_run("a", None, None, now)
    run_b = store.begin_run("b", None, None, now)
    store.upsert_records(run_a, "a", [_publisher()], now)
    [for_b] = store.upsert_records(run_b, "b", [_publisher()], now)
    assert (for_b.kind, for_b.store_version) == ("new", 1)
    # Watch a stores the indexed version; watch b later fetches the same content.
    store.upsert_records(run_a, "a", [_indexed()], now)
    [b_later] = store.upsert_records(run_b, "b", [_indexed()], now)
    assert (b_later.kind, b_later.store_version, b_later.previous_version) == ("revised", 2, 1)
    assert len(store.record_versions("100")) == 2
    assert [r.status for r in store.latest_records("a")] == ["MEDLINE"]


def test_latest_records_are_the_newest_version_per_pmid_in_pmid_order(store, now):
    run = store.begin_run("b12", None, None, now)
    store.upsert_records(run, "b12", [_publisher("20"), _publisher("3")], now)
    store.upsert_records(run, "b12", [_indexed("20")], now)
    store.upsert_records(store.begin_run("other", None, None, now), "other", [_publisher("7")], now)
    latest = store.latest_records("b12")
    assert [(r.pmid, r.status) for r in latest] == [("3", "Publisher"), ("20", "MEDLINE")]


def test_latest_versions_carry_the_store_version_the_watch_has_seen(store, now):
    run = store.begin_run("b12", None, None, now)
    store.upsert_records(run, "b12", [_publisher("20"), _publisher("3")], now)
    later = now + timedelta(days=7)
    store.upsert_records(run, "b12", [_indexed("20")], later)
    other = store.begin_run("other", None, None, now)
    store.upsert_records(other, "other", [_publisher("7")], now)
    latest = store.latest_versions("b12")
    assert [(v.record.pmid, v.store_version, v.record.status, v.first_seen) for v in latest] == [
        ("3", 1, "Publisher", now),
        ("20", 2, "MEDLINE", later),
    ]


def test_latest_versions_ignore_a_newer_version_only_another_watch_has_seen(store, now):
    run_a = store.begin_run("a", None, None, now)
    run_b = store.begin_run("b", None, None, now)
    store.upsert_records(run_a, "a", [_publisher()], now)
    store.upsert_records(run_b, "b", [_publisher(), _publisher("5")], now)
    store.upsert_records(run_b, "b", [_indexed()], now)
    assert [(v.record.pmid, v.store_version) for v in store.latest_versions("a")] == [("100", 1)]
    assert [(v.record.pmid, v.store_version) for v in store.latest_versions("b")] == [
        ("5", 1),
        ("100", 2),
    ]


def test_records_belong_to_a_running_run_of_the_same_watch(store, now):
    run = store.begin_run("b12", None, None, now)
    with pytest.raises(
        StoreError, match="cannot store records in run 1: it is a run of watch 'b12', not 'other'"
    ):
        store.upsert_records(run, "other", [_publisher()], now)
    store.finish_run(run, now, now, {})
    with pytest.raises(StoreError, match="run 1 of watch 'b12': it is committed"):
        store.upsert_records(run, "b12", [_publisher()], now)
    with pytest.raises(StoreError, match="run 42: no such run"):
        store.upsert_records(42, "b12", [_publisher()], now)
    assert store.counts("b12").versions == 0


def test_a_watch_catching_up_shares_the_versions_another_watch_stored(store, now):
    run_a = store.begin_run("a", None, None, now)
    run_b = store.begin_run("b", None, None, now)
    store.upsert_records(run_a, "a", [_publisher()], now)
    store.upsert_records(run_a, "a", [_indexed()], now)
    # Watch b fetched before the indexing and stores its results afterwards.
    [stale] = store.upsert_records(run_b, "b", [_publisher()], now)
    [fresh] = store.upsert_records(run_b, "b", [_indexed()], now)
    assert (stale.kind, stale.store_version) == ("new", 1)
    assert (fresh.kind, fresh.store_version, fresh.previous_version) == ("revised", 2, 1)
    assert len(store.record_versions("100")) == 2


def test_a_record_reverting_to_older_content_gets_a_fresh_version(store, now):
    run = store.begin_run("b12", None, None, now)
    store.upsert_records(run, "b12", [_publisher()], now)
    store.upsert_records(run, "b12", [_indexed()], now)
    [reverted] = store.upsert_records(run, "b12", [_publisher()], now)
    assert (reverted.kind, reverted.store_version, reverted.previous_version) == ("revised", 3, 2)
    assert store.get_record("100") == _publisher()


def test_a_batch_that_fails_midway_stores_none_of_it(store, now):
    run = store.begin_run("b12", None, None, now)

    def batch():
        yield _publisher("1")
        raise OSError("connection reset while reading efetch")

    with pytest.raises(OSError):
        store.upsert_records(run, "b12", batch(), now)
    assert store.get_record("1") is None
    assert store.pending_changes("b12") == []


def test_an_older_copy_is_kept_as_history_and_the_watch_keeps_the_newer(store, now):
    """Issue 18, item 10: an older PubMed version (or the same one revised earlier) stored
    after a newer one became the record's current version, reported as a revision."""
    from datetime import date

    run = store.begin_run("b12", None, None, now)
    v2 = Record(pmid="100", title="Final", version=2, revision_date=date(2026, 3, 1))
    v1 = Record(pmid="100", title="Interim", version=1, revision_date=date(2026, 5, 1))
    v2_earlier = Record(pmid="100", title="Draft", version=2, revision_date=date(2026, 2, 1))
    store.upsert_records(run, "b12", [v2], now)
    changes = store.upsert_records(run, "b12", [v1, v2_earlier, v1], now)
    assert [(c.kind, c.store_version) for c in changes] == [
        ("older", 2),
        ("older", 3),
        ("older", 2),
    ]
    assert store.latest_records("b12") == [v2]
    assert store.get_record("100") == v2
    assert [v.record.title for v in store.record_versions("100")] == ["Final", "Interim", "Draft"]
    assert [(p.kind, p.store_version) for p in store.pending_changes("b12")] == [("new", 1)]
    # Control: a copy revised later is a revision.
    v2_later = Record(
        pmid="100", title="Final, corrected", version=2, revision_date=date(2026, 4, 1)
    )
    [change] = store.upsert_records(run, "b12", [v2_later], now)
    assert (change.kind, change.previous_version) == ("revised", 1)
