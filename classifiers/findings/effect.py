"""The features of an effect: what a result sentence says about one outcome in the intervention
arm against the comparator. Rules read what is clear (p-values, intervals, "no significant",
the direction of a difference and which arm it belongs to); a linear model weighs them together
with the clause's words, where the arms are replaced by placeholders so arm order is learnable."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from litwatch.classifiers.findings import cues
from litwatch.classifiers.findings.text import STOPWORDS, content_words, stem

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*|\d+(?:\.\d+)?|[<>=;±]")
# The same words, a number keeping the sign written before it ("-2.9 with methylcobalamin"): a
# change's value, whose sign says which way it went.
_SIGNED_TOKEN = re.compile(
    r"[A-Za-z][A-Za-z0-9_\-]*|(?:(?<![\w.\-−–])[-−–]\s?)?\d+(?:\.\d+)?|[<>=;±]"
)
# "77.4% (26.3)", "[SD 0.40]", "(95% CI 1.2 to 3.4)": asides with numbers, which stand between
# an arm and its value but say nothing of which arm is which.
_NUMERIC_ASIDE = re.compile(r"\((?=[^()]*\d)[^()]*\)|\[(?=[^\[\]]*\d)[^\[\]]*\]")
# Clause breaks inside a sentence that lists several outcomes.
CLAUSE_BREAK = re.compile(
    r";|,\s+(?:but|whereas|while|although|however)\b|\bwhereas\b|\bwhile\b", re.IGNORECASE
)
# "12.1 ± 3.2 vs 15.0": a pair of values, the spread after the first skipped.
_PAIR = re.compile(
    r"(?<![\w.])(-?\d+(?:\.\d+)?)\s*(?:%|[a-zA-Zµμ/]{1,8})?\s*"
    r"(?:(?:±|\+/-)\s*\d+(?:\.\d+)?\s*(?:%|[a-zA-Zµμ/]{1,8})?\s*)?(?:\([^()]{0,30}\)\s*)?"
    r"(?:vs\.?|versus|compared\s+with|and|to)\s+(-?\d+(?:\.\d+)?)(?![\d.])",
    re.IGNORECASE,
)
# "95% CI 0.2 to 16.6", "confidence interval, 1.1-2.3", "range 3 to 9": the bounds of one
# estimate, never the values of two arms.
_INTERVAL_BEFORE = re.compile(
    r"(?:\bCI|\binterval|\brange|\bIQR|\bquartiles?)\b[^;)\]]{0,20}$", re.IGNORECASE
)
# "group B", "Group 2", "the II group": arm labels, turned into one token each ("grp_b"); the
# end of a hyphenated name is no label ("the IGF-1 group" is not "IGF- group 1").
_GROUP_LABEL = re.compile(
    r"\b[Gg]roups?\s+([A-Z]{1,3}[0-9]?|[0-9]{1,2}|[IVX]{1,4})\b"
    r"|(?<![\w\-])([A-Z]{1,3}[0-9]?|[IVX]{1,4}|[0-9]{1,2})\s+[Gg]roup\b"
)
# Names every control arm answers to, whatever the prompt calls it.
CONTROL_WORDS = frozenset(
    stem(w) for w in ("placebo", "control", "sham", "usual", "standard", "conventional", "vehicle")
)
_GENERIC = STOPWORDS | frozenset(
    (
        *("mg", "kg", "day", "daily", "dose", "doses", "treatment", "treated", "therapy"),
        *("receiving", "received", "given", "plus", "alone", "once", "twice", "weekly"),
        *("week", "month", "h", "hour", "ml", "min", "who", "were", "included", "using"),
    )
)
_ARM_HEAD = re.compile(r"[(,;:\[]|\s-\s|\bvs\b|\bversus\b|\bwho\b|\bwhich\b", re.IGNORECASE)
_PARENTHESISED = re.compile(r"\(([A-Za-z][A-Za-z0-9+\-]{0,9})\)")
_ARM_WORDS = 6  # the words that name an arm come first; the rest describe its protocol


# "in both groups", "each arm", "all three treatment groups": what follows is said of every arm.
_BOTH_ARMS = re.compile(
    r"\b(?:both|each|all)\s+(?:the\s+)?(?:two\s+|three\s+)?(?:treatment\s+|study\s+)?"
    r"(?:groups?|arms?|cohorts?)\b",
    re.IGNORECASE,
)
_INTERVENTION_ARM = frozenset(("intervention", "experimental", "study", "active", "treated"))
_ONE_ARM = frozenset(("group", "arm"))
_THAN = frozenset(("than", "versus", "vs", "vs.", "compared", "relative", "over"))


def _vocabulary(up: str, down: str) -> dict[str, int]:
    table = dict.fromkeys(up.split(), 1)
    table.update(dict.fromkeys(down.split(), -1))
    return table


# Words that say how much: the outcome was higher (+1) or lower (-1).
_AMOUNT = _vocabulary(
    "higher greater increase increased increases increasing more larger longer elevated "
    "elevation raised rise rose risen gain gained augmented boosted prolonged exceeded faster "
    "accelerated extended doubled tripled high highest greatest most enhanced increment "
    "enhancement",
    "lower less lesser fewer smaller shorter reduce reduced reduces reducing reduction "
    "reductions decrease decreased decreases decreasing decline declined diminished "
    "attenuated lessened drop dropped fell fall falls lowered halved cut shortened slower slowed "
    "low lowest least minimal suppressed inhibited delayed depressed",
)
# Words that judge: the intervention did better (+1) or worse (-1) on the outcome.
_VERDICT = _vocabulary(
    "better improved improvement improvements improves improving superior benefit "
    "beneficial outperformed favour favor favoured favored relieved alleviated ameliorated eased",
    "worse worsened worsening inferior deteriorated deterioration poorer",
)
# Comparatives that, just before another direction word, measure that word rather than the
# outcome: "more reduced" is a reduction, "greater improvement" an improvement, "less
# reduction" a smaller fall (the intervention ends higher).
_INTENSIFIERS = frozenset(
    ("more", "greater", "larger", "bigger", "higher", "less", "lesser", "smaller", "lower")
)


# Comparatives that may follow the word they measure: "reduced more", "improved less".
_AFTER_WORD = frozenset(("more", "less"))


# Outcomes where less is better (symptoms, harms, events, a stay in hospital): an improvement
# in them is a decrease, a worsening an increase. General clinical vocabulary, as written
# (the stem is light: "itching" is not "itch").
HARMFUL = frozenset(
    stem(w)
    for w in (
        *("pain", "painful", "ache", "headache", "migraine", "soreness", "tenderness"),
        *("symptom", "severity", "depression", "depressive", "anxiety", "stress", "distress"),
        *("mortality", "death", "morbidity", "complication", "adverse", "toxicity", "injury"),
        *("nausea", "vomiting", "emesis", "infection", "sepsis", "fever", "inflammation"),
        *("fatigue", "tiredness", "disability", "discomfort", "relapse", "recurrence"),
        *("failure", "exacerbation", "hospitalization", "hospitalisation", "readmission"),
        *("stay", "hamd", "hamd17", "madrs", "phq", "vas", "dyspnea", "dyspnoea", "insomnia"),
        *("breathlessness", "wheeze", "wheezing", "cough", "coughing", "sputum", "itch"),
        *("itching", "pruritus", "edema", "oedema", "swelling", "bleeding", "haemorrhage"),
        *("hemorrhage", "risk", "dizziness", "vertigo", "constipation", "diarrhoea", "diarrhea"),
        *("agitation", "irritability", "anger", "hostility", "tension", "confusion", "delirium"),
        *("craving", "dependence", "withdrawal", "stiffness", "spasm", "spasticity", "tremor"),
        *("seizure", "impairment", "burden", "scarring"),
    )
)
# Words that make a measure of a harm one where more is better: "pain relief", "symptom-free
# days", "remission of itching", "pain threshold".
_RELIEF = frozenset(
    stem(w)
    for w in (
        *("relief", "relieved", "free", "freedom", "remission", "resolution", "resolved"),
        *("cure", "cured", "control", "tolerance", "threshold", "survival"),
        *("abstinence", "cessation", "reduction", "recovery", "healing"),
    )
)


def lower_is_better(query: frozenset[str]) -> bool:
    """Whether the outcome is a harm, where a fall is the good direction."""
    if not query & HARMFUL or query & _RELIEF:
        return False
    return not any("free" in word.split("-") for word in query)  # "pain-free days"


def mark_groups(text: str) -> str:
    """`text` with each arm label ("group B", "Group 2") as one token, grp_b or grp_2."""
    return _GROUP_LABEL.sub(lambda m: f" grp_{(m.group(1) or m.group(2)).lower()} ", text)


def _arm_vocabulary(arm: str) -> set[str]:
    marked = mark_groups(arm)
    head = _ARM_HEAD.split(marked, maxsplit=1)[0]
    words = [stem(w.lower()) for w in _TOKEN.findall(head) if w[0].isalpha()]
    found = [w for w in words if w not in _GENERIC][:_ARM_WORDS]
    found += [stem(m.lower()) for m in _PARENTHESISED.findall(arm)]
    found += re.findall(r"grp_\w+", marked)
    return set(found)


@lru_cache(maxsize=4096)  # a watch asks with the same arms for every record and domain
def arm_words(arm: str | Sequence[str], other: str | Sequence[str]) -> frozenset[str]:
    """The words that point at one arm and not the other: its name's first words, the
    abbreviation it is given, its group label. An arm given as several names (a watch's
    "vitamin B12", "methylcobalamin", ...) answers to each."""
    return frozenset(_names_vocabulary(arm) - _names_vocabulary(other))


def _names_vocabulary(names: str | Sequence[str]) -> set[str]:
    if isinstance(names, str):
        return _arm_vocabulary(names)
    return set().union(*(_arm_vocabulary(name) for name in names))


def local_clause(text: str, query: frozenset[str]) -> str:
    """The clause of a sentence that names the outcome, when the sentence names several."""
    parts = CLAUSE_BREAK.split(text)
    if len(parts) == 1 or not query:
        return text
    best, best_score = text, 0
    for part in parts:
        score = sum(1 for w in _TOKEN.findall(part.lower()) if stem(w) in query)
        if score > best_score:
            best, best_score = part, score
    # A clause with no statistic of its own borrows the sentence's ("..., both P < 0.01").
    return best if best_score else text


# Words a clause that refers back to an outcome may hold without naming another one.
REFERRING = frozenset(
    (
        *("however", "but", "difference", "differ", "significant", "statistically", "not"),
        *("no", "this", "these", "it", "that", "both", "reach", "did", "significance"),
        *("change", "found", "observed", "seen", "there", "p", "ns", "value"),
    )
)
# Words a denial "between the two groups at either time point" may add without naming a measure.
ARM_TALK = frozenset(
    ("group", "arm", "treatment", "two", "three", "time", "point", "either", "end", "any", "grp")
)


def _outcome_part(sentence: str, clause: str, query: frozenset[str], arms: frozenset[str]) -> str:
    """The sentence without its clauses that name another outcome ("..., whereas nerve
    conduction did not differ (p = 0.62)"): what the sentence-wide cues of this outcome are
    read from. A clause that names this outcome, or only refers back to it ("..., but the
    difference was not significant"), stays."""
    if clause is sentence:
        return sentence
    kept = []
    for part in CLAUSE_BREAK.split(sentence):
        named = set(content_words(part))
        if part == clause or named & query or not named - REFERRING - ARM_TALK - arms:
            kept.append(part)
    return " ; ".join(kept)


def effect_features(
    sentence: str,
    query: frozenset[str],
    intervention: frozenset[str],
    comparator: frozenset[str],
) -> dict[str, float]:
    """Features of the effect a sentence reports for one outcome."""
    read = _analysed(sentence, query, intervention, comparator)
    features: dict[str, float] = {"bias": 1.0}
    for name, value in read.sentence_cues.items():
        features["s_" + name] = value
    for name, value in read.clause_cues.items():
        features["c_" + name] = value
    verdict, at_int, at_cmp = read.verdict, read.at_int, read.at_cmp
    # Which way the outcome moved: said by an amount ("lower"), or by a verdict read through
    # the outcome's kind ("greater improvement in pain" says pain fell).
    harmful = lower_is_better(query)
    moved = read.moved(harmful)
    features["rule_up"] = float(moved > 0)
    features["rule_down"] = float(moved < 0)
    features["rule_none"] = float(moved == 0)
    features["better_harmful"] = float(verdict > 0 and harmful)
    features["better_other"] = float(verdict > 0 and not harmful)
    features["worse_harmful"] = float(verdict < 0 and harmful)
    features["worse_other"] = float(verdict < 0 and not harmful)
    features["mentions_int"] = float(bool(at_int))
    features["mentions_cmp"] = float(bool(at_cmp))
    features["int_first"] = float(bool(at_int) and (not at_cmp or at_int[0] < at_cmp[0]))
    features["cmp_first"] = float(bool(at_cmp) and (not at_int or at_cmp[0] < at_int[0]))
    features["numbers_up"] = float(read.numbers > 0)
    features["numbers_down"] = float(read.numbers < 0)
    return features


# A value written with its sign ("-0.48%", "−5.9", "+0.02"): a change, whose sign the value
# reading drops.
_SIGNED = re.compile(r"(?<![\w.])[-−+]\s?\d")


def numbers_say(
    sentence: str, query: frozenset[str], intervention: frozenset[str], comparator: frozenset[str]
) -> int:
    """+1 or -1 where the clause says which way only by the arms' values and calls the
    difference significant ("3.26 min in the snare group and 12.7 min in the clip group,
    a significant difference (P = 0.0001)"), no word saying higher or lower; else 0."""
    read = _analysed(sentence, query, intervention, comparator)
    cues_ = read.clause_cues
    if read.amount or read.verdict or read.both_arms or not read.numbers:
        return 0
    if _SIGNED.search(local_clause(mark_groups(sentence), query)):
        return 0  # "+0.02% for placebo compared with -0.48%": the values are read unsigned
    if cues_["nodiff"] or cues_["p_only_ns"] or cues_["ci_incl"]:
        return 0
    if not (cues_["p_sig"] or cues_["signif"]):
        return 0
    return read.numbers


def own_p_not_significant(sentence: str, query: frozenset[str]) -> bool:
    """Whether the p-value written right after the outcome's last mention is not significant
    ("fewer explanations about their condition (18% vs. 33%, p=0.12) and treatment (...,
    p=0.07), and more fear (..., p=0.01)"): in a list of outcomes each carries its own."""
    last = None
    for match in _TOKEN.finditer(sentence):
        if stem(match.group(0).lower()) in query:
            last = match.end()
    if last is None:
        return False
    found = cues.P_VALUE.search(sentence, last, last + _OWN_P_REACH)
    values = cues.p_values(found.group(0)) if found else []
    return bool(values) and values[0][0] != "<" and values[0][1] > 0.05


# How far after an outcome's mention its own p-value may stand: past its values and their
# interval ("(18% vs. 33%, p=0.12)"), not into the next outcome's.
_OWN_P_REACH = 60


@dataclass(frozen=True)
class ClauseReading:
    """What the clause naming an outcome says by its words alone, for rules to use where the
    words are plain: the amount moved (+1 higher, -1 lower in the intervention arm), the
    verdict (+1 better, -1 worse for the intervention), and whether it denies a difference."""

    amount: int
    verdict: int
    no_difference: bool


def read_clause(
    sentence: str, query: frozenset[str], intervention: frozenset[str], comparator: frozenset[str]
) -> ClauseReading:
    read = _analysed(sentence, query, intervention, comparator)
    statistics = read.clause_cues
    return ClauseReading(
        read.amount,
        read.verdict,
        bool(statistics["nodiff"] or statistics["p_only_ns"] or statistics["ci_incl"]),
    )


@dataclass(frozen=True)
class _Analysis:
    """One sentence read for one outcome and pair of arms (shared, so never changed)."""

    sentence_cues: dict[str, float]
    clause_cues: dict[str, float]
    amount: int
    verdict: int
    at_int: list[int]
    at_cmp: list[int]
    numbers: int
    # How many words stand between the outcome and the amount word, and the verdict word,
    # that speak for it (the clause's length when it does not name the outcome).
    amount_gap: int
    verdict_gap: int
    both_arms: bool  # "improved in both groups": a change within each arm, not between them

    def moved(self, lower_is_better: bool) -> int:
        """+1 when the outcome rose in the intervention arm, -1 when it fell: the amount, or
        the verdict when it stands nearer the outcome ("poorer exercise tolerance than
        placebo, and a higher heart rate"), an improvement in a harm being a fall."""
        if (
            self.verdict
            and not self.both_arms
            and (not self.amount or self.verdict_gap < self.amount_gap)
        ):
            return -self.verdict if lower_is_better else self.verdict
        return self.amount


# The reader weighs a sentence with the model and then reads the same sentence by its words
# (effect_features, then read_clause): the analysis is done once for both.
@lru_cache(maxsize=256)
def _analysed(
    sentence: str, query: frozenset[str], intervention: frozenset[str], comparator: frozenset[str]
) -> _Analysis:
    sentence = mark_groups(sentence)
    clause = local_clause(sentence, query)
    sentence_cues = _statistics(_outcome_part(sentence, clause, query, intervention | comparator))
    clause_cues = sentence_cues if clause is sentence else _statistics(clause)
    lowered, tokens, at_int, at_cmp, outcome_at = _positions(
        clause, query, intervention, comparator
    )
    amount, amount_gap = _direction(lowered, tokens, at_int, at_cmp, outcome_at, query, _AMOUNT)
    verdict, verdict_gap = _direction(lowered, tokens, at_int, at_cmp, outcome_at, query, _VERDICT)
    numbers = _number_direction(clause, at_int, at_cmp) or _arm_values(lowered, at_int, at_cmp)
    return _Analysis(
        sentence_cues,
        clause_cues,
        amount,
        verdict,
        at_int,
        at_cmp,
        numbers,
        amount_gap,
        verdict_gap,
        bool(_BOTH_ARMS.search(clause)),
    )


def _positions(
    clause: str, query: frozenset[str], intervention: frozenset[str], comparator: frozenset[str]
) -> tuple[list[str], list[str], list[int], list[int], list[int]]:
    """The clause's words (lower-cased, stemmed) and where the intervention arm, the comparator
    arm and the outcome stand among them."""
    lowered = [_signed(t.lower()) for t in _SIGNED_TOKEN.findall(_NUMERIC_ASIDE.sub(" ", clause))]
    tokens = [stem(t) for t in lowered]
    int_words = intervention | (_INTERVENTION_ARM - comparator)
    cmp_words = comparator | (CONTROL_WORDS - intervention)
    # A word of the outcome's own name is not an arm: "air resorption rate" against "room air".
    at_int = [
        i
        for i, t in enumerate(tokens)
        if t not in query and t not in cmp_words and _names_arm(t, int_words)
    ]
    at_cmp = [
        i
        for i, t in enumerate(tokens)
        if t not in query and t not in int_words and _names_arm(t, cmp_words)
    ]
    if "treatment" not in comparator:
        # "the treatment arm" (one arm, set against the control arm) is the intervention;
        # "both treatment groups" is not.
        at_int += [
            i
            for i, t in enumerate(lowered[:-1])
            if t == "treatment" and lowered[i + 1] in _ONE_ARM and i not in at_int
        ]
        at_int.sort()
    outcome_at = [i for i, t in enumerate(tokens) if t in query]
    return lowered, tokens, at_int, at_cmp, outcome_at


def _names_arm(token: str, arm: frozenset[str]) -> bool:
    """Whether a word names the arm, alone or as part of a compound ("co-artemether",
    "B12-treated"); "placebo-controlled" describes the trial, not the arm."""
    if token in arm:
        return True
    if "-" not in token or token.endswith("-controlled"):
        return False
    return any(stem(part) in arm for part in token.split("-"))


def _statistics(text: str) -> dict[str, float]:
    """What a stretch of text says of significance, intervals and the kind of comparison."""
    values = cues.p_values(text)
    significant = [v for sign, v in values if (sign == "<" and v <= 0.05) or v < 0.05]
    not_significant = [v for sign, v in values if sign != "<" and v > 0.05]
    sides = cues.interval_sides(text)
    intervals = [side != 0 for side in sides]
    # Each pattern is tried only when the text holds a piece every match of it contains.
    low = text.lower()
    return {
        "p_sig": float(bool(significant)),
        "p_ns": float(bool(not_significant)),
        "p_only_ns": float(bool(not_significant) and not significant),
        "p_ns_word": float(_holds(low, _P_NS_PIECES) and bool(cues.P_NS.search(text))),
        "ci_excl": float(any(intervals)),
        "ci_incl": float(bool(intervals) and not all(intervals)),
        "ci_above": float(bool(sides) and sides[0] > 0),
        "ci_below": float(bool(sides) and sides[0] < 0),
        "nodiff": float(
            _holds(low, _NO_DIFFERENCE_PIECES) and bool(cues.NO_DIFFERENCE.search(text))
        ),
        "signif": float(_holds(low, _SIGNIFICANT_PIECES) and bool(cues.SIGNIFICANT.search(text))),
        "within": float(_holds(low, _WITHIN_PIECES) and bool(cues.WITHIN_GROUP.search(text))),
        "between": float(_holds(low, _BETWEEN_PIECES) and bool(cues.BETWEEN_GROUP.search(text))),
    }


def _holds(text: str, pieces: tuple[str, ...]) -> bool:
    return any(piece in text for piece in pieces)


# Pieces of text every match of a pattern contains (lower case): a substring test is far
# cheaper than the pattern, and most clauses hold none of them.
_P_NS_PIECES = ("ns", "n.s", "significant")
_NO_DIFFERENCE_PIECES = (
    *("no", "n't", "without", "neither", "failed", "similar", "comparable", "equivalen"),
    *("identical", "unchanged", "unaffected", "equally", "inferior", "significant"),
    *("trend", "tendency", "tended", "effective"),
)
_SIGNIFICANT_PIECES = (
    *("significant", "marked", "superior", "inferior", "better", "worse", "benefit"),
    "effective",
)
_WITHIN_PIECES = ("baseline", "before", "pre", "within", "both", "all", "each")
_BETWEEN_PIECES = ("between", "inter")


def _direction(
    lowered: list[str],
    tokens: list[str],
    at_int: list[int],
    at_cmp: list[int],
    outcome_at: list[int],
    query: frozenset[str],
    vocabulary: dict[str, int],
) -> tuple[int, int]:
    """+1 when the clause says the outcome was higher (or better) in the intervention arm, -1
    lower (worse), 0 when it says neither. "lower in the placebo group than with X": X higher.
    With it, how many words the direction word stands from the outcome."""
    # A direction word is looked up as written and as stemmed ("declines", "improvements").
    # A direction word inside the outcome's own name ("double product") says nothing.
    positions = [
        (index, vocabulary.get(token) or vocabulary[tokens[index]])
        for index, token in enumerate(lowered)
        if (token in vocabulary or tokens[index] in vocabulary) and tokens[index] not in query
    ]
    positions = _compound(lowered, tokens, query, positions)
    if not positions:
        return 0, len(lowered)
    # The direction word nearest the outcome speaks for it ("a decrease in A and an increase
    # in B"); ties go to the earlier word.
    gap = len(lowered)
    if outcome_at:
        index, sign = min(positions, key=lambda p: (min(abs(p[0] - o) for o in outcome_at), p[0]))
        gap = min(abs(index - o) for o in outcome_at)
    else:
        index, sign = positions[0]
    return _oriented(index, sign, lowered, at_int, at_cmp), gap


def _oriented(
    index: int, sign: int, lowered: list[str], at_int: list[int], at_cmp: list[int]
) -> int:
    """The direction word's sign for the intervention arm: turned round when the comparator is
    the subject."""
    # Which arm is the subject: the arm named last before the comparison word, or the arm
    # named before the direction word when no comparison follows.
    than_at = [i for i, t in enumerate(lowered) if t in _THAN]
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


def _compound(
    lowered: list[str], tokens: list[str], query: frozenset[str], positions: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The direction words with each comparative folded into the word it measures: "more
    reduced" and "reduced more" count as one reduction (-1), "less improvement" as a smaller
    gain (-1). When the measured word is the outcome's own ("greater improvement" asked of
    "improvement in anxiety"), the comparative measures the outcome and stays."""
    measured: dict[int, int] = {}  # index of the measured word -> the comparative's sign
    dropped = set()
    for index, token in enumerate(lowered):
        if token not in _INTENSIFIERS:
            continue
        after = index + 1
        # "more markedly reduced": an adverb may stand between.
        if after < len(lowered) - 1 and lowered[after].endswith("ly"):
            after += 1
        if after < len(lowered) and tokens[after] not in query and _moves(lowered[after]):
            dropped.add(index)
            measured[after] = _AMOUNT[token]
            continue
        # "reduced more", "improved significantly less": "more" and "less" after the word.
        before = index - 1
        if before > 0 and lowered[before].endswith("ly"):
            before -= 1
        if (
            token in _AFTER_WORD
            and before >= 0
            and tokens[before] not in query
            and lowered[before] not in _INTENSIFIERS
            and _moves(lowered[before])
        ):
            dropped.add(index)
            measured[before] = _AMOUNT[token]
    if not dropped:
        return positions
    return [
        (index, sign * measured.get(index, 1)) for index, sign in positions if index not in dropped
    ]


def _moves(word: str) -> bool:
    return word in _AMOUNT or word in _VERDICT


def _number_direction(clause: str, at_int: list[int], at_cmp: list[int]) -> int:
    """+1 when the first "A vs B" pair has the intervention's value higher (arms in the
    order the clause names them; the intervention first when it names neither)."""
    match = next(
        (m for m in _PAIR.finditer(clause) if not _INTERVAL_BEFORE.search(clause, 0, m.start())),
        None,
    )
    if not match:
        return 0
    first, second = float(match.group(1)), float(match.group(2))
    if first == second:
        return 0
    sign = 1 if first > second else -1
    if at_cmp and (not at_int or at_cmp[0] < at_int[0]):
        sign = -sign
    return sign


# "group A was 4.7 min and group B 17.9 min": words between an arm and the value after it.
_VALUE_AFTER = frozenset(("was", "were", "had", "=", ":"))


def _arm_values(lowered: list[str], at_int: list[int], at_cmp: list[int]) -> int:
    """+1 when "77% in the intervention group and 69% in usual care" puts the intervention's
    value higher: the number just before each arm's first mention, or, when both arms are
    named each with its value after ("group A was 4.7 min and group B was 17.9 min"), those."""
    after = [_value_after(lowered, positions) for positions in (at_int, at_cmp)]
    if after[0] is not None and after[1] is not None:
        return 0 if after[0] == after[1] else 1 if after[0] > after[1] else -1
    values: list[float] = []
    for positions in (at_int, at_cmp):
        value: float | None = None
        for at in positions:
            for back in range(at - 1, max(at - 7, -1), -1):
                token = lowered[back]
                if token in ("p", "=", "<", ">"):
                    break
                number = _number(token)
                if number is not None and back > 0 and lowered[back - 1] == "±":
                    continue  # "3.26 ± 1.57 min in group A": the spread, not the value
                if number is not None:
                    value = number
                    break
            if value is not None:
                break
        if value is None:
            return 0
        values.append(value)
    if values[0] == values[1]:
        return 0
    return 1 if values[0] > values[1] else -1


def _signed(token: str) -> str:
    """A signed number as one token, "-2.9" (any dash, any space after it); else the token."""
    if token[0] in "-−–" and len(token) > 1:
        return "-" + token[1:].lstrip()
    return token


def _number(token: str) -> float | None:
    """The value of a number token, its sign kept; None for a word."""
    digits = token[1:] if token[0] == "-" else token
    return float(token) if digits and digits[0].isdigit() else None


def _value_after(lowered: list[str], positions: list[int]) -> float | None:
    """The number an arm's first mention is followed by ("grp_a was 4.7", "the wrist band
    group had 3 falls"): past the rest of the arm's name, a linking word, then the number."""
    if not positions:
        return None
    at = positions[0]
    for link in range(at + 1, min(at + 4, len(lowered) - 1)):
        if lowered[link] in _VALUE_AFTER:
            number = lowered[link + 1]
            return _number(number)
        if not lowered[link].isalpha() or lowered[link] in _AMOUNT or lowered[link] in _VERDICT:
            return None
    return None
