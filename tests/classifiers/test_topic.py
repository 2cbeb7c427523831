"""Topic relevance by the watch's declared concepts and rule: near misses out, B12 in metformin users in."""

from __future__ import annotations

import pytest
from default_judge import default_attributes
from litwatch.classifiers.definitions import TopicDefinitionModel, compile_topic
from litwatch.classifiers.topic import is_topic_relevant, parse_rule
from litwatch.core.records import AbstractSection, Record

from .test_gaps import default_watch


def _record(title: str, abstract: str = "") -> Record:
    return Record(pmid="1", title=title, abstract=(AbstractSection(abstract),) if abstract else ())


def _relevant(record: Record, topic=None) -> bool:
    topic = topic or default_watch()[0]
    return is_topic_relevant(record, default_attributes(record), topic).relevant


@pytest.mark.parametrize(
    ("title", "relevant"),
    [
        ("Alpha-lipoic acid for painful diabetic polyneuropathy: a randomized trial", False),
        ("Oral B12 in pernicious anaemia without diabetes", False),
        ("Metformin and lactic acidosis in chronic kidney disease", False),
        ("Vitamin B12 and diabetic retinopathy in type 1 diabetes", False),
        ("Vitamin B12 deficiency in long-term metformin users", True),
        ("Methylcobalamin for diabetic peripheral neuropathy", True),
        ("Cobalamin status and nerve conduction in type 2 diabetes", True),
    ],
)
def test_near_misses_are_off_topic(title, relevant):
    assert _relevant(_record(title)) is relevant


def test_labelled_topic_relevance_meets_the_bar(ontopic_records, ontopic_labels):
    topic = default_watch()[0]
    calls = {p: _relevant(r, topic) for p, r in ontopic_records.items()}
    truth = {p for p, row in ontopic_labels.items() if row["topic_relevant"] == "1"}
    found = {p for p, relevant in calls.items() if relevant}
    assert len(found & truth) / len(found) >= 0.95
    assert len(found & truth) / len(truth) >= 0.95


def test_another_watch_declares_its_own_topic():
    model = TopicDefinitionModel.model_validate(
        {
            "concepts": {
                "lipoic": ["alpha-lipoic acid", "thioctic acid"],
                "dpn": ["diabetic neuropathy", "polyneuropath*"],
            },
            "rule": "lipoic and dpn",
        }
    )
    topic = compile_topic(model)
    assert _relevant(_record("Alpha-lipoic acid for diabetic polyneuropathy"), topic)
    assert not _relevant(_record("Methylcobalamin for diabetic neuropathy"), topic)


def test_mesh_headings_count_for_the_topic():
    from litwatch.core.records import MeshHeading

    record = Record(
        pmid="2",
        title="Nerve outcomes after supplementation",
        mesh_headings=(MeshHeading("Vitamin B 12"), MeshHeading("Diabetic Neuropathies")),
    )
    assert _relevant(record)


@pytest.mark.parametrize("rule", ["b12 and", "(b12 or metformin", "b12 metformin", "and", ""])
def test_malformed_rules_are_refused(rule):
    with pytest.raises(ValueError):
        parse_rule(rule)


def test_a_rule_naming_an_undeclared_concept_is_refused():
    with pytest.raises(ValueError, match="unknown concept 'insulin'"):
        TopicDefinitionModel.model_validate(
            {"concepts": {"b12": ["B12"]}, "rule": "b12 and insulin"}
        )
