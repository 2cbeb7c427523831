"""Fixtures for the classifier tests: the on-topic corpus records and their labels, read in place."""

from __future__ import annotations

import csv

import pytest
from litwatch.pubmed.xml import parse_xml


@pytest.fixture(scope="session")
def ontopic_records(corpus):
    """The on-topic corpus records by PMID."""
    return {record.pmid: record for record in parse_xml(corpus / "ontopic" / "ontopic.xml")}


@pytest.fixture(scope="session")
def ontopic_labels(corpus):
    """labels.tsv rows by PMID."""
    with (corpus / "ontopic" / "labels.tsv").open(encoding="utf-8") as handle:
        return {row["pmid"]: row for row in csv.DictReader(handle, delimiter="\t")}


@pytest.fixture(scope="session")
def shipped_model():
    """The shipped study-design model, read once: what a run classifies with by default."""
    from litwatch.classifiers.design import load_design_model

    return load_design_model(None)
