"""What the design model learns from: records labelled by their own NLM indexing, through the one
mapping in `classifiers.pubtypes`. Reading exports and asking PubMed for them is the face's work
(`litwatch.training_sources`); this module only decides each record's label."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from litwatch.classifiers.pubtypes import design_from_indexing
from litwatch.core.records import Record

_INDEXED_STATUSES = frozenset({"MEDLINE", "OLDMEDLINE"})


@dataclass(frozen=True)
class LabelledRecord:
    """A record with the design its indexing states, and the file it came from (the CV group)."""

    record: Record
    label: str
    evidence: tuple[str, ...]
    source_name: str


def training_label(record: Record) -> tuple[str, tuple[str, ...]] | None:
    """The label indexing gives, `other` for indexed records it leaves open, None if not indexed."""
    design = design_from_indexing(record.publication_types, record.mesh_terms)
    if design is not None:
        return design.label, design.evidence
    if record.status in _INDEXED_STATUSES or record.mesh_headings:
        return "other", ("indexed without a design type",)
    return None


def label_records(records: Iterable[Record], source_name: str) -> Iterator[LabelledRecord]:
    """The records that indexing labels, each tagged with where it came from."""
    for record in records:
        labelled = training_label(record)
        if labelled is not None:
            yield LabelledRecord(record, labelled[0], labelled[1], source_name)
