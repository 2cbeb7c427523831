"""Everything the classifiers say about one record, as plain frozen data.

The classifiers make a `Classification`; the store keeps it, the digest selects by it and the
outputs show it. Only two places see its JSON: the store (`to_json` / `from_json`) and the
output formats that print it (`litwatch classify`, Parquet).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from litwatch.core.associations import Association
from litwatch.core.findings import EffectModifier, Finding, Harms
from litwatch.core.guidance import Recommendation, StratumCall

# Every study design a record can be given (DESIGN.md, "Design"), strongest evidence first.
DESIGN_LABELS: tuple[str, ...] = (
    "meta-analysis",
    "systematic-review",
    "rct",
    "non-randomized-trial",
    "cohort",
    "case-control",
    "cross-sectional",
    "case-report",
    "narrative-review",
    "guideline",
    "protocol",
    "commentary",
    "preclinical",
    "other",
)
DesignSource = Literal["publication_type", "model"]
Relevance = Literal["addresses", "partly", "no"]

# The relevances that put a record under a gap in the digest and the summary.
COUNTING_RELEVANCES: tuple[Relevance, ...] = ("addresses", "partly")


@dataclass(frozen=True)
class DesignCall:
    """A record's study design, how sure we are, where it came from and what decided it."""

    label: str
    confidence: float
    source: DesignSource
    evidence: tuple[str, ...]
    # The text model's calibrated probability that the record reports an RCT (None when NLM
    # indexing decided), and "rct" as a second label when the top one is uncertain and that
    # probability is material: the digest's "possible RCT" (classifiers/design.py).
    rct_probability: float | None = None
    runner_up: str | None = None


