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
# A year that ends a search date ("searched to March 2026 for randomised trials") is no count.
_YEAR = re.compile(r"(?:19|20)\d\d")
_BEFORE_A_YEAR = re.compile(
    r"\b(?:to|until|till|through|since|from|in|before|after|between|and|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Sep|Sept|Oct|Nov|Dec)\.?,?\s+$",
    re.IGNORECASE,
)


def _a_date(text: str, at: int, found: re.Match[str]) -> bool:
    """Whether the match's number, at `at` in `text`, is a year of a date, as the words before
    it say (read across a sentence break: "Dec." ends a sentence for the splitter)."""
    return bool(_YEAR.fullmatch(found["studies"])) and bool(
        _BEFORE_A_YEAR.search(text[max(0, at - 16) : at])
    )


def read_included_studies(text: str | Passage) -> tuple[int | None, int | None]:
    """(studies included, their participants) as the text states them, else None for each."""
    passage = Passage.of(text)
    text = passage.text
    for start, end in passage.sentences:
        sentence = text[start:end]
        if not _INCLUDED.search(sentence) or _NOT_INCLUDED.search(sentence):
            continue
        found = next(
            (m for m in _STUDIES.finditer(sentence) if not _a_date(text, start + m.start(), m)),
            None,
        )
        if not found:
            continue
        studies = parse_number(found["studies"])
        if studies is None or studies < 1 or studies != int(studies):
            continue
        people = parse_number(found["people"]) if found["people"] else None
        return int(studies), int(people) if people else None
    return None, None
