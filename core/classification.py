"""Everything the classifiers say about one record, as plain frozen data.

The classifiers make a `Classification`; the store keeps it, the digest selects by it and the
outputs show it. Only two places see its JSON: the store (`to_json` / `from_json`) and the
output formats that print it (`litwatch classify`, Parquet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from litwatch.core.findings import EffectModifier, Finding, Harms

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
    """The reviewer-facing facts of one record; `evidence` maps an attribute name to the words
    that support it."""

    formulations: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    daily_dose_ug: float | None = None
    comparator: str = "none"
    n_participants: int | None = None
    n_analysed: int | None = None
    follow_up_weeks: float | None = None
    diabetes_type: str | None = None
    dpn_population: bool = False
    metformin_population: bool = False
    b12_status_reported: bool = False
    outcomes: tuple[str, ...] = ()
    evidence: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def names_a_treatment(self) -> bool:
        """Whether the record names the watch's treatment (a formulation or a daily dose): only
        then does "favours the intervention" mean something for it."""
        return bool(self.formulations) or self.daily_dose_ug is not None

    def to_json(self) -> dict[str, Any]:
        """The `attributes` object of `litwatch classify` output and the store."""
        return {
            "formulations": list(self.formulations),
            "routes": list(self.routes),
            "daily_dose_ug": self.daily_dose_ug,
            "comparator": self.comparator,
            "n_participants": self.n_participants,
            "n_analysed": self.n_analysed,
            "follow_up_weeks": self.follow_up_weeks,
            "diabetes_type": self.diabetes_type,
            "dpn_population": self.dpn_population,
            "metformin_population": self.metformin_population,
            "b12_status_reported": self.b12_status_reported,
            "outcomes": list(self.outcomes),
            "evidence": dict(self.evidence),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attributes:
        """The inverse of `to_json`; a key the data lacks takes the field's default."""
        return cls(
            formulations=tuple(data.get("formulations") or ()),
            routes=tuple(data.get("routes") or ()),
            daily_dose_ug=data.get("daily_dose_ug"),
            comparator=data.get("comparator") or "none",
            n_participants=data.get("n_participants"),
            n_analysed=data.get("n_analysed"),
            follow_up_weeks=data.get("follow_up_weeks"),
            diabetes_type=data.get("diabetes_type"),
            dpn_population=bool(data.get("dpn_population", False)),
            metformin_population=bool(data.get("metformin_population", False)),
            b12_status_reported=bool(data.get("b12_status_reported", False)),
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
            findings=tuple(
                Finding.from_json(item)
                for item in data.get("findings") or ()
                if isinstance(item, Mapping)
            ),
            effect_modifiers=tuple(
                EffectModifier.from_json(item)
                for item in data.get("effect_modifiers") or ()
                if isinstance(item, Mapping)
            ),
            harms=Harms.from_json(harms)
            if isinstance(harms := data.get("harms"), Mapping)
            else None,
        )
