"""The words and number patterns that say a result was found: significance, its absence, the
direction of a difference, and the phrases that compare one arm with another."""

from __future__ import annotations

import re

I = re.IGNORECASE

# A p-value as written: "p = 0.03", "P<.001", "p-value of 0.2", "(P = NS)".
P_VALUE = re.compile(
    r"\bp\s*(?:-?\s*values?)?\s*(?:of\s*)?(?:for\s+\w+\s*)?([<>=≤≥:]|&lt;|&gt;|<\s*or\s*=|>\s*or\s*=)\s*"
    r"(0?\.\d+|[01](?:\.\d+)?|\d(?:\.\d+)?\s*[x×]\s*10\s*[-−–]\s*\d+)",
    I,
)
P_NS = re.compile(r"\b(?:p\s*=\s*)?n\.?s\.?\b(?!\w)|\bnon-?significant|\bnot\s+significant", I)
CONFIDENCE_INTERVAL = re.compile(
    r"(?:(?P<kind>\b(?:[ao]r|[rh]r|rr|irr|risk ratio|odds ratio|hazard ratio|relative risk)\b)"
    r"[^;()\[\]]{0,40}?)?"
    r"(?:95\s*%\s*(?:ci|confidence interval)|\bci\b)[\s:,=]*\[?\(?\s*"
    r"(?P<low>[-−–]?\d+(?:\.\d+)?)\s*(?:to|[-−–,;]|and)\s*(?P<high>[-−–]?\d+(?:\.\d+)?)",
    I,
)

NO_DIFFERENCE = re.compile(
    r"(?=\w)\b(?:no|not|nor|without|neither|failed to|did not|didn't|was not|were not|wasn't|weren't)"
    r"\s+(?:\w+\s+){0,4}?(?:statistical(?:ly)?\s+)?(?:significant(?:ly)?|differ\w*|different|"
    r"change[sd]?|affect\w*|improve\w*|reduce[sd]?|increase[sd]?|decrease[sd]?|effect|impact|"
    r"benefit|influence\w*|alter\w*|associated|reach\w*|show\w*)"
    r"|\b(?:similar(?:ly)?|comparable|equivalen(?:t|ce)|identical|unchanged|unaffected|equally|"
    r"non-?inferior)\b|\bas\s+effective\s+as\b"
    r"|\b(?:no|neither)\s+(?:\w+\s+){0,4}?(?:better|superior|more\s+effective)\s+than\b"
    r"|\bno\s+(?:\w+\s+){0,3}?(?:difference|change|effect|benefit|impact|advantage)s?\b"
    r"|\bnot\s+(?:statistically\s+)?significant|\bnon-?significant|\binsignificant"
    r"|\bdid\s+not\s+(?:\w+\s+){0,2}?(?:reach|achieve|attain)"
    r"|\b(?:trend|tendency|tended)\b",
    I,
)
SIGNIFICANT = re.compile(
    r"\b(?:significant(?:ly)?|marked(?:ly)?|superior|inferior|better|worse|benefit\w*|"
    r"more\s+effective|less\s+effective)\b",
    I,
)

# What marks a result as tested rather than stated in words, beside a p-value or an interval:
# a significance or non-inferiority verdict, or an effect measure with its value ("HR 0.78").
_SIGNIFICANCE = re.compile(r"\bsignifican(?:t|tly|ce)\b|\bnon-?inferior", I)
_EFFECT_MEASURE = re.compile(r"\b(?:SMD|WMD|MD|OR|HR|RR|IRR)\b\s*[=:,]?\s*[-−–]?\d")


def reports_a_test(text: str) -> bool:
    """Whether the text reports a statistical test of what it states: a p-value, a confidence
    interval, a significance or non-inferiority verdict, or an effect measure with its value.
    "Symptom scores fell more with B-complex than with placebo" reports none."""
    return bool(
        P_VALUE.search(text)
        or CONFIDENCE_INTERVAL.search(text)
        or P_NS.search(text)
        or _SIGNIFICANCE.search(text)
        or _EFFECT_MEASURE.search(text)
    )


WITHIN_GROUP = re.compile(
    r"\b(?:from\s+baseline|compared\s+(?:with|to)\s+baseline|vs\.?\s+baseline|"
    r"before\s+and\s+after|pre-?\s*(?:and|to|vs\.?)\s*post|within\s+(?:each|both|the)\s+group|"
    r"in\s+both\s+groups|in\s+all\s+groups|in\s+each\s+group)\b",
    I,
)
# A denial that speaks of the arms: "no difference between groups", "did not differ between
# treatments", "the between-group difference was not significant".
_ARMS = r"(?:the\s+)?(?:two\s+|three\s+|treatment\s+|study\s+)?(?:groups?|arms?|treatments?)\b"
BETWEEN_DENIED = re.compile(
    r"\b(?:no|not|nor|neither)\b[^.;]{0,60}?\bdiffer\w*\b[^.;]{0,40}?\bbetween\s+"
    + _ARMS
    + r"|\bdiffer\w*\s+between\s+"
    + _ARMS
    + r"[^.;]{0,60}?(?:\bnot\b|\bno\b|non-?significant|\bn\.?s\.?(?!\w)|[pP]\s*[=>]\s*0?\.(?:0[5-9]|[1-9]))"
    + r"|\bbetween-group\s+differences?\b[^.;]{0,60}?(?:\bnot\b|\bno\b|non-?significant)"
    + r"|\b(?:no|not)\b[^.;]{0,30}?\bbetween-group\s+differences?",
    re.IGNORECASE,
)
# A denial that refers back to the result just stated: "..., but the difference was not
# statistically significant", "these differences did not achieve statistical significance".
DIFFERENCE_DENIED = re.compile(
    r"\b(?:the|this|these|that|such)\s+(?:\w+\s+){0,2}?differences?\b[^.;]{0,40}?"
    r"(?:\bnot\b|\bfailed\b|non-?significant|insignificant)",
    re.IGNORECASE,
)
BETWEEN_GROUP = re.compile(
    r"\b(?:between(?:\s+the)?\s+(?:two\s+|three\s+|treatment\s+|study\s+)?(?:groups|arms)|"
    r"between-group|intergroup|inter-group)\b",
    I,
)


