"""The features of an effect: what a result sentence says about one outcome in the intervention
arm against the comparator. Rules read what is clear (p-values, intervals, "no significant",
the direction of a difference and which arm it belongs to); a linear model weighs them together
with the clause's words, where the arms are replaced by placeholders so arm order is learnable."""

from __future__ import annotations

import re

from litwatch.classifiers.findings import cues
from litwatch.classifiers.findings.text import STOPWORDS, stem

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*|\d+(?:\.\d+)?|[<>=;]")
# Clause breaks inside a sentence that lists several outcomes.
_CLAUSE = re.compile(
    r";|,\s+(?:but|whereas|while|although|however)\b|\bwhereas\b|\bwhile\b", re.IGNORECASE
)
_PAIR = re.compile(
    r"(?<![\w.])(-?\d+(?:\.\d+)?)\s*(?:%|[a-zA-Zµμ/]{1,8})?\s*(?:\([^()]{0,30}\)\s*)?"
    r"(?:vs\.?|versus|compared\s+with|and|to)\s+(-?\d+(?:\.\d+)?)(?![\d.])",
    re.IGNORECASE,
)
# Names every control arm answers to, whatever the prompt calls it.
CONTROL_WORDS = frozenset(
    stem(w)
    for w in [
        "placebo",
        "placebos",
        "control",
        "controls",
        "sham",
        "usual",
        "standard",
        "conventional",
        "vehicle",
    ]
)
_GENERIC = STOPWORDS | frozenset(
    [
        "mg",
        "kg",
        "day",
        "daily",
        "dose",
        "doses",
        "treatment",
        "treated",
        "therapy",
        "receiving",
        "received",
        "given",
        "plus",
        "alone",
        "once",
        "twice",
        "weekly",
        "week",
        "weeks",
        "month",
        "months",
        "h",
        "hour",
        "hours",
        "ml",
        "min",
    ]
)


def arm_words(arm: str, other: str) -> frozenset[str]:
    """The words that point at one arm and not the other."""
    mine = {stem(w) for w in _TOKEN.findall(arm.lower()) if w[0].isalpha()} - _GENERIC
    theirs = {stem(w) for w in _TOKEN.findall(other.lower()) if w[0].isalpha()} - _GENERIC
    return frozenset(mine - theirs)


def local_clause(text: str, query: frozenset[str]) -> str:
    """The clause of a sentence that names the outcome, when the sentence names several."""
    parts = _CLAUSE.split(text)
    if len(parts) == 1 or not query:
        return text
    best, best_score = text, 0
    for part in parts:
        score = sum(1 for w in _TOKEN.findall(part.lower()) if stem(w) in query)
        if score > best_score:
            best, best_score = part, score
    # A clause with no statistic of its own borrows the sentence's ("..., both P < 0.01").
    return best if best_score else text


def _sides(tokens: list[str], intervention: frozenset[str], comparator: frozenset[str]):
    """Token positions naming the intervention and the comparator."""
    at_int = [i for i, t in enumerate(tokens) if t in intervention]
    at_cmp = [i for i, t in enumerate(tokens) if t in comparator]
    return at_int, at_cmp


