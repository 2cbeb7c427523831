"""Review decisions: appended and never changed, tied to the text they were made on, and laid
over the machine's classification wherever the store hands classifications out."""

import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest
from litwatch.core.classification import Classification, DesignCall, GapCall
from litwatch.core.findings import Finding
from litwatch.core.records import AbstractSection, Record
from litwatch.core.review import StaleDecisionError
from litwatch.store import Store
from litwatch.store.db import connect
from litwatch.store.schema import MIGRATIONS

RECORD = Record(
    pmid="1",
    title="Methylcobalamin in diabetic neuropathy",
    abstract=(AbstractSection("RESULTS", "Pain fell more with B12 than placebo."),),
    status="Publisher",
)
MACHINE = Classification(
    pmid="1",
    design=DesignCall("cohort", 0.55, "model", ("we followed",)),
    gaps={"stratified_rct": GapCall("no", 0.2, ())},
    findings=(Finding("pain", "pain", "decreased", "no-difference", "Pain fell more...", 0.6),),
)


@pytest.fixture
def reviewed(store, now):
    run = store.begin_run("b12", None, now, now)
    store.upsert_records(run, "b12", [RECORD], now)
    store.save_classification("1", 1, "b12", "defs-1", MACHINE)
    return store


def test_a_decision_rules_the_classification_and_keeps_the_machine_value(reviewed, now):
    reviewed.record_decision("b12", "1", "design", "rct", "Ann Lee", now, note="says random")
    reviewed.record_decision("b12", "1", "finding:pain", "favours-intervention", "bob", now)
    checked = reviewed.classification("1", 1, "b12")
    assert checked.design.label == "rct"
    assert checked.findings[0].direction == "favours-intervention"
    assert checked.checked["design"].reviewer == "Ann Lee"
    assert reviewed.classification("1", 1, "b12", machine=True) == MACHINE
    rows = reviewed.decisions("b12", pmid="1")
    assert [(d.field, d.machine_value, d.reviewer_value, d.model_version) for d in rows] == [
        ("design", "cohort", "rct", "defs-1"),
        ("finding:pain", "no-difference", "favours-intervention", "defs-1"),
    ]
    assert rows[0].note == "says random"


def test_decisions_cannot_be_updated_or_deleted(reviewed, now):
    reviewed.record_decision("b12", "1", "design", "rct", "ann", now)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        reviewed._conn.execute("UPDATE review_decisions SET reviewer_value = 'cohort'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        reviewed._conn.execute("DELETE FROM review_decisions")
    # a new value is a new row; the newest rules, the old one stays in the history
    reviewed.record_decision("b12", "1", "design", "cohort", "bob", now + timedelta(minutes=1))
    assert reviewed.classification("1", 1, "b12").design.label == "cohort"
    assert [d.reviewer_value for d in reviewed.decisions("b12")] == ["rct", "cohort"]


def test_a_reclassification_never_changes_a_checked_value(reviewed, now):
    reviewed.record_decision("b12", "1", "design", "rct", "ann", now)
    relabelled = replace(MACHINE, design=DesignCall("case-report", 0.9, "model", ()))
    reviewed.save_classification("1", 1, "b12", "defs-2", relabelled)
    assert reviewed.classification("1", 1, "b12").design.label == "rct"


def test_a_revised_abstract_needs_a_recheck_and_revised_indexing_does_not(reviewed, now):
    reviewed.record_decision("b12", "1", "design", "rct", "ann", now)
    run = reviewed.begin_run("b12", None, now, now)
    reviewed.upsert_records(run, "b12", [replace(RECORD, status="MEDLINE")], now)
    reviewed.save_classification("1", 2, "b12", "defs-1", MACHINE)
    indexed = reviewed.classification("1", 2, "b12")
    assert indexed.design.label == "rct" and not indexed.checked["design"].needs_recheck
    revised_text = replace(RECORD, abstract=(AbstractSection("RESULTS", "No difference."),))
    reviewed.upsert_records(run, "b12", [revised_text], now)
    reviewed.save_classification("1", 3, "b12", "defs-1", MACHINE)
    rechecked = reviewed.classification("1", 3, "b12")
    assert rechecked.design.label == "rct"  # the reviewer's value stands
    assert rechecked.checked["design"].needs_recheck


def test_a_save_based_on_a_stale_value_is_refused_and_nothing_is_lost(reviewed, now):
    first = reviewed.record_decision("b12", "1", "design", "rct", "ann", now, seen=0)
    with pytest.raises(StaleDecisionError, match="set to 'rct' by ann since you opened"):
        reviewed.record_decision("b12", "1", "design", "cohort", "bob", now, seen=0)
    reviewed.record_decision("b12", "1", "design", "cohort", "bob", now, seen=first)
    assert [d.reviewer for d in reviewed.decisions("b12")] == ["ann", "bob"]


def test_dual_review_checks_a_value_when_two_reviewers_agree(reviewed, now):
    reviewed.record_decision("b12", "1", "design", "rct", "ann", now, mode="dual")
    assert "design" not in reviewed.classification("1", 1, "b12", "dual").checked
    reviewed.record_decision("b12", "1", "design", "cohort", "bob", now, mode="dual", seen=0)
    state = reviewed.review_states("b12", "dual")["1"]["design"]
    assert state.checked is None and {d.reviewer for d in state.conflict} == {"ann", "bob"}
    reviewed.record_decision("b12", "1", "design", "rct", "cy", now, kind="resolve", mode="dual")
    assert reviewed.classification("1", 1, "b12", "dual").design.label == "rct"


def test_a_store_file_from_before_reviews_gains_the_table_and_keeps_its_data(tmp_path, now):
    path = tmp_path / "old.sqlite"
    conn = connect(path)
    conn.executescript("".join(MIGRATIONS[:3]) + "PRAGMA user_version = 3;")
    conn.close()
    with Store.open(path) as store:
        run = store.begin_run("b12", None, now, now)
        store.upsert_records(run, "b12", [RECORD], now)
        store.record_decision("b12", "1", "topic", "not-relevant", "ann", now)
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [d.reviewer_value for d in store.decisions("b12")] == ["not-relevant"]