def p_values(text: str) -> list[tuple[str, float]]:
    """Each p-value with its comparison sign: [("<", 0.001), ("=", 0.34)]."""
    found = []
    for match in P_VALUE.finditer(text):
        sign = match.group(1).replace("&lt;", "<").replace("&gt;", ">")
        sign = {"≤": "<", "≥": ">", ":": "="}.get(sign, sign)
        if "or" in sign:
            sign = sign.split()[0]
        raw = match.group(2).replace(" ", "")
        try:
            # "2 × 10−5" is only ever written for a tiny p-value.
            value = 1e-4 if ("x" in raw or "×" in raw) else float(raw)
        except ValueError:
            continue
        if value <= 1:
            found.append((sign.strip(), value))
    return found


def interval_sides(text: str) -> list[int]:
    """For each confidence interval, +1 when it lies above the null (1 for ratios, 0 for
    differences), -1 below, 0 when it holds the null."""
    sides = []
    for match in CONFIDENCE_INTERVAL.finditer(text):
        try:
            low = float(match.group("low").replace("−", "-").replace("–", "-"))
            high = float(match.group("high").replace("−", "-").replace("–", "-"))
        except ValueError:
            continue
        if low > high:
            low, high = high, low
        null = 1.0 if match.group("kind") else 0.0
        # A ratio's interval sits above zero; when no kind is named, one entirely positive
        # and spanning 1 is read as a ratio too.
        if not match.group("kind") and 0 < low < 1 < high:
            null = 1.0
        sides.append(1 if low > null else -1 if high < null else 0)
    return sides


# A sentence that says how an outcome was measured, not what was found: "were recorded at
# various time intervals", "we also assessed WAZ", "the primary outcome was ...".
MEASURE = re.compile(
    r"\b(?:was|were|is|are|be|been)\s+(?:\w+ly\s+)?(?:recorded|measured|assessed|collected|"
    r"evaluated|defined|calculated|monitored|analy[sz]ed|obtained|documented|determined|"
    r"estimated|registered|quantified|scored|used|examined)\b"
    r"|\bwe\s+(?:also\s+)?(?:assessed|measured|evaluated|examined|recorded|investigated|"
    r"studied|compared|determined)\b"
    r"|\b(?:primary|secondary|main)\s+(?:outcomes?|end-?points?|measures?)\b",
    I,
)

# A sentence can only match MEASURE if it holds one of these words.
MEASURE_WORDS = frozenset(
    (
        *("recorded", "measured", "assessed", "collected", "evaluated", "defined", "calculated"),
        *("monitored", "analysed", "analyzed", "obtained", "documented", "determined"),
        *("estimated", "registered", "quantified", "scored", "used", "examined", "investigated"),
        *("studied", "compared", "primary", "secondary", "main"),
    )
)
# Words whose presence a sentence's cues are read from (lower case, as written).
NS_WORDS = frozenset(("ns", "non", "nonsignificant", "not", "insignificant"))
INTERVAL_WORDS = frozenset(("ci", "confidence"))
SIGNIFICANT_WORDS = frozenset(
    (
        *("significant", "significantly", "marked", "markedly", "superior", "inferior"),
        *("better", "worse", "benefit", "beneficial", "effective"),
    )
)
COMPARISON_WORDS = frozenset(("than", "versus", "vs", "compared", "relative", "against"))
DIRECTION_WORDS = frozenset(
    (
        *("higher", "greater", "increase", "increased", "increases", "more", "larger"),
        *("longer", "elevated", "improved", "improvement", "better", "lower", "less"),
        *("fewer", "smaller", "shorter", "reduced", "reduction", "reduces", "decrease"),
        *("decreased", "decreases", "declined", "worse", "worsened", "fell", "rose"),
    )
)
# A sentence can only match NO_DIFFERENCE if it holds one of these words.
NO_DIFFERENCE_WORDS = frozenset(
    (
        *("no", "not", "nor", "without", "neither", "failed", "didn", "wasn", "weren"),
        *("similar", "similarly", "comparable", "equivalent", "equivalence", "identical"),
        *("unchanged", "effective"),
        *("unaffected", "equally", "non", "noninferior", "nonsignificant", "insignificant"),
        *("trend", "tendency", "tended"),
    )
)
