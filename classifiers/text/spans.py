"""The value-plus-evidence shape every attribute reader returns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Span:
    """A stretch of the text read, by character offsets, with its words."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])


@dataclass(frozen=True)
class Reading(Generic[T]):
    """What a reader found: a value (None when the text does not say) and where it says so."""

    value: T | None = None
    span: Span | None = None


# Sentence ends: a full stop, ? or ! followed by space and a capital or digit, or a newline
# (abstract sections are joined by newlines). Decimal points ("4.3 years") never match.
# The pattern starts with the one class of characters a sentence end starts with, so that the
# regex engine can skip in C to the next of them (an alternation of a class and a newline made it
# try every position): three times the speed of the look-behind form, and the same splits
# (tests/classifiers/test_passage.py checks it against that form).
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)|(\s+)(?=[A-Z0-9(]))")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`."""
    bounds = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        # A sentence keeps its closing punctuation; the white space after it is no sentence's.
        bounds.append((start, match.start(1) if match.lastindex else match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if e > s]


def sentence_around(text: str, position: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding `position`."""
    for start, end in sentences(text):
        if start <= position <= end:
            return start, end
    return 0, len(text)
