"""A week's corrections in the next digest: the statements they moved are listed under "What
this changes", and the digest's exports (JSON, CSV, RIS, text) carry the checked values."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta

from digest_steps import make_digest, render_digest
from litwatch.classifiers.design import load_design_model
from litwatch.flows.classifying import classify_pending
from litwatch.pubmed.xml import parse_xml
from litwatch.store import Store
from review_store import MONDAY, build_review_store

from litwatch.reviewing import ReviewDesk
from litwatch.settings import Settings

OPEN_LABEL = "99000004"
VIBRATION = "domain:vibration-perception"


def next_week(store, watch, corpus, corrected: bool):
    """Week 2: the open-label trial comes back newly indexed (MEDLINE); with `corrected`, a
    reviewer has corrected its vibration finding and its design during the week."""
    if corrected:
        desk = ReviewDesk(store, watch)
        day = MONDAY + timedelta(days=2)
        desk.decide(
            OPEN_LABEL, "finding:vibration-perception", "favours-intervention", "Ann Lee", day
        )
        desk.decide(OPEN_LABEL, "design", "rct", "Ann Lee", day, note="randomised per protocol")
    record = next(r for r in parse_xml(corpus / "ontopic" / "ontopic.xml") if r.pmid == OPEN_LABEL)
    now = MONDAY + timedelta(weeks=1)
    run = store.begin_run(watch.name, None, None, now)
    store.upsert_records(run, watch.name, [replace(record, status="MEDLINE")], now)
    classify_pending(store, watch, load_design_model(None))
    return make_digest(store, watch, run, now)


def test_the_weeks_corrections_move_statements_in_the_next_digest(tmp_path, corpus):
    path = tmp_path / "litwatch.sqlite"
    watch = build_review_store(path, corpus)
    control = tmp_path / "control.sqlite"
    build_review_store(control, corpus)
    with Store.open(control) as store:  # control: the same week without corrections
        assert VIBRATION not in {c.key for c in next_week(store, watch, corpus, False).changes}
    with Store.open(path) as store:
        recorded = next_week(store, watch, corpus, True)
    moved = {change.key: change for change in recorded.changes}
    assert VIBRATION in moved and moved[VIBRATION].before != moved[VIBRATION].after


def test_the_digest_exports_carry_the_checked_values(tmp_path, corpus):
    path = tmp_path / "litwatch.sqlite"
    watch = build_review_store(path, corpus)
    with Store.open(path) as store:
        recorded = next_week(store, watch, corpus, True)
    paths = render_digest(recorded, watch, tmp_path / "out", Settings(data_dir=tmp_path))
    item = json.loads(paths["json"].read_text(encoding="utf-8"))["items"][0]
    assert (item["pmid"], item["design"]["label"]) == (OPEN_LABEL, "rct")
    assert item["checked"] == "checked (AL)"
    row = next(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8"))))
    assert (row["design"], row["checked"]) == ("rct", "checked (AL)")
    assert "Calls: checked (AL)" in paths["ris"].read_text(encoding="utf-8")
    assert "Checked: checked (AL)" in paths["txt"].read_text(encoding="utf-8")
