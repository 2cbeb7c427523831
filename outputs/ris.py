"""RIS export of a digest's records for reference managers, written with rispy."""

from __future__ import annotations

import re
from collections.abc import Iterable

import rispy
from litwatch.core.classification import Classification
from litwatch.core.records import Record
from litwatch.core.words import word
from litwatch.outputs.order import design_label
from litwatch.outputs.view import record_checked

# RIS is line-based: a line break inside a field would start a new tag (even "ER  -").
_LINE_BREAKS = re.compile(r"\s*[\r\n\u0085\u2028\u2029\v\f]+\s*")


def _field(text: object) -> str:
    return _LINE_BREAKS.sub(" ", str(text)).strip()


def _entry(record: Record, classification: Classification | None) -> dict:
    entry: dict = {
        "type_of_reference": "BOOK" if record.is_book else "JOUR",
        "title": record.title,
        "authors": [author.display_name for author in record.authors if author.display_name],
        "journal_name": record.journal,
        "alternate_title1": record.journal_abbrev,
        "year": str(record.publication_year or ""),
        "volume": record.volume,
        "number": record.issue,
        "start_page": record.pages,
        "abstract": record.abstract_text,
        "doi": record.doi,
        "accession_number": record.pmid,
        "urls": [record.url],
        "keywords": list(record.keywords) + list(record.mesh_terms),
        "notes": [f"Registry: {rid}" for rid in record.registry_ids],
        "language": ", ".join(record.languages),
    }
    if classification is not None:
        entry["notes"].append(f"Design: {design_label(classification.design.label)}")
        entry["notes"].append(f"Calls: {record_checked(classification)}")
        if classification.key_finding:
            entry["notes"].append(f"Key finding: {classification.key_finding}")
        for finding in classification.findings:
            entry["notes"].append(
                f"Finding, {word(finding.domain)}: {finding.direction.replace('-', ' ')}"
                f" ({finding.outcome}; {finding.evidence})"
            )
    cleaned: dict = {}
    for key, value in entry.items():
        if isinstance(value, list):
            value = [_field(item) for item in value if _field(item)]
        else:
            value = _field(value)
        if value:
            cleaned[key] = value
    return cleaned


def records_to_ris(
    records_with_classifications: Iterable[tuple[Record, Classification | None]],
) -> str:
    """One RIS reference per record; every field on one line."""
    entries = [
        _entry(record, classification) for record, classification in records_with_classifications
    ]
    return rispy.dumps(entries) if entries else ""
