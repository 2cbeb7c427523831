"""The participant-count reader: how many people a study randomized or enrolled, and how many it analysed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litwatch.classifiers.text.numbers import NUMBER, by_first_letter, parse_number
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Reading, Span

# Grouped by first letter in the regexes (numbers.by_first_letter): the engine then tries one
# group where a word may start, not every word; the order within a group is kept, plurals first.
_PEOPLE = by_first_letter((
    "patients", "participants", "subjects", "adults", "people", "persons", "individuals",
    "volunteers", "women", "men", "children", "adolescents", "outpatients", "inpatients",
    "residents", "veterans", "users", "diabetics", "cases", "controls", "patient", "participant",
    "subject", "adult", "person", "individual", "case",
))  # fmt: skip
# Up to four describing words may sit between a number and its noun ("90 metformin-treated
# patients", "35 consecutive type 2 diabetic patients"); a preposition, verb or unit may not.
_STOP = by_first_letter((
    "of", "with", "in", "on", "at", "to", "from", "for", "and", "or", "per", "were", "was", "had",
    "who", "than", "by", "the", "year", "years", "month", "months", "week", "weeks", "day", "days",
    "hour", "hours", "mg", "kg", "g", "old", "times", "vs", "versus",
))  # fmt: skip
_DESCRIBER = rf"(?:(?!(?:{_STOP})\b)(?:type\s+[12]|[a-zA-Z][\w'\-]*))"
_COUNT = re.compile(
    rf"(?=\w)\b(?<![\w.,\-])(?P<number>{NUMBER})(?![\w%:])(?!\s*%)(?!-year)"
    rf"(?P<describers>(?:\s+{_DESCRIBER}){{0,4}}?)\s+(?P<noun>{_PEOPLE})\b",
    re.IGNORECASE,
)
_ARM_SIZE = re.compile(r"\(\s*n\s*=\s*(?P<number>\d{1,3}(?:,\d{3})+|\d+)\s*[),;]", re.IGNORECASE)
_FINISHED = re.compile(
    rf"(?<![\w.,\-])(?P<number>{NUMBER})\s+(?:completed|were\s+analy[sz]ed|were\s+evaluable)",
    re.IGNORECASE,
)
# A number right after these words is a label or an age, never a head count.
_NOT_A_COUNT_BEFORE = re.compile(
    r"\b(?:type|phase|grade|stage|class|step|version|aged|age|over|under|than|fig|figure|table|day|week|month|year)\s*$",
    re.IGNORECASE,
)
# "Four trials with 363 patients": a count pooled across studies is not this study's sample.
_POOLED_BEFORE = re.compile(
    r"\b(?:trials|studies|RCTs|articles|publications|reports|cohorts)\b[^.;]{0,30}$",
    re.IGNORECASE,
)
_POOLED_AFTER = re.compile(
    rf"^[^.;]{{0,30}}\b(?:in|from|across|of)\s+(?:{NUMBER})\s+(?:\w+\s+)?(?:trials|studies|RCTs|cohorts)\b",
    re.IGNORECASE,
)
_RANDOMIZED = re.compile(r"\b(?:randomi[sz]\w*|randomly\b|allocated\b|assigned\b)", re.IGNORECASE)
_ENROLLED = re.compile(
    r"\b(?:enrol\w*|recruit\w*|included|sampled|total\s+of|cohort\s+of|sample\s+of|study\s+of"
    r"|survey\s+of|trial\s+of|comprising|involving|participated|took\s+part|screened)\b",
    re.IGNORECASE,
)
_ANALYSED = re.compile(r"\b(?:analy[sz]ed|completed|evaluable|followed\s+up)\b", re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:total\s+of|in\s+all|overall)\b", re.IGNORECASE)
_CASE_ROLE = re.compile(r"^[^.;]{0,120}?\(?\bcases\b", re.IGNORECASE)
_CONTROL_ROLE = re.compile(r"^[^.;]{0,120}?\(?\bcontrols\b", re.IGNORECASE)
_SINGLE_CASE = re.compile(
    r"\b(?:we\s+(?:report|describe|present)|(?:this|the)\s+(?:report|case)\s+describes|case\s+of)"
    r"\s+(?:a|an|one)\s+(?:\d+-year-old\s+|[\w-]+\s+){0,3}?(?:patient|man|woman|boy|girl|child|adult)\b",
    re.IGNORECASE,
)

_RANDOMIZED_RANK, _ENROLLED_RANK, _PLAIN_RANK, _ANALYSED_RANK = 3, 2, 1, 0

# The largest head count a study can have: national registries reach tens of millions, not
# billions. A larger number ("8000000000 people") is no head count and is left unread.
MAX_PARTICIPANTS = 100_000_000


def plausible_count(value: float | None) -> bool:
    """Whether `value` can be a number of people in one study."""
    return value is not None and value == int(value) and 0 <= value <= MAX_PARTICIPANTS


@dataclass(frozen=True)
class Count:
    """One head count in the text, with how the text frames it."""

    value: int
    rank: int  # randomized 3, enrolled 2, plain 1, analysed 0
    role: str  # "case", "control" or ""
    total: bool
    span: Span


def find_counts(text: str | Passage) -> tuple[Count, ...]:
    """Every head count of people in `text`, skipping ages, labels and counts pooled across studies."""
    passage = Passage.of(text)
    text = passage.text
    if not passage.may_match(_COUNT):
        return ()
    matches = [m for m in passage.number_matches(_COUNT) if _is_study_count(text, m)]
    counts = []
    for index, match in enumerate(matches):
        value = parse_number(match["number"])
        if value is None or not plausible_count(value):
            continue
        sentence_start, sentence_end = passage.sentence_around(match.start())
        following = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        before = text[max(sentence_start, match.start() - 60) : match.start()]
        after = text[match.end() : min(sentence_end, following)]
        noun = match["noun"].lower()
        role = "case" if noun.startswith("case") or _CASE_ROLE.match(after) else ""
        role = (
            "control" if noun == "controls" or (not role and _CONTROL_ROLE.match(after)) else role
        )
        counts.append(
            Count(
                int(value),
                _rank(before, after),
                role,
                bool(_TOTAL.search(before)),
                Span.of(text, match.start(), match.end()),
            )
        )
    return tuple(counts)


def _is_study_count(text: str, match: re.Match) -> bool:
    before = text[max(0, match.start() - 40) : match.start()]
    after = text[match.end() : match.end() + 60]
    if _NOT_A_COUNT_BEFORE.search(before):
        return False
    return not (_POOLED_BEFORE.search(before) or _POOLED_AFTER.match(after))


def _rank(before: str, after: str) -> int:
    if _RANDOMIZED.search(before) or _RANDOMIZED.search(after):
        return _RANDOMIZED_RANK
    if _ENROLLED.search(before) or _ENROLLED.search(after):
        return _ENROLLED_RANK
    if _ANALYSED.search(after):
        return _ANALYSED_RANK
    return _PLAIN_RANK


def read_head_counts(text: str | Passage) -> tuple[Reading[int], Reading[int]]:
    """How many people the study took in, and how many it analysed (both read from one pass)."""
    passage = Passage.of(text)
    counts = find_counts(passage)
    return _participants(passage, counts), _analysed(passage, counts)


def read_participants(text: str | Passage) -> Reading[int]:
    """How many people the study randomized (or enrolled, or otherwise names); None if unstated."""
    passage = Passage.of(text)
    return _participants(passage, find_counts(passage))


def read_analysed(text: str | Passage) -> Reading[int]:
    """How many people the study analysed or saw complete, where the text says so apart from enrolment."""
    passage = Passage.of(text)
    return _analysed(passage, find_counts(passage))


def _participants(passage: Passage, found: tuple[Count, ...]) -> Reading[int]:
    text = passage.text
    counts = [c for c in found if c.rank > _ANALYSED_RANK]
    cases = [c for c in counts if c.role == "case"]
    controls = [c for c in counts if c.role == "control"]
    if cases and controls and not any(c.total for c in counts):
        # A case-control study names its two groups, rarely their sum.
        first = min(cases[0], controls[0], key=lambda c: c.span.start)
        last = max(cases[0], controls[0], key=lambda c: c.span.start)
        span = Span.of(text, first.span.start, last.span.end)
        return Reading(cases[0].value + controls[0].value, span)
    counts = [c for c in counts if c.value > 1] or counts
    if counts:
        best = max(counts, key=lambda c: (c.total, c.rank, -c.span.start))
        return Reading(best.value, best.span)
    arms = [m for m in _ARM_SIZE.finditer(text) if _is_study_count(text, m)]
    if arms:
        total = sum(int(parse_number(m["number"]) or 0) for m in arms)
        if plausible_count(total):
            return Reading(total, Span.of(text, arms[0].start(), arms[-1].end()))
    single = _SINGLE_CASE.search(text) if passage.may_match(_SINGLE_CASE) else None
    if single:
        return Reading(1, Span.of(text, single.start(), single.end()))
    return Reading()


def _analysed(passage: Passage, found: tuple[Count, ...]) -> Reading[int]:
    text = passage.text
    finished = [c for c in found if c.rank == _ANALYSED_RANK]
    if finished:
        return Reading(finished[0].value, finished[0].span)
    # Every match starts with a number: tried only where numbers start, the first is the one a
    # search of the whole text finds, at a fraction of the cost.
    match = next(passage.number_matches(_FINISHED), None) if passage.may_match(_FINISHED) else None
    if match and plausible_count(value := parse_number(match["number"])):
        assert value is not None  # plausible_count says so
        return Reading(int(value), Span.of(text, match.start(), match.end()))
    return Reading()
