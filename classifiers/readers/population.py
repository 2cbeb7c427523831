"""Population readers: diabetes type, diabetic neuropathy, metformin use, and whether B12 status was measured."""

from __future__ import annotations

import re

from litwatch.classifiers.readers.terms import is_negated, word_start
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Reading, Span

_METFORMIN = word_start(r"\bmetformin\b|\bbiguanides?\b")
_TYPE_2 = word_start(r"\btype\s*(?:2|II)\s+diabet\w*|\bT2D(?:M)?\b|\bNIDDM\b")
_TYPE_1 = word_start(r"\btype\s*(?:1|I)\s+diabet\w*|\bT1D(?:M)?\b|\bIDDM\b")
_DIABETES = word_start(r"\bdiabet\w*|\bT[12]D(?:M)?\b")
_DIABETIC_NEUROPATHY = word_start(
    r"\bdiabetic\s+(?:peripheral\s+|sensorimotor\s+|distal\s+symmetric(?:al)?\s+|painful\s+)?"
    r"(?:poly)?neuropath\w*|(?-i:\bD(?:S)?PN\b|\bPDN\b)"
)
_NEUROPATHY = word_start(r"\b(?:poly)?neuropath\w*")
# Measured B12 status: a level, a threshold used to select people, stratification by it, or
# markers of functional deficiency; "B12 deficiency causes neuropathy" in passing is not a measurement.
_B12 = r"(?:vitamin\s+)?(?:b[\s-]?12|cobalamin)"
_B12_STATUS = word_start(
    rf"\b(?:serum|plasma|circulating|blood|baseline)\s+(?:serum\s+)?{_B12}"
    rf"|\b{_B12}\s+(?:levels?|concentrations?|status|values?)\b"
    rf"|\b{_B12}\s+(?:below|above|under|over|<|>|≤|≥|less\s+than|lower\s+than|of\s+less\s+than)\s*\d+"
    rf"|\b{_B12}\s+(?:was|were|had\s+been)\s+(?:measured|assessed|tested|determined)"
    rf"|\bmeasured\s+(?:serum\s+)?{_B12}|\b{_B12}[\s-]deficient\b|\bstratif\w+\s+by\s+(?:baseline\s+)?(?:serum\s+)?{_B12}"
    rf"|\b(?:prevalence|frequency|rates?)\s+of\s+{_B12}\s+deficiency|\bdue\s+to\s+{_B12}\s+deficiency"
    r"|\bmethylmalonic\s+acid|\bholotranscobalamin|\bhomocysteine"
)


def _first_affirmed(pattern: re.Pattern[str], passage: Passage) -> Span | None:
    if not passage.may_match(pattern):
        return None
    text = passage.text
    for match in pattern.finditer(text):
        if not is_negated(text, match.start()):
            return Span.of(text, match.start(), match.end())
    return None


def read_metformin_population(text: str | Passage) -> Reading[bool]:
    """Whether the study concerns people taking metformin."""
    passage = Passage.of(text)
    span = _first_affirmed(_METFORMIN, passage)
    return Reading(span is not None, span)


def read_diabetes_type(text: str | Passage) -> Reading[str]:
    """'type 1', 'type 2', 'type 1 and 2', 'unspecified' (diabetes without a type), or None."""
    passage = Passage.of(text)
    type_1 = _first_affirmed(_TYPE_1, passage)
    type_2 = _first_affirmed(_TYPE_2, passage)
    if type_1 and type_2:
        return Reading("type 1 and 2", min(type_1, type_2, key=lambda span: span.start))
    if type_1 or type_2:
        return Reading("type 1" if type_1 else "type 2", type_1 or type_2)
    diabetes = _first_affirmed(_DIABETES, passage)
    return Reading("unspecified", diabetes) if diabetes else Reading()


def read_dpn_population(text: str | Passage) -> Reading[bool]:
    """Whether the study concerns people with diabetic (peripheral) neuropathy."""
    passage = Passage.of(text)
    span = _first_affirmed(_DIABETIC_NEUROPATHY, passage)
    # Metformin users are people with diabetes, whether or not the abstract says so.
    if span is None and (
        _first_affirmed(_DIABETES, passage) or _first_affirmed(_METFORMIN, passage)
    ):
        span = _first_affirmed(_NEUROPATHY, passage)
    return Reading(span is not None, span)


def read_b12_status(text: str | Passage) -> Reading[bool]:
    """Whether baseline B12 status was measured, used to select people, or stratified by."""
    passage = Passage.of(text)
    span = _first_affirmed(_B12_STATUS, passage)
    return Reading(span is not None, span)
