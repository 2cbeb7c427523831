"""Where the design model's training records come from: local exports (PubMed XML, MEDLINE text,
Ovid MEDLINE) and PubMed itself through the Entrez client, each labelled by its own indexing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from litwatch.classifiers.training_data import LabelledRecord, label_records
from litwatch.core.records import Record
from litwatch.pubmed.formats import parse_file, sniff_format
from litwatch.pubmed.ovid import is_ovid, read_ovid
from litwatch.pubmed.xml import parse_xml

# One query per design a publication type names, so rare designs are asked for on purpose.
ENTREZ_QUERIES = (
    '"Randomized Controlled Trial"[pt]',
    '"Meta-Analysis"[pt]',
    '"Systematic Review"[pt]',
    '"Clinical Trial Protocol"[pt]',
    '"Case Reports"[pt]',
    '"Practice Guideline"[pt]',
    '"Review"[pt]',
    '"Clinical Trial"[pt] NOT "Randomized Controlled Trial"[pt]',
    '"Observational Study"[pt]',
    '"Case-Control Studies"[mh]',
    '"Cross-Sectional Studies"[mh]',
    '"Editorial"[pt] OR "Letter"[pt] OR "Comment"[pt]',
    '"Animals"[mh] NOT "Humans"[mh]',
    '"Journal Article"[pt] AND medline[sb]',
)


def load_labelled(sources: Iterable[Path]) -> list[LabelledRecord]:
    """Labelled records from files and folders of exports, each PMID once (first copy wins)."""
    seen: set[str] = set()
    labelled: list[LabelledRecord] = []
    for path in sources:
        for file, records in _records_by_file(Path(path)):
            for item in label_records(records, file.name):
                key = item.record.pmid or f"{file.name}:{item.record.title}"
                if key in seen:
                    continue
                seen.add(key)
                labelled.append(item)
    return labelled


def fetch_labelled(
    entrez_client, queries: Iterable[str] = ENTREZ_QUERIES, *, mindate=None, maxdate=None
) -> list[LabelledRecord]:
    """Labelled records fetched from PubMed, one search per publication-type query.

    Labels still come from each record's own indexing, not from the query that found it."""
    seen: set[str] = set()
    labelled: list[LabelledRecord] = []
    for query in queries:
        result = entrez_client.search(query, mindate, maxdate)
        for batch in entrez_client.fetch_xml(result):
            for item in label_records(parse_xml(batch, source_name="entrez"), f"entrez:{query}"):
                if item.record.pmid not in seen:
                    seen.add(item.record.pmid)
                    labelled.append(item)
    return labelled


def _records_by_file(path: Path) -> Iterator[tuple[Path, Iterable[Record]]]:
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if is_ovid(file):
                yield file, read_ovid(file)
            elif _looks_like_export(file):
                yield file, parse_file(file)
        return
    if is_ovid(path):
        yield path, read_ovid(path)
    else:
        yield path, parse_file(path)


def _looks_like_export(path: Path) -> bool:
    with path.open("rb") as handle:
        return sniff_format(handle.read(4096)) is not None
