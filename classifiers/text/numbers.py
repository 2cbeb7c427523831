"""Numbers as abstracts write them: digits with thousands commas or decimals, or words ("Thirty-five")."""

from __future__ import annotations

import re
from collections.abc import Iterator

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip

_UNIT_WORD = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_WORD = "|".join(_TENS)
_BELOW_100 = rf"(?:(?:{_TENS_WORD})(?:[- ](?:{_UNIT_WORD}))?|{_UNIT_WORD})"
WORD_NUMBER = rf"(?:(?:{_UNIT_WORD}|a)\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?|{_BELOW_100})"
# 52,000 and 1,204 (a comma before exactly three digits groups thousands); 4.3 or 1,5 are decimals.
DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:[.,]\d+)?)"
NUMBER = rf"(?:{DIGITS}|\b{WORD_NUMBER}\b)"

# Where a NUMBER may start, or "a", "an" or "half" standing for one ("a week", "half a year"):
# a digit or one of those words at the start of a word. The finder takes the non-word character
# before the word too, which lets the regex engine skip in C from one to the next, and tries
# only the words of the letter it finds there, longest first; one pass finds them all. (Finding
# every word start with `\b` instead costs more than reading the numbers themselves.)
_NUMBER_WORDS = tuple(sorted((*_UNITS, *_TENS), key=len, reverse=True))


def by_first_letter(words: tuple[str, ...]) -> str:
    """An alternation of `words` grouped by first letter, longest first within each letter as in
    `words`, so that a position matches the same word as in the plain alternation."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items())


# The first letters every alternative starts with, asked first: one test turns most words away
# ("the", "patients") before the alternatives are tried one by one.
_FIRST_LETTERS = "".join(sorted({word[0] for word in (*_NUMBER_WORDS, "a", "half")}))
_NUMBER_START = re.compile(
    rf"\W(?=[\d{_FIRST_LETTERS}])(?:\d|{by_first_letter(_NUMBER_WORDS)}|an?(?=[\s-])|half)"
)


def number_starts(folded: str) -> list[int]:
    """Every word start where a number may be written (more, never fewer), in order.

    `folded` is the text lower-cased with nothing but letters changed, offset for offset."""
    # Read with a space put before it (a word at the very start has a non-word character before
    # it too), the copy's offsets are one on: where a match starts there, its word starts here.
    return [match.start() for match in _NUMBER_START.finditer(" " + folded)]


def matches_from(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match]:
    """What `pattern.finditer(text)` finds, trying only at `starts`: every position where a match may begin."""
    end = 0
    for start in starts:
        if start < end:
            continue  # finditer goes on from the end of its last match
        match = pattern.match(text, start)
        if match:
            yield match
            end = match.end()


def parse_number(written: str) -> float | None:
    """The value of a number written in digits or English words; None if it is neither."""
    written = written.strip().lower()
    if not written:
        return None
    if written[0].isdigit():
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", written):
            return float(written.replace(",", ""))
        try:
            return float(written.replace(",", "."))
        except ValueError:
            return None
    return _words_value(written)


def _words_value(written: str) -> float | None:
    total = 0
    current = 0
    for word in re.split(r"[\s-]+", written):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "a":
            current += 1
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            return None
    total += current
    return float(total)
