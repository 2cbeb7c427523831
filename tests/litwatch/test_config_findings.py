"""Outcome domains in the watch file: the shipped set loads, and mistakes name file, watch, key."""

from __future__ import annotations

from pathlib import Path

import pytest
from litwatch.core.errors import ConfigError

from litwatch.config import load_watches

WATCH = """
[[watch]]
name = "mine"
query = "metformin[tiab]"

[watch.findings]
intervention = ["vitamin B12"]
comparator = ["placebo"]

[[watch.findings.domains]]
name = "pain"
polarity = "lower-is-better"
terms = ["pain", "VAS"]

[[watch.findings.domains]]
name = "b12-status"
polarity = "higher-is-better"
terms = ["serum B12", { term = "homocysteine", polarity = "lower-is-better" }]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watches.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_watch_declares_the_default_outcome_domains():
    (watch,) = load_watches()
    domains = {domain.name: domain for domain in watch.outcome_domains}
    assert list(domains) == [
        "symptom-score",
        "pain",
        "quality-of-life",
        "nerve-conduction",
        "vibration-perception",
        "small-fibre",
        "b12-status",
        "glycaemic-control",
        "adverse-events",
    ]
    status = domains["b12-status"]
    polarity = {term.text: status.polarity_of(term) for term in status.terms}
    assert polarity["holotranscobalamin"] == "higher-is-better"
    assert polarity["methylmalonic acid"] == polarity["homocysteine"] == "lower-is-better"
    assert domains["pain"].polarity == "lower-is-better"
    assert "methylcobalamin" in watch.findings.intervention


def test_a_watch_file_builds_plain_domains(tmp_path):
    (watch,) = load_watches(write(tmp_path, WATCH))
    pain, status = watch.outcome_domains
    assert pain.title == "pain" and [t.text for t in pain.terms] == ["pain", "VAS"]
    assert [status.polarity_of(t) for t in status.terms] == ["higher-is-better", "lower-is-better"]


def test_a_watch_without_findings_has_no_domains(tmp_path):
    (watch,) = load_watches(write(tmp_path, WATCH.split("[watch.findings]")[0]))
    assert watch.outcome_domains == ()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('polarity = "lower-is-better"\nterms = ["pain"', 'polarity = "down"\nterms = ["pain"'),
            "watch 'mine': findings.domains.0.polarity: must be one of",
        ),
        (('terms = ["pain", "VAS"]', "terms = []"), "findings.domains.0.terms"),
        (('terms = ["pain", "VAS"]', 'terms = ["pain", " "]'), "a term is empty"),
        (('name = "b12-status"', 'name = "pain"'), "domain name 'pain' is used twice"),
        (
            (
                '{ term = "homocysteine", polarity = "lower-is-better" }',
                '{ term = "homocysteine" }',
            ),
            "findings.domains.1.terms",
        ),
        (('comparator = ["placebo"]', 'comparators = ["placebo"]'), "comparators: unknown key"),
        # The whole name must be safe, not just how it starts.
        (('name = "pain"', 'name = "pain score"'), "findings.domains.0.name: must be 1-64"),
        (('name = "pain"', 'name = "pain\\n"'), "findings.domains.0.name: must be 1-64"),
    ],
)
def test_a_bad_outcome_domain_is_one_line_naming_file_watch_and_key(tmp_path, change, expected):
    assert change[0] in WATCH
    path = write(tmp_path, WATCH.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_watches(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert expected in message


VOCABULARY = """
[watch.findings.vocabulary]
measures = ["score*"]
instrument = [{ domain = "pain", name = "Leeds pain diary", abbreviations = ["LPD"], short = ["Leeds"] }]
head = [{ domain = "b12-status", word = "cobalamin", qualifiers = ["serum"] }]
"""


def test_the_shipped_vocabulary_maps_instruments_to_the_default_domains():
    vocabulary = load_watches()[0].findings_definition.vocabulary
    by_name = {instrument.name: instrument.domain for instrument in vocabulary.instruments}
    assert by_name["Toronto Clinical Scoring System"] == "symptom-score"
    assert by_name["Brief Pain Inventory"] == "pain"
    assert by_name["Short Form-36"] == "quality-of-life"
    assert by_name["glycated haemoglobin"] == "glycaemic-control"
    assert {head.word: head.domain for head in vocabulary.heads}["conduction"] == (
        "nerve-conduction"
    )


def test_a_watch_extends_the_shipped_vocabulary_for_its_own_domains(tmp_path):
    (watch,) = load_watches(write(tmp_path, WATCH + VOCABULARY))
    vocabulary = watch.findings_definition.vocabulary
    names = {instrument.name for instrument in vocabulary.instruments}
    assert "Leeds pain diary" in names and "Brief Pain Inventory" in names
    # The shipped entries for domains this watch does not declare are left out.
    assert {i.domain for i in vocabulary.instruments} <= {"pain", "b12-status"}
    assert "cobalamin" in {head.word for head in vocabulary.heads}


def test_a_watch_can_leave_the_shipped_vocabulary_out(tmp_path):
    text = WATCH + VOCABULARY.replace(
        'measures = ["score*"]', 'shipped = false\nmeasures = ["score*"]'
    )
    (watch,) = load_watches(write(tmp_path, text))
    vocabulary = watch.findings_definition.vocabulary
    assert [i.name for i in vocabulary.instruments] == ["Leeds pain diary"]
    # Control: the same watch without `shipped = false` has the shipped entries too.
    (whole,) = load_watches(write(tmp_path, WATCH + VOCABULARY))
    assert len(whole.findings_definition.vocabulary.instruments) > 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('domain = "pain"', 'domain = "sleep"'),
            "vocabulary names unknown outcome domains: sleep",
        ),
        (('name = "Leeds pain diary"', 'name = ""'), "findings.vocabulary.instrument.0.name"),
        (('word = "cobalamin"', 'words = "cobalamin"'), "findings.vocabulary.head.0.word"),
        (('abbreviations = ["LPD"]', 'abbreviations = [" "]'), "a term is empty"),
    ],
)
def test_a_bad_vocabulary_entry_is_one_line_naming_file_and_key(tmp_path, change, expected):
    assert change[0] in VOCABULARY
    path = write(tmp_path, WATCH + VOCABULARY.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_watches(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert expected in message
