"""Association statements end to end (issue #21 items 1-2): a real store, the default watch, the
real classifiers. A week in which a new cohort study of metformin arrives moves the "Metformin and
B12 status" statement, before -> after, in the digest's "What this changes"; the summary's
"Metformin and B12" section states it, with the studies listed under it, each call as stored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from digest_steps import make_digest, rebuild_summary, render_digest
from litwatch.classifiers.design import load_design_model
from litwatch.flows.classifying import classify_pending
from litwatch.outputs.statements import watch_statements
from litwatch.pubmed.xml import parse_xml
from litwatch.store import Store
from litwatch.store.summary_reads import summary_records
from lxml import html as lxml_html

from litwatch.config import load_watches
from litwatch.settings import Settings
from litwatch.wiring import watch_info

MONDAY = datetime(2026, 11, 23, 7, 0)
NEW_COHORT = "99000015"  # metformin use went with lower B12 over five years
KEY = "association:metformin-b12-status"


@pytest.fixture(scope="module")
def ontopic(corpus):
    return list(parse_xml(corpus / "ontopic" / "ontopic.xml"))


@pytest.fixture
def two_weeks(tmp_path, ontopic):
    """The on-topic records but one digested in week 1; the new cohort study in week 2."""
    watch = load_watches()[0]
    settings = Settings(data_dir=tmp_path / "data")
    with Store.open(settings.db_path) as store:
        digests = []
        for week, records in enumerate(
            (
                [r for r in ontopic if r.pmid != NEW_COHORT],
                [r for r in ontopic if r.pmid == NEW_COHORT],
            )
        ):
            now = MONDAY + timedelta(weeks=week)
            run = store.begin_run(watch.name, None, None, now)
            store.upsert_records(run, watch.name, records, now)
            classify_pending(store, watch, load_design_model(None))
            digests.append(make_digest(store, watch, run, now))
        yield store, watch, settings, digests


def test_a_new_cohort_moves_the_association_statement_in_what_this_changes(two_weeks, tmp_path):
    _store, watch, settings, (_first, second) = two_weeks
    moved = {change.key: change for change in second.changes}
    assert KEY in moved, sorted(moved)
    change = moved[KEY]
    assert change.new_pmids == (NEW_COHORT,)
    assert change.before.startswith("Metformin lowers B12: ")
    assert "observational stud" in change.after and change.before != change.after
    paths = render_digest(second, watch, tmp_path / "out", settings)
    for name in ("html", "txt", "md"):
        words = " ".join(paths[name].read_text(encoding="utf-8").replace("\\", "").split())
        assert change.after.split(": ", 1)[1][:40] in words, name


def test_the_summary_section_states_it_with_each_study_as_stored(two_weeks, tmp_path):
    store, watch, _settings, _digests = two_weeks
    paths = rebuild_summary(store, watch, tmp_path / "out", MONDAY + timedelta(weeks=1))
    records = summary_records(store, watch.name)
    questions, _ = watch_statements(records, watch_info(watch))
    [statement] = [s for s in questions if s.key == KEY]
    stored = {
        record.pmid: {a.question: a for a in classification.associations}
        for record, classification in records
        if classification is not None
    }
    assert statement.studies, "the on-topic set has studies of metformin and B12"
    for study in statement.studies:
        answer = stored[study.pmid]["metformin-b12-status"]
        assert (study.direction, study.size) == (answer.call, answer.size)
    page = lxml_html.fromstring(paths["summary_html"].read_bytes())
    assert "Metformin and B12" in page.xpath("//h2/text()")  # the watch file's section title
    block = page.xpath(f'//div[@id="{KEY.replace(":", "-")}"]')[0]
    shown = block.xpath('./p[@class="statement"]')[0]
    checked = "".join(shown.xpath('./span[contains(@class, "checked")]//text()'))
    assert shown.text_content().removesuffix(checked).strip() == statement.text
    assert checked == f"(0 of {len(statement.studies)} checked)"  # nobody has checked one yet
    assert len(block.xpath(".//li")) == len(statement.studies)
    document = json.loads(paths["summary_json"].read_text(encoding="utf-8"))
    [data] = [a for a in document["associations"] if a["key"] == KEY]
    assert {s["pmid"]: s["call"] for s in data["studies"]} == {
        s.pmid: s.direction for s in statement.studies
    }
