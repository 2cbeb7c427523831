"""Classifications per record version and watch, redone on a new version or new gap definitions."""

import json
from dataclasses import replace

import pytest
from litwatch.core.classification import Attributes, Classification, DesignCall, GapCall
from litwatch.core.errors import StoreError
from litwatch.core.records import Record

PAYLOAD = Classification(
    pmid="1",
    design=DesignCall("rct", 0.97, "publication_type", ("Randomized Controlled Trial",)),
    attributes=Attributes(n_participants=90, outcomes=("pain-scale",)),
    topic_relevant=False,
    gaps={"head_to_head": GapCall("addresses", 1.0, ("design is rct",))},
)


def test_saved_classification_round_trips_and_fills_query_columns(store, now):
    run = store.begin_run("b12", None, now, now)
    store.upsert_records(run, "b12", [Record(pmid="1")], now)
    store.save_classification("1", 1, "b12", "defs-1", PAYLOAD)
    assert store.classification("1", 1, "b12") == PAYLOAD
    assert store.classification("1", 1, "other") is None
    row = store._conn.execute(
        "SELECT design, design_confidence, design_source, topic_relevant, payload"
        " FROM classifications"
    ).fetchone()
    assert tuple(row)[:4] == ("rct", 0.97, "publication_type", 0)
    assert json.loads(row["payload"]) == PAYLOAD.to_json()  # the stored shape is the JSON one


def test_classifications_are_read_for_many_versions_at_once(store, now):
    run = store.begin_run("b12", None, now, now)
    store.upsert_records(run, "b12", [Record(pmid="1"), Record(pmid="2")], now)
    store.upsert_records(run, "b12", [Record(pmid="1", status="MEDLINE")], now)
    revised = replace(PAYLOAD, topic_relevant=True)
    store.save_classification("1", 1, "b12", "defs-1", PAYLOAD)
    store.save_classification("1", 2, "b12", "defs-1", revised)
    store.save_classification("2", 1, "other", "defs-1", PAYLOAD)
    found = store.classifications("b12", [("1", 2), ("2", 1), ("3", 1)])
    assert found == {("1", 2): revised}  # 2 is classified for another watch only, 3 not stored
    assert store.classifications("b12", [("1", 1), ("1", 2)]) == {
        ("1", 1): PAYLOAD,
        ("1", 2): revised,
    }
    assert store.classifications("b12", []) == {}


def test_a_payload_with_design_as_an_object_is_read(store, now):
    run = store.begin_run("b12", None, now, now)
    store.upsert_records(run, "b12", [Record(pmid="1")], now)
    store.save_classification("1", 1, "b12", "defs-1", PAYLOAD)
    payload = {"design": {"label": "cohort", "confidence": 0.6, "source": "model"}}
    store._conn.execute("UPDATE classifications SET payload = ?", (json.dumps(payload),))
    design = store.classification("1", 1, "b12").design
    assert (design.label, design.confidence, design.source) == ("cohort", 0.6, "model")


def test_unclassified_follows_new_versions_and_new_definitions(store, now):
    run = store.begin_run("b12", None, now, now)
    store.upsert_records(run, "b12", [Record(pmid="1"), Record(pmid="2")], now)
    assert store.unclassified("b12", "defs-1") == [("1", 1), ("2", 1)]
    store.save_classification("1", 1, "b12", "defs-1", PAYLOAD)
    store.save_classification("2", 1, "b12", "defs-1", PAYLOAD)
    assert store.unclassified("b12", "defs-1") == []
    store.upsert_records(run, "b12", [Record(pmid="2", status="MEDLINE")], now)
    assert store.unclassified("b12", "defs-1") == [("2", 2)]
    # Once reported, only a record's newest version is worth reclassifying.
    store.record_digest("b12", "k", [("1", 1), ("2", 2)], now)
    assert store.unclassified("b12", "defs-2") == [("1", 1), ("2", 2)]


def test_classifying_an_unknown_version_is_refused(store):
    with pytest.raises(StoreError, match="PMID 1 version 3"):
        store.save_classification("1", 3, "b12", "defs-1", PAYLOAD)
