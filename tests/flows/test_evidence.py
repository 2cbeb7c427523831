"""Evidence statements end to end on the shared on-topic trials: a real store, the default watch,
the real classifiers. A week in which a new trial moves a statement says so, before -> after,
in every digest format; the summary's numbers are recomputed from the store, study by study."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from digest_steps import make_digest, rebuild_summary, render_digest
from litwatch.classifiers.design import load_design_model
from litwatch.core.records import MeshHeading
from litwatch.flows.classifying import classify_pending
from litwatch.outputs import statements as statements_module
from litwatch.outputs.statements import watch_statements
from litwatch.pubmed.xml import parse_xml
from litwatch.store import Store
from litwatch.store.summary_reads import summary_records

from litwatch.config import load_watches
from litwatch.settings import Settings
from litwatch.wiring import watch_info

MONDAY = datetime(2026, 11, 23, 7, 0)
NEW_TRIAL = "99000016"  # a 12-week B-complex RCT: symptoms better, nerve conduction unchanged


@pytest.fixture(scope="module")
def ontopic(corpus):
    return list(parse_xml(corpus / "ontopic" / "ontopic.xml"))


@pytest.fixture
def two_weeks(tmp_path, ontopic):
    """The on-topic records but one digested in week 1; the one new trial in week 2."""
    watch = load_watches()[0]
    settings = Settings(data_dir=tmp_path / "data")
    first = [r for r in ontopic if r.pmid != NEW_TRIAL]
    second = [r for r in ontopic if r.pmid == NEW_TRIAL]
    with Store.open(settings.db_path) as store:
        digests = []
        for week, records in enumerate((first, second)):
            now = MONDAY + timedelta(weeks=week)
            run = store.begin_run(watch.name, None, None, now)
            store.upsert_records(run, watch.name, records, now)
            classify_pending(store, watch, load_design_model(None))
            digests.append(make_digest(store, watch, run, now))
        yield store, watch, settings, digests


def test_a_new_trial_moves_the_statements_it_reports_on(two_weeks):
    _store, _watch, _settings, (_first, second) = two_weeks
    moved = {change.key: change for change in second.changes}
    assert "question:symptoms-pain" in moved and "domain:symptom-score" in moved
    symptoms = moved["question:symptoms-pain"]
    assert symptoms.new_pmids == (NEW_TRIAL,)
    assert symptoms.before != symptoms.after
    assert "RCT" in symptoms.after and "favour" in symptoms.after
    # A domain the new trial says nothing about does not move.
    assert "domain:pain" not in moved and "domain:adverse-events" not in moved


def test_the_move_shows_before_and_after_in_every_format(two_weeks, tmp_path):
    _store, watch, settings, (_first, second) = two_weeks
    paths = render_digest(second, watch, tmp_path / "out", settings)
    change = next(c for c in second.changes if c.key == "question:symptoms-pain")
    for name in ("html", "txt", "md"):
        text = paths[name].read_text(encoding="utf-8")
        assert "hat this changes" in text or "HAT THIS CHANGES" in text, name
        # Markdown escapes some punctuation; compare on the words.
        words = " ".join(text.replace("\\", "").split())
        assert change.after.split(": ", 1)[1][:40] in words, name
    document = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert {c["key"] for c in document["evidence_changes"]} == {c.key for c in second.changes}
    eml = paths["eml"].read_bytes()
    assert b"What this changes" in eml or b"What this=\n changes" in eml or b"WHAT THIS" in eml


def test_each_record_says_what_it_found(two_weeks, tmp_path):
    _store, watch, settings, (_first, second) = two_weeks
    paths = render_digest(second, watch, tmp_path / "out", settings)
    text = paths["txt"].read_text(encoding="utf-8")
    assert "Found: A B-complex tablet modestly reduced symptoms over 12 weeks." in text
    # The tablet gave B12 with thiamine and pyridoxine: its result is not B12's alone; and
    # "fell more with the B-complex than with placebo" carries no statistical test.
    assert (
        "By outcome: symptom scores: favours B12 with other B vitamins (B-complex), no "
        "statistical test reported · nerve conduction: no difference"
    ) in text
    document = json.loads(paths["json"].read_text(encoding="utf-8"))
    [tablet] = [r for r in document["items"] if r["pmid"] == "99000016"]
    tested = {f["domain"]: f["tested"] for f in tablet["findings"]}
    # the difference in words only, and "did not differ", which states no difference to test
    assert tested == {"symptom-score": False, "nerve-conduction": True}
    row = paths["csv"].read_text(encoding="utf-8")
    assert "symptom-score: favours-intervention" in row  # CSV keeps the tokens
    assert "Key finding: A B-complex tablet" in paths["ris"].read_text(encoding="utf-8")


def test_summary_numbers_are_recomputed_from_the_store_study_by_study(two_weeks, tmp_path):
    store, watch, _settings, _digests = two_weeks
    paths = rebuild_summary(store, watch, tmp_path / "out", MONDAY + timedelta(weeks=1))
    records = summary_records(store, watch.name)
    questions, domains = watch_statements(records, watch_info(watch))
    assert any(s.rcts.total for s in questions), "the on-topic set has trials to count"
    stored = {}
    for record, _classification in records:
        version = store.record_versions(record.pmid)[-1].store_version
        stored[record.pmid] = store.classification(record.pmid, version, watch.name)
    domains_of = {q.name: set(q.domains) for q in watch.questions}
    markdown = paths["summary_md"].read_text(encoding="utf-8").replace("\\", "")
    for statement in (*questions, *domains):
        if statement.comparison == "association":  # tests/flows/test_association_evidence.py
            continue
        key = statement.key.split(":", 1)[1]
        wanted = domains_of.get(key, {key})
        rcts = [s for s in statement.studies if s.design == "rct" and s.subgroup is None]
        assert statement.rcts.total == len(rcts)
        assert statement.rcts.participants == sum(
            stored[s.pmid].attributes.n_participants or 0 for s in rcts
        )
        for study in statement.studies:
            directions = {f.direction for f in stored[study.pmid].findings if f.domain in wanted}
            if statement.comparison == "head-to-head":
                # a head-to-head study's calls are its arms' results, the better arm named
                arms = stored[study.pmid].arms
                results = arms.head_to_head_results if arms else ()
                directions = {r.call for r in results if r.domain in wanted} | {"no-difference"}
                if study.direction == "favours-one-form":
                    assert study.better_arm in {
                        arms.arms[r.better].treatment for r in results if r.better is not None
                    }
            assert study.direction in directions or study.direction == "unclear"
        if statement.has_evidence:
            assert " ".join(statement.text.split()) in " ".join(markdown.split())


def _week(store, watch, records, week):
    now = MONDAY + timedelta(weeks=week)
    run = store.begin_run(watch.name, None, None, now)
    store.upsert_records(run, watch.name, records, now)
    classify_pending(store, watch, load_design_model(None))
    return make_digest(store, watch, run, now)


@pytest.fixture(params=["kept-marks", "marks-from-an-older-litwatch"])
def how_before(request):
    return request.param


def test_a_revision_that_adds_the_results_moves_the_statements(tmp_path, ontopic, how_before):
    """Week 1 lists the new trial ahead of print, title only; week 2 its revision carries the
    abstract. The store already holds the new version when the digest is made, so the 'before'
    must be the version the summary showed: the marks week 1's digest kept or, for a digest
    recorded by a litwatch that kept none, the summary's records read back at that version."""
    watch = load_watches()[0]
    trial = next(r for r in ontopic if r.pmid == NEW_TRIAL)
    ahead_of_print = replace(trial, abstract=())
    with Store.open(tmp_path / "litwatch.sqlite") as store:
        first = _week(
            store, watch, [*(r for r in ontopic if r.pmid != NEW_TRIAL), ahead_of_print], 0
        )
        if how_before == "marks-from-an-older-litwatch":
            store._conn.execute("UPDATE digest_logs SET statements = NULL")
            assert store.statement_marks(watch.name) is None
        second = _week(store, watch, [trial], 1)
        first = first.digest
        second, moved_from = second.digest, second.changes
        assert [item.record.pmid for item in second.revised] == [NEW_TRIAL]
        moved = {change.key: change for change in moved_from}
        assert "question:symptoms-pain" in moved
        assert moved["question:symptoms-pain"].new_pmids == (NEW_TRIAL,)
        symptoms = moved["question:symptoms-pain"]
        assert "1 RCT (90 participants) favours B12" in symptoms.before
        assert "both RCTs (210 participants) favour B12" in symptoms.after
        assert NEW_TRIAL in {item.record.pmid for item in first.items}

        # Control: a revision that only adds MeSH headings moves no statement.
        indexed = replace(trial, mesh_headings=(*trial.mesh_headings, MeshHeading("Humans")))
        third = _week(store, watch, [indexed], 2)
        assert [item.record.pmid for item in third.digest.revised] == [NEW_TRIAL]
        assert third.changes == ()


