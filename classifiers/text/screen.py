"""A cheap screen before a costly regex: the literal words one of which every match must contain.

Python's regex engine tries a case-free pattern at every character of the text; finding which
literal words a text holds is far cheaper. So each pattern's *needles* are read off the compiled
pattern itself (never written by hand beside it, so they cannot drift apart), the needles of every
pattern screened so far are found in the case-folded text in one pass (Aho-Corasick), and a
pattern whose needles are not all there is not run: it could not have matched.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

# The needles are read off the parse tree of `re`'s own parser. No public way exists: Python
# offers no public parser of its regex syntax (`sre_parse`, the old name of this module, is
# deprecated since 3.11, and a third-party parser could read a pattern otherwise than the engine
# that runs it). This is the one private name used, here only, and it fails safe: a pattern the
# parser cannot read, or whose tree has an unknown shape, is simply not screened. The needles are
# checked against their patterns by tests/classifiers/text/test_screen.py:
# ::test_a_pattern_requires_the_literals_every_match_holds (the tree's shapes, pinned),
# ::test_every_text_a_reader_pattern_matches_passes_its_screen (Hypothesis, every reader pattern)
# and ::test_every_corpus_text_a_pattern_matches_passes_its_screen (every corpus text).
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

import ahocorasick

# The only characters a case-free ASCII letter matches whose `str.lower()` is not that letter
# (dotless ı and dotted İ match "i", long ſ matches "s"); a text holding one is not screened.
# tests/classifiers/test_screen.py checks this list against every Unicode character.
FOLD_TRAPS = frozenset("ıİſ")

# What every match needs: a needle (a lower-case string it contains), an exact needle
# ("exact", "NIS") from a case-sensitive part, all of several requirements, or any of several.
Requirement = str | tuple[str, str] | tuple[str, tuple["Requirement", ...]]

# A pattern's screen: given what the folded text holds (`Found` or `LookedUp`) and the text itself,
# where there is one, for the case-sensitive needles, whether the pattern may match.
Screen = Callable[["Found | LookedUp", str | None], bool]


def fold(text: str) -> str | None:
    """The copy of `text` needles are looked for in: lower-cased, every run of white space one
    space (so "per\\s+os" needs "per os"); None where folding is not exact."""
    lowered = lower_exactly(text)
    return None if lowered is None else squeeze(lowered)


def lower_exactly(text: str) -> str | None:
    """`text` lower-cased, offset for offset, as the regex engine compares letters; None if it cannot be."""
    if not text.isascii() and any(trap in text for trap in FOLD_TRAPS):
        return None
    return text.lower()


def squeeze(lowered: str) -> str:
    """Every run of white space one space, and a space at either end (where a match may start or end
    on white space the ends of the text do not hold)."""
    return " " + " ".join(lowered.split()) + " "


def may_match(pattern: re.Pattern[str], folded: str | None, text: str | None = None) -> bool:
    """False only when `pattern` cannot match `text`, whose folded copy is `folded` (case-sensitive
    needles are looked for in `text` when given, else lower-cased in `folded`)."""
    if folded is None:
        return True
    # One text, one pattern (a sentence, say): its own needles are looked for one by one, as
    # the screen asks for them, cheaper there than a pass for all (`Needles.found_in`).
    return screen_of(pattern)(LookedUp(folded), text)


# Needles this short are in most texts, many times over: the automaton would report every one of
# those places, where `in` finds the first at once. They are looked for one by one.
_SHORTEST_SCANNED = 3


class Needles:
    """The needles of the patterns screened so far, and an automaton that finds them in one pass."""

    def __init__(self, needles: Iterable[str] = ()) -> None:
        self.known = frozenset(needles)
        self._short = tuple(needle for needle in self.known if len(needle) < _SHORTEST_SCANNED)
        self._automaton = ahocorasick.Automaton()
        for needle in self.known:
            if len(needle) >= _SHORTEST_SCANNED:
                self._automaton.add_word(needle, needle)
        self._automaton.make_automaton()

    def found_in(self, folded: str) -> Found:
        """The needles `folded` holds, overlapping ones and those inside others too."""
        found = {needle for needle in self._short if needle in folded}
        if len(self.known) > len(self._short):
            found.update(needle for _, needle in self._automaton.iter(folded))
        return Found(frozenset(found))


class Found:
    """What a folded text holds, from the needles found in it in one pass: set operations."""

    __slots__ = ("_needles",)

    def __init__(self, needles: frozenset[str]) -> None:
        self._needles = needles

    def holds(self, needle: str) -> bool:
        return needle in self._needles

    def holds_all(self, needles: tuple[str, ...]) -> bool:
        return self._needles.issuperset(needles)

    def holds_any(self, needles: tuple[str, ...]) -> bool:
        return not self._needles.isdisjoint(needles)

    def holds_none(self, needles: frozenset[str]) -> bool:
        """True only if the text holds none of `needles` (a quick refusal)."""
        return self._needles.isdisjoint(needles)


class LookedUp:
    """What a folded text holds, each needle looked for as a screen asks for it (in the order the
    requirement gives: most selective first), stopping as soon as the answer is known."""

    __slots__ = ("_folded",)

    def __init__(self, folded: str) -> None:
        self._folded = folded

    def holds(self, needle: str) -> bool:
        return needle in self._folded

    # Plain loops: any() and all() over a generator cost more than the substring tests.
    def holds_all(self, needles: tuple[str, ...]) -> bool:
        folded = self._folded
        for needle in needles:
            if needle not in folded:
                return False
        return True

    def holds_any(self, needles: tuple[str, ...]) -> bool:
        folded = self._folded
        for needle in needles:
            if needle in folded:
                return True
        return False

    def holds_none(self, needles: frozenset[str]) -> bool:
        return False  # telling would look for every needle: the screen asks on instead


# Each pattern's screen, by the pattern's id: hashing a compiled pattern hashes its whole program
# (7 µs for the head-count pattern), which a cache keyed on the pattern paid at every screen.
# The entry holds the pattern itself, so that no other pattern can take its id while it is cached.
# The needles grow with the screens: a text is searched again if new ones came since (at warm-up).
_SCREENS: dict[int, tuple[re.Pattern[str], Screen]] = {}
_MOST_SCREENS = 1024
_needles_so_far = Needles()
_learning = threading.Lock()


def known_needles() -> Needles:
    """The needles of every pattern screened so far."""
    return _needles_so_far


def screen_of(pattern: re.Pattern[str]) -> Screen:
    """The screen of `pattern`; its needles are among `known_needles()` from now on."""
    global _needles_so_far
    cached = _SCREENS.get(id(pattern))
    if cached is not None and cached[0] is pattern:
        return cached[1]
    needed = requirement(pattern)
    screen = _screen(needed) if needed is not None else _passes
    needles = _needles_of(needed)
    with _learning:
        if len(_SCREENS) >= _MOST_SCREENS:
            _SCREENS.clear()  # patterns compiled anew again and again (watch files reloaded)
            _needles_so_far = Needles()
        if not needles <= _needles_so_far.known:
            _needles_so_far = Needles(_needles_so_far.known | needles)
        _SCREENS[id(pattern)] = (pattern, screen)
    return screen


def _passes(found: Found | LookedUp, text: str | None) -> bool:
    return True


def _needles_of(needed: Requirement | None) -> set[str]:
    if needed is None:
        return set()
    if isinstance(needed, str):
        return {needed}
    kind, parts = needed
    if kind == "exact":
        assert isinstance(parts, str)
        return {parts.lower()}
    return set().union(*(_needles_of(part) for part in parts))


def _screen(needed: Requirement) -> Screen:
    """The requirement as a function: its tree is walked once, here, not for every text."""
    if isinstance(needed, str):
        return lambda found, text: found.holds(needed)
    kind, parts = needed
    if kind == "exact":
        assert isinstance(parts, str)
        # The text holds the needle as written only if its folded copy holds it lower-cased.
        lowered = parts.lower()
        return lambda found, text: found.holds(lowered) and (text is None or parts in text)
    needles = tuple(part for part in parts if isinstance(part, str))
    others = tuple(_screen(part) for part in parts if not isinstance(part, str))
    if kind == "all":
        return lambda found, text: (
            found.holds_all(needles) and all(screen(found, text) for screen in others)
        )
    if not others:
        return lambda found, text: found.holds_any(needles)
    # Most texts hold none of the needles anywhere in the alternatives: one test says so.
    anywhere = frozenset(_needles_of(needed))
    return lambda found, text: (
        not found.holds_none(anywhere)
        and (found.holds_any(needles) or any(screen(found, text) for screen in others))
    )


@lru_cache(maxsize=1024)
def requirement(pattern: re.Pattern[str]) -> Requirement | None:
    """What the text must hold for `pattern` to match anywhere in it; None if nothing is known."""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a pattern the private parser cannot read is simply not screened
        return None
    return _sequence(list(parsed), bool(pattern.flags & re.IGNORECASE))


def _sequence(items: list, ignore_case: bool) -> Requirement | None:
    """Every item of a sequence is part of every match: all their requirements hold."""
    needed: list[Requirement] = []
    run: set[str] = {""}  # the strings the literals read so far can spell
    for op, argument in items:
        # Consecutive literals and small classes of them ("randomi[sz]") spell a few needles.
        letters = _letters(op, argument, ignore_case)
        if letters is not None and len(run) * len(letters) <= _MOST_SPELLINGS:
            spelled = {start + letter for start in run for letter in letters}
            # Two spaces never stand side by side in the folded copy.
            if not any("  " in spelling for spelling in spelled):
                run = spelled
                continue
        if op is sre.BRANCH and run != {""}:
            # The parser pulls a prefix the alternatives share out of them ("NC(?:Vs?|S)"):
            # spell it on into each alternative's own leading literals.
            run = _spelled_into(run, argument[1], ignore_case)
        if run != {""}:
            needed.append(_needles(run, ignore_case))
        run = {""} if letters is None else set(letters)
        inner = _item(op, argument, ignore_case)
        if inner is not None:
            needed.append(inner)
    if run != {""}:
        needed.append(_needles(run, ignore_case))
    return _all(needed)


def _needles(spellings: set[str], ignore_case: bool) -> Requirement:
    return _any(spellings if ignore_case else {("exact", spelling) for spelling in spellings})


_MOST_SPELLINGS = 16


def _spelled_into(run: set[str], branches, ignore_case: bool) -> set[str]:
    spelled = set()
    for branch in branches:
        leading = ""
        for op, argument in branch:
            letters = _letters(op, argument, ignore_case)
            if letters is None or len(letters) != 1:
                break
            leading += letters[0]
        spelled |= {start + leading for start in run}
    if len(spelled) > _MOST_SPELLINGS or any("  " in spelling for spelling in spelled):
        return run
    return spelled


def _letters(op, argument, ignore_case: bool) -> tuple[str, ...] | None:
    """The ways one pattern item is spelled in the folded copy: a literal or a small class of them
    (lower-cased where case is ignored), "" among them when the item is optional, and " " for
    white space; None for anything else."""
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, most, item = argument
        characters = _characters(item[0][0], item[0][1], ignore_case) if len(item) == 1 else None
        if characters is None:
            return None
        if (least, most) == (0, 1):
            return ("", *characters)
        if least >= 1 and characters == (" ",):
            return characters  # a run of white space is one space in the folded copy
        return None
    return _characters(op, argument, ignore_case)


def _characters(op, argument, ignore_case: bool) -> tuple[str, ...] | None:
    members = [(op, argument)] if op is sre.LITERAL else argument if op is sre.IN else []
    if not members or len(members) > 4:
        return None
    spelled = set()
    for kind, value in members:
        if kind is sre.LITERAL and value < 128 and not chr(value).isspace():
            spelled.add(chr(value).lower() if ignore_case else chr(value))
        elif kind is sre.CATEGORY and value is sre.CATEGORY_SPACE and ignore_case:
            spelled.add(" ")  # only the folded copy has its white space squeezed
        else:
            return None
    return tuple(sorted(spelled))


def _item(op, argument, ignore_case: bool) -> Requirement | None:
    if op is sre.SUBPATTERN:
        _, added, removed, inner = argument
        ignore_case = bool((ignore_case or added & re.IGNORECASE) and not removed & re.IGNORECASE)
        return _sequence(list(inner), ignore_case)
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(argument), ignore_case)
    if op is sre.ASSERT:
        # What a lookaround asserts is in the text too (a negative one asserts an absence).
        return _sequence(list(argument[1]), ignore_case)
    if op is sre.BRANCH:
        alternatives = [_sequence(list(branch), ignore_case) for branch in argument[1]]
        if any(alternative is None for alternative in alternatives):
            return None  # one alternative can match without any literal
        return _any(alternatives)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        least, _, item = argument
        return _sequence(list(item), ignore_case) if least >= 1 else None
    # Character classes and anchors name no literal every match holds.
    return None


def _any(parts) -> Requirement:
    flat: set[Requirement] = set()
    for part in parts:
        flat |= set(part[1]) if isinstance(part, tuple) and part[0] == "any" else {part}
    # An alternative that implies another adds nothing ("cobalamin" or "methylcobalamin" is
    # "cobalamin"); one that most alternatives require is looked for once, not in each of them.
    # (Alternatives are compared pairwise: a watch file's list of hundreds of terms is left as
    # it is, or compiling it would take seconds.)
    if len(flat) <= _MOST_TO_SIMPLIFY:
        flat = {part for part in flat if not any(_redundant(part, other) for other in flat)}
        factored = _factored(flat)
        if factored is not None:
            return factored
    return next(iter(flat)) if len(flat) == 1 else ("any", tuple(sorted(flat, key=_order)))


_MOST_TO_SIMPLIFY = 64


def _factored(alternatives: set[Requirement]) -> Requirement | None:
    """ "(b12 and level) or (b12 and measured) or homocysteine" as "(b12 and (level or measured))
    or homocysteine": the same requirement, with the needle they share looked for once."""
    shared = Counter(
        each
        for alternative in alternatives
        if isinstance(alternative, tuple) and alternative[0] == "all"
        for each in alternative[1]
    )
    if not shared:
        return None
    common, count = max(shared.items(), key=lambda item: (item[1], _order(item[0])))
    if count < 2:
        return None
    sharing = [a for a in alternatives if isinstance(a, tuple) and a[0] == "all" and common in a[1]]
    rests = [_all([each for each in alternative[1] if each != common]) for alternative in sharing]
    merged = _all([common, _any(rests)])
    assert merged is not None
    return _any([a for a in alternatives if a not in sharing] + [merged])


