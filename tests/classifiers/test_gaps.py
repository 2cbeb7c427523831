"""Gaps declared in the watch file: the default three against the labels, a fourth added by a user, and clear errors."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest
from default_judge import default_attributes
from litwatch.classifiers.definitions import (
    GapDefinitionModel,
    TopicDefinitionModel,
    compile_gaps,
    compile_topic,
    definitions_hash,
)
from litwatch.classifiers.gaps import assess_gaps
from litwatch.classifiers.topic import is_topic_relevant
from litwatch.core.errors import ConfigError

from litwatch.config import default_watch_file, load_watches


@cache
def default_watch():
    """The default watch's topic and gaps, compiled from the shipped watch file."""
    watch = tomllib.loads(default_watch_file().read_text(encoding="utf-8"))["watch"][0]
    topic = compile_topic(TopicDefinitionModel.model_validate(watch["topic"]))
    loaded = load_watches()[0]
    models = [GapDefinitionModel.model_validate(gap) for gap in watch["gaps"]]
    gaps = compile_gaps(models, loaded.population_labels, loaded.domain_titles)
    return topic, gaps


def _calls(record, design, gaps=None, topic=None):
    default_topic, default_gaps = default_watch()
    attributes = default_attributes(record)
    topic_call = is_topic_relevant(record, attributes, topic or default_topic)
    return assess_gaps(record, design, attributes, gaps or default_gaps, topic=topic_call)


def test_default_gaps_meet_the_bar_on_labelled_records(ontopic_records, ontopic_labels):
    for gap in ("stratified_rct", "outcomes_followup", "head_to_head"):
        truth, found = set(), set()
        for pmid, record in ontopic_records.items():
            row = ontopic_labels[pmid]
            if row[f"gap_{gap}"] == "1":
                truth.add(pmid)
            if _calls(record, row["design"])[gap].addresses_gap:
                found.add(pmid)
        precision = len(truth & found) / len(found)
        recall = len(truth & found) / len(truth)
        assert 2 * precision * recall / (precision + recall) >= 0.9, gap


def test_gap_call_json_says_why(ontopic_records):
    call = _calls(ontopic_records["99000012"], "protocol")["stratified_rct"]
    payload = call.to_json()
    assert payload["relevance"] == "addresses"
    assert payload["score"] == 1.0
    assert any("stratif" in reason for reason in payload["reasons"])
    assert set(payload) == {"relevance", "score", "reasons"}


def test_a_small_unstratified_trial_is_partly_relevant(ontopic_records):
    call = _calls(ontopic_records["99000002"], "rct")["stratified_rct"]
    assert call.relevance == "partly"
    assert any(reason.startswith("not met") for reason in call.reasons)


def test_an_off_topic_head_to_head_trial_addresses_no_gap(ontopic_records):
    calls = _calls(ontopic_records["99000023"], "rct")
    assert {call.relevance for call in calls.values()} == {"no"}


FOURTH_GAP = """
[[watch.gaps]]
name = "high_dose_oral"
question = "Does high-dose oral B12 (at least 1000 µg a day) help diabetic neuropathy?"

[[watch.gaps.require]]
label = "oral B12"
attribute = "routes"
includes_any = ["oral"]

[[watch.gaps.require]]
label = "at least 1000 µg a day"
attribute = "daily_dose"
at_least = 1000

[[watch.gaps.prefer]]
design = ["rct"]
"""


def test_a_fourth_gap_added_to_the_watch_file_works_end_to_end(tmp_path, ontopic_records):
    path = tmp_path / "watches.toml"
    path.write_text(default_watch_file().read_text(encoding="utf-8") + FOURTH_GAP, encoding="utf-8")
    (watch,) = load_watches(path)
    models = [GapDefinitionModel.model_validate(gap) for gap in watch.gaps]
    topic = compile_topic(TopicDefinitionModel.model_validate(watch.topic))
    gaps = compile_gaps(models)
    assert [gap.name for gap in gaps][-1] == "high_dose_oral"
    calls = _calls(ontopic_records["99000002"], "rct", gaps=gaps, topic=topic)
    assert calls["high_dose_oral"].relevance == "addresses"
    assert (
        _calls(ontopic_records["99000003"], "rct", gaps=gaps, topic=topic)[
            "high_dose_oral"
        ].relevance
        == "no"
    )
    default_topic_model = TopicDefinitionModel.model_validate(watch.topic)
    assert definitions_hash(default_topic_model, models) != definitions_hash(
        default_topic_model, models[:3]
    )


def _broken_gap_error(tmp_path, condition: str) -> tuple[Path, str]:
    """(the watch file, the error loading it gives) for the default watch with one more gap,
    "broken", whose one required condition is `condition`."""
    path = tmp_path / "watches.toml"
    path.write_text(
        default_watch_file().read_text(encoding="utf-8")
        + f'\n[[watch.gaps]]\nname = "broken"\nquestion = "?"\n[[watch.gaps.require]]\n{condition}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_watches(path)
    return path, str(caught.value)


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ('attribute = "comparatr"\nequals = "head-to-head"', "unknown attribute 'comparatr'"),
        ('attribute = "comparator"\nequals = "placebo-ish"', "'placebo-ish' is not a comparator"),
        (
            'attribute = "follow_up_weeks"\nincludes_any = ["x"]',
            "needs exactly one test of at_least",
        ),
        ('attribute = "routes"\nincludes_any = ["nasal"]', "unknown routes ['nasal']"),
        ('design = ["trial"]', "unknown label ['trial']"),
        ('phrases = ["x"]\ndesign = ["rct"]', "exactly one of"),
        ('phrase = ["x"]', "unknown key"),
    ],
)
def test_a_wrong_gap_gets_one_error_naming_watch_gap_and_key(tmp_path, condition, problem):
    path, message = _broken_gap_error(tmp_path, condition)
    assert "\n" not in message
    assert str(path) in message and "watch 'b12-dpn'" in message
    assert "gap 'broken', key require[0]" in message
    assert problem in message


def test_a_gap_naming_an_outcome_domain_the_watch_lacks_gets_one_error_naming_what_exists(
    tmp_path,
):
    # outcomes are the watch's outcome domains: the watch, not the condition, knows them
    _, message = _broken_gap_error(tmp_path, 'attribute = "outcomes"\nincludes_any = ["qol"]')
    assert "\n" not in message and "watch 'b12-dpn'" in message
    assert "gap 'broken' names outcome domain 'qol', which [[watch.findings.domains]]" in message
    assert "(known: symptom-score, pain, quality-of-life" in message


def test_definitions_hash_is_stable_and_changes_with_a_question():
    watch = tomllib.loads(default_watch_file().read_text(encoding="utf-8"))["watch"][0]
    models = [GapDefinitionModel.model_validate(gap) for gap in watch["gaps"]]
    topic = TopicDefinitionModel.model_validate(watch["topic"])
    reworded = models[0].model_copy(update={"question": "Another question?"})
    assert definitions_hash(topic, models) == definitions_hash(topic, list(models))
    assert definitions_hash(topic, models) != definitions_hash(topic, [reworded, *models[1:]])


def test_two_gaps_with_one_name_are_refused():
    watch = tomllib.loads(default_watch_file().read_text(encoding="utf-8"))["watch"][0]
    model = GapDefinitionModel.model_validate(watch["gaps"][0])
    with pytest.raises(ValueError, match="used twice"):
        compile_gaps([model, model])