def test_a_run_computes_its_statements_once_for_the_digest_and_therebuild_summary(
    tmp_path, ontopic
):
    """The digest's "what moved" compares the statements after it with the marks the last
    digest kept; the summary takes the same statements: one computation per run, and they
    are the statements the summary's records give once the digest is recorded."""
    watch = load_watches()[0]
    settings = Settings(data_dir=tmp_path / "data")
    first = [r for r in ontopic if r.pmid != NEW_TRIAL]
    second = [r for r in ontopic if r.pmid == NEW_TRIAL]
    with Store.open(settings.db_path) as store:
        for week, records in enumerate((first, second)):
            now = MONDAY + timedelta(weeks=week)
            run = store.begin_run(watch.name, None, None, now)
            store.upsert_records(run, watch.name, records, now)
            classify_pending(store, watch, load_design_model(None))
            before = statements_module.computations
            recorded = make_digest(store, watch, run, now)
            paths = rebuild_summary(store, watch, tmp_path / "out", now, recorded.statements)
            assert statements_module.computations - before == 1, f"week {week}"
        assert recorded.changes, "the new trial moves statements: they were compared"
        statements = recorded.statements
        assert statements is not None
        records = summary_records(store, watch.name)
        fresh = watch_statements(records, watch_info(watch))
        assert [s.text for s in (*fresh[0], *fresh[1])] == [
            s.text for s in (*statements[0], *statements[1])
        ]
        written = json.loads(paths["summary_json"].read_text(encoding="utf-8"))
        everyone = [s for s in written["statements"] if s["population"] == "all"]
        assert [s["text"] for s in everyone] == [
            s.text
            for s in (*fresh[0], *fresh[1])
            if s.population == "all" and s.comparison != "association"
        ]
        # the association statements have their own list (outputs/associations.py)
        assert [a["text"] for a in written["associations"]] == [
            s.text for s in fresh[0] if s.comparison == "association"
        ]
        # A statement's line for metformin users is a statement of its own, with its studies.
        metformin = {
            r.pmid for r, c in records if c and c.attributes.in_population("metformin-users")
        }
        [symptoms] = [
            s for s in written["statements"] if s["key"] == "question:symptoms-pain:metformin-users"
        ]
        assert symptoms["text"].startswith("In metformin users:")
        assert symptoms["studies"] and {s["pmid"] for s in symptoms["studies"]} <= metformin
        # Control: a summary not handed the run's statements computes them again.
        before = statements_module.computations
        rebuild_summary(store, watch, tmp_path / "again", now)
        assert statements_module.computations - before == 1
