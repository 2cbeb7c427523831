"""What a digest and the summary read from the store (store/summary_reads.py and the digest
logs): the pending versions with their classifications, every reported record at the version the
watch has seen with that version's classification, and one small log per digest, each in a fixed
number of SQL statements however many records or digests there are (a real store; the statements
counted with SQLite's trace callback)."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime

from litwatch.core.classification import Classification, DesignCall
from litwatch.core.digest import (
    Digest,
    DigestItem,
    DigestLog,
    EvidenceChange,
    digest_payload,
)
from litwatch.core.records import AbstractSection, Record
from litwatch.store import Store
from litwatch.store.db import _statements as migration_statements
from litwatch.store.schema import MIGRATIONS
from litwatch.store.summary_reads import earlier_version, pending_items, summary_records

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


def _traced(store: Store, read) -> list[str]:
    """The SQL statements `read(store)` runs on the store's connection."""
    seen: list[str] = []
    store._conn.set_trace_callback(seen.append)
    try:
        read(store)
    finally:
        store._conn.set_trace_callback(None)
    return seen


def _statements(store: Store, read) -> int:
    """How many SQL statements `read(store)` runs on the store's connection."""
    return len(_traced(store, read))


def _summary_reads(store: Store, watch: str) -> tuple[list, list[DigestLog]]:
    """What the flow's summary task reads: the summary's records and the digests' logs."""
    return summary_records(store, watch), store.digest_logs(watch)


def test_summary_records_are_every_reported_record_at_its_newest_version(tmp_path):
    watch = load_watches()[0]
    with _reported_store(tmp_path / "litwatch.sqlite", watch, 3) as store:
        records = summary_records(store, watch.name)
    assert [(r.pmid, r.status, c) for r, c in records] == [
        (pmid, "MEDLINE", _called(pmid, "rct")) for pmid in ("100", "101", "102")
    ]


def _statements_for_3_and_30(tmp_path, build, read) -> list[int]:
    """The statements `read(store, watch)` takes on stores `build` made with 3 and 30 records."""
    watch = load_watches()[0]
    counts = []
    for n in (3, 30):
        with build(tmp_path / f"{n}.sqlite", watch, n) as store:
            counts.append(_statements(store, lambda store: read(store, watch.name)))
    return counts


def test_summary_reads_take_the_same_statements_for_3_or_30_records(tmp_path):
    counts = _statements_for_3_and_30(tmp_path, _reported_store, _summary_reads)
    assert counts[0] == counts[1]


def test_the_records_before_a_digest_are_read_without_the_digests_so_far(tmp_path):
    """A digest reads the summary's records only: its statements do not grow week by week."""
    watch = load_watches()[0]
    counts = []
    for weeks in (1, 10):
        with _reported_store(tmp_path / f"{weeks}.sqlite", watch, 3, weeks) as store:
            counts.append(_statements(store, lambda store: summary_records(store, watch.name)))
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
    # each classification() reads the record's classification and its review decisions
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
        [(record, classification)] = summary_records(store, watch.name)
    assert (record.status, record.title) == ("MEDLINE", "")
    assert classification == _called("100", "rct")


def test_pending_items_carry_both_versions_classifications(tmp_path):
    watch = load_watches()[0]
    with _revised_store(tmp_path / "litwatch.sqlite", watch, 2) as store:
        items = pending_items(store, watch.name)
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
        record, classification = earlier_version(store, watch.name, "100", 2)
    assert record.status == "Publisher"
    assert classification == _called("100", "protocol")


def _digest(key: str, pmids: list[str]) -> Digest:
    """A digest listing `pmids` as new RCTs, each record carrying a long abstract: a payload
    that costs something to read and decode."""
    abstract = (AbstractSection("Vibration thresholds improved with B12. " * 200, "RESULTS"),)
    items = tuple(
        DigestItem(
            Record(pmid=p, status="MEDLINE", abstract=abstract), "new", 1, (), _called(p, "rct")
        )
        for p in pmids
    )
    return Digest(watch="b12-dpn", key=key, created=NOW, items=items, off_topic=1)


MOVED = (EvidenceChange("question:symptoms-pain", "Symptoms and pain", "before", "after", ("7",)),)


def _history_store(path, watch, weeks: int) -> Store:
    """A reported store, then `weeks` recorded digests of 20 records each, as the flow records
    them: the full payload, and the small log beside it."""
    store = _reported_store(path, watch, 3)
    for week in range(weeks):
        digest = _digest(f"history-{week}", [str(1000 + 20 * week + i) for i in range(20)])
        store.record_digest(
            watch.name,
            digest.key,
            [],
            NOW,
            payload=digest_payload(digest, MOVED),
            log=DigestLog.of(digest, MOVED),
        )
    return store


_READS_DIGESTS = re.compile(r"\bdigests\b")  # the payload table; digest_logs is another word


def test_the_summary_never_reads_a_digest_payload_however_long_the_history(tmp_path):
    """The change log reads one small log per digest: no statement of the summary's reads
    touches the digests table (0 payloads decoded), and their number does not grow with the
    weeks; each log still says what its digest added and moved."""
    watch = load_watches()[0]
    traces = {}
    for weeks in (2, 20):
        with _history_store(tmp_path / f"{weeks}.sqlite", watch, weeks) as store:
            traces[weeks] = _traced(store, lambda store: _summary_reads(store, watch.name))
            logs = store.digest_logs(watch.name)
        assert [log.key for log in logs[-weeks:]] == [f"history-{w}" for w in range(weeks)]
        assert logs[-1].moved == ("Symptoms and pain",) and len(logs[-1].new) == 20
        assert logs[-1].new[0].design == "rct" and logs[-1].off_topic == 1
        assert not [s for s in traces[weeks] if _READS_DIGESTS.search(s)]
    assert len(traces[2]) == len(traces[20])
    # Control: reading the digests themselves, as the change log used to, is caught.
    with _history_store(tmp_path / "control.sqlite", watch, 1) as store:
        assert any(_READS_DIGESTS.search(s) for s in _traced(store, lambda s: s.digests("b12-dpn")))


def _schema_3_store(path, payload: dict) -> None:
    """A store file as the litwatch before digest logs left it (schema version 3), with one
    recorded digest and its payload."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:3]:
        assert isinstance(migration, str)
        for statement in migration_statements(migration):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO digests (digest_key, watch, created_at, payload) VALUES (?, ?, ?, ?)",
        (payload["key"], payload["watch"], payload["created"], json.dumps(payload)),
    )
    conn.close()


def test_a_store_from_before_digest_logs_gets_a_log_for_every_digest(tmp_path):
    """Opening a schema-3 file migrates it: each stored digest gets its log, read once from its
    payload (with the statements it moved), and no statement marks, so the next digest
    computes the statements before it from the records."""
    path = tmp_path / "litwatch.sqlite"
    digest = _digest("b12-dpn-20261116-run3", ["100", "101"])
    _schema_3_store(path, digest_payload(digest, MOVED))
    with Store.open(path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.digest_logs("b12-dpn") == [DigestLog.of(digest, MOVED)]
        assert store.statement_marks("b12-dpn") is None
        assert store.statement_marks("another-watch") == []
        # The digest itself is untouched: it still renders and sends as recorded.
        assert Digest.from_dict(store.digest(digest.key).payload) == digest
