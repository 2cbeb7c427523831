"""The follow-up reader: how long a study followed its participants, in weeks, from days, weeks, months or years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from litwatch.classifiers.readers.terms import longest_first, term_pattern
from litwatch.classifiers.text.numbers import NUMBER, parse_number
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Reading, Span

# A year is 52 weeks and a month 52/12, as reviewers count them ("1-year trial" = 52 weeks).
_WEEKS_PER = {"d": 1 / 7, "w": 1.0, "m": 52 / 12, "y": 52.0}
_UNIT = r"(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
_LENGTH = re.compile(
    rf"(?<![\w.,])(?P<number>{NUMBER}|an?|half\s+a)(?:\s+|\s*-\s*){_UNIT}", re.IGNORECASE
)

_FOLLOW_UP_BEFORE = re.compile(
    r"\bfollow(?:ed)?[\s-]*(?:up)?\s*(?:for|over|of|was|lasted|period\s+of|duration\s+of|lasting)?"
    r"\s*(?:(?:a|an)\s+)?(?:(?:median|mean|average|maximum)\s+(?:of\s+)?)?(?:up\s+to\s+)?(?:about\s+)?$",
    re.IGNORECASE,
)
_FOLLOW_UP_AFTER = re.compile(r"^\s*(?:\(\w+\)\s*)?(?:of\s+)?follow[\s-]*up\b", re.IGNORECASE)
_SPAN_BEFORE = re.compile(
    r"\b(?:for|over|during|lasting|duration\s+of|period\s+of)\s+(?:(?:a|an)\s+)?"
    r"(?:(?:median|mean|average|total)\s+(?:of\s+)?)?(?:up\s+to\s+)?(?:about\s+)?$",
    re.IGNORECASE,
)
_STUDY_AFTER = re.compile(
    r"^[\s,]*(?:[\w-]+[\s,]+){0,3}?(?:trial|study|treatment|intervention|course|period|program"
    r"|programme|supplementation|therapy|randomi[sz]ed|double-blind|placebo-controlled"
    r"|prospective|open-label|extension)\b|^\s+of\s+(?:treatment|therapy|supplementation|intervention)\b",
    re.IGNORECASE,
)
_TIME_POINT_BEFORE = re.compile(r"\b(?:at|after)\s+$", re.IGNORECASE)
# Exposure before the study ("diabetes for 10 years"; a drug's prior use, whose names the watch
# gives: `prior_use_pattern`), ages and look-back windows are not follow-up.
# (The word boundary stands once before the alternation, not in each alternative: the regex
# engine then tries the alternatives only where a word starts, four times faster.)
_EXCLUDED_BEFORE = re.compile(
    r"(?:\b(?:at\s+least|more\s+than|longer\s+than|less\s+than|over\s+the\s+(?:past|last)"
    r"|for\s+the\s+(?:past|last)|aged?|history\s+of|diabetes\s+(?:for|of)"
    r"|within|every"
    r"|each(?:\s+additional)?|per|previous|preceding)|[>≥<≤])\s*(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_YEARS_OF_AGE_AFTER = re.compile(r"^\s*(?:-\s*)?(?:old|of\s+age)\b", re.IGNORECASE)

_FOLLOW_UP, _STUDY_LENGTH, _TIME_POINT = 3, 2, 1

# The longest follow-up a study can have: the oldest cohorts run for decades, not centuries.
# A longer stretch ("99999 weeks") is no study's follow-up and is left unread.
MAX_FOLLOW_UP_WEEKS = 100 * 52.0


@dataclass(frozen=True)
class Length:
    """One stretch of time in the text, in weeks, and how the text frames it."""

    weeks: float
    kind: int  # follow-up 3, study length 2, time point 1
    span: Span


@cache
def prior_use_pattern(drugs: tuple[str, ...]) -> re.Pattern[str] | None:
    """Taking one of `drugs` (the watch's terms for a drug whose use is a baseline
    characteristic) for a time before the study: "taking X for (at least) four years"."""
    if not drugs:
        return None
    names = "|".join(term_pattern(t) for t in longest_first(drugs))
    return re.compile(
        rf"\b(?:taking|taken|using|used|on|receiving|received)\s+(?:{names})\s+for"
        r"\s*(?:\w+\s+){0,2}$",
        re.IGNORECASE,
    )


def find_lengths(
    text: str | Passage, prior_use: re.Pattern[str] | None = None
) -> tuple[Length, ...]:
    """Every length of time in `text` that could be a study's follow-up (`prior_use`: see
    `prior_use_pattern`)."""
    passage = Passage.of(text)
    if not passage.may_match(_LENGTH):
        return ()
    text = passage.text
    lengths = []
    for match in passage.number_matches(_LENGTH):
        before = text[max(0, match.start() - 50) : match.start()]
        after = text[match.end() : match.end() + 60]
        kind = None if prior_use and prior_use.search(before) else _kind(before, after)
        if kind is None:
            continue
        written = match["number"].lower()
        count = 0.5 if written.startswith("half") else parse_number(written)
        if count is None:
            continue
        weeks = count * _WEEKS_PER[match["unit"][0].lower()]
        if not 0 < weeks <= MAX_FOLLOW_UP_WEEKS:
            continue
        lengths.append(Length(round(weeks, 1), kind, Span.of(text, match.start(), match.end())))
    return tuple(lengths)


def _kind(before: str, after: str) -> int | None:
    if _EXCLUDED_BEFORE.search(before) or _YEARS_OF_AGE_AFTER.match(after):
        return None
    if _FOLLOW_UP_BEFORE.search(before) or _FOLLOW_UP_AFTER.match(after):
        return _FOLLOW_UP
    if _SPAN_BEFORE.search(before) or _STUDY_AFTER.match(after):
        return _STUDY_LENGTH
    if _TIME_POINT_BEFORE.search(before):
        return _TIME_POINT
    return None


def read_follow_up(text: str | Passage, prior_use: re.Pattern[str] | None = None) -> Reading[float]:
    """The longest follow-up the text states, else the longest study length, else the last time point."""
    lengths = find_lengths(text, prior_use)
    if not lengths:
        return Reading()
    best_kind = max(length.kind for length in lengths)
    best = max((x for x in lengths if x.kind == best_kind), key=lambda x: x.weeks)
    return Reading(best.weeks, best.span)
