"""A cheap screen before a costly regex: the literal words one of which every match must contain.

Python's regex engine tries a case-free pattern at every character of the text; `"cobalamin" in
text` is a hundred times faster. So each pattern's *needles* are read off the compiled pattern
itself (never written by hand beside it, so they cannot drift apart), and a pattern whose needles
are all absent from the case-folded text is not run: it could not have matched.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

# The only characters a case-free ASCII letter matches whose `str.lower()` is not that letter
# (dotless ı and dotted İ match "i", long ſ matches "s"); a text holding one is not screened.
# tests/classifiers/test_screen.py checks this list against every Unicode character.
FOLD_TRAPS = frozenset("ıİſ")

Needles = frozenset[str]


def fold(text: str) -> str | None:
    """The case-folded copy of `text` that needles are looked for in; None where folding is not exact."""
    if not text.isascii() and any(trap in text for trap in FOLD_TRAPS):
        return None
    return text.lower()


def may_match(pattern: re.Pattern[str], folded: str | None) -> bool:
    """False only when `pattern` cannot match the text whose folded copy is `folded`."""
    found = needles(pattern)
    return found is None or folded is None or any(needle in folded for needle in found)


@lru_cache(maxsize=1024)
def needles(pattern: re.Pattern[str]) -> Needles | None:
    """Lower-case strings one of which every match of `pattern` contains; None if there are none."""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a pattern the private parser cannot read is simply not screened
        return None
    return _sequence_needles(list(parsed))


def _sequence_needles(items: list) -> Needles | None:
    """The most selective needles of a sequence: every item of it is part of every match."""
    candidates: list[Needles] = []
    run: set[str] = {""}  # the strings the literals read so far can spell
    for op, argument in items:
        # Consecutive literals and small classes of them ("randomi[sz]") spell a few needles.
        letters = _letters(op, argument)
        if letters is not None and len(run) * len(letters) <= _MOST_SPELLINGS:
            run = {start + letter for start in run for letter in letters}
            continue
        if run != {""}:
            candidates.append(frozenset(run))
        run = {""} if letters is None else set(letters)
        inner = _item_needles(op, argument)
        if inner is not None:
            candidates.append(inner)
    if run != {""}:
        candidates.append(frozenset(run))
    if not candidates:
        return None
    # The shortest needle decides how often a screen lets a text through.
    return max(candidates, key=lambda found: (min(map(len, found)), -len(found)))


_MOST_SPELLINGS = 16


def _letters(op, argument) -> tuple[str, ...] | None:
    """The lower-case ASCII characters one literal or small class matches; None for anything else."""
    if op is sre.LITERAL:
        codes = [argument]
    elif op is sre.IN and len(argument) <= 4 and all(kind is sre.LITERAL for kind, _ in argument):
        codes = [code for _, code in argument]
    else:
        return None
    if any(code >= 128 for code in codes):
        return None
    return tuple(sorted({chr(code).lower() for code in codes}))


def _item_needles(op, argument) -> Needles | None:
    if op is sre.SUBPATTERN:
        return _sequence_needles(list(argument[-1]))
    if op is sre.ATOMIC_GROUP:
        return _sequence_needles(list(argument))
    if op is sre.BRANCH:
        found: set[str] = set()
        for branch in argument[1]:
            inner = _sequence_needles(list(branch))
            if inner is None:
                return None  # one branch can match without any literal
            found |= inner
        return frozenset(found)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, _, item = argument
        return _sequence_needles(list(item)) if least >= 1 else None
    # Character classes, anchors and lookarounds name no literal every match holds.
    return None
