"""Research-gap relevance: how far each record answers each open question the watch declares, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from litwatch.classifiers.attributes import Attributes, record_text
from litwatch.classifiers.conditions import Condition, Facts
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.topic import TopicCall
from litwatch.core.classification import GapCall, Relevance
from litwatch.core.records import Record


@dataclass(frozen=True)
class GapDefinition:
    """An open question: every `require` condition must hold for a record to touch it; the
    `prefer` conditions decide whether it addresses the question fully or partly."""

    name: str
    question: str
    require: tuple[Condition, ...]
    prefer: tuple[Condition, ...] = ()


def assess_gaps(
    record: Record,
    design: str,
    attributes: Attributes,
    gap_definitions: Iterable[GapDefinition],
    topic: TopicCall | None = None,
    text: Passage | None = None,
) -> dict[str, GapCall]:
    """Each gap's call for `record`; a record off the watch's topic (when `topic` is given) addresses none.

    `text` is the record's title and abstract as its attributes were read from (record_text),
    when the caller has it prepared; it is prepared again otherwise."""
    if topic is not None and not topic.relevant:
        # Most records of a search are off topic: their text is not even prepared.
        return {
            gap.name: GapCall("no", 0.0, ("not on the watch's topic",)) for gap in gap_definitions
        }
    facts = Facts(text or Passage.of(record_text(record)), design, attributes)
    return {gap.name: assess_gap(facts, gap) for gap in gap_definitions}


def assess_gap(facts: Facts, gap: GapDefinition) -> GapCall:
    """One gap's call from the facts of one record."""
    required = [condition.check(facts) for condition in gap.require]
    preferred = [condition.check(facts) for condition in gap.prefer]
    checks = required + preferred
    score = round(sum(c.met for c in checks) / len(checks), 2) if checks else 0.0
    if not all(c.met for c in required):
        missing = [f"missing — {c.reason}" for c in required if not c.met]
        return GapCall("no", score, tuple(missing))
    relevance: Relevance = "addresses" if all(c.met for c in preferred) else "partly"
    reasons = [c.reason for c in checks if c.met]
    reasons += [f"not met — {c.reason}" for c in preferred if not c.met]
    return GapCall(relevance, score, tuple(reasons))
