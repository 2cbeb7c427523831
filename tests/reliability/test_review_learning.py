"""Issue 22 item 5, learning from corrections: `litwatch train` and `litwatch train-findings`
learn the values reviewers checked in the store (weighted, counted in the model cards), leave
out those that need a re-check, and train as before without a store."""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from digest_steps import make_digest, render_digest
from litwatch.classifiers.design import classify_designs, load_design_model
from litwatch.classifiers.design.training_data import CHECKED_DESIGN_WEIGHT
from litwatch.classifiers.findings.model import load_model
from litwatch.classifiers.findings.training import CHECKED_WEIGHT
from litwatch.core.digest import RANKED_LOWER
from litwatch.flows.classifying import classify_pending
from litwatch.pubmed.xml import parse_xml
from litwatch.store import Store
from review_store import MONDAY, build_review_store
from starlette.testclient import TestClient

from litwatch.review_app import ReviewApp
from litwatch.reviewing import ReviewDesk
from litwatch.settings import Settings

SEEDTK = "pubmed-xml/SEEDtk__ncbi.utils__data__pubmed.xml"  # 100 indexed records
# Records whose abstracts mostly do not name their design (no phrase decides them).
UNNAMED = "pubmed-xml/mokztk__pubmed-parser__CPFE.xml"
DECISIVE = ("title phrase:", "text phrase:")  # the evidence of a phrase that overrides the model
DECIDED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def template_store(tmp_path_factory, corpus):
    path = tmp_path_factory.mktemp("learning") / "litwatch.sqlite"
    return path, build_review_store(path, corpus)


@pytest.fixture
def store_file(template_store, data_dir, monkeypatch, tmp_path):
    """A copy of the reviewed store in the data folder; no trial set beside the corpus, so
    `train` learns from the sources the test names only."""
    monkeypatch.setenv("LITWATCH_CORPUS_DIR", str(tmp_path / "no-corpus"))
    data_dir.mkdir(parents=True, exist_ok=True)
    copy = data_dir / "litwatch.sqlite"
    shutil.copy(template_store[0], copy)
    return copy


def decide(store_file, watch, decisions) -> None:
    with Store.open(store_file) as store:
        desk = ReviewDesk(store, watch)
        for pmid, field, value in decisions:
            desk.decide(pmid, field, value, "Ann Lee", DECIDED)


def revise_title(store_file, watch, record) -> None:
    """A new PubMed version of `record` with another title: decisions on it need a re-check."""
    with Store.open(store_file) as store:
        run = store.begin_run(watch.name, None, None, MONDAY)
        revised = replace(record, title=record.title + " (revised)", version=record.version + 1)
        store.upsert_records(run, watch.name, [revised], MONDAY)


def test_train_learns_checked_designs_weighted_and_counted(
    litwatch, store_file, template_store, corpus, tmp_path
):
    watch = template_store[1]
    sources = [corpus / SEEDTK, corpus / "medline" / "firbolg__ACTS_MeSH__pubmed.txt"]
    before = tmp_path / "before" / "design.skops"
    result = litwatch("train", *sources, "--out", before)
    assert result.exit_code == 0, result.stderr
    assert "train: no reviewer-checked labels found (b12-dpn)" in result.stdout
    plain = json.loads(before.with_name("design_card.json").read_text())
    assert plain["reviewer_checked_labels"] == 0

    # The reviewer corrects three records to a design the unweighted model does not give them
    # (records the classifier reads, not one of the decisive phrases that override it). The
    # on-topic records nearly all name their design in their own words, so the store also holds
    # the records of a file that mostly do not.
    records = list(parse_xml(corpus / "ontopic" / "ontopic.xml"))
    records += list(parse_xml(corpus / UNNAMED))
    with Store.open(store_file) as store:
        run = store.begin_run(watch.name, None, None, MONDAY)
        store.upsert_records(run, watch.name, records, MONDAY)
        classify_pending(store, watch, load_design_model(None))
    calls = classify_designs(records, load_design_model(before), text_only=True)
    wrong = [
        (record, call.label)
        for record, call in zip(records, calls, strict=True)
        if call.label != "cohort" and not any(e.startswith(DECISIVE) for e in call.evidence)
    ][:3]
    assert len(wrong) == 3
    decide(store_file, watch, [(record.pmid, "design", "cohort") for record, _ in wrong])
    revise_title(store_file, watch, wrong[2][0])  # that decision needs a re-check

    after = tmp_path / "after" / "design.skops"
    result = litwatch("train", *sources, "--out", after, "--watch", "b12-dpn")
    assert result.exit_code == 0, result.stderr
    assert "no reviewer-checked labels" not in result.stdout
    assert "2 reviewer-checked labels" in result.stdout
    assert "train: 1 checked value(s) left out" in result.stdout
    card = json.loads(after.with_name("design_card.json").read_text())
    assert card["reviewer_checked_labels"] == 2  # the revised record's label is left out
    assert card["reviewer_checked_weight"] == CHECKED_DESIGN_WEIGHT
    assert card["examples"] == plain["examples"] + 2
    assert card["label_counts"]["cohort"] == plain["label_counts"].get("cohort", 0) + 2
    assert card["cross_validation"] == plain["cross_validation"]  # scored on NLM labels only
    assert "* 2 reviewer-checked labels" in after.with_name("design_card.md").read_text()
    # The checked records are now read as the reviewer read them; the plain model disagreed.
    learnt = {record.pmid: record for record, _ in wrong[:2]}
    again = classify_designs(list(learnt.values()), load_design_model(after), text_only=True)
    assert [call.label for call in again] == ["cohort", "cohort"]


