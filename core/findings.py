"""What a record reports for one outcome, as plain data: the effect call the reader makes, the
outcome domains a watch declares, and the finding that joins the two (DESIGN.md, "Finding")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The effect in the intervention arm relative to the comparator.
EFFECTS = ("increased", "decreased", "no-difference", "not-reported")
# What that effect means for the intervention, once a domain's polarity is applied.
DIRECTIONS = ("favours-intervention", "no-difference", "favours-comparator", "unclear")
POLARITIES = ("higher-is-better", "lower-is-better")


@dataclass(frozen=True)
class EffectCall:
    """The reader's answer for one outcome: its label, the sentence that says it, a confidence."""

    label: str  # one of EFFECTS
    evidence: str = ""
    confidence: float = 0.0

    def to_json(self) -> dict:
        return {"label": self.label, "evidence": self.evidence, "confidence": self.confidence}


@dataclass(frozen=True)
class DomainTerm:
    """One way an abstract names a domain's outcome; `polarity` overrides the domain's when set
    (homocysteine is a B12-status marker where lower is better, serum B12 one where higher is)."""

    text: str
    polarity: str = ""


@dataclass(frozen=True)
class OutcomeDomain:
    """A family of outcomes a watch reports on, e.g. pain (lower is better)."""

    name: str
    title: str
    terms: tuple[DomainTerm, ...]
    polarity: str  # one of POLARITIES

    def polarity_of(self, term: DomainTerm) -> str:
        return term.polarity or self.polarity


@dataclass(frozen=True)
class FindingsDefinition:
    """What a watch reads findings for: the names of its intervention and comparator arms, the
    word a reader uses for the intervention ("B12"), and its outcome domains."""

    intervention: tuple[str, ...] = ()
    comparator: tuple[str, ...] = ()
    domains: tuple[OutcomeDomain, ...] = ()
    label: str = "the intervention"


@dataclass(frozen=True)
class Finding:
    """What one record reports for one outcome domain."""

    domain: str
    outcome: str  # the outcome as the abstract names it, e.g. "vibration perception threshold"
    effect: str  # increased | decreased | no-difference
    direction: str  # one of DIRECTIONS
    evidence: str
    confidence: float

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            domain=str(data.get("domain", "")),
            outcome=str(data.get("outcome", "")),
            effect=str(data.get("effect", "no-difference")),
            direction=str(data.get("direction", "unclear")),
            evidence=str(data.get("evidence", "")),
            confidence=float(data.get("confidence", 0.0)),
        )

    def to_json(self) -> dict:
        return {
            "domain": self.domain,
            "outcome": self.outcome,
            "effect": self.effect,
            "direction": self.direction,
            "evidence": self.evidence,
            "confidence": round(self.confidence, 4),
        }


def direction_of(effect: str, polarity: str) -> str:
    """An effect read through a polarity: lower pain favours the arm where pain decreased."""
    if effect == "no-difference":
        return "no-difference"
    if effect == "increased":
        return "favours-intervention" if polarity == "higher-is-better" else "favours-comparator"
    if effect == "decreased":
        return "favours-intervention" if polarity == "lower-is-better" else "favours-comparator"
    return "unclear"
