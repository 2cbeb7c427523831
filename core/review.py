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

from litwatch.core.associations import ASSOCIATION_CALLS, Association
from litwatch.core.classification import (
    CONTROLS,
    DESIGN_LABELS,
    HEAD_TO_HEAD,
    ArmResult,
    Arms,
    CheckedMark,
    Classification,
    Comparison,
)
from litwatch.core.errors import LitwatchError
from litwatch.core.findings import DIRECTIONS, Finding
from litwatch.core.guidance import MEASURE_LEVELS, USE_LEVELS, StratumCall, StratumDefinition
from litwatch.core.records import Record

ReviewMode = Literal["single", "dual"]
REVIEW_MODES: tuple[ReviewMode, ...] = ("single", "dual")
RELEVANCES = ("addresses", "partly", "no")
TOPIC_VALUES = ("relevant", "not-relevant")
NOT_REPORTED = "not-reported"  # a finding the abstract does not report, after all
# What a trial's arms compare the intervention with: a control (CONTROLS), its own forms or
# routes against each other, both (a multi-arm trial), or nothing.
BOTH = "head-to-head-and-control"
COMPARATOR_VALUES = (*CONTROLS, HEAD_TO_HEAD, BOTH, "none")
_KIND_OF_CONTROL = {
    "placebo": "placebo-controlled",
    "active": "active-controlled",
    "usual-care": "usual-care-controlled",
    "no-treatment": "untreated-controlled",
}
# A head-to-head trial's arms did not differ, or which did better is not clear, besides the
# names of its arms (`field_choices`).
ARMS_ALIKE = ("no-difference", "unclear")
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


def review_fields(
    gaps: Sequence[str],
    domains: Sequence[str],
    associations: Sequence[str] = (),
    strata: Sequence[str] = (),
) -> tuple[str, ...]:
    """Every field a reviewer can check for a watch with these gaps, outcome domains,
    association questions and strata."""
    return (
        "design",
        "topic",
        "comparator",
        "better_arm",
        "participants",
        "follow_up_weeks",
        *(f"stratum:{name}" for name in strata),
        *(f"gap:{name}" for name in gaps),
        *(f"finding:{name}" for name in domains),
        *(f"association:{name}" for name in associations),
    )


def field_choices(
    strata: Sequence[StratumDefinition], classification: Classification | None
) -> dict[str, tuple[str, ...]]:
    """The values of the fields whose values come from the watch (a stratum's levels) or from
    the record (the arms a head-to-head trial's better arm is one of)."""
    choices: dict[str, tuple[str, ...]] = {
        f"stratum:{s.name}": MEASURE_LEVELS if s.kind == "measure" else USE_LEVELS for s in strata
    }
    arms = classification.arms if classification else None
    names = [arms.arm_name(i) for i in range(len(arms.arms))] if arms else []
    choices["better_arm"] = (*dict.fromkeys(n for n in names if n not in ARMS_ALIKE), *ARMS_ALIKE)
    return choices


