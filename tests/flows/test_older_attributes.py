"""A store written by the release before the watch named its forms and populations (issue #21
item 6): its rows hold `formulations`, `daily_dose_ug` and one yes/no key per population. Such a
row still opens, and the next run's classification step reads it again in the watch's words
(the attribute readers' version is part of the definitions hash)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from litwatch.classifiers.design import load_design_model
from litwatch.flows.classifying import classify_pending
from litwatch.pubmed.xml import parse_xml
from litwatch.store import Store

from litwatch.config import load_watches

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
# An attributes object as the previous release stored it for 99000002 (oral methylcobalamin
# 1,000 µg a day in metformin users with neuropathy and measured B12).
PREVIOUS = {
    "formulations": ["methylcobalamin"],
    "routes": ["oral"],
    "daily_dose_ug": 1000.0,
    "comparator": "placebo",
    "n_participants": 90,
    "n_analysed": None,
    "follow_up_weeks": 52.0,
    "diabetes_type": "type 2",
    "dpn_population": True,
    "metformin_population": True,
    "b12_status_reported": True,
    "outcomes": ["pain-scale"],
    "evidence": {"n_participants": "90 people"},
}


def test_a_row_of_the_previous_release_opens_and_is_read_again_in_the_watchs_words(
    tmp_path, corpus
):
    watch = load_watches()[0]
    [record] = [r for r in parse_xml(corpus / "ontopic" / "ontopic.xml") if r.pmid == "99000002"]
    with Store.open(tmp_path / "litwatch.sqlite") as store:
        run = store.begin_run(watch.name, None, NOW, NOW)
        store.upsert_records(run, watch.name, [record], NOW)
        payload = {"pmid": "99000002", "design": "rct", "attributes": PREVIOUS}
        store._conn.execute(
            "INSERT INTO classifications (pmid, store_version, watch, definitions_hash, design,"
            " design_confidence, design_source, topic_relevant, payload)"
            " VALUES ('99000002', 1, ?, 'from-the-previous-release', 'rct', 0.9, 'model', 1, ?)",
            (watch.name, json.dumps(payload)),
        )
        old = store.classification("99000002", 1, watch.name).attributes
        # it opens: the forms and the dose carry over; no watch's population is guessed
        assert (old.forms, old.daily_dose, old.dose_unit) == (("methylcobalamin",), 1000.0, "µg")
        assert old.populations == ()
        assert classify_pending(store, watch, load_design_model(None)) == 1
        new = store.classification("99000002", 1, watch.name).attributes
        assert classify_pending(store, watch, load_design_model(None)) == 0  # read once
    assert {"dpn", "metformin-users", "b12-measured"} <= set(new.populations)
    assert (new.forms, new.daily_dose, new.dose_unit) == (("methylcobalamin",), 1000.0, "µg")
    assert "metformin_population" not in new.to_json()
