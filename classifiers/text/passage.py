"""The text the readers read, prepared once per record: cut to a bounded length, case-folded for the
regex screens, and split into sentences on first use, so that no reader redoes that work."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from litwatch.classifiers.text.numbers import matches_from, number_starts
from litwatch.classifiers.text.screen import (
    Found,
    Needles,
    known_needles,
    lower_exactly,
    may_match,
    screen_of,
    squeeze,
)
from litwatch.classifiers.text.spans import sentences

# The longest real PubMed abstracts run to 10-20 thousand characters; a text past this length is
# no abstract, and reading it all would let one hostile record hold up a whole run.
TEXT_LIMIT = 50_000

# A passage asked about a few patterns (topic relevance asks one per concept) looks for their
# own needles; one asked about more (the attribute readers ask some thirty) is searched once
# for the needles of every screen, which costs about what a dozen patterns' needles do.
_FEW_SCREENS = 4


@dataclass(frozen=True, eq=False)
class Passage:
    """A title and abstract (or any text) as the readers see it."""

    text: str
    # Lower-cased offset for offset (the number finders read it), and its squeezed copy the
    # screens read; both None where lower-casing is not exact (screen.FOLD_TRAPS).
    lowered: str | None
    folded: str | None
    cut_from: int | None = None  # the length of the text before it was cut, if it was
    # Each screen's answer by pattern id, with the pattern (see screen.screen_of): several readers
    # ask about the same pattern (the formulations and routes, for one, and the comparator after them).
    _screened: dict[int, tuple[re.Pattern[str], bool]] = field(
        default_factory=dict, init=False, repr=False
    )
    # The screens' needles `folded` holds, found in one pass, and the needles looked for.
    _found: tuple[Needles, Found] | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, text: str | Passage, limit: int = TEXT_LIMIT) -> Passage:
        """`text` prepared for reading (a Passage is returned as it is)."""
        if isinstance(text, Passage):
            return text
        cut_from = len(text) if len(text) > limit else None
        text = text[:limit]
        lowered = lower_exactly(text)
        return cls(text, lowered, squeeze(lowered) if lowered is not None else None, cut_from)

    def followed_by(self, more: str, limit: int = TEXT_LIMIT) -> Passage:
        """The passage of this text, a newline and `more`, made from this one's lower-cased and
        squeezed copies (topic relevance reads the title and abstract and then the indexing).
        ValueError for a passage that was cut: what followed the cut is not here to join."""
        if self.cut_from is not None:
            raise ValueError("a cut passage cannot be followed by more text")
        text = f"{self.text}\n{more}"
        more_lowered = lower_exactly(more)
        if len(text) > limit or None in (self.lowered, more_lowered):
            return Passage.of(text, limit)
        assert self.lowered is not None and self.folded is not None and more_lowered is not None
        # Lower-casing works character by character but for a final sigma, which the newline
        # between the two ends as it ends the text; squeezing joins the two sides' words.
        more_folded = squeeze(more_lowered)
        if not more_folded.strip():
            folded = self.folded
        elif not self.folded.strip():
            folded = more_folded
        else:
            folded = self.folded + more_folded[1:]
        return Passage(text, f"{self.lowered}\n{more_lowered}", folded)

    def may_match(self, pattern: re.Pattern[str]) -> bool:
        """False only when `pattern` cannot match the text (see screen.py)."""
        # By id, not by the pattern: hashing a compiled pattern hashes its whole program. The
        # entry keeps the pattern, so no other pattern can take its id while the passage lives.
        screened = self._screened.get(id(pattern))
        if screened is not None and screened[0] is pattern:
            return screened[1]
        if self.folded is None:
            answer = True
        elif self._found is None and len(self._screened) < _FEW_SCREENS:
            answer = may_match(pattern, self.folded, self.text)
        else:
            answer = screen_of(pattern)(self._needles_found(), self.text)
        self._screened[id(pattern)] = (pattern, answer)
        return answer

    def _needles_found(self) -> Found:
        # Searched again only if patterns with new needles were screened since (at warm-up).
        assert self.folded is not None
        needles = known_needles()
        if self._found is None or self._found[0] is not needles:
            object.__setattr__(self, "_found", (needles, needles.found_in(self.folded)))
        assert self._found is not None
        return self._found[1]

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

    def number_matches(self, pattern: re.Pattern[str]) -> Iterator[re.Match]:
        """What `pattern.finditer(text)` finds, for a pattern whose every match starts a word (no
        word character just before it) with a number or with "a", "an" or "half", trying only
        where those start."""
        if self.lowered is None or len(self.lowered) != len(self.text):
            return pattern.finditer(self.text)
        return matches_from(pattern, self.text, self._number_starts)

    @cached_property
    def _number_starts(self) -> list[int]:
        assert self.lowered is not None
        return number_starts(self.lowered)
