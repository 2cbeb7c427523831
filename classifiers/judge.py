"""Everything litwatch judges about a record, in one place: design, attributes, topic, gaps.

One entry per use: `judge_records` for plain records (the `classify` command), and
`classify_pending` for the flow, which classifies what the store has not yet classified
under the watch's current definitions (a new record version or edited gaps both count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from litwatch.classifiers.attributes import read_attributes
from litwatch.classifiers.definitions import compile_gaps, compile_topic, definitions_hash
from litwatch.classifiers.design import classify_designs
from litwatch.classifiers.gaps import assess_gaps
from litwatch.classifiers.topic import is_topic_relevant
from litwatch.core.records import Record

from litwatch.config import Watch


@dataclass(frozen=True)
class Judge:
    """A watch's topic and gap definitions, compiled once, applied to many records."""

    watch: Watch

    @cached_property
    def topic(self):
        return compile_topic(self.watch.topic) if self.watch.topic else None

    @cached_property
    def gaps(self):
        return compile_gaps(self.watch.gaps)

    @cached_property
    def definitions_hash(self) -> str:
        return definitions_hash(self.watch.topic, self.watch.gaps)

    def judge(self, records: Sequence[Record], *, text_only: bool = False) -> list[dict]:
        """The classification JSON of each record (the shape `litwatch classify` prints)."""
        designs = classify_designs(records, text_only=text_only)
        results = []
        for record, design in zip(records, designs, strict=True):
            attributes = read_attributes(record)
            topic = is_topic_relevant(record, attributes, self.topic) if self.topic else None
            gaps = assess_gaps(record, design.label, attributes, self.gaps, topic=topic)
            results.append(
                {
                    "pmid": record.pmid,
                    "design": design.label,
                    "design_confidence": round(design.confidence, 4),
                    "design_source": design.source,
                    "design_evidence": list(design.evidence),
                    "topic_relevant": topic.relevant if topic else True,
                    "topic_concepts": dict(topic.found) if topic else {},
                    "attributes": attributes.to_json(),
                    "gaps": {name: call.to_json() for name, call in gaps.items()},
                }
            )
        return results


def classify_pending(store, watch: Watch, batch: int = 500) -> int:
    """Classify every record version of the watch the store holds no current classification for."""
    judge = Judge(watch)
    todo = store.unclassified(watch.name, judge.definitions_hash)
    for first in range(0, len(todo), batch):
        chunk = todo[first : first + batch]
        records = [store.get_record(pmid, version) for pmid, version in chunk]
        for (pmid, version), payload in zip(chunk, judge.judge(records), strict=True):
            store.save_classification(pmid, version, watch.name, judge.definitions_hash, payload)
    return len(todo)