def small_prompts(corpus, tmp_path, articles: int = 25):
    """The first `articles` articles of the Evidence Inference set, as their own files."""
    folder = corpus / "evidence-inference"
    with (folder / "ei_dev_prompts.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keep = list(dict.fromkeys(row["pmid"] for row in rows))[:articles]
    prompts = tmp_path / "prompts.csv"
    with prompts.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(row for row in rows if row["pmid"] in keep)
    return folder / "ei_dev_abstracts.xml", prompts


def test_train_findings_learns_checked_domain_calls_with_their_sentences(
    litwatch, store_file, template_store, corpus, tmp_path
):
    watch = template_store[1]
    abstracts, prompts = small_prompts(corpus, tmp_path)
    plain_out = tmp_path / "plain" / "findings.skops"
    result = litwatch(
        "train-findings", "--abstracts", abstracts, "--prompts", prompts, "--out", plain_out
    )
    assert result.exit_code == 0, result.stderr
    assert "train-findings: no reviewer-checked labels found" in result.stdout
    assert "* 0 reviewer-checked labels" in plain_out.with_name("findings_card.md").read_text()

    # Checked calls on findings the machine read with a sentence: one confirmed, one corrected.
    with Store.open(store_file) as store:
        versions = store.latest_versions(watch.name)
        machine = store.classifications(
            watch.name, [(v.record.pmid, v.store_version) for v in versions], machine=True
        )
    read = [
        (pmid, f)
        for (pmid, _), c in sorted(machine.items())
        for f in c.findings
        if not f.subgroup
        and f.evidence
        and f.direction in ("favours-intervention", "no-difference")
    ]
    assert len(read) >= 3
    (p1, f1), (p2, f2), (p3, f3) = read[:3]
    flipped = "no-difference" if f2.direction != "no-difference" else "favours-intervention"
    decide(
        store_file,
        watch,
        [
            (p1, f"finding:{f1.domain}", f1.direction),
            (p2, f"finding:{f2.domain}", flipped),
            (p3, f"finding:{f3.domain}", "unclear"),  # no effect to learn: left out
        ],
    )
    out = tmp_path / "checked" / "findings.skops"
    result = litwatch(
        "train-findings", "--abstracts", abstracts, "--prompts", prompts, "--out", out
    )
    assert result.exit_code == 0, result.stderr
    assert "2 reviewer-checked labels" in result.stdout
    assert "train-findings: 1 checked value(s) left out" in result.stdout
    card = json.loads(out.with_name("findings_card.json").read_text())
    assert (card["n_checked"], card["checked_weight"]) == (2, CHECKED_WEIGHT)
    assert card["reviewer_checked_labels"] == 2
    assert (
        card["n_prompts"]
        == json.loads(plain_out.with_name("findings_card.json").read_text())["n_prompts"]
    )
    assert "* 2 reviewer-checked labels" in out.with_name("findings_card.md").read_text()
    # A reviewer checked what the sentence says, not which sentence says it (the sentence is
    # the one the reader chose): the checks teach the effect classifier, not the ranker.
    plain, learnt = load_model(plain_out), load_model(out)
    assert learnt.ranking == plain.ranking
    assert learnt.effect != plain.effect


NOT_RELEVANT = ("99000019", "99000020", "28932240")  # an editorial, a rat study, a review
RELEVANT = ("99000002", "99000003", "99000013", "99000016")  # placebo-controlled B12 trials


def queue_rows(store_file, watch, tmp_path) -> list[tuple[str, str]]:
    """(PMID, whether the row says it was ranked lower) of the review app's queue page, in order."""
    app = ReviewApp(
        store_file, watch, tmp_path / "out", {}, now=lambda: DECIDED, clock=lambda: 1000.0
    )
    client = TestClient(app.asgi())
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"csrf": token, "name": "Ann Lee"})
    page = client.get("/queue").text
    rows = re.findall(r"<tr>\s*<td class=\"wrap\">(.*?)</td>", page, re.DOTALL)
    return [(re.search(r"PMID (\d+)", row).group(1), RANKED_LOWER in row) for row in rows]


