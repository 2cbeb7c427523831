"""`[watch.summary]`: a watch's populations and section words are its own, checked on load; a
mistake in them is one line naming the file, the watch and the key, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from litwatch.core.errors import ConfigError

from litwatch.config import load_watches

WATCH = """
[[watch]]
name = "kidney"
query = "dapagliflozin[tiab]"

[watch.findings]
intervention = ["dapagliflozin"]

[[watch.findings.domains]]
name = "albuminuria"
polarity = "lower-is-better"
terms = ["albuminuria"]

[[watch.questions]]
name = "albuminuria"
title = "Albuminuria"
domains = ["albuminuria"]
{population}

[watch.summary]
{summary}
"""
SMOKERS = """
[[watch.summary.populations]]
name = "{name}"
label = "people who smoke"
"""
# The watch's own population, which [watch.summary.populations] and gap conditions name.
DECLARED = """
[[watch.populations]]
name = "smokers"
label = "people who smoke"
terms = ["smoker*", "smoking"]
"""
GAP = """
[[watch.gaps]]
name = "in_smokers"
question = "Does dapagliflozin help smokers?"

[[watch.gaps.require]]
{condition}
"""


def _load(tmp_path: Path, population: str = "", summary: str = "", more: str = "") -> list:
    path = tmp_path / "watches.toml"
    text = WATCH.format(population=population, summary=summary)
    # [[watch.populations]] and [[watch.gaps]] go before [watch.summary], as a user writes them
    head, tail = text.split("[watch.summary]", 1)
    path.write_text(head + more + "[watch.summary]" + tail, encoding="utf-8")
    return load_watches(path)


def _error(tmp_path: Path, **parts: str) -> str:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, **parts)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(tmp_path))
    return message


def test_a_watch_without_summary_words_shows_no_topic_section(tmp_path):
    [watch] = _load(tmp_path)
    words = watch.summary.words()
    assert (words.biology, words.baseline_stratum, words.formulations) == ("", "", "")
    assert watch.summary.populations == ()


def test_a_question_may_count_only_a_population_the_watch_declares(tmp_path):
    population = 'population = "smokers"'
    [watch] = _load(tmp_path, population, SMOKERS.format(name="smokers"), DECLARED)
    assert watch.questions[0].population == "smokers"
    message = _error(tmp_path, population=population, more=DECLARED)
    assert "watch 'kidney'" in message
    assert "question 'albuminuria' names population 'smokers'" in message


def test_a_summary_population_is_one_the_watch_declares(tmp_path):
    [watch] = _load(tmp_path, summary=SMOKERS.format(name="smokers"), more=DECLARED)
    assert [p.name for p in watch.summary.populations] == ["smokers"]
    message = _error(tmp_path, summary=SMOKERS.format(name="drinkers"), more=DECLARED)
    assert (
        "[[watch.summary.populations]] names population 'drinkers', which "
        "[[watch.populations]] does not declare (known: smokers)" in message
    )


def test_an_older_watch_files_population_attribute_is_one_line_saying_what_to_write(tmp_path):
    old = SMOKERS.format(name="smokers") + 'attribute = "metformin_population"\n'
    message = _error(tmp_path, summary=old, more=DECLARED)
    assert "attribute = 'metformin_population' is no longer read" in message
    assert "[[watch.populations]]" in message


def test_an_older_watch_files_baseline_sentence_is_one_line_naming_the_stratum_key(tmp_path):
    for old in ('baseline = "baseline smoking status"', 'baseline_attribute = "smokers"'):
        message = _error(tmp_path, summary=old)
        assert "is no longer read" in message and "baseline_stratum" in message


def test_a_baseline_stratum_the_watch_does_not_declare_is_one_line(tmp_path):
    message = _error(tmp_path, summary='baseline_stratum = "smoking"')
    assert "baseline_stratum 'smoking' is not a stratum of the watch (known: none)" in message


def test_a_gap_condition_names_the_watchs_populations(tmp_path):
    condition = 'population = "smokers"\nlabel = "people who smoke"'
    [watch] = _load(tmp_path, more=DECLARED + GAP.format(condition=condition))
    assert watch.population_labels == {"smokers": "people who smoke"}
    message = _error(tmp_path, more=DECLARED + GAP.format(condition='population = "drinkers"'))
    assert (
        "gap 'in_smokers' names population 'drinkers', which [[watch.populations]] does not "
        "declare (known: smokers)" in message
    )
    listed = 'attribute = "populations"\nincludes_any = ["smokers", "vapers"]'
    message = _error(tmp_path, more=DECLARED + GAP.format(condition=listed))
    assert "names population 'vapers'" in message


def test_a_gap_condition_on_an_older_attribute_is_one_line_naming_what_exists(tmp_path):
    for old in ('attribute = "metformin_population"\nequals = true',
                'attribute = "formulations"\npresent = true',
                'attribute = "daily_dose_ug"\nat_least = 10'):  # fmt: skip
        message = _error(tmp_path, more=DECLARED + GAP.format(condition=old))
        name = old.split('"')[1]
        assert f"attribute: unknown attribute {name!r}" in message
        assert "forms, routes, outcomes, comparator, daily_dose" in message
        assert 'population = "NAME"' in message
