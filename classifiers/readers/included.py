"""The included-studies reader: how many studies a review or meta-analysis pooled or summarised,
and how many people they held ("Four trials with 363 patients qualified")."""

from __future__ import annotations

import re

from litwatch.classifiers.text.numbers import NUMBER, parse_number
from litwatch.classifiers.text.passage import Passage

_STUDIES = re.compile(
    rf"(?<![\w.,\-])(?P<studies>{NUMBER})\s+(?:[a-zA-Z-]+\s+){{0,3}}?(?:trials|studies|RCTs)\b"
    rf"(?:[^.;]{{0,20}}?\b(?:with|involving|including|of|in|and|enrolling|totalling)\s+"
    rf"(?:a\s+total\s+of\s+)?(?P<people>{NUMBER})\s+(?:[a-zA-Z-]+\s+)?"
    rf"(?:participants|patients|people|adults|subjects|individuals))?",
    re.IGNORECASE,
)
# The sentence must say the studies were found and kept, not that more are needed.
_INCLUDED = re.compile(
    r"\b(?:qualified|included|met|pooled|identified|eligible|selected|analy[sz]ed|combined"
    r"|summari[sz]ed|retrieved|reviewed)\b",
    re.IGNORECASE,
)
_NOT_INCLUDED = re.compile(r"\b(?:needed|should|future|excluded)\b", re.IGNORECASE)


def read_included_studies(text: str | Passage) -> tuple[int | None, int | None]:
    """(studies included, their participants) as the text states them, else None for each."""
    passage = Passage.of(text)
    text = passage.text
    for start, end in passage.sentences:
        sentence = text[start:end]
        if not _INCLUDED.search(sentence) or _NOT_INCLUDED.search(sentence):
            continue
        found = _STUDIES.search(sentence)
        if not found:
            continue
        studies = parse_number(found["studies"])
        if studies is None or studies < 1 or studies != int(studies):
            continue
        people = parse_number(found["people"]) if found["people"] else None
        return int(studies), int(people) if people else None
    return None, None
