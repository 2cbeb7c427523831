"""What a record advises and whom a trial enrolled, as plain data: recommendations (a
guideline's, or the advice with which other designs end) and baseline strata declared by the
watch (DESIGN.md, "Recommendation"; "who benefits")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Who gives a recommendation: a guideline, consensus or position statement, or the authors of
# a study of another design (counted apart).
ISSUERS = ("guideline", "authors")
# What is recommended, in kind: a test or measurement, or a treatment.
ACTIONS = ("testing", "treatment")

# The levels of a measured stratum (baseline B12) and of a use (metformin).
MEASURE_LEVELS = ("low", "normal", "mixed", "not-stated")
USE_LEVELS = ("users", "non-users", "mixed", "not-stated")
NOT_STATED = "not-stated"


@dataclass(frozen=True)
class Recommendation:
    """One recommendation sentence: who gives it, what kind of thing it recommends (or
    advises against), for whom (the sentence's words), and the sentence itself."""

    text: str
    issuer: str  # one of ISSUERS
    action: str  # one of ACTIONS
    population: str = ""
    against: bool = False
    # The watch's names, when the sentence (or, for an elliptic "routine testing is
    # justified", the title) names them: the measure tested or given, the users it is for.
    subject: str = ""
    users: str = ""
    frequency: str = ""  # "routine", "periodic", "yearly" ... as the sentence says

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "issuer": self.issuer,
            "action": self.action,
            "population": self.population,
            "against": self.against,
            "subject": self.subject,
            "users": self.users,
            "frequency": self.frequency,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Recommendation:
        return cls(
            text=str(data.get("text", "")),
            issuer=str(data.get("issuer", "authors")),
            action=str(data.get("action", "testing")),
            population=str(data.get("population") or ""),
            against=bool(data.get("against", False)),
            subject=str(data.get("subject") or ""),
            users=str(data.get("users") or ""),
            frequency=str(data.get("frequency") or ""),
        )


@dataclass(frozen=True)
class StratumDefinition:
    """A baseline characteristic the watch asks "who benefits" by, from its watch file: a
    measure with cut-offs (baseline B12: low, normal) or a use (metformin: users, non-users).

    `terms` name it in an abstract; for a measure, `unit` and `units` (other unit, factor to
    `unit`) read its numbers, `low_at_most` is the enrolment ceiling at or below which every
    participant is low (deficient or borderline) and `normal_from` the enrolment floor at or
    above which every participant is normal. `populations` name the statements' populations
    per level ("low" -> "low-b12") and `titles` how a reader sees them ("people with low B12")."""

    name: str
    title: str
    terms: tuple[str, ...]
    kind: str = "measure"  # or "use"
    measure: str = ""  # how the summary names the measured thing or the drug: "B12"
    unit: str = ""
    units: tuple[tuple[str, float], ...] = ()
    low_at_most: float | None = None
    normal_from: float | None = None
    populations: tuple[tuple[str, str], ...] = ()  # (level, population name)
    titles: tuple[tuple[str, str], ...] = ()  # (level, how a reader sees it)

    def population(self, level: str) -> str:
        return dict(self.populations).get(level, "")

    def level_title(self, level: str) -> str:
        return dict(self.titles).get(level, level)


@dataclass(frozen=True)
class StratumCall:
    """Where one trial's participants stand on one stratum, with the words that say so."""

    stratum: str
    level: str  # one of MEASURE_LEVELS or USE_LEVELS
    evidence: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"stratum": self.stratum, "level": self.level, "evidence": self.evidence}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StratumCall:
        return cls(
            stratum=str(data.get("stratum", "")),
            level=str(data.get("level") or NOT_STATED),
            evidence=str(data.get("evidence") or ""),
        )
