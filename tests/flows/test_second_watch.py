"""A second watch on another topic end to end (issue #21 item 6): the shipped SGLT2 watch over
records of its own, served by the stand-in over real HTTP, run by the real weekly flow into a
real store. Its digest and evidence summary name its studies, answer its own questions and
carry nothing of the default watch (B12, metformin): nothing topic-specific lives in code."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import jsonschema
import pytest
from helpers import settings_for
from litwatch.flows.weekly import watch_flow
from litwatch.standin.corpus import CorpusOptions, load_corpus
from litwatch.standin.testing import running_standin

from litwatch.config import load_watches

DATA = Path(__file__).resolve().parents[1] / "data"
WATCH_FILE = Path(__file__).resolve().parents[2] / "litwatch" / "watches" / "sglt2-kidney.toml"
BACKFILL = datetime(2026, 3, 2, 7, 0)  # a Monday: the records entered before it are history
MONDAY = datetime(2026, 11, 23, 7, 0)
# Words of the default watch that no other watch's outputs may carry.
FOREIGN = re.compile(r"b12|b-12|cobalamin|metformin|neuropath", re.IGNORECASE)
NEAR_MISS = "98400008"  # a heart-failure trial: the query finds it, the topic rule keeps it out


@pytest.fixture(scope="module")
def second_watch(prefect_api, tmp_path_factory):
    """The SGLT2 watch backfilled to March 2026, then one weekly run in November that delivers
    a digest of what entered since and writes the summary."""
    tmp = tmp_path_factory.mktemp("second-watch")
    corpus = load_corpus([DATA / "sglt2_records.xml"], CorpusOptions())
    with running_standin(corpus=corpus, now=BACKFILL) as standin:
        settings = settings_for(standin.base_url, tmp / "data", WATCH_FILE)
        watch_flow("sglt2-kidney", now=BACKFILL, settings=settings, since=date(1900, 1, 1),
                   deliver=False)  # fmt: skip
        standin.clock.set(MONDAY)
        result = watch_flow("sglt2-kidney", now=MONDAY, settings=settings)
    return result


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_its_outputs_carry_no_word_of_the_default_watch(second_watch):
    paths = second_watch.paths
    said = {}
    for name in ("html", "md", "txt", "json", "eml", "summary_html", "summary_md", "summary_json"):
        found = {m.group(0).lower() for m in FOREIGN.finditer(_text(paths[name]))}
        if found:
            said[name] = sorted(found)
    assert not said


def test_the_digest_names_the_studies_that_entered_this_week(second_watch):
    paths = second_watch.paths
    document = json.loads(_text(paths["json"]))
    new = {item["pmid"] for item in document["items"] if item["kind"] == "new"}
    # entered May to October 2026: the stage 4 trial, the head-to-head trial, the meta-analysis
    assert {"98400003", "98400004", "98400005"} <= new
    assert NEAR_MISS not in new
    for name in ("html", "md", "txt"):
        text = _text(paths[name])
        for pmid in new:
            assert pmid in text, (name, pmid)
    assert "Empagliflozin compared head to head with dapagliflozin" in _text(paths["html"])


def test_the_summary_answers_its_own_questions_from_its_own_studies(second_watch):
    paths = second_watch.paths
    watch = load_watches(WATCH_FILE)[0]
    summary = json.loads(_text(paths["summary_json"]))
    schema = Path(__file__).resolve().parents[2] / "outputs" / "schema" / "summary.schema.json"
    jsonschema.validate(summary, json.loads(_text(schema)))
    asked = {q.name: q.title for q in watch.questions}
    questions = [s for s in summary["statements"] if s["question"] is not None]
    assert {s["question"] for s in questions} == set(asked)
    for statement in questions:
        assert statement["title"] == asked[statement["question"]]
        assert statement["text"].startswith(asked[statement["question"]] + ":")
    by_question = {s["question"]: s for s in questions if s["population"] == "all"}
    progression = {s["pmid"] for s in by_question["kidney-progression"]["studies"]}
    assert "98400001" in progression, progression
    albuminuria = {s["pmid"] for s in by_question["albuminuria"]["studies"]}
    assert "98400002" in albuminuria, albuminuria
    assert "SGLT2 inhibitors" in by_question["kidney-progression"]["text"]
    # the meta-analysis pooled eleven trials; "to March 2026", when its search ran, is no count
    assert "1 meta-analysis of 11 trials" in by_question["kidney-progression"]["text"]
    html, markdown = _text(paths["summary_html"]), _text(paths["summary_md"])
    for title in asked.values():
        assert title in html and title in markdown
    on_topic = [f"984000{n:02d}" for n in range(1, 11) if f"984000{n:02d}" != NEAR_MISS]
    for pmid in on_topic:
        assert pmid in html and pmid in markdown, pmid
    assert {r["pmid"] for r in summary["records"]} >= set(on_topic)


def test_a_record_shows_only_the_population_flags_its_watch_names():
    """A record the readers flag as in metformin users (its trial ran on background metformin,
    say) shows that under the default watch, which names the population, and not under the
    SGLT2 watch, which does not."""
    from litwatch.flows.digesting import watch_info
    from litwatch.outputs.view import record_view
    from outputs_samples import RCT_GAP, record

    trial = record("98400099", "A trial")
    default = dict(record_view(trial, RCT_GAP, watch_info(load_watches()[0]))["attributes"])
    assert default["population"] == "metformin users"
    assert default["baseline B12"] == "reported"
    second = record_view(trial, RCT_GAP, watch_info(load_watches(WATCH_FILE)[0]))
    labels = {label for label, _value in second["attributes"]}
    assert "population" not in labels and "baseline B12" not in labels
    assert {"n", "comparator"} <= labels


HEAD_TO_HEAD_TRIAL = "98400004"  # empagliflozin against dapagliflozin


def test_its_head_to_head_trial_compares_two_of_its_agents_in_its_own_words(second_watch):
    """The forms are the watch's (`[[watch.findings.forms]]`): two SGLT2 inhibitors against
    each other are a head-to-head comparison, not a placebo-controlled one, and the outputs
    name it in the watch's words (was: read as placebo-controlled, the forms being B12's)."""
    paths = second_watch.paths
    document = json.loads(_text(paths["json"]))
    [item] = [i for i in document["items"] if i["pmid"] == HEAD_TO_HEAD_TRIAL]
    assert item["attributes"]["comparator"] == "head-to-head"
    html = _text(paths["html"])
    record = html.split(HEAD_TO_HEAD_TRIAL, 1)[1]
    assert "one SGLT2 inhibitor against another" in record
    assert "empagliflozin" in record and "dapagliflozin" in record
    summary = json.loads(_text(paths["summary_json"]))
    [agents] = [
        s
        for s in summary["statements"]
        if s["question"] == "agent-against-agent" and s["population"] == "all"
    ]
    assert HEAD_TO_HEAD_TRIAL in {s["pmid"] for s in agents["studies"]}
    assert agents["text"].startswith("One SGLT2 inhibitor against another: ")
    # "UACR fell by 31% with empagliflozin and by 28% with dapagliflozin; the difference
    # between the two agents was not significant": no agent better (was read as one better).
    assert agents["text"].endswith("1 RCT (302 participants) finds no difference."), agents["text"]
    placebo = {
        s["pmid"]
        for s in summary["statements"]
        if s["question"] == "kidney-progression" and s["population"] == "all"
        for s in s["studies"]
    }
    assert HEAD_TO_HEAD_TRIAL not in placebo  # every arm got an SGLT2 inhibitor
    markdown = _text(paths["summary_md"])
    assert "| one SGLT2 inhibitor against another |" in markdown  # the trials table
