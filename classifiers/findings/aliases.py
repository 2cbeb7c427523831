"""The other names an abstract gives each arm: the abbreviation it defines for it ("lidocaine
cream (LC)", "experimental group (EG)"), the group label it assigns ("(n = 40, group A)",
"group I received X", "Group B (placebo)"), so that a result sentence naming the arms only by
those ("LC group ... less than RF group", "EG ... than CG", "group A ... group B") is read
for the right arm. An alias goes to the arm whose name (or role word: intervention, study,
experimental vs control, placebo, comparison) stands nearest to it where it is defined; an
alias that would point at both arms, or at none, is no alias. The words are stemmed tokens as
the effect reader sees them (a group label is one token, "grp_a", see `effect.mark_groups`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from litwatch.classifiers.findings.effect import CONTROL_WORDS, arm_words, mark_groups
from litwatch.classifiers.findings.text import Abstract, stem

# Role words: what an arm is called by its part in the trial, whatever it received.
INTERVENTION_ROLES = frozenset(
    stem(w) for w in ("intervention", "experimental", "study", "active", "treated")
)
CONTROL_ROLES = CONTROL_WORDS | frozenset(stem(w) for w in ("comparison", "comparator"))
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
# Words and the marks that end the clause an alias's long form stands in.
_PIECE = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*|[;:.,]")
_BREAKS = frozenset((";", ":", ".", ",", "vs", "versus", "with", "or", "and"))
# "(LC)", "(DEX)", "(MgSO4)", "(EG)": an abbreviation in parentheses, or one before a comma
# or semicolon inside them ("(LC; n = 40)"), or one naming the arm's group ("(MeCbl group)").
_ABBREVIATION = re.compile(
    r"\(\s*([A-Za-z][A-Za-z0-9+\-]{0,9})(?:\s+(?:group|arm))?\s*(?:[,;][^()]{0,40})?\)"
)
# "(n = 40, grp_a)", "(grp_a)", "(grp_i, n=30)": a group label given in parentheses.
_LABEL_IN_PARENTHESES = re.compile(r"\(([^()]{0,40}?)\b(grp_\w+)\b([^()]{0,40})\)")
# "grp_a received X", "grp_b (n = 30) was given placebo", "grp_c: saline", "grp_d (saline)":
# a label, then what its arm received.
_LABEL_RECEIVED = re.compile(
    r"\b(grp_\w+)\s*(?:\((?=[^()]*\d)[^()]*\)\s*)?(?:,\s*)?"
    r"(?::|\(|\s[-–]\s|(?:patients\s+|participants\s+|subjects\s+)?(?:who\s+)?"
    r"(?:received|receiving|were\s+given|was\s+given|were\s+treated\s+with|"
    r"was\s+treated\s+with|were\s+assigned\s+to|was\s+assigned\s+to|got|underwent|took)\b)"
)
_BEFORE = 5  # words before an alias's parenthesis that may name its arm
_WINDOW = 80  # characters before an alias's parenthesis that may hold its arm's name
_AFTER = 8  # words after "group A received" that may name its arm
# Abbreviations that say something of a statistic or a sample, never an arm.
_NOT_ALIASES = frozenset(
    ("n", "ci", "sd", "se", "or", "rr", "hr", "p", "ns", "iqr", "vs", "bmi", "itt")
)


def arms_in(
    abstract: Abstract, intervention: str | Sequence[str], comparator: str | Sequence[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """The words that point at the intervention arm and at the comparator arm in this
    abstract: the arms' own names, and the abbreviations and group labels the abstract gives
    them ("lidocaine cream (LC)", "group A received ...")."""
    if not isinstance(intervention, str):
        intervention = tuple(intervention)
    if not isinstance(comparator, str):
        comparator = tuple(comparator)
    int_words = arm_words(intervention, comparator) | _parts(intervention, comparator)
    cmp_words = arm_words(comparator, intervention) | _parts(comparator, intervention)
    # A word both arms' names hold ("social media (SM)" in "with" and "without a social
    # media (SM) experience") names neither, nor does its label.
    shared = arm_words(intervention, "") & arm_words(comparator, "")
    int_aliases, cmp_aliases = arm_aliases(abstract, int_words, cmp_words)
    # An alias the other arm's own text holds anywhere ("placebo (DFO monotherapy arm)") is
    # not this arm's alone.
    int_aliases -= _written(comparator)
    cmp_aliases -= _written(intervention)
    # "the PHR group" is one token, grp_phr (effect.mark_groups): an arm's own abbreviation
    # written before "group" still names it.
    int_labels = frozenset("grp_" + w for w in int_words if not w.startswith("grp_"))
    cmp_labels = frozenset("grp_" + w for w in cmp_words if not w.startswith("grp_"))
    return (
        int_words | ((int_aliases | int_labels) - cmp_labels - _labelled(shared)),
        cmp_words | ((cmp_aliases | cmp_labels) - int_labels - _labelled(shared)),
    )


# "TC-RF", "CO2-LC": an abbreviation of parts, each written in capitals.
_HYPHENATED = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+(?![\w-])")


@lru_cache(maxsize=1024)
def _parts(arm: str | tuple[str, ...], other: str | tuple[str, ...]) -> frozenset[str]:
    """The capitalised parts of an arm's hyphenated abbreviation ("CO2-LC": "lc", "co2"), which
    the abstract may use alone ("the LC group"), unless the other arm's name holds them."""
    text = arm if isinstance(arm, str) else " ".join(arm)
    found = {
        stem(part.lower())
        for word in _HYPHENATED.findall(text)
        for part in word.split("-")
        if sum(c.isupper() for c in part) >= 2
    }
    return frozenset(found - arm_words(other, ""))


