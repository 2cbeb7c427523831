"""The default watch's Judge, with the shipped design model, over records read from files:
what the truth-table tests classify the on-topic sets with, as `litwatch classify` does."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from litwatch.classifiers.attributes import read_attributes
from litwatch.classifiers.design import load_design_model
from litwatch.classifiers.judge import Judge
from litwatch.core.classification import Attributes, Classification
from litwatch.core.records import Record
from litwatch.core.vocabulary import AttributeVocabulary
from litwatch.pubmed.xml import parse_xml

from litwatch.config import Watch, load_watches


def default_judge() -> tuple[Watch, Judge]:
    watch = load_watches()[0]
    judge = Judge(
        watch.topic, watch.gaps, watch.findings_definition, design_model=load_design_model(None)
    )
    return watch, judge


def default_words() -> AttributeVocabulary:
    """The default watch's words for the attribute readers: its forms, dose unit, populations."""
    return load_watches()[0].attribute_vocabulary


@cache
def _default_reading():
    watch = load_watches()[0]
    return watch.attribute_vocabulary, watch.outcome_domains, watch.outcome_vocabulary


def default_attributes(record: Record) -> Attributes:
    """A record's attributes as the default watch reads them (its outcome domains included)."""
    return read_attributes(record, *_default_reading())


def judged(paths: Iterable[Path]) -> tuple[Watch, list[tuple[Record, Classification]]]:
    """The default watch and every record of these efetch XML files with its classification."""
    watch, judge = default_judge()
    records = [record for path in paths for record in parse_xml(path)]
    return watch, list(zip(records, judge.classify(records), strict=True))


def on_topic(pairs: Iterable[tuple[Record, Classification]]) -> list[tuple[Record, Classification]]:
    """The records the summary keeps: those the watch finds on topic."""
    return [(record, c) for record, c in pairs if c.topic_relevant]