def allowed_values(
    field: str, choices: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[str, ...] | None:
    """The values a field takes, or None for a number; `choices` (`field_choices`) gives those
    of the fields whose values come from the watch or the record."""
    if choices and field in choices:
        return choices[field]
    if field == "design":
        return DESIGN_LABELS
    if field == "topic":
        return TOPIC_VALUES
    if field == "comparator":
        return COMPARATOR_VALUES
    if field.startswith("gap:"):
        return RELEVANCES
    if field.startswith("finding:"):
        return (*DIRECTIONS, NOT_REPORTED)
    if field.startswith("association:"):
        return (*ASSOCIATION_CALLS, NOT_REPORTED)
    if field == "better_arm" or field.startswith("stratum:"):
        return ARMS_ALIKE if field == "better_arm" else ()  # without choices: none but these
    return None


def check_value(
    field: str,
    value: str,
    fields: Sequence[str],
    choices: Mapping[str, tuple[str, ...]] | None = None,
) -> str:
    """The value as stored, or ReviewError naming what is wrong with the field or value."""
    if field not in fields:
        raise ReviewError(f"unknown field {field!r} (one of: {', '.join(fields)})")
    value = value.strip()
    allowed = allowed_values(field, choices)
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
    if field == "comparator":
        return machine_comparator(classification)
    if field == "better_arm":
        return _better_arm(classification)
    if field.startswith("stratum:"):
        return classification.stratum(field[8:]) or ""
    if field.startswith("association:"):
        answer = _answer(classification, field[12:])
        return answer.call if answer else NOT_REPORTED
    return ""


def machine_comparator(classification: Classification) -> str:
    """What the arms compare the intervention with, in COMPARATOR_VALUES; a classification
    without comparisons read says what the comparator reader read."""
    arms = classification.arms
    if arms is None or not arms.comparisons:
        return classification.attributes.comparator
    if arms.head_to_head:
        return BOTH if arms.controlled else HEAD_TO_HEAD
    first = next(c for c in arms.comparisons if not c.head_to_head)
    control = _arm(arms, first.arms[1])
    if control is not None and control.control in CONTROLS:
        return control.control
    named = {kind: name for name, kind in _KIND_OF_CONTROL.items()}
    return named.get(first.kind, "active")  # an add-on's control got another treatment


def _arm(arms: Arms, index: int):
    return arms.arms[index] if 0 <= index < len(arms.arms) else None


def _better_arm(classification: Classification) -> str:
    """A head-to-head trial's better arm over its results ("" for a trial of no head-to-head
    comparison): one arm better and no other names it; none better where stated, no difference."""
    arms = classification.arms
    if arms is None or not arms.head_to_head:
        return ""
    better = {r.better for r in arms.head_to_head_results if r.better is not None}
    if len(better) == 1:
        return arms.arm_name(next(iter(better)))
    if not better and any(r.call == "no-difference" for r in arms.head_to_head_results):
        return "no-difference"
    return "unclear"


def _answer(classification: Classification, question: str) -> Association | None:
    return next((a for a in classification.associations if a.question == question), None)


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


def machine_untested(classification: Classification | None, field: str) -> bool:
    """Whether the call states a difference that its words report without a statistical test
    (a finding's, or the better arm's), for the reviewer to weigh."""
    if classification is None:
        return False
    if field.startswith("finding:"):
        overall = _overall(classification.findings, field[8:])
        if overall is None:
            return False
        return overall.direction in ("favours-intervention", "favours-comparator") and (
            not overall.tested
        )
    if field == "better_arm" and classification.arms:
        better = [r for r in classification.arms.head_to_head_results if r.better is not None]
        return bool(better) and not any(r.tested for r in better)
    return False


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
    if field == "comparator":
        arms = classification.arms
        said = arms.evidence if arms else ""
        return said or classification.attributes.evidence.get("comparator", "")
    if field == "better_arm" and classification.arms:
        return next((r.evidence for r in classification.arms.head_to_head_results), "")
    if field.startswith("stratum:"):
        return next((s.evidence for s in classification.strata if s.stratum == field[8:]), "")
    if field.startswith("association:"):
        answer = _answer(classification, field[12:])
        return answer.evidence if answer else ""
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
    arms, strata = result.arms, list(result.strata)
    associations = list(result.associations)
    # the comparator first: the better arm is one of the arms it compares
    if "comparator" in checked:
        comparator = checked["comparator"].value
        attributes = replace(attributes, comparator=comparator)
        arms = _checked_comparisons(arms or Arms(tests_intervention=result.tests_intervention),
                                    comparator)  # fmt: skip
    if "better_arm" in checked and arms is not None and arms.head_to_head:
        arms = _checked_better_arm(arms, findings, checked["better_arm"].value)
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
        elif field.startswith("stratum:"):
            strata = _checked_stratum(strata, field[8:], value.value)
        elif field.startswith("association:"):
            associations = _checked_association(associations, field[12:], value.value)
    return replace(
        result,
        design=design,
        attributes=attributes,
        topic_relevant=topic,
        gaps=gaps,
        findings=tuple(findings),
        arms=arms,
        strata=tuple(strata),
        associations=tuple(associations),
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


def _checked_comparisons(arms: Arms, comparator: str) -> Arms:
    """The arms comparing what the reviewer says they compare: the comparisons the machine
    read of that kind stay, a kind it did not read is added between the first arms that can
    make it, and a trial that compares nothing head to head has no head-to-head results."""
    head_to_head = comparator in (HEAD_TO_HEAD, BOTH)
    controlled = comparator in CONTROLS or comparator == BOTH
    given = [i for i, arm in enumerate(arms.arms) if arm.intervention]
    controls = [i for i, arm in enumerate(arms.arms) if not arm.intervention]
    kept: list[Comparison] = []
    if controlled:
        own = [c for c in arms.comparisons if not c.head_to_head]
        if comparator in CONTROLS:
            own = [replace(c, kind=_KIND_OF_CONTROL[comparator]) for c in own]
        if not own:
            control = comparator if comparator in CONTROLS else "placebo"
            pair = ((given or [0])[0], (controls or [1])[0])
            own = [Comparison(_KIND_OF_CONTROL[control], pair)]
        kept += own
    if head_to_head:
        own = [c for c in arms.comparisons if c.head_to_head]
        # the first two intervention arms, else any two
        first, second = list(dict.fromkeys([*given, *range(len(arms.arms)), 0, 1]))[:2]
        kept += own or [Comparison(HEAD_TO_HEAD, (first, second))]
    return replace(
        arms,
        comparisons=tuple(kept),
        head_to_head_results=arms.head_to_head_results if head_to_head else (),
        # every result speaks of the intervention against its control unless arms are compared
        not_controlled=arms.not_controlled if head_to_head and controlled else (),
    )


def _checked_better_arm(arms: Arms, findings: Sequence[Finding], better: str) -> Arms:
    """A head-to-head trial's results, every one saying what the reviewer says of the arms:
    one arm better, none, or not clear. Its domains are those the machine read a head-to-head
    result for, else those of its findings that speak of the arms against each other."""
    domains = [r.domain for r in arms.head_to_head_results]
    if not domains:
        apart = set(arms.not_controlled)
        wanted = [f.domain for f in findings if f.domain in apart or not arms.controlled]
        domains = wanted or [f.domain for f in findings]
    evidence = {r.domain: r.evidence for r in arms.head_to_head_results}
    # whether the words report a test is the abstract's, whoever reads them
    tested = {r.domain: r.tested for r in arms.head_to_head_results}
    index = next((i for i in range(len(arms.arms)) if arms.arm_name(i) == better), None)
    call = "favours-one-form" if index is not None else better
    return replace(
        arms,
        head_to_head_results=tuple(
            ArmResult(domain, call, evidence.get(domain, ""), index, tested.get(domain, True))
            for domain in dict.fromkeys(domains)
        ),
    )


def _checked_stratum(strata: list[StratumCall], stratum: str, level: str) -> list[StratumCall]:
    """The strata with the reviewer's level for one, its evidence kept."""
    own = next((s for s in strata if s.stratum == stratum), StratumCall(stratum, level))
    return [s for s in strata if s.stratum != stratum] + [replace(own, level=level)]


def _checked_association(
    associations: list[Association], question: str, call: str
) -> list[Association]:
    """The answers with the reviewer's call for one question; NOT_REPORTED drops it. Whether
    the study counts for the question stays its design's affair (outputs/associations.py): a
    trial counts only where the machine read its arms as the exposure against its absence."""
    others = [a for a in associations if a.question != question]
    if call == NOT_REPORTED:
        return others
    own = next((a for a in associations if a.question == question), None)
    own = own or Association(question=question, exposure="", domain="", call=call)
    return [*others, replace(own, call=call)]
