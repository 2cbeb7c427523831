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
name = "smokers"
attribute = "{attribute}"
label = "people who smoke"
"""


def _load(tmp_path: Path, population: str = "", summary: str = "") -> list:
    path = tmp_path / "watches.toml"
    path.write_text(WATCH.format(population=population, summary=summary), encoding="utf-8")
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
    assert (words.biology, words.baseline, words.formulations) == ("", "", "")
    assert watch.summary.populations == ()


def test_a_question_may_count_only_a_population_the_watch_declares(tmp_path):
    population = 'population = "smokers"'
    [watch] = _load(tmp_path, population, SMOKERS.format(attribute="metformin_population"))
    assert watch.questions[0].population == "smokers"
    message = _error(tmp_path, population=population)
    assert "watch 'kidney'" in message
    assert "question 'albuminuria' names population 'smokers'" in message


def test_a_population_names_a_yes_no_attribute(tmp_path):
    message = _error(tmp_path, summary=SMOKERS.format(attribute="n_participants"))
    assert "summary.populations.0.attribute" in message
    assert "'n_participants' is not a yes/no attribute" in message


def test_baseline_words_need_their_attribute(tmp_path):
    message = _error(tmp_path, summary='baseline = "baseline smoking status"')
    assert "baseline and baseline_attribute go together" in message
