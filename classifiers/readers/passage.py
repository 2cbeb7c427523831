"""The text the readers read, prepared once per record: cut to a bounded length, case-folded for the
regex screens, and split into sentences on first use, so that no reader redoes that work."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from litwatch.classifiers.readers.numbers import article_starts, matches_from, number_starts
from litwatch.classifiers.readers.screen import fold
from litwatch.classifiers.readers.spans import sentences

# The longest real PubMed abstracts run to 10-20 thousand characters; a text past this length is
# no abstract, and reading it all would let one hostile record hold up a whole run.
TEXT_LIMIT = 50_000


@dataclass(frozen=True, eq=False)
class Passage:
    """A title and abstract (or any text) as the readers see it."""

    text: str
    folded: str | None  # lower-cased copy for the screens; None where folding is not exact
    cut_from: int | None = None  # the length of the text before it was cut, if it was

    @classmethod
    def of(cls, text: str | Passage, limit: int = TEXT_LIMIT) -> Passage:
        """`text` prepared for reading (a Passage is returned as it is)."""
        if isinstance(text, Passage):
            return text
        if len(text) > limit:
            return cls(text[:limit], fold(text[:limit]), cut_from=len(text))
        return cls(text, fold(text))

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) offsets of each sentence of the text."""
        return sentences(self.text)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [start for start, _ in self.sentences]

    def sentence_around(self, position: int) -> tuple[int, int]:
        """The (start, end) of the sentence holding `position`; the whole text between sentences."""
        index = bisect_right(self._sentence_starts, position) - 1
        if index >= 0 and position <= self.sentences[index][1]:
            return self.sentences[index]
        return 0, len(self.text)

    def number_matches(
        self, pattern: re.Pattern[str], *, articles: bool = False
    ) -> Iterator[re.Match]:
        """What `pattern.finditer(text)` finds, for a pattern whose every match starts with a number
        (or, with `articles`, with "a", "an" or "half"), trying only where numbers start."""
        if self.folded is None or len(self.folded) != len(self.text):
            return pattern.finditer(self.text)
        starts = self._article_starts if articles else self._number_starts
        return matches_from(pattern, self.text, starts)

    @cached_property
    def _number_starts(self) -> list[int]:
        assert self.folded is not None
        return number_starts(self.text, self.folded)

    @cached_property
    def _article_starts(self) -> list[int]:
        assert self.folded is not None
        return sorted(self._number_starts + article_starts(self.folded))
