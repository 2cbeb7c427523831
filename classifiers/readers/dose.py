"""The dose reader: amounts in µg whatever the spelling, normalised to µg per day by the stated frequency."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from litwatch.classifiers.text.numbers import DIGITS, parse_number
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.spans import Reading, Span

# µ (micro sign), μ (Greek mu), "mcg", "ug" and words all mean micrograms.
_UNIT = r"(?P<unit>mcg|[µμu]g|micro-?grams?|mg|milli-?grams?|g)(?![a-zA-Z])"
_RANGE = rf"(?P<range>{DIGITS}\s*(?:-|–|—|to)\s*)"
_DOSE = re.compile(rf"(?<![\w.,]){_RANGE}?(?P<amount>{DIGITS})\s*{_UNIT}", re.IGNORECASE)

_TIMES = r"(?P<times>once|twice|thrice|(?:\d+|two|three|four|five|six)\s+times)"
_PERIOD_WORD = r"(?P<period>day|d|24\s*h|week|wk|fortnight|month|mo)\b"
_EVERY_N = r"every\s+(?P<every>\d+|other|two|three|four|six|eight|twelve)\s+(?P<every_unit>days?|weeks?|months?)"
_NOT_FILLER = r"(?:for|then|to|in|at|with|was|were|is|are|over|during|until|after|before|from|than|per|a|an|each|every)"
_FREQUENCY = re.compile(
    # Up to four words may sit between a dose and its frequency ("500 µg methylcobalamin
    # orally three times daily", "1 mg subcutaneously or intramuscularly, weekly"), but not
    # words that start another phrase ("1000 µg for 4 weeks").
    rf"[\s,]*(?:(?:by\s+mouth|by\s+injection|\(\w+\)|(?!{_NOT_FILLER}\b)[a-zA-Z][\w-]*)[\s,]+){{0,4}}?"
    rf"(?:{_TIMES}\s*)?"
    rf"(?:(?:a|an|per|each|every|/)\s*{_PERIOD_WORD}|(?P<adverb>daily|weekly|fortnightly|monthly|nightly)"
    rf"|every\s+other\s+(?P<other_unit>day|week)|{_EVERY_N}|(?P<latin>b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?d|o\.?d)\b)",
    re.IGNORECASE,
)
_PERIOD_DAYS = {"day": 1, "d": 1, "week": 7, "wk": 7, "fortnight": 14, "month": 30, "mo": 30}
_ADVERB_DAYS = {"daily": 1, "nightly": 1, "weekly": 7, "fortnightly": 14, "monthly": 30}
_LATIN_PER_DAY = {"bid": 2, "tid": 3, "qid": 4, "qd": 1, "od": 1}
_TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3}


# The largest single amount a dose can be: 100 g (the largest real B12 doses, hydroxocobalamin
# for cyanide poisoning, are 5-10 g). A larger amount is a misprint or noise, and unread.
MAX_AMOUNT_UG = 100_000_000.0


@dataclass(frozen=True)
class DoseMention:
    """One written dose: the amount in µg and, when a frequency is stated, µg per day."""

    amount_ug: float | None  # None for a range ("500-1000 µg"), which names no single dose
    ug_per_day: float | None
    span: Span


def find_doses(text: str | Passage) -> tuple[DoseMention, ...]:
    """Every dose written in `text`, in order."""
    passage = Passage.of(text)
    text = passage.text
    mentions = []
    for match in passage.number_matches(_DOSE):
        amount = parse_number(match["amount"])
        if amount is None:
            continue
        amount_ug = _in_micrograms(amount, match["unit"])
        end = match.end()
        per_day = None
        frequency = _FREQUENCY.match(text, end, min(len(text), end + 60))
        if frequency:
            per_day = _times_per_day(frequency)
            end = frequency.end()
        if match["range"] or not 0 <= amount_ug <= MAX_AMOUNT_UG:
            # A range names no single dose, and an implausible amount none at all: the mention
            # stays, so that a dose elsewhere is not taken for the only one.
            mentions.append(DoseMention(None, None, Span.of(text, match.start(), end)))
            continue
        daily = round(amount_ug * per_day, 2) if per_day is not None else None
        mentions.append(DoseMention(amount_ug, daily, Span.of(text, match.start(), end)))
    return tuple(mentions)


def _in_micrograms(amount: float, unit: str) -> float:
    unit = unit.lower().replace("-", "")
    if unit.startswith(("mg", "milli")):
        return amount * 1000.0
    if unit == "g":
        return amount * 1_000_000.0
    return amount


def _times_per_day(frequency: re.Match) -> float:
    times = 1.0
    if frequency["times"]:
        word = frequency["times"].split()[0].lower()
        times = float(_TIMES_WORDS.get(word) or parse_number(word) or 1)
    if frequency["latin"]:
        return float(_LATIN_PER_DAY[frequency["latin"].lower().replace(".", "")])
    if frequency["period"]:
        period = frequency["period"].lower()
        days: float = _PERIOD_DAYS["day" if period.startswith("24") else period]
    elif frequency["adverb"]:
        days = _ADVERB_DAYS[frequency["adverb"].lower()]
    elif frequency["other_unit"]:
        days = 2 * _PERIOD_DAYS[frequency["other_unit"].lower()]
    else:
        count = (
            2.0
            if frequency["every"].lower() == "other"
            else parse_number(frequency["every"]) or 1.0
        )
        days = count * _PERIOD_DAYS[frequency["every_unit"].lower().rstrip("s")]
    return times / days


# Words that may sit between a substance and its dose ("oral mecobalamin tablets 1.5 mg"),
# but a conjunction means the dose belongs to something else ("B12 and metformin 850 mg").
_LINKING_GAP = re.compile(
    r"^[\s,()\-]*(?:(?!and\b|or\b|with\b|plus\b|versus\b|vs\b|than\b)[a-zA-Z\-®]+[\s,()]*){0,3}$",
    re.IGNORECASE,
)
_AFTER_GAP = re.compile(r"^[\s,()]*(?:of\s+|oral\s+|daily\s+|as\s+)*$", re.IGNORECASE)


def daily_dose_of(text: str | Passage, substance: re.Pattern[str]) -> Reading[float]:
    """The one daily dose given of `substance`; None when none is stated, or arms differ."""
    passage = Passage.of(text)
    text = passage.text
    if not passage.may_match(substance):
        return Reading()  # no name for a dose to belong to
    names = [(m.start(), m.end()) for m in substance.finditer(text)]
    # Name matches do not overlap, so their starts and ends both rise: bisection finds the
    # nearest name of each dose, and a text with many of both is read in n log n, not n².
    starts, ends = [start for start, _ in names], [end for _, end in names]
    doses = [d for d in find_doses(passage) if _belongs_to(text, d.span, starts, ends)]
    per_day = {d.ug_per_day for d in doses}
    if len(per_day) != 1 or None in per_day:
        return Reading()
    return Reading(doses[0].ug_per_day, doses[0].span)


def _belongs_to(text: str, dose: Span, starts: list[int], ends: list[int]) -> bool:
    last_before = bisect_right(ends, dose.start) - 1
    if (
        last_before >= 0
        and dose.start - ends[last_before] <= 60
        and _LINKING_GAP.match(text[ends[last_before] : dose.start])
    ):
        return True
    inside = bisect_right(starts, dose.start)
    if inside < len(starts) and starts[inside] < dose.end:
        return True  # "500 µg methylcobalamin orally three times daily"
    first_after = bisect_left(starts, dose.end)
    if first_after < len(starts) and starts[first_after] - dose.end <= 20:
        return bool(_AFTER_GAP.match(text[dose.end : starts[first_after]]))
    return False