def effect_features(
    sentence: str,
    query: frozenset[str],
    intervention: frozenset[str],
    comparator: frozenset[str],
) -> dict[str, float]:
    """Features of the effect a sentence reports for one outcome."""
    clause = local_clause(sentence, query)
    features: dict[str, float] = {"bias": 1.0}
    for scope, text in (("s", sentence), ("c", clause)):
        values = cues.p_values(text)
        significant = [v for sign, v in values if (sign == "<" and v <= 0.05) or v < 0.05]
        not_significant = [v for sign, v in values if sign != "<" and v > 0.05]
        features[f"{scope}_p_sig"] = float(bool(significant))
        features[f"{scope}_p_ns"] = float(bool(not_significant))
        features[f"{scope}_p_only_ns"] = float(bool(not_significant) and not significant)
        features[f"{scope}_p_ns_word"] = float(bool(cues.P_NS.search(text)))
        intervals = cues.interval_excludes_null(text)
        features[f"{scope}_ci_excl"] = float(any(intervals))
        features[f"{scope}_ci_incl"] = float(bool(intervals) and not all(intervals))
        features[f"{scope}_nodiff"] = float(bool(cues.NO_DIFFERENCE.search(text)))
        features[f"{scope}_signif"] = float(bool(cues.SIGNIFICANT.search(text)))
        features[f"{scope}_within"] = float(bool(cues.WITHIN_GROUP.search(text)))
        features[f"{scope}_between"] = float(bool(cues.BETWEEN_GROUP.search(text)))

    raw = _TOKEN.findall(clause)
    tokens = [stem(t.lower()) for t in raw]
    cmp_words = comparator | (CONTROL_WORDS - intervention)
    at_int, at_cmp = _sides(tokens, intervention, cmp_words)
    direction = _direction(clause, tokens, at_int, at_cmp, query)
    features["rule_up"] = float(direction > 0)
    features["rule_down"] = float(direction < 0)
    features["rule_none"] = float(direction == 0)
    features["mentions_int"] = float(bool(at_int))
    features["mentions_cmp"] = float(bool(at_cmp))
    features["int_first"] = float(bool(at_int) and (not at_cmp or at_int[0] < at_cmp[0]))
    features["cmp_first"] = float(bool(at_cmp) and (not at_int or at_cmp[0] < at_int[0]))
    pair = _number_direction(clause, at_int, at_cmp, tokens)
    features["numbers_up"] = float(pair > 0)
    features["numbers_down"] = float(pair < 0)

    return features


def _direction(
    clause: str, tokens: list[str], at_int: list[int], at_cmp: list[int], query: frozenset[str]
) -> int:
    """+1 when the clause says the outcome was higher in the intervention arm, -1 lower, 0 when
    it names no direction. "lower in the placebo group than with X" says X is higher."""
    words_up = {m.group(0).lower() for m in cues.UP.finditer(clause)}
    words_down = {m.group(0).lower() for m in cues.DOWN.finditer(clause)}
    if not words_up and not words_down:
        return 0
    lowered = [t.lower() for t in _TOKEN.findall(clause)]
    outcome_at = [i for i, t in enumerate(tokens) if t in query]
    positions = []
    for index, token in enumerate(lowered):
        # A direction word inside the outcome's own name ("double product") says nothing.
        if tokens[index] in query:
            continue
        if token in words_up:
            positions.append((index, 1))
        elif token in words_down:
            positions.append((index, -1))
    if not positions:
        return 0
    # The direction word nearest the outcome speaks for it ("a decrease in A and an increase
    # in B"); ties go to the earlier word.
    if outcome_at:
        index, sign = min(positions, key=lambda p: (min(abs(p[0] - o) for o in outcome_at), p[0]))
    else:
        index, sign = positions[0]
    # Which arm is the subject: the arm named last before the comparison word, or the arm
    # named before the direction word when no comparison follows.
    than_at = [i for i, t in enumerate(lowered) if t in ("than", "versus", "vs", "vs.", "compared")]
    pivot = next((i for i in than_at if i >= index), None)
    if pivot is None and than_at:
        pivot = than_at[0]
    if pivot is not None:
        before_int = [i for i in at_int if i < pivot]
        before_cmp = [i for i in at_cmp if i < pivot]
        after_int = [i for i in at_int if i > pivot]
        after_cmp = [i for i in at_cmp if i > pivot]
        if (before_cmp and not before_int) or (after_int and not after_cmp and not before_int):
            return -sign
        if before_int and before_cmp and max(before_cmp) > max(before_int) and after_int:
            return -sign
        return sign
    if at_cmp and not at_int:
        return -sign
    return sign


def _number_direction(clause: str, at_int: list[int], at_cmp: list[int], tokens) -> int:
    """+1 when the first "A vs B" pair has the intervention's value higher (arms in the
    order the clause names them; the intervention first when it names neither)."""
    match = _PAIR.search(clause)
    if not match:
        return 0
    first, second = float(match.group(1)), float(match.group(2))
    if first == second:
        return 0
    sign = 1 if first > second else -1
    if at_cmp and (not at_int or at_cmp[0] < at_int[0]):
        sign = -sign
    return sign
