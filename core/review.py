"""Review decisions as plain data: which machine calls a person may check, what a decision holds,
the value that rules once people have decided, and that value laid over a classification.

The store keeps decisions append-only (`store/reviews.py`); everything here is pure, so the
outputs, the app and the imports read checked values the same way.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from litwatch.core.classification import DESIGN_LABELS, CheckedMark, Classification
from litwatch.core.errors import LitwatchError
from litwatch.core.findings import DIRECTIONS, Finding
from litwatch.core.records import Record

ReviewMode = Literal["single", "dual"]
REVIEW_MODES: tuple[ReviewMode, ...] = ("single", "dual")
RELEVANCES = ("addresses", "partly", "no")
TOPIC_VALUES = ("relevant", "not-relevant")
NOT_REPORTED = "not-reported"  # a finding the abstract does not report, after all
DECIDE, RESOLVE = "decide", "resolve"  # a reviewer's own decision; a conflict's resolution


class ReviewError(LitwatchError):
    """A review decision that cannot be taken: unknown field or value, or a stale save."""


class StaleDecisionError(ReviewError):
    """A save based on a value someone else has changed since the reviewer saw it."""


def text_hash(record: Record) -> str:
    """What a decision was made on: the title and abstract, never the indexing."""
    text = record.title + "\n" + record.abstract_text
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Decision:
    """One row of the audit trail: a person's value for one machine call of one record version."""

    decision_id: int
    watch: str
    pmid: str
    store_version: int
    text_hash: str
    field: str
    machine_value: str
    model_version: str
    reviewer_value: str
    reviewer: str
    decided_at: str  # ISO 8601
    note: str = ""
    kind: str = DECIDE  # or RESOLVE: a third reviewer settling a dual-review conflict


@dataclass(frozen=True)
class CheckedValue:
    """The value that rules for one field, who checked it, and whether the record's text has
    changed since (the value stands until someone re-checks it)."""

    value: str
    reviewer: str
    decision_id: int
    needs_recheck: bool = False


@dataclass(frozen=True)
class FieldState:
    """Where one field of one record stands: its checked value, or a dual-review conflict."""

    checked: CheckedValue | None
    conflict: tuple[Decision, ...] = ()  # the disagreeing reviewers' latest decisions
    waiting: tuple[Decision, ...] = ()  # dual review: decided by one reviewer so far


def review_fields(gaps: Sequence[str], domains: Sequence[str]) -> tuple[str, ...]:
    """Every field a reviewer can check for a watch with these gaps and outcome domains."""
    return (
        "design",
        "topic",
        "participants",
        "follow_up_weeks",
        *(f"gap:{name}" for name in gaps),
        *(f"finding:{name}" for name in domains),
    )


def allowed_values(field: str) -> tuple[str, ...] | None:
    """The values a field takes, or None for a number."""
    if field == "design":
        return DESIGN_LABELS
    if field == "topic":
        return TOPIC_VALUES
    if field.startswith("gap:"):
        return RELEVANCES
    if field.startswith("finding:"):
        return (*DIRECTIONS, NOT_REPORTED)
    return None


def check_value(field: str, value: str, fields: Sequence[str]) -> str:
    """The value as stored, or ReviewError naming what is wrong with the field or value."""
    if field not in fields:
        raise ReviewError(f"unknown field {field!r} (one of: {', '.join(fields)})")
    value = value.strip()
    allowed = allowed_values(field)
    if allowed is not None:
        if value not in allowed:
            raise ReviewError(f"{field} cannot be {value!r} (one of: {', '.join(allowed)})")
        return value
    if value == "":
        return value  # not stated
    try:
        number = float(value)
    except ValueError:
        raise ReviewError(f"{field} must be a number, not {value!r}") from None
    if not math.isfinite(number) or number < 0 or (field == "participants" and number > 10**7):
        raise ReviewError(f"{field} cannot be {value!r}")
    if field == "participants":
        if number != int(number):
            raise ReviewError(f"participants must be a whole number, not {value!r}")
        return str(int(number))
    return f"{number:g}"


def machine_value(classification: Classification | None, field: str) -> str:
    """What the classifiers said for one field, as a reviewer sees it."""
    if classification is None:
        return ""
    if field == "design":
        return classification.design.label
    if field == "topic":
        return TOPIC_VALUES[0] if classification.topic_relevant else TOPIC_VALUES[1]
    if field == "participants":
        n = classification.attributes.n_participants
        return "" if n is None else str(n)
    if field == "follow_up_weeks":
        weeks = classification.attributes.follow_up_weeks
        return "" if weeks is None else f"{weeks:g}"
    if field.startswith("gap:"):
        return classification.relevance(field[4:]) or "no"
    if field.startswith("finding:"):
        overall = _overall(classification.findings, field[8:])
        return overall.direction if overall else NOT_REPORTED
    return ""


def machine_confidence(classification: Classification | None, field: str) -> float | None:
    """How sure the classifiers were of one field, where they say."""
    if classification is None:
        return None
    if field == "design":
        return classification.design.confidence
    if field.startswith("finding:"):
        overall = _overall(classification.findings, field[8:])
        return overall.confidence if overall else None
    return None  # a gap's score is the share of its conditions met, not a confidence