@dataclass(frozen=True)
class Attributes:
    """The reviewer-facing facts of one record, in its watch's words: the forms of the
    intervention it names (`core/vocabulary.Form` names), routes, the daily dose in the watch's
    unit, the comparator, size, follow-up, the populations of the watch that hold, and the
    outcome domains it measures; `evidence` maps an attribute name to the words that support it.
    """

    forms: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    daily_dose: float | None = None
    dose_unit: str = ""  # the watch's ("µg", "mg"); "" where no dose was read
    comparator: str = "none"
    n_participants: int | None = None
    n_analysed: int | None = None
    follow_up_weeks: float | None = None
    populations: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    evidence: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def names_a_treatment(self) -> bool:
        """Whether the record names the watch's treatment (a form or a daily dose): only then
        does "favours the intervention" mean something for it."""
        return bool(self.forms) or self.daily_dose is not None

    def in_population(self, name: str) -> bool:
        """Whether the watch's population `name` holds for the record."""
        return name in self.populations

    def to_json(self) -> dict[str, Any]:
        """The `attributes` object of `litwatch classify` output and the store."""
        return {
            "forms": list(self.forms),
            "routes": list(self.routes),
            "daily_dose": self.daily_dose,
            "dose_unit": self.dose_unit,
            "comparator": self.comparator,
            "n_participants": self.n_participants,
            "n_analysed": self.n_analysed,
            "follow_up_weeks": self.follow_up_weeks,
            "populations": list(self.populations),
            "outcomes": list(self.outcomes),
            "evidence": dict(self.evidence),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attributes:
        """The inverse of `to_json`; a key the data lacks takes the field's default. An object
        stored before the watch named its forms and populations (`formulations`,
        `daily_dose_ug`, one yes/no key per population) keeps its forms and dose; its flags
        name no population of any watch, and the version bump of the attribute readers
        (`classifiers/attributes.ATTRIBUTES_VERSION`) has such a row read again."""
        dose = data.get("daily_dose")
        unit = str(data.get("dose_unit") or "")
        if dose is None and data.get("daily_dose_ug") is not None:
            dose, unit = data.get("daily_dose_ug"), "µg"
        return cls(
            forms=tuple(data.get("forms") or data.get("formulations") or ()),
            routes=tuple(data.get("routes") or ()),
            daily_dose=dose,
            dose_unit=unit,
            comparator=data.get("comparator") or "none",
            n_participants=data.get("n_participants"),
            n_analysed=data.get("n_analysed"),
            follow_up_weeks=data.get("follow_up_weeks"),
            populations=tuple(str(name) for name in data.get("populations") or ()),
            outcomes=tuple(data.get("outcomes") or ()),
            evidence=dict(data.get("evidence") or {}),
        )


@dataclass(frozen=True)
class GapCall:
    """One record against one gap: relevance, a score in [0, 1] (share of conditions met), and the reasons."""

    relevance: Relevance
    score: float
    reasons: tuple[str, ...]

    @property
    def addresses_gap(self) -> bool:
        """Whether the record counts for the gap at all (fully or partly)."""
        return self.relevance in COUNTING_RELEVANCES

    def to_json(self) -> dict[str, Any]:
        return {"relevance": self.relevance, "score": self.score, "reasons": list(self.reasons)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GapCall:
        return cls(
            relevance=data.get("relevance", "no"),
            score=data.get("score", 0.0),
            reasons=tuple(data.get("reasons") or ()),
        )


# What a control arm got instead of the intervention (DESIGN.md, "Arm").
CONTROLS = ("placebo", "usual-care", "no-treatment", "active")
# The comparisons a trial's arms make: the intervention against a control, or against itself.
CONTROLLED_KINDS = ("placebo-controlled", "add-on", "active-controlled", "usual-care-controlled",
                    "untreated-controlled")  # fmt: skip
HEAD_TO_HEAD = "head-to-head"


@dataclass(frozen=True)
class Arm:
    """One group of a trial: what it got (a form, route, daily dose and schedule of the
    intervention) or which control, in the abstract's words; `add_on` is the treatment an
    intervention arm got besides it, that a control arm got alone (the intervention + X vs X)."""

    words: str
    intervention: bool
    formulation: str | None = None
    route: str | None = None
    daily_dose_ug: float | None = None
    schedule: str = ""
    control: str | None = None  # one of CONTROLS for a control arm
    add_on: str = ""
    dose_ug: float | None = None  # one administration's dose, as written

    @property
    def less_than_daily(self) -> bool:
        """Whether the arm is dosed less often than once a day ("1 mg weekly"): its dose then
        reads as given, since its dose per day (143 µg) is a figure nobody prescribes."""
        return (
            self.dose_ug is not None
            and self.daily_dose_ug is not None
            and bool(self.schedule)
            and self.daily_dose_ug < self.dose_ug * 0.99
        )

    @property
    def treatment(self) -> str:
        """ "oral <form>", "intramuscular <form>", "placebo" """
        if not self.intervention:
            return self.words if self.control == "active" else (self.control or self.words)
        named = " ".join(part for part in (self.route, self.formulation) if part)
        # without a form or route read, its words up to a dose or an aside
        named = named or re.split(r"\s*\(|\s+\d", self.words, maxsplit=1)[0] or self.words
        return f"{named} + {self.add_on}" if self.add_on else named

    def to_json(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "intervention": self.intervention,
            "formulation": self.formulation,
            "route": self.route,
            "daily_dose_ug": self.daily_dose_ug,
            "schedule": self.schedule,
            "control": self.control,
            "add_on": self.add_on,
            "dose_ug": self.dose_ug,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Arm:
        return cls(
            words=str(data.get("words", "")),
            intervention=bool(data.get("intervention", False)),
            formulation=data.get("formulation"),
            route=data.get("route"),
            daily_dose_ug=data.get("daily_dose_ug"),
            schedule=str(data.get("schedule") or ""),
            control=data.get("control"),
            add_on=str(data.get("add_on") or ""),
            dose_ug=data.get("dose_ug"),
        )


@dataclass(frozen=True)
class ArmResult:
    """A head-to-head trial's result on one outcome domain: no difference between the arms, or
    which arm did better (`better`, an index into the trial's arms), with the words that say so."""

    domain: str
    call: str  # favours-one-form | no-difference | unclear
    evidence: str
    better: int | None = None
    # Whether the words that say so report a statistical test (Finding.tested)
    tested: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "call": self.call,
            "evidence": self.evidence,
            "better": self.better,
            **({} if self.tested else {"tested": False}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArmResult:
        better = data.get("better")
        return cls(
            domain=str(data.get("domain", "")),
            call=str(data.get("call", "unclear")),
            evidence=str(data.get("evidence", "")),
            better=better if isinstance(better, int) else None,
            tested=data.get("tested") is not False,
        )


@dataclass(frozen=True)
class Comparison:
    """Two arms a trial compares (indices into its arms, intervention first) and the kind of
    comparison they make: one of CONTROLLED_KINDS, or HEAD_TO_HEAD."""

    kind: str
    arms: tuple[int, int]

    @property
    def head_to_head(self) -> bool:
        return self.kind == HEAD_TO_HEAD

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "arms": list(self.arms)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Comparison:
        first, second = (list(data.get("arms") or ()) + [0, 0])[:2]
        return cls(kind=str(data.get("kind", "")), arms=(int(first), int(second)))


@dataclass(frozen=True)
class Arms:
    """A trial's arms, the comparisons they make, its head-to-head results per domain, and
    whether the record tests the watch's intervention at all (a trial of another drug that
    measures its marker does not)."""

    arms: tuple[Arm, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    head_to_head_results: tuple[ArmResult, ...] = ()
    tests_intervention: bool = False
    evidence: str = ""  # the sentence the arms were read from
    # The outcome domains whose finding (`Classification.findings`) speaks of the intervention
    # arms against each other, not against the control: a multi-arm trial's head-to-head result.
    not_controlled: tuple[str, ...] = ()
    # For a review: how many studies it pooled or summarised, and how many people they held.
    included_studies: int | None = None
    pooled_participants: int | None = None

    @property
    def controlled(self) -> bool:
        return any(not c.head_to_head for c in self.comparisons)

    @property
    def head_to_head(self) -> bool:
        return any(c.head_to_head for c in self.comparisons)

    def arm_name(self, index: int | None) -> str:
        """An arm as the statements and reviewers name it: what it got ("intramuscular
        hydroxocobalamin"), or its own words where another arm got the same form by the same
        route ("methylcobalamin 1000 µg daily as a sublingual tablet"); "" for no arm."""
        if index is None or not 0 <= index < len(self.arms):
            return ""
        arm = self.arms[index]
        twins = [
            other for other in self.arms if other is not arm and other.treatment == arm.treatment
        ]
        return arm.words if twins else arm.treatment

    def to_json(self) -> dict[str, Any]:
        return {
            "arms": [arm.to_json() for arm in self.arms],
            "comparisons": [c.to_json() for c in self.comparisons],
            "head_to_head_results": [r.to_json() for r in self.head_to_head_results],
            "tests_intervention": self.tests_intervention,
            "evidence": self.evidence,
            "not_controlled": list(self.not_controlled),
            "included_studies": self.included_studies,
            "pooled_participants": self.pooled_participants,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Arms:
        def each(key: str, kind):
            return tuple(kind.from_json(i) for i in data.get(key) or () if isinstance(i, Mapping))

        return cls(
            arms=each("arms", Arm),
            comparisons=each("comparisons", Comparison),
            head_to_head_results=each("head_to_head_results", ArmResult),
            tests_intervention=bool(data.get("tests_intervention", False)),
            evidence=str(data.get("evidence") or ""),
            not_controlled=tuple(str(d) for d in data.get("not_controlled") or ()),
            included_studies=data.get("included_studies"),
            pooled_participants=data.get("pooled_participants"),
        )


@dataclass(frozen=True)
class CheckedMark:
    """Who checked one field of a classification (core/review.py), and whether the record's
    title or abstract changed since: the checked value stands until it is re-checked."""

    reviewer: str
    needs_recheck: bool = False


@dataclass(frozen=True)
class Classification:
    """One record version as the classifiers judged it: design, attributes, topic and gaps.

    `gaps` keeps the watch's order of its gaps, which is the order the outputs list them in."""

    pmid: str
    design: DesignCall
    attributes: Attributes = field(default_factory=Attributes)
    topic_relevant: bool = True  # a watch without a topic definition takes every record
    topic_concepts: tuple[tuple[str, str], ...] = ()  # (concept, its first mention)
    gaps: Mapping[str, GapCall] = field(default_factory=dict, hash=False)
    key_finding: str = ""  # the sentence that carries the main result, at most 280 characters
    findings: tuple[Finding, ...] = ()  # one per outcome domain the abstract reports
    # Statements that the effect differs by a characteristic, for "who benefits".
    effect_modifiers: tuple[EffectModifier, ...] = ()
    harms: Harms | None = None  # adverse events as reported; None when the abstract is silent
    # None for a classification stored before arms were read (see `Attributes.names_a_treatment`)
    arms: Arms | None = None
    # What it recommends (a guideline's advice, or the authors'), and where its participants
    # stand on each of the watch's strata (a baseline measure, a drug's use).
    recommendations: tuple[Recommendation, ...] = ()
    strata: tuple[StratumCall, ...] = ()

    def stratum(self, name: str) -> str:
        """The level its participants are at on stratum `name` ("" when not read)."""
        return next((call.level for call in self.strata if call.stratum == name), "")

    # field -> who checked it: the fields whose value is a reviewer's, not the machine's
    checked: Mapping[str, CheckedMark] = field(default_factory=dict, hash=False)
    # The watch's association questions as this record answers them (core/associations.py).
    associations: tuple[Association, ...] = ()

    @property
    def tests_intervention(self) -> bool:
        """Whether the record tests the watch's intervention (a trial of another drug that
        measures its marker does not); a classification stored before arms were read falls back on
        whether the record names a form or dose of it."""
        if self.arms is None:
            return self.attributes.names_a_treatment
        return self.arms.tests_intervention

    @property
    def gaps_addressed(self) -> tuple[str, ...]:
        """The gaps the record addresses fully or partly, in the watch's order."""
        return tuple(name for name, call in self.gaps.items() if call.addresses_gap)

    def relevance(self, gap: str) -> Relevance | None:
        """How the record stands to `gap`, or None when it was not judged against it."""
        call = self.gaps.get(gap)
        return None if call is None else call.relevance

    def to_json(self) -> dict[str, Any]:
        """The JSON object the store keeps and `litwatch classify` prints, one per record."""
        return {
            "pmid": self.pmid,
            "design": self.design.label,
            "design_confidence": self.design.confidence,
            "design_source": self.design.source,
            "design_evidence": list(self.design.evidence),
            "design_rct_probability": self.design.rct_probability,
            "design_runner_up": self.design.runner_up,
            "topic_relevant": self.topic_relevant,
            "topic_concepts": dict(self.topic_concepts),
            "attributes": self.attributes.to_json(),
            "gaps": {name: call.to_json() for name, call in self.gaps.items()},
            "key_finding": self.key_finding,
            "findings": [finding.to_json() for finding in self.findings],
            "effect_modifiers": [modifier.to_json() for modifier in self.effect_modifiers],
            "harms": None if self.harms is None else self.harms.to_json(),
            "arms": None if self.arms is None else self.arms.to_json(),
            "recommendations": [r.to_json() for r in self.recommendations],
            "strata": [call.to_json() for call in self.strata],
            # only once a reviewer has checked a field: the machine's output stays as it was
            **(
                {
                    "checked": {
                        name: {"reviewer": mark.reviewer, "needs_recheck": mark.needs_recheck}
                        for name, mark in self.checked.items()
                    }
                }
                if self.checked
                else {}
            ),
            "associations": [association.to_json() for association in self.associations],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Classification:
        """The inverse of `to_json`. Keys an older payload lacks take defaults, so fields can be
        added without rewriting what the store already holds; `design` may also be an object
        {label, confidence, source, evidence}."""
        design = data.get("design")
        if isinstance(design, Mapping):
            label, confidence = design.get("label"), design.get("confidence")
            source, evidence = design.get("source"), design.get("evidence")
        else:
            label, confidence = design, data.get("design_confidence")
            source, evidence = data.get("design_source"), data.get("design_evidence")
        return cls(
            pmid=str(data.get("pmid", "")),
            design=DesignCall(
                label=label or "other",
                confidence=0.0 if confidence is None else confidence,
                source=source or "model",
                evidence=tuple(evidence or ()),
                rct_probability=data.get("design_rct_probability"),
                runner_up=data.get("design_runner_up"),
            ),
            attributes=Attributes.from_json(data.get("attributes") or {}),
            topic_relevant=bool(data.get("topic_relevant", True)),
            topic_concepts=tuple((data.get("topic_concepts") or {}).items()),
            gaps={
                name: GapCall.from_json(call)
                for name, call in (data.get("gaps") or {}).items()
                if isinstance(call, Mapping)
            },
            key_finding=str(data.get("key_finding") or ""),
            findings=_each(Finding, data.get("findings")),
            effect_modifiers=_each(EffectModifier, data.get("effect_modifiers")),
            harms=Harms.from_json(harms)
            if isinstance(harms := data.get("harms"), Mapping)
            else None,
            arms=Arms.from_json(arms) if isinstance(arms := data.get("arms"), Mapping) else None,
            recommendations=_each(Recommendation, data.get("recommendations")),
            strata=_each(StratumCall, data.get("strata")),
            checked={
                name: CheckedMark(str(mark.get("reviewer", "")), bool(mark.get("needs_recheck")))
                for name, mark in (data.get("checked") or {}).items()
                if isinstance(mark, Mapping)
            },
            associations=_each(Association, data.get("associations")),
        )


def _each(kind: Any, items: Any) -> tuple:
    """`kind.from_json` of each mapping in a stored list; a missing list or a stray entry that
    is not a mapping gives nothing."""
    return tuple(kind.from_json(item) for item in items or () if isinstance(item, Mapping))
