"""What a record reports for one outcome, as plain data: the effect call the reader makes, the
outcome domains a watch declares, and the finding that joins the two (DESIGN.md, "Finding")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # core/associations builds on the domains below
    from litwatch.core.associations import AssociationQuestion

from litwatch.core.guidance import StratumDefinition
from litwatch.core.vocabulary import AttributeVocabulary

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
    # The domain a trial's adverse events, as the harms reader reads them, count in where the
    # findings reader read no result of its own for it (the watch file's `harms = true`).
    harms: bool = False

    def polarity_of(self, term: DomainTerm) -> str:
        return term.polarity or self.polarity


@dataclass(frozen=True)
class Instrument:
    """A named measure in an outcome vocabulary: "Toronto Clinical Scoring System" (TCSS) counts
    for symptom scores. `short` are the words that name it before a measure word ("Toronto
    scores"); `polarity` overrides the domain's when set."""

    name: str
    domain: str
    abbreviations: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    polarity: str = ""


@dataclass(frozen=True)
class OutcomeHead:
    """A head word that names a domain's outcome with whatever words qualify it ("conduction":
    "sural conduction", "conduction velocity", a bare "conduction was unchanged"). With
    `qualifiers`, the word counts only beside one of them or beside a verb of change
    ("B12 levels", "serum B12", "B12 rose"), for a word that also names the intervention."""

    word: str
    domain: str
    qualifiers: tuple[str, ...] = ()
    polarity: str = ""


@dataclass(frozen=True)
class OutcomeVocabulary:
    """Instruments and head words by domain, beyond a watch's own terms (which override them):
    data shipped with litwatch and extended by watch files, never words in code. `measures`
    are the nouns that follow an instrument's short name or a head word ("score", "velocity")."""

    instruments: tuple[Instrument, ...] = ()
    heads: tuple[OutcomeHead, ...] = ()
    measures: tuple[str, ...] = ()

    def for_domains(self, names: frozenset[str]) -> OutcomeVocabulary:
        """Only the entries for these domains."""
        return OutcomeVocabulary(
            tuple(i for i in self.instruments if i.domain in names),
            tuple(h for h in self.heads if h.domain in names),
            self.measures,
        )


@dataclass(frozen=True)
class FindingsDefinition:
    """What a watch reads findings for: the names of its intervention and comparator arms, the
    word a reader uses for the intervention ("B12"), its outcome domains and the vocabulary
    that maps further outcome wordings to them."""

    intervention: tuple[str, ...] = ()
    comparator: tuple[str, ...] = ()
    domains: tuple[OutcomeDomain, ...] = ()
    label: str = "the intervention"
    vocabulary: OutcomeVocabulary = field(default_factory=OutcomeVocabulary)
    # The baseline strata "who benefits" is read by (the watch file's `[[watch.strata]]`).
    strata: tuple[StratumDefinition, ...] = ()
    # The watch's association questions (core/associations.AssociationQuestion): an exposure
    # in place of the intervention.
    associations: tuple[AssociationQuestion, ...] = ()
    # The watch's words for the attribute readers: its forms, dose unit and populations.
    attributes: AttributeVocabulary = field(default_factory=AttributeVocabulary)


@dataclass(frozen=True)
class Finding:
    """What one record reports for one outcome domain. A result stated only for part of the
    participants carries its `subgroup` ("in metformin users") and is never the record's
    overall result for the domain."""

    domain: str
    outcome: str  # the outcome as the abstract names it, e.g. "vibration perception threshold"
    effect: str  # increased | decreased | no-difference
    direction: str  # one of DIRECTIONS
    evidence: str
    confidence: float
    subgroup: str = ""  # the subgroup's words, "" for the whole trial
    # Whether the sentence that states it reports a statistical test (a p-value, an interval,
    # "significant"): False for a result in words only ("fell more with B12 than placebo").
    tested: bool = True

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            domain=str(data.get("domain", "")),
            outcome=str(data.get("outcome", "")),
            effect=str(data.get("effect", "no-difference")),
            direction=str(data.get("direction", "unclear")),
            evidence=str(data.get("evidence", "")),
            confidence=float(data.get("confidence", 0.0)),
            subgroup=str(data.get("subgroup") or ""),
            tested=data.get("tested") is not False,
        )

    def to_json(self) -> dict:
        return {
            "domain": self.domain,
            "outcome": self.outcome,
            "effect": self.effect,
            "direction": self.direction,
            "evidence": self.evidence,
            "confidence": round(self.confidence, 4),
            "subgroup": self.subgroup or None,
            # written only where untested: what was stored before reads the same
            **({} if self.tested else {"tested": False}),
        }


# How an effect modifier says the effect varies: larger, smaller, only in, or not by the trait.
MODIFICATIONS = ("larger", "smaller", "only", "no-difference", "differs")


@dataclass(frozen=True)
class EffectModifier:
    """A statement that the effect differs by a characteristic ("larger effects in the lowest
    B12 tertile"): the characteristic's words, how the effect differs there, the sentence."""

    characteristic: str
    modification: str  # one of MODIFICATIONS
    evidence: str
    domain: str = ""  # the outcome domain it speaks of, when it names one

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EffectModifier:
        return cls(
            characteristic=str(data.get("characteristic", "")),
            modification=str(data.get("modification", "differs")),
            evidence=str(data.get("evidence", "")),
            domain=str(data.get("domain") or ""),
        )

    def to_json(self) -> dict:
        return {
            "characteristic": self.characteristic,
            "modification": self.modification,
            "evidence": self.evidence,
            "domain": self.domain or None,
        }


# What a record says of harms: none occurred, no difference between arms, events named
# (with counts where stated), or only that the treatment was well tolerated.
HARMS_STATEMENTS = ("none-occurred", "no-difference", "events-reported", "well-tolerated")


@dataclass(frozen=True)
class AdverseEvent:
    """One harm as the abstract names it, with the number of people or events where stated."""

    name: str
    count: int | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "count": self.count}


@dataclass(frozen=True)
class Harms:
    """A trial's adverse events as reported. `serious_only` when the statement is about
    serious events alone ("no serious adverse events")."""

    statement: str  # one of HARMS_STATEMENTS
    evidence: str
    events: tuple[AdverseEvent, ...] = ()
    serious_only: bool = False

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Harms:
        return cls(
            statement=str(data.get("statement", "events-reported")),
            evidence=str(data.get("evidence", "")),
            events=tuple(
                AdverseEvent(str(e.get("name", "")), e.get("count"))
                for e in data.get("events") or ()
                if isinstance(e, Mapping)
            ),
            serious_only=bool(data.get("serious_only", False)),
        )

    def to_json(self) -> dict:
        return {
            "statement": self.statement,
            "evidence": self.evidence,
            "events": [event.to_json() for event in self.events],
            "serious_only": self.serious_only,
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