@lru_cache(maxsize=1024)
def _written(arm: str | tuple[str, ...]) -> frozenset[str]:
    text = arm if isinstance(arm, str) else " ".join(arm)
    said = {stem(w.lower()) for w in _WORD.findall(text)}
    return frozenset(said | {"grp_" + w for w in said})


def _labelled(words: frozenset[str]) -> frozenset[str]:
    return words | frozenset("grp_" + w for w in words)


def arm_aliases(
    abstract: Abstract, intervention: frozenset[str], comparator: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """The aliases the abstract gives the intervention arm and the comparator arm, each as the
    tokens the effect reader would meet ("lc" and "grp_lc" for LC, "grp_a" for group A);
    `intervention` and `comparator` are the arms' own words (`effect.arm_words`)."""
    key = ("arm_aliases", intervention, comparator)
    found = abstract.memo.get(key)
    if found is None:
        found = abstract.memo[key] = _aliases(abstract, intervention, comparator)
    return found


def _aliases(
    abstract: Abstract, intervention: frozenset[str], comparator: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    int_words = intervention | (INTERVENTION_ROLES - comparator)
    cmp_words = comparator | (CONTROL_ROLES - intervention)
    to_int: set[str] = set()
    to_cmp: set[str] = set()
    for sentence in abstract.sentences:
        text = sentence.text
        labelled = "roup" in text
        if "(" not in text and not labelled:
            continue
        marked = mark_groups(text) if labelled else text
        for alias, arm in _defined(marked, int_words, cmp_words):
            (to_int if arm > 0 else to_cmp).add(alias)
    both = to_int & to_cmp
    known = intervention | comparator
    return frozenset(to_int - both - known), frozenset(to_cmp - both - known)


def _defined(
    marked: str, int_words: frozenset[str], cmp_words: frozenset[str]
) -> list[tuple[str, int]]:
    """(alias, +1 for the intervention arm or -1 for the comparator) for each alias the text
    defines."""
    found: list[tuple[str, int]] = []
    for match in _ABBREVIATION.finditer(marked):
        short = match.group(1)
        lowered = short.lower()
        if lowered in _NOT_ALIASES or lowered.startswith("grp_") or not _abbreviation(short):
            continue
        # The arm must be named by the long form, the few words the abbreviation stands for:
        # "acute myocardial infarction (MI)" after "patients given X with" names no arm.
        letters = sum(c.isalpha() for c in short)
        arm = _nearest_before(
            marked[max(0, match.start() - _WINDOW) : match.start()],
            int_words,
            cmp_words,
            letters + 1,
        )
        if arm:
            alias = stem(lowered)
            found += [(alias, arm), ("grp_" + lowered, arm)]
    if "grp_" not in marked:
        return found
    for match in _LABEL_IN_PARENTHESES.finditer(marked):
        inside = match.group(1) + " " + match.group(3)
        # "(grp_a, saline)": the parenthesis names the arm; else the words before it do.
        arm = _first_after(inside, int_words, cmp_words) or _nearest_before(
            marked[max(0, match.start() - _WINDOW) : match.start()], int_words, cmp_words
        )
        if arm:
            found.append((match.group(2), arm))
    for match in _LABEL_RECEIVED.finditer(marked):
        arm = _first_after(marked[match.end() : match.end() + _WINDOW], int_words, cmp_words)
        if arm:
            found.append((match.group(1), arm))
    return found


def _side(word: str, int_words: frozenset[str], cmp_words: frozenset[str]) -> int:
    token = stem(word.lower())
    if token in int_words and token not in cmp_words:
        return 1
    if token in cmp_words and token not in int_words:
        return -1
    return 0


def _abbreviation(short: str) -> bool:
    """ "LC", "MgSO4", "Dex", "CO2": written as an abbreviation, not a word ("Tehran")."""
    capitals = sum(c.isupper() for c in short)
    return not short.isdigit() and (
        capitals >= 2
        or (short[0].isupper() and len(short) <= 4)
        or any(c.isdigit() for c in short[1:])
        and capitals >= 1
    )


def _nearest_before(
    text: str, int_words: frozenset[str], cmp_words: frozenset[str], words: int = _BEFORE
) -> int:
    """The arm named by the word nearest the end of `text`, among its last `words` words and
    within its last clause ("... compared with lidocaine cream (LC)": lidocaine)."""
    for word in reversed(_PIECE.findall(text)[-min(words, _BEFORE) :]):
        if word.lower() in _BREAKS:
            return 0
        side = _side(word, int_words, cmp_words)
        if side:
            return side
    return 0


def _first_after(text: str, int_words: frozenset[str], cmp_words: frozenset[str]) -> int:
    """The arm named first among the first few words of `text`, within its clause."""
    clause = re.split(r"[;.]|\bwhereas\b|\bwhile\b|\bgrp_\w+", text, maxsplit=1)[0]
    for word in _WORD.findall(clause)[:_AFTER]:
        side = _side(word, int_words, cmp_words)
        if side:
            return side
    return 0
