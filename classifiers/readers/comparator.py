"""The comparator reader: what a study compared B12 against (placebo, another treatment, another B12 form or route, nothing)."""

from __future__ import annotations

import re

from litwatch.classifiers.readers.spans import Reading, Span, sentences
from litwatch.classifiers.readers.vocab import formulation_mentions, route_mentions

COMPARATORS = ("placebo", "active", "head-to-head", "none")

_PLACEBO = re.compile(
    r"\bplacebo\b|\bsham\b|\b(?:normal\s+)?saline\b|\bvehicle\b|\bdummy\s+tablets?\b", re.IGNORECASE
)
# A sentence that compares arms: randomization, allocation, or "versus"/"compared".
_COMPARISON = re.compile(
    r"\brandomi[sz]\w*|\brandomly\b|\ballocated\b|\bassigned\b|\bversus\b|\bvs\.?(?!\w)"
    r"|\bcompar\w+|\bcross-?over\b|\bnon-?inferiority\b|\b(?:two|three|four)-arm\b",
    re.IGNORECASE,
)
_ALLOCATION = re.compile(
    r"\brandomi[sz]\w*|\brandomly\b|\ballocated\b|\bassigned\b|\bversus\b|\bvs\.?(?!\w)|\bcross-?over\b",
    re.IGNORECASE,
)
_ALTERNATIVE = re.compile(
    r"\bor\b|\bversus\b|\bvs\.?(?!\w)|\bcompared\s+(?:with|to)\b|\bagainst\b", re.IGNORECASE
)
# Talk about trials still to be done is no comparator of this one.
_HYPOTHETICAL = re.compile(
    r"\bneeded\b|\bshould\b|\bwarranted\b|\bfuture\b|\bwe\s+searched\b|\btrials\b", re.IGNORECASE
)
# "a B-complex tablet containing thiamine, pyridoxine and cyanocobalamin": ingredients, not arms.
_INGREDIENT_BEFORE = re.compile(
    r"\b(?:containing|contains|plus|combined\s+with|including)\b[^.;]{0,60}$", re.IGNORECASE
)


def read_comparator(text: str) -> Reading[str]:
    """'head-to-head' (B12 forms or routes against each other), 'placebo', 'active', or 'none'."""
    head_to_head = placebo = active = None
    for start, end in sentences(text):
        sentence = text[start:end]
        if _HYPOTHETICAL.search(sentence):
            continue
        span = Span.of(text, start, end)
        if (
            _COMPARISON.search(sentence)
            and head_to_head is None
            and _compares_b12_forms(text, start, end)
        ):
            head_to_head = span
        if placebo is None and (match := _PLACEBO.search(sentence)):
            placebo = Span.of(text, start + match.start(), start + match.end())
        if active is None and _ALLOCATION.search(sentence) and _ALTERNATIVE.search(sentence):
            active = span
    if head_to_head:
        return Reading("head-to-head", head_to_head)
    if placebo:
        return Reading("placebo", placebo)
    if active:
        return Reading("active", active)
    return Reading("none")


def _compares_b12_forms(text: str, start: int, end: int) -> bool:
    sentence = text[start:end]
    forms = {
        name
        for name, span in formulation_mentions(sentence)
        if not _INGREDIENT_BEFORE.search(sentence[: span.start])
    }
    routes = {name for name, _ in route_mentions(sentence)}
    return len(forms) >= 2 or len(routes) >= 2
