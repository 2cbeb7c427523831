"""What the design model learns from: records labelled by their own NLM indexing, through the one
mapping in `classifiers.design.pubtypes`. Reading exports and asking PubMed for them is the face's work
(`litwatch.training_sources`); this module only decides each record's label."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from litwatch.classifiers.design.pubtypes import design_from_indexing
from litwatch.core.records import Record

_INDEXED_STATUSES = frozenset({"MEDLINE", "OLDMEDLINE"})


@dataclass(frozen=True)
class LabelledRecord:
    """A record with the design its indexing states, and the file it came from (the CV group)."""

    record: Record
    label: str
    evidence: tuple[str, ...]
    source_name: str
    # A set that holds one design only (trial abstracts known to be RCTs) rather than PubMed's
    # mix: it teaches wording, but must not count as evidence of how common the design is.
    single_design: bool = False
    # A design a reviewer checked in the store (`litwatch.checked_labels`): weighed
    # CHECKED_DESIGN_WEIGHT and kept out of the cross-validation, which scores NLM's labels.
    checked: bool = False

    @property
    def group(self) -> str:
        """The cross-validation group: the source file, or the article in a one-design set."""
        return f"{self.source_name}#{self.record.pmid}" if self.single_design else self.source_name


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


# Together, a one-design set weighs this many times that design's own PubMed-labelled records:
# enough to teach how such abstracts read, not so much that the label's prior swells. Measured
# on the corpus (held-out, grouped by file): at 0.1 RCT precision fell to 0.905, at 0.04 to
# 0.915, at 0.02 it held at 0.922 with recall 0.782.
SINGLE_DESIGN_SHARE = 0.02

# A design a reviewer checked counts as this many PubMed-labelled records: it is a label on the
# very records the model meets in use, read by a person rather than inferred from indexing, and
# there are few of them beside thousands of indexed ones.
CHECKED_DESIGN_WEIGHT = 3.0


def training_weights(
    labelled: Sequence[LabelledRecord], share: float = SINGLE_DESIGN_SHARE
) -> list[float]:
    """One weight per record: 1 for PubMed-labelled ones; a one-design set shares the weight of
    `share` times its label's PubMed-labelled count (at least one record's); a reviewer-checked
    one CHECKED_DESIGN_WEIGHT."""
    mixed = Counter(item.label for item in labelled if not (item.single_design or item.checked))
    single = Counter(item.label for item in labelled if item.single_design and not item.checked)
    each = {label: max(mixed[label], 1) * share / count for label, count in single.items()}
    return [
        CHECKED_DESIGN_WEIGHT if item.checked else each[item.label] if item.single_design else 1.0
        for item in labelled
    ]