def machine_evidence(classification: Classification | None, field: str) -> str:
    """The sentence or phrase the call rests on, for highlighting it in the abstract."""
    if classification is None:
        return ""
    if field == "design":
        return next(iter(classification.design.evidence), "")
    if field == "participants":
        return classification.attributes.evidence.get("n_participants", "")
    if field == "follow_up_weeks":
        return classification.attributes.evidence.get("follow_up_weeks", "")
    if field.startswith("finding:"):
        overall = _overall(classification.findings, field[8:])
        return overall.evidence if overall else ""
    return ""


def _overall(findings: Iterable[Finding], domain: str) -> Finding | None:
    here = [f for f in findings if f.domain == domain]
    return next((f for f in here if not f.subgroup), next(iter(here), None))


def field_states(
    decisions: Iterable[Decision], mode: ReviewMode, current_hash: str
) -> dict[str, FieldState]:
    """Each decided field's state, from the decisions of one record (any order): the newest
    decision rules in single review; in dual review two reviewers must agree, and a resolution
    rules over both. A decision made on other text than `current_hash` needs a re-check."""
    by_field: dict[str, list[Decision]] = {}
    for decision in sorted(decisions, key=lambda d: d.decision_id):
        by_field.setdefault(decision.field, []).append(decision)
    return {field: _state(rows, mode, current_hash) for field, rows in by_field.items()}


def _checked(decision: Decision, current_hash: str) -> CheckedValue:
    return CheckedValue(
        decision.reviewer_value,
        decision.reviewer,
        decision.decision_id,
        needs_recheck=decision.text_hash != current_hash,
    )


def _state(rows: list[Decision], mode: ReviewMode, current_hash: str) -> FieldState:
    if mode == "single":
        return FieldState(_checked(rows[-1], current_hash))
    last_resolution = max((d.decision_id for d in rows if d.kind == RESOLVE), default=0)
    if last_resolution and rows[-1].decision_id == last_resolution:
        return FieldState(_checked(rows[-1], current_hash))
    # each reviewer's latest decision since the last resolution
    latest: dict[str, Decision] = {}
    for decision in rows:
        if decision.kind == DECIDE and decision.decision_id > last_resolution:
            latest[decision.reviewer] = decision
    resolved = next((d for d in rows if d.decision_id == last_resolution), None)
    if len(latest) < 2:
        fallback = _checked(resolved, current_hash) if resolved else None
        return FieldState(fallback, waiting=tuple(latest.values()))
    values = {d.reviewer_value for d in latest.values()}
    if len(values) == 1:
        newest = max(latest.values(), key=lambda d: d.decision_id)
        agreed = _checked(newest, current_hash)
        first = min(latest.values(), key=lambda d: d.decision_id)
        both = f"{first.reviewer}+{newest.reviewer}"
        return FieldState(replace(agreed, reviewer=both))
    fallback = _checked(resolved, current_hash) if resolved else None
    return FieldState(fallback, conflict=tuple(latest.values()))


def initials(reviewer: str) -> str:
    """ "Ann Lee" -> "AL", "ann" -> "ANN", two reviewers "ann+bob" -> "ANN+BOB" """
    names = []
    for name in reviewer.split("+"):
        parts = [p for p in name.replace("_", " ").replace(".", " ").split() if p]
        if len(parts) > 1:
            names.append("".join(p[0] for p in parts).upper())
        else:
            names.append((parts[0] if parts else "?")[:3].upper())
    return "+".join(names)


def apply_checked(
    classification: Classification, checked: Mapping[str, CheckedValue]
) -> Classification:
    """The classification with every checked value in place of the machine's, and `checked`
    saying who checked which field (the machine's classification is never changed)."""
    result = classification
    design, attributes = result.design, result.attributes
    findings, gaps = list(result.findings), dict(result.gaps)
    topic = result.topic_relevant
    for field, value in checked.items():
        if field == "design":
            design = replace(design, label=value.value, confidence=1.0)
        elif field == "topic":
            topic = value.value == TOPIC_VALUES[0]
        elif field == "participants":
            n = int(value.value) if value.value else None
            attributes = replace(attributes, n_participants=n)
        elif field == "follow_up_weeks":
            weeks = float(value.value) if value.value else None
            attributes = replace(attributes, follow_up_weeks=weeks)
        elif field.startswith("gap:") and field[4:] in gaps:
            gaps[field[4:]] = replace(gaps[field[4:]], relevance=value.value)  # type: ignore[arg-type]
        elif field.startswith("finding:"):
            findings = _checked_findings(findings, field[8:], value.value)
    return replace(
        result,
        design=design,
        attributes=attributes,
        topic_relevant=topic,
        gaps=gaps,
        findings=tuple(findings),
        checked={
            field: CheckedMark(value.reviewer, value.needs_recheck)
            for field, value in checked.items()
        },
    )


def _checked_findings(findings: list[Finding], domain: str, direction: str) -> list[Finding]:
    """The overall finding of a domain given the reviewer's direction; NOT_REPORTED drops it."""
    others = [f for f in findings if f.domain != domain]
    here = [f for f in findings if f.domain == domain]
    if direction == NOT_REPORTED:
        return others + [f for f in here if f.subgroup]
    overall = next((f for f in here if not f.subgroup), None)
    if overall is None:  # the reviewer read a result the machine did not: its effect unstated
        overall = Finding(domain, domain, "not-reported", direction, "", 1.0)
    if direction == "no-difference":
        overall = replace(overall, effect="no-difference")
    overall = replace(overall, direction=direction, confidence=1.0)
    return others + [overall] + [f for f in here if f.subgroup]
