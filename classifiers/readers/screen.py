"""A cheap screen before a costly regex: the literal words one of which every match must contain.

Python's regex engine tries a case-free pattern at every character of the text; `"cobalamin" in
text` is a hundred times faster. So each pattern's *needles* are read off the compiled pattern
itself (never written by hand beside it, so they cannot drift apart), and a pattern whose needles
are all absent from the case-folded text is not run: it could not have matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

# The only characters a case-free ASCII letter matches whose `str.lower()` is not that letter
# (dotless ı and dotted İ match "i", long ſ matches "s"); a text holding one is not screened.
# tests/classifiers/test_screen.py checks this list against every Unicode character.
FOLD_TRAPS = frozenset("ıİſ")

# What every match needs: a needle (a lower-case string it contains), all of several
# requirements, or any of several.
Requirement = str | tuple[str, tuple["Requirement", ...]]


def fold(text: str) -> str | None:
    """The case-folded copy of `text` that needles are looked for in; None where folding is not exact."""
    if not text.isascii() and any(trap in text for trap in FOLD_TRAPS):
        return None
    return text.lower()


def may_match(pattern: re.Pattern[str], folded: str | None) -> bool:
    """False only when `pattern` cannot match the text whose folded copy is `folded`."""
    return folded is None or _check(pattern)(folded)


@lru_cache(maxsize=1024)
def _check(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    # The requirement written out as one Python expression of `in` tests: walking the tree
    # for every text took longer than the tests themselves. Each needle enters the expression
    # through repr(), as a string literal, whatever a watch file's phrases hold.
    needed = requirement(pattern)
    if needed is None:
        return lambda folded: True
    return eval(f"lambda folded: {_expression(needed)}")


def _expression(needed: Requirement) -> str:
    if isinstance(needed, str):
        return f"{needed!r} in folded"
    kind, parts = needed
    joiner = " and " if kind == "all" else " or "
    return "(" + joiner.join(_expression(part) for part in parts) + ")"


@lru_cache(maxsize=1024)
def requirement(pattern: re.Pattern[str]) -> Requirement | None:
    """What the text must hold for `pattern` to match anywhere in it; None if nothing is known."""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a pattern the private parser cannot read is simply not screened
        return None
    return _sequence(list(parsed))


def _sequence(items: list) -> Requirement | None:
    """Every item of a sequence is part of every match: all their requirements hold."""
    needed: list[Requirement] = []
    run: set[str] = {""}  # the strings the literals read so far can spell
    for op, argument in items:
        # Consecutive literals and small classes of them ("randomi[sz]") spell a few needles.
        letters = _letters(op, argument)
        if letters is not None and len(run) * len(letters) <= _MOST_SPELLINGS:
            run = {start + letter for start in run for letter in letters}
            continue
        if op is sre.BRANCH and run != {""}:
            # The parser pulls a prefix the alternatives share out of them ("NC(?:Vs?|S)"):
            # spell it on into each alternative's own leading literals.
            run = _spelled_into(run, argument[1])
        if run != {""}:
            needed.append(_any(run))
        run = {""} if letters is None else set(letters)
        inner = _item(op, argument)
        if inner is not None:
            needed.append(inner)
    if run != {""}:
        needed.append(_any(run))
    return _all(needed)


_MOST_SPELLINGS = 16


def _spelled_into(run: set[str], branches) -> set[str]:
    spelled = set()
    for branch in branches:
        leading = ""
        for op, argument in branch:
            letters = _letters(op, argument)
            if letters is None or len(letters) != 1:
                break
            leading += letters[0]
        spelled |= {start + leading for start in run}
    return spelled if len(spelled) <= _MOST_SPELLINGS else run


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


def _item(op, argument) -> Requirement | None:
    if op is sre.SUBPATTERN:
        return _sequence(list(argument[-1]))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(argument))
    if op is sre.ASSERT:
        # What a lookaround asserts is in the text too (a negative one asserts an absence).
        return _sequence(list(argument[1]))
    if op is sre.BRANCH:
        alternatives = [_sequence(list(branch)) for branch in argument[1]]
        if any(alternative is None for alternative in alternatives):
            return None  # one alternative can match without any literal
        return _any(alternatives)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, _, item = argument
        return _sequence(list(item)) if least >= 1 else None
    # Character classes and anchors name no literal every match holds.
    return None


def _any(parts) -> Requirement:
    flat: set[Requirement] = set()
    for part in parts:
        flat |= set(part[1]) if isinstance(part, tuple) and part[0] == "any" else {part}
    return next(iter(flat)) if len(flat) == 1 else ("any", tuple(sorted(flat, key=_order)))


def _all(parts: list[Requirement]) -> Requirement | None:
    flat: list[Requirement] = []
    for part in parts:
        for each in part[1] if isinstance(part, tuple) and part[0] == "all" else (part,):
            if each not in flat:
                flat.append(each)
    if not flat:
        return None
    # The most selective first: a text usually fails on it, and the rest is never looked for.
    flat.sort(key=_selectivity, reverse=True)
    return flat[0] if len(flat) == 1 else ("all", tuple(flat))


def _selectivity(needed: Requirement) -> int:
    """The length of the shortest needle that meets `needed`: longer needles are rarer."""
    if isinstance(needed, str):
        return len(needed)
    kind, parts = needed
    lengths = [_selectivity(part) for part in parts]
    return max(lengths) if kind == "all" else min(lengths)


def _order(needed: Requirement) -> tuple[int, str]:
    return (_selectivity(needed), repr(needed))
