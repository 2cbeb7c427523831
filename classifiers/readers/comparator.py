"""The comparator reader: what a study compared the watch's intervention against (placebo, another
treatment, another of its forms or routes, nothing)."""

from __future__ import annotations

import re

from litwatch.classifiers.readers.vocab import TreatmentWords, treatment_words
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.screen import may_match, squeeze
from litwatch.classifiers.text.spans import Reading, Span

COMPARATORS = ("placebo", "active", "head-to-head", "none")

_PLACEBO = re.compile(
    r"\bplacebo\b|\bsham\b|\b(?:normal\s+)?saline\b|\bvehicle\b|\bdummy\s+tablets?\b", re.IGNORECASE
)
# The word boundary stands once before each alternation rather than in every alternative: the
# regex engine then tries the alternatives only where a word starts (four times faster).
# A sentence that compares arms: randomization, allocation, or "versus"/"compared".
_COMPARISON = re.compile(
    r"\b(?:randomi[sz]\w*|randomly\b|allocated\b|assigned\b|versus\b|vs\.?(?!\w)"
    r"|compar\w+|cross-?over\b|non-?inferiority\b|(?:two|three|four)-arm\b)",
    re.IGNORECASE,
)
_ALLOCATION = re.compile(
    r"\b(?:randomi[sz]\w*|randomly\b|allocated\b|assigned\b|versus\b|vs\.?(?!\w)|cross-?over\b)",
    re.IGNORECASE,
)
_ALTERNATIVE = re.compile(
    r"\b(?:or\b|versus\b|vs\.?(?!\w)|compared\s+(?:with|to)\b|against\b)", re.IGNORECASE
)
# Talk about trials still to be done is no comparator of this one.
_HYPOTHETICAL = re.compile(
    r"\b(?:needed|should|warranted|future|we\s+searched|trials)\b", re.IGNORECASE
)
# "a tablet containing X, Y and Z": ingredients, not arms.
_INGREDIENT_BEFORE = re.compile(
    r"\b(?:containing|contains|plus|combined\s+with|including)\b[^.;]{0,60}$", re.IGNORECASE
)


def read_comparator(text: str | Passage, treatment: TreatmentWords | None = None) -> Reading[str]:
    """'head-to-head' (the watch's forms or routes against each other: `treatment`),
    'placebo', 'active', or 'none'."""
    passage = Passage.of(text)
    treatment = treatment or treatment_words()
    text = passage.text
    # A pattern the screen rules out for the whole text matches no sentence of it either.
    placebo_word, allocation, alternative = (
        pattern if passage.may_match(pattern) else None
        for pattern in (_PLACEBO, _ALLOCATION, _ALTERNATIVE)
    )
    comparison = None
    if not treatment.names_at_most_one_form_and_route(passage) and passage.may_match(_COMPARISON):
        comparison = _COMPARISON
    if not allocation or not alternative:
        allocation = None
    hypothetical = _HYPOTHETICAL if passage.may_match(_HYPOTHETICAL) else None
    head_to_head = placebo = active = None
    for start, end in passage.sentences:
        # Head-to-head outranks placebo, which outranks active: stop as soon as nothing that
        # would outrank what was found is left to look for (most abstracts name no placebo).
        outranking_left = (
            comparison
            or (placebo_word and not placebo)
            or (allocation and not active and not placebo)
        )
        if head_to_head or not outranking_left:
            break
        sentence = text[start:end]
        folded = squeeze(passage.lowered[start:end]) if passage.lowered is not None else None

        def found(pattern: re.Pattern[str] | None) -> re.Match | None:
            return _search(pattern, sentence, folded)  # noqa: B023 - called only in this pass

        compares = (
            head_to_head is None
            and found(comparison)
            and _compares_forms(text, start, end, treatment)
        )
        placebo_named = found(placebo_word) if placebo is None else None
        allocates = active is None and placebo is None and found(allocation) and found(alternative)
        # Asked last, only of a sentence that would count: most sentences name no arm at all.
        if not (compares or placebo_named) and not allocates:
            continue
        if found(hypothetical):
            continue
        span = Span.of(text, start, end)
        if compares:
            head_to_head = span
        if placebo_named:
            placebo = Span.of(text, start + placebo_named.start(), start + placebo_named.end())
        if allocates:
            active = span
    if head_to_head:
        return Reading("head-to-head", head_to_head)
    if placebo:
        return Reading("placebo", placebo)
    if active:
        return Reading("active", active)
    return Reading("none")


def _search(pattern: re.Pattern[str] | None, sentence: str, folded: str | None) -> re.Match | None:
    # Screened per sentence too: `in` tests of a sentence are cheaper than a search of it.
    if pattern is None or not may_match(pattern, folded, sentence):
        return None
    return pattern.search(sentence)


def _compares_forms(text: str, start: int, end: int, treatment: TreatmentWords) -> bool:
    sentence = text[start:end]
    forms = {
        name
        for name, span in treatment.form_mentions(sentence)
        if not _INGREDIENT_BEFORE.search(sentence[: span.start])
    }
    routes = {name for name, _ in treatment.route_mentions(sentence)}
    return len(forms) >= 2 or len(routes) >= 2