def test_the_relevance_model_puts_what_resembles_not_relevant_records_last_and_says_so(
    litwatch, store_file, template_store, tmp_path
):
    watch = template_store[1]
    before = queue_rows(store_file, watch, tmp_path)
    assert not any(lowered for _, lowered in before)
    # Too few decisions: nothing is trained, nothing moves, one line says why.
    decide(store_file, watch, [(p, "topic", "not-relevant") for p in NOT_RELEVANT[:2]])
    decide(store_file, watch, [(p, "topic", "relevant") for p in RELEVANT])
    result = litwatch("train", "--relevance")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        (
            "relevance model for b12-dpn not trained: needs at least 3 records reviewers marked"
            " relevant and 3 marked not relevant (has 4 and 2); the order stays as it was"
        )
    ]
    assert queue_rows(store_file, watch, tmp_path) == before

    decide(store_file, watch, [(NOT_RELEVANT[2], "topic", "not-relevant")])
    result = litwatch("train", "--relevance", "--watch", "b12-dpn")
    assert result.exit_code == 0, result.stderr
    assert "relevance model for b12-dpn: 4 relevant and 3 not relevant" in result.stdout
    after = queue_rows(store_file, watch, tmp_path)
    # Nothing hidden: every record is still listed, once.
    assert sorted(p for p, _ in after) == sorted(p for p, _ in before)
    lowered = [p for p, low in after if low]
    kept = [p for p, low in after if not low]
    assert set(NOT_RELEVANT) <= set(lowered) and not set(RELEVANT) & set(lowered)
    assert after == [(p, False) for p in kept] + [(p, True) for p in lowered]  # lowered last
    # The others keep the queue's own order.
    assert kept == [p for p, _ in before if p in kept]


OBSERVATIONAL = ("34308109", "99000015", "99000014", "20134380")  # cohorts, survey, case
TRIALS = ("20488910", "99000002", "99000003", "99000013", "99000016")
NEXT_WEEK = ("99000021", "31518991", "99000017")  # an RCT, a survey, a case-control study


def test_the_digest_lists_records_like_the_not_relevant_ones_last_and_says_so(
    litwatch, data_dir, corpus, monkeypatch, tmp_path
):
    """A team that marks observational studies not relevant to its watch: next week's digest
    lists every new record, the observational ones last, each saying why."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "litwatch.sqlite"
    every = {r.pmid for r in parse_xml(corpus / "ontopic" / "ontopic.xml")}
    watch = build_review_store(path, corpus, every - set(NEXT_WEEK))
    decide(path, watch, [(p, "topic", "not-relevant") for p in OBSERVATIONAL])
    decide(path, watch, [(p, "topic", "relevant") for p in TRIALS])

    def next_week_digest(folder) -> dict:
        shutil.copy(path, folder / "litwatch.sqlite")
        if (data_dir / "relevance").exists():  # the watch's model lives beside its store
            shutil.copytree(data_dir / "relevance", folder / "relevance")
        now = MONDAY + timedelta(weeks=1)
        records = [r for r in parse_xml(corpus / "ontopic" / "ontopic.xml") if r.pmid in NEXT_WEEK]
        with Store.open(folder / "litwatch.sqlite") as store:
            run = store.begin_run(watch.name, None, None, now)
            store.upsert_records(run, watch.name, records, now)
            classify_pending(store, watch, load_design_model(None))
            recorded = make_digest(store, watch, run, now)
        return render_digest(recorded, watch, folder / "out", Settings(data_dir=folder))

    (tmp_path / "control").mkdir()
    control = next_week_digest(tmp_path / "control")["md"].read_text(encoding="utf-8")
    assert "Ranked lower" not in control  # no model yet: the digest's own order

    result = litwatch("train", "--relevance")
    assert result.exit_code == 0, result.stderr
    assert "4 not relevant" in result.stdout
    (tmp_path / "ranked").mkdir()
    paths = next_week_digest(tmp_path / "ranked")
    ranked = paths["md"].read_text(encoding="utf-8")
    for kind in ("html", "txt"):
        assert "Ranked lower: resembles records reviewers marked not relevant" in paths[
            kind
        ].read_text(encoding="utf-8")
    assert all(f"PMID {p}" in ranked or p in ranked for p in NEXT_WEEK)  # nothing hidden
    new = ranked.split("## New records", 1)[1].split("\n## ", 1)[0]
    entries = new.split("\n- **[")[1:]
    listed = [
        (re.search(r"PMID (\d+)", e).group(1), "Ranked lower: resembles" in e) for e in entries
    ]
    assert sorted(p for p, _ in listed) == sorted(NEXT_WEEK)
    lowered = [p for p, low in listed if low]
    assert "31518991" in lowered and "99000021" not in lowered
    assert listed == sorted(listed, key=lambda pair: pair[1])  # the lowered ones last


def test_a_damaged_relevance_model_leaves_the_order_and_says_so_in_one_line(
    litwatch, store_file, template_store, tmp_path, caplog
):
    watch = template_store[1]
    before = queue_rows(store_file, watch, tmp_path)
    model = store_file.parent / "relevance" / "b12-dpn.json"
    model.parent.mkdir()
    model.write_text('{"watch": "b12-dpn", "vocabulary": {"b12": 0}, "idf": []}')
    with caplog.at_level("WARNING", logger="litwatch.relevance"):
        assert queue_rows(store_file, watch, tmp_path) == before  # nothing hidden or moved
    said = [r.getMessage() for r in caplog.records if r.name == "litwatch.relevance"]
    assert said and all(line.count("\n") == 0 for line in said)
    assert f"relevance model {model}: damaged" in said[0]
    assert "litwatch train --relevance" in said[0]
