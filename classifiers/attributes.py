"""What a reviewer looks for first in a record (formulation, route, dose, comparator, size, follow-up,
population, outcomes), read from title and abstract with the span that supports each."""

from __future__ import annotations

import re

from litwatch.classifiers.readers.comparator import read_comparator
from litwatch.classifiers.readers.counts import read_head_counts
from litwatch.classifiers.readers.dose import daily_dose_of
from litwatch.classifiers.readers.duration import read_follow_up
from litwatch.classifiers.readers.population import (
    read_b12_status,
    read_diabetes_type,
    read_dpn_population,
    read_metformin_population,
)
from litwatch.classifiers.readers.vocab import (
    FORMULATIONS,
    OUTCOMES,
    ROUTES,
    read_formulations,
    read_outcomes,
    read_routes,
)
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Span
from litwatch.core.classification import Attributes
from litwatch.core.records import Record

# Bumped whenever a reader changes what it finds, so stored attributes are read again.
ATTRIBUTES_VERSION = "2"  # 2: implausible counts, lengths and doses left unread

# The names a dose can belong to: the B12 forms and B12 itself ("vitamin B12 1000 µg daily").
_B12_SUBSTANCE = re.compile(
    r"\b(?:methyl-?cobalamin|mecobalamin|cyano-?cobalamin|hydrox[oy]-?cobalamin|cobalamin"
    r"|(?:vitamin\s+)?b[\s-]?12|b[\s-]?complex)\b",
    re.IGNORECASE,
)


def record_text(record: Record) -> str:
    """Title and abstract as the readers see them: one string, sections on their own lines."""
    return f"{record.title}\n{record.abstract_text}"


def read_attributes(record: Record) -> Attributes:
    """Every attribute of `record` from its title and abstract."""
    return attributes_from_text(record_text(record))


def attributes_from_text(text: str | Passage) -> Attributes:
    """Every attribute read from one text (title and abstract joined), cut at `TEXT_LIMIT` characters."""
    passage = Passage.of(text)
    evidence: dict[str, Span] = {}

    def keep(name: str, reading):
        if reading.span is not None:
            evidence[name] = reading.span
        return reading.value

    formulations = read_formulations(passage)
    routes = read_routes(passage)
    outcomes = read_outcomes(passage)
    for name, found in (("formulations", formulations), ("routes", routes), ("outcomes", outcomes)):
        if found:
            evidence[name] = min(found.values(), key=lambda span: span.start)
    participants, analysed = read_head_counts(passage)
    return Attributes(
        formulations=tuple(name for name in FORMULATIONS if name in formulations),
        routes=tuple(name for name in ROUTES if name in routes),
        daily_dose_ug=keep("daily_dose_ug", daily_dose_of(passage, _B12_SUBSTANCE)),
        comparator=keep("comparator", read_comparator(passage)),
        n_participants=keep("n_participants", participants),
        n_analysed=keep("n_analysed", analysed),
        follow_up_weeks=keep("follow_up_weeks", read_follow_up(passage)),
        diabetes_type=keep("diabetes_type", read_diabetes_type(passage)),
        dpn_population=keep("dpn_population", read_dpn_population(passage)),
        metformin_population=keep("metformin_population", read_metformin_population(passage)),
        b12_status_reported=keep("b12_status_reported", read_b12_status(passage)),
        outcomes=tuple(name for name in OUTCOMES if name in outcomes),
        evidence={name: span.text for name, span in evidence.items()} | _cut_note(passage),
    )


def _cut_note(passage: Passage) -> dict[str, str]:
    """The evidence note of a text too long to read whole (see passage.TEXT_LIMIT)."""
    if passage.cut_from is None:
        return {}
    return {
        "text": f"text cut at {len(passage.text):,} characters (of {passage.cut_from:,}); "
        "nothing after the cut was read"
    }
