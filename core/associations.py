"""Association questions and their answers, as plain data: an exposure (metformin), the outcome
domains asked about (B12 status), and what one study reports of the outcome in the exposed
against the unexposed (DESIGN.md, "Association")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litwatch.core.findings import DomainTerm, OutcomeDomain

# The outcome in the exposed against the unexposed, in the direction of the question's first
# domain: "decreased" B12 status when B12 is lower (or deficiency, homocysteine higher).
ASSOCIATION_CALLS = ("increased", "decreased", "no-association", "unclear")


@dataclass(frozen=True)
class Exposure:
    """What the exposed have that the unexposed do not: its name and the words for it."""

    name: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class AssociationQuestion:
    """A question of the watch about an exposure in place of its intervention: the outcome
    domains it asks about, and further words for the outcome (`terms`, each with a polarity of
    its own where it differs: "B12 deficiency" is B12 status where lower is better)."""

    name: str
    exposure: Exposure
    domains: tuple[OutcomeDomain, ...]
    terms: tuple[DomainTerm, ...] = ()

    @property
    def polarity(self) -> str:
        """The direction the calls are read in: the first domain's."""
        return self.domains[0].polarity if self.domains else "higher-is-better"


@dataclass(frozen=True)
class Association:
    """One study's answer to one association question: the call, the sentence that says it
    (results or conclusions only), the size where stated ("19% lower", "OR 2.4, 95% CI 1.5 to
    3.9"), what the exposed were compared with where it says ("placebo"), and whether the
    record is a trial whose arms set the exposure against its absence."""

    question: str
    exposure: str
    domain: str
    call: str  # one of ASSOCIATION_CALLS
    evidence: str = ""
    size: str = ""
    versus: str = ""
    trial_of_exposure: bool = False
    outcome: str = ""  # the outcome as the evidence sentence names it ("serum B12")

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "exposure": self.exposure,
            "domain": self.domain,
            "call": self.call,
            "evidence": self.evidence,
            "size": self.size or None,
            "versus": self.versus or None,
            "trial_of_exposure": self.trial_of_exposure,
            "outcome": self.outcome or None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Association:
        call = str(data.get("call", "unclear"))
        return cls(
            question=str(data.get("question", "")),
            exposure=str(data.get("exposure", "")),
            domain=str(data.get("domain", "")),
            call=call if call in ASSOCIATION_CALLS else "unclear",
            evidence=str(data.get("evidence") or ""),
            size=str(data.get("size") or ""),
            versus=str(data.get("versus") or ""),
            trial_of_exposure=bool(data.get("trial_of_exposure", False)),
            outcome=str(data.get("outcome") or ""),
        )
