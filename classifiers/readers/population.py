"""Population readers: which of the watch's populations (`[[watch.populations]]`) a text says its
study concerns, each with its first mention. The terms are the watch's; the words here say only
how a measure is reported (a level, a cut-off, a stratification) in any topic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from litwatch.classifiers.readers.terms import (
    compile_terms,
    first_mention,
    term_pattern,
    word_start,
)
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Span
from litwatch.core.vocabulary import PopulationDefinition


def _measured_pattern(measure: tuple[str, ...], markers: tuple[str, ...]) -> re.Pattern[str]:
    """A measure reported at baseline: a level, a threshold used to select people,
    stratification by it, or markers of it; the measure named in passing ("X deficiency causes
    Y") is not a measurement."""
    m = "(?:" + "|".join(term_pattern(t) for t in sorted(measure, key=len, reverse=True)) + ")"
    parts = [
        rf"\b(?:serum|plasma|circulating|blood|baseline)\s+(?:serum\s+)?{m}",
        rf"{m}\s+(?:levels?|concentrations?|status|values?)\b",
        rf"{m}\s+(?:below|above|under|over|<|>|≤|≥|less\s+than|lower\s+than|of\s+less\s+than)\s*\d+",
        rf"{m}\s+(?:was|were|had\s+been)\s+(?:measured|assessed|tested|determined)",
        rf"\bmeasured\s+(?:serum\s+)?{m}|{m}[\s-]deficient\b",
        rf"\bstratif\w+\s+by\s+(?:baseline\s+)?(?:serum\s+)?{m}",
        rf"\b(?:prevalence|frequency|rates?)\s+of\s+{m}\s+deficiency|\bdue\s+to\s+{m}\s+deficiency",
        *(term_pattern(t) for t in markers),
    ]
    return word_start("|".join(parts))


@dataclass(frozen=True)
class _Compiled:
    name: str
    terms: re.Pattern[str] | None
    also: re.Pattern[str] | None
    also_with: tuple[str, ...]
    measured: re.Pattern[str] | None


@cache
def _compiled(populations: tuple[PopulationDefinition, ...]) -> tuple[_Compiled, ...]:
    return tuple(
        _Compiled(
            p.name,
            compile_terms(p.terms) if p.terms else None,
            compile_terms(p.also_terms) if p.also_terms else None,
            p.also_with,
            _measured_pattern(p.measured, p.markers) if p.measured else None,
        )
        for p in populations
    )


def read_populations(
    text: str | Passage, populations: tuple[PopulationDefinition, ...]
) -> dict[str, Span]:
    """The watch's populations the text's study concerns, each with its first (not negated)
    mention, in the watch's order. A population's `also_terms` count once one of its
    `also_with` populations holds (those are read first, whatever their order)."""
    passage = Passage.of(text)
    compiled = _compiled(populations)
    direct: dict[str, Span] = {}
    for population in compiled:
        spans = [
            span
            for pattern in (population.terms, population.measured)
            if pattern is not None and (span := first_mention(pattern, passage)) is not None
        ]
        if spans:
            direct[population.name] = min(spans, key=lambda span: span.start)
    found: dict[str, Span] = {}
    for population in compiled:
        span = direct.get(population.name)
        holds_with = any(name in direct for name in population.also_with)
        if span is None and population.also is not None and holds_with:
            span = first_mention(population.also, passage)
        if span is not None:
            found[population.name] = span
    return found
