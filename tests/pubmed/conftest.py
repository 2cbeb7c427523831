"""Fixtures for the parser tests: the corpus's PubMed exports, parsed once per session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from litwatch.pubmed.formats import parse_file


@pytest.fixture(scope="session")
def xml_files(corpus: Path) -> list[Path]:
    """Every efetch XML file of the corpus, the on-topic set included."""
    return sorted((corpus / "pubmed-xml").rglob("*.xml")) + [corpus / "ontopic" / "ontopic.xml"]


@pytest.fixture(scope="session")
def medline_files(corpus: Path) -> list[Path]:
    return sorted(path for path in (corpus / "medline").iterdir() if path.is_file())


@pytest.fixture(scope="session")
def records_by_file(xml_files, medline_files) -> dict[Path, list]:
    return {path: list(parse_file(path)) for path in xml_files + medline_files}


@pytest.fixture(scope="session")
def xml_records(records_by_file, xml_files) -> dict:
    """PMID -> Record over the XML corpus."""
    return {record.pmid: record for path in xml_files for record in records_by_file[path]}


@pytest.fixture(scope="session")
def medline_records(records_by_file, medline_files) -> dict:
    return {record.pmid: record for path in medline_files for record in records_by_file[path]}


@pytest.fixture(scope="session")
def sources_counts(corpus: Path) -> dict[Path, int]:
    """Records per file as SOURCES.tsv counts them (PubmedArticle only, no book articles)."""
    with (corpus / "SOURCES.tsv").open(newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {corpus / row["local_file"]: int(row["n_records"]) for row in rows}