def _all(parts: list[Requirement]) -> Requirement | None:
    flat: list[Requirement] = []
    for part in parts:
        for each in part[1] if isinstance(part, tuple) and part[0] == "all" else (part,):
            if each not in flat:
                flat.append(each)
    # A requirement that another implies need not be looked for ("route" beside " route").
    if len(flat) <= _MOST_TO_SIMPLIFY:
        flat = [part for part in flat if not any(_redundant(other, part) for other in flat)]
    if not flat:
        return None
    # The most selective first: a text usually fails on it, and the rest is never looked for.
    flat.sort(key=_selectivity, reverse=True)
    return flat[0] if len(flat) == 1 else ("all", tuple(flat))


def _redundant(stronger: Requirement, weaker: Requirement) -> bool:
    """Whether `stronger` implies `weaker` and is another requirement (of two that imply each
    other, the one ordered first is kept)."""
    if stronger == weaker or not _implies(stronger, weaker):
        return False
    return not _implies(weaker, stronger) or _order(weaker) < _order(stronger)


def _implies(first: Requirement, second: Requirement) -> bool:
    """Whether every text that meets `first` meets `second`, where that is plain to see."""
    if isinstance(first, str) and isinstance(second, str):
        return second in first  # a needle holds every needle it contains
    if (
        isinstance(second, tuple)
        and second[0] == "any"
        and any(_implies(first, part) for part in second[1])
    ):
        return True
    if isinstance(second, tuple) and second[0] == "all":
        return all(_implies(first, part) for part in second[1])
    if isinstance(first, tuple) and first[0] == "any":
        return all(_implies(part, second) for part in first[1])
    if isinstance(first, tuple) and first[0] == "all":
        return any(_implies(part, second) for part in first[1])
    return first == second


def _selectivity(needed: Requirement) -> int:
    """The length of the shortest needle that meets `needed`: longer needles are rarer."""
    if isinstance(needed, str):
        return len(needed)
    kind, parts = needed
    if kind == "exact":
        return len(parts) + 2  # case counts too: "NIS" is rarer than "nis"
    lengths = [_selectivity(part) for part in parts]
    return max(lengths) if kind == "all" else min(lengths)


def _order(needed: Requirement) -> tuple[int, str]:
    return (_selectivity(needed), repr(needed))
