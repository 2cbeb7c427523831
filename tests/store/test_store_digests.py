"""Pending-for-digest bookkeeping: none missed, none twice, one digest per key."""

from datetime import timedelta

import pytest
from litwatch.core.errors import StoreError
from litwatch.core.records import Record


@pytest.fixture
def seen(store, now):
    """Watch b12 has seen PMIDs 1 and 2, and PMID 1 again once MEDLINE-indexed."""
    run = store.begin_run("b12", None, now, now)
    store.upsert_records(run, "b12", [Record(pmid="1", status="Publisher"), Record(pmid="2")], now)
    store.upsert_records(run, "b12", [Record(pmid="1", status="MEDLINE")], now)
    store.finish_run(run, now, now, {})
    return store


def test_pending_lists_each_record_once_at_its_newest_version_in_the_order_first_seen(seen):
    """Issue 18, item 10: a record new and revised before any digest was listed twice, as new
    with its stale version and as revised."""
    pending = seen.pending_changes("b12")
    assert [(p.pmid, p.store_version, p.kind, p.previous_version) for p in pending] == [
        ("1", 2, "new", None),
        ("2", 1, "new", None),
    ]
    assert (pending[0].record.status, pending[0].changes) == ("MEDLINE", ())


def test_revisions_pending_together_are_one_revision_from_the_version_reported(seen, now):
    seen.record_digest("b12", "k", [("1", 2), ("2", 1)], now)
    run = seen.begin_run("b12", None, now, now)
    seen.upsert_records(run, "b12", [Record(pmid="2", title="Corrected")], now)
    [one] = seen.pending_changes("b12")  # control: one pending revision says its own changes
    assert (one.kind, one.store_version, one.previous_version) == ("revised", 2, 1)
    seen.upsert_records(run, "b12", [Record(pmid="2", title="Corrected", status="MEDLINE")], now)
    [both] = seen.pending_changes("b12")
    assert (both.kind, both.store_version, both.previous_version) == ("revised", 3, 1)
    assert both.changes == ("status: none → MEDLINE", "title changed")


def test_a_recorded_digest_settles_its_items(seen, now):
    entry = seen.record_digest("b12", "b12/2026-W48", [("2", 1)], now, {"new": 1})
    assert (entry.items, entry.payload, entry.delivered) == ((("2", 1),), {"new": 1}, False)
    assert [(p.pmid, p.store_version) for p in seen.pending_changes("b12")] == [("1", 2)]
    assert seen.digested_pmids("b12") == {"2"}


def test_reporting_a_newer_version_settles_the_older_pending_one(seen, now):
    entry = seen.record_digest("b12", "k", [("1", 2)], now)
    assert entry.items == (("1", 1), ("1", 2))
    assert [p.pmid for p in seen.pending_changes("b12")] == ["2"]


def test_recording_the_same_key_again_returns_the_first_digest(seen, now):
    first = seen.record_digest("b12", "k", [("1", 1), ("1", 2)], now)
    again = seen.record_digest("b12", "k", [("2", 1)], now + timedelta(hours=1))
    assert again == first
    assert len(seen.digests("b12")) == 1
    assert [p.pmid for p in seen.pending_changes("b12")] == ["2"]


def test_nothing_is_reported_twice(seen, now):
    seen.record_digest("b12", "first", [("2", 1)], now)
    with pytest.raises(
        StoreError, match="PMID 2 version 1 of watch 'b12' is already in digest 'first'"
    ):
        seen.record_digest("b12", "second", [("1", 1), ("2", 1)], now)
    # The failed digest left no trace: PMID 1 is still pending, no digest "second".
    assert seen.digest("second") is None
    assert [p.pmid for p in seen.pending_changes("b12")] == ["1"]


def test_unknown_items_and_foreign_keys_are_refused(seen, now):
    with pytest.raises(StoreError, match="PMID 9 version 1 was never seen by watch 'b12'"):
        seen.record_digest("b12", "k", [("9", 1)], now)
    seen.record_digest("b12", "k", [("2", 1)], now)
    with pytest.raises(StoreError, match="already belongs to watch 'b12'"):
        seen.record_digest("other", "k", [], now)


def test_a_digest_recorded_but_not_sent_is_undelivered_until_marked(seen, now):
    seen.record_digest("b12", "k1", [("2", 1)], now)
    seen.record_digest("b12", "k2", [("1", 2)], now)
    assert [d.digest_key for d in seen.undelivered_digests("b12")] == ["k1", "k2"]
    seen.mark_delivered("k1", now, "smtp", "<k1@litwatch>")
    seen.mark_delivered("k1", now + timedelta(hours=1), "smtp", "<resent@litwatch>")
    assert [d.digest_key for d in seen.undelivered_digests("b12")] == ["k2"]
    [delivery] = seen.digest("k1").deliveries
    assert (delivery.channel, delivery.message_id, delivery.delivered_at) == (
        "smtp",
        "<k1@litwatch>",
        now,
    )
    with pytest.raises(StoreError, match="no such digest"):
        seen.mark_delivered("nope", now, "smtp", "x")


def test_counts_follow_the_bookkeeping(seen, now):
    seen.record_digest("b12", "k", [("2", 1)], now)
    counts = seen.counts("b12")
    assert (counts.records, counts.versions, counts.revised, counts.pending) == (2, 3, 1, 2)
    assert (counts.digests, counts.undelivered, counts.runs) == (1, 1, 1)


def test_a_delivery_attempt_is_kept_until_settled_or_aborted(seen, now):
    seen.record_digest("b12", "k1", [("2", 1)], now)
    seen.record_digest("b12", "k2", [("1", 2)], now)
    seen.begin_delivery("k1", now, "smtp", "<m1@litwatch>")
    seen.begin_delivery("k2", now, "smtp", "<m2@litwatch>")
    # a run that died mid-send leaves the attempt on an undelivered digest
    waiting = {entry.digest_key: entry.attempt for entry in seen.undelivered_digests("b12")}
    assert waiting["k1"].message_id == "<m1@litwatch>" and waiting["k1"].channel == "smtp"
    seen.mark_delivered("k1", now + timedelta(minutes=1), "smtp-unconfirmed", "<m1@litwatch>")
    seen.abort_delivery("k2")  # the server refused: the next run sends it again
    first, second = seen.digests("b12")
    assert first.attempt is None and first.deliveries[0].channel == "smtp-unconfirmed"
    assert second.attempt is None and not second.delivered
    with pytest.raises(StoreError, match="no such digest"):
        seen.begin_delivery("nope", now, "smtp", "<x@litwatch>")
