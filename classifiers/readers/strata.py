"""Where a trial's participants stand at baseline on each stratum the watch declares (baseline
B12: low, normal, mixed or not stated; metformin: users, non-users, mixed or not stated), read
from the title and the methods' eligibility and baseline sentences of the prepared abstract.

The topic words (the measure's names, its unit, the cut-offs) come from the watch file
(`StratumDefinition`); the words here are generic English for levels, eligibility and mixing.
"""

from __future__ import annotations

import re
from functools import cache

from litwatch.classifiers.findings.text import METHODS, RESULTS, Abstract
from litwatch.core.guidance import NOT_STATED, StratumCall, StratumDefinition

I = re.IGNORECASE
_LOW = (
    r"(?<!non-)(?<!non)(?:deficien\w*|low(?:-normal)?|lower|borderline|insufficien\w*|subnormal|"
    r"depleted|below\s+(?:the\s+)?(?:lower\s+limit|normal|reference))"
)
_NORMAL = (
    r"(?:normal|replete|sufficient|adequate|non-?deficient|"
    r"within\s+the\s+(?:normal|reference)\s+range)"
)
# Before a level word, words that make it an outcome or a question, not the participants:
# "risk of B12 deficiency", "screening for deficiency".
_NOT_THE_PEOPLE = re.compile(
    r"\b(?:risk|prevalence|incidence|screening|screened|detect\w*|develop\w*|became|become|"
    r"onset|odds|rates?|causes?|whether)\s+(?:of\s+|for\s+)?(?:\w+\s+){0,2}$",
    I,
)
# The participants span levels: stratified or analysed across levels, or any level taken.
_MIXED_BEFORE = re.compile(
    r"\b(?:stratif\w*|subgroups?|tertiles?|quartiles?|quintiles?|thirds|regardless|"
    r"irrespective|whatever|with\s+and\s+without|with\s+or\s+without|whether\s+or\s+not|"
    r"according\s+to|by\s+(?:current\s+|baseline\s+)?)"
    r"\b[^.;]{0,60}$",
    I,
)
# A share of the participants at one level: "two thirds were taking metformin", "30% were
# deficient", "Forty-one of the 60 participants used metformin".
_NUMBER = (
    r"(?:\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_SHARE = re.compile(
    (
        r"\b(?:\d+(?:\.\d+)?\s?%|half|a\s+third|two\s+thirds|a\s+quarter|one\s+in\s+\w+|"
        r"(?:one|two|three)\s+(?:thirds|quarters|fifths)|most|many|some|the\s+majority|a\s+minority|"
        r"_N_\s+of\s+(?:the\s+|these\s+)?_N_(?:\s+(?:participants|patients|people|adults|subjects|"
        r"women|men|enrolled|randomi[sz]ed))?)"
        r"\s+(?:of\s+(?:them|the\s+participants|participants|patients)\s+)?"
        r"(?:were|was|had|took|used|received|reported)\b"
    ).replace("_N_", _NUMBER),
    I,
)
_EXCLUDED = re.compile(r"\b(?:exclu\w+|ineligible|not\s+eligible)\b", I)
# A baseline mean or median of the measure: "Mean baseline serum B12 was 455 (SD 160) pg/mL".
_AVERAGE = re.compile(r"\b(?:mean|median|average)\b[^.;]{0,30}$", I)
# Cut-offs are quoted rounded in each unit (200 pg/mL is 148 pmol/L): compare with this slack.
_ROUNDING = 0.01
# A use that is the randomised treatment ("randomly assigned to metformin") is an arm.
_AN_ARM = re.compile(
    r"\b(?:randomi[sz]ed|randomly\s+(?:assigned|allocated)|assigned|allocated|add|adding|added)"
    r"\s+(?:\w+\s+){0,3}$",
    I,
)
_USING = re.compile(
    r"\b(?:taking|take|takes|took|taken|on|using|use|used|treated\s+with|receiving|prescribed|"
    r"started|starting|continu\w*|duration\s+of|years\s+(?:of|on))\s+(?:[\w-]+\s+){0,2}$",
    I,
)
_NOT_USING = re.compile(
    r"\b(?:not\s+(?:taking|on|using|treated\s+with|receiving)|never\s+(?:taken|used)|without|"
    r"naive\s+to|free\s+of)\s+(?:[\w-]+\s+){0,2}$"
    # "None of the participants were taking metformin", "No participant took metformin"
    r"|\b(?:none|no\s+(?:participants?|patients?|one|subjects?|adults?))\b[^.;,]{0,40}$",
    I,
)
_BOUND = (
    r"(?P<how>below|under|less\s+than|lower\s+than|of\s+less\s+than|<|≤|between|from|"
    r"above|over|more\s+than|greater\s+than|at\s+least|of\s+at\s+least|>|≥|"
    r"(?=\d+(?:\.\d+)?\s*(?:-|–|to)\s*\d))"  # a bare range: "B12 of 150-400 pmol/L"
)


@cache
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted(terms, key=len, reverse=True)
    parts = [re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else r"\b") for t in words]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + ")", I)


@cache
def _average_pattern(terms: tuple[str, ...], units: tuple[str, ...]) -> re.Pattern[str]:
    unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(
        _term_pattern(terms).pattern
        + r"[^.;\d]{0,40}?\b(?:was|were|of|averaged|=|:)\s*(?P<value>\d+(?:\.\d+)?)\s*"
        + r"(?:\([^)]{0,30}\)\s*|(?:±|\+/-)\s*\d+(?:\.\d+)?\s*)?(?P<unit>"
        + unit
        + r")",
        I,
    )


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause around a span: from the semicolon before it to the one after it."""
    left = sentence.rfind(";", 0, start) + 1
    right = sentence.find(";", end)
    return sentence[left : right if right >= 0 else len(sentence)]


@cache
def _threshold_pattern(terms: tuple[str, ...], units: tuple[str, ...]) -> re.Pattern[str]:
    unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(
        _term_pattern(terms).pattern
        + r"[^.;]{0,50}?"
        + _BOUND
        + r"\s*(?P<first>\d+(?:\.\d+)?)(?:\s*(?:and|to|-|–)\s*(?P<second>\d+(?:\.\d+)?))?\s*"
        + r"(?P<unit>"
        + unit
        + r")",
        I,
    )


def _scope(abstract: Abstract) -> list[tuple[str, str]]:
    """The title and the methods sentences: eligibility and baseline, never results."""
    texts = [abstract.title] + [
        s.text for s in abstract.sentences if abstract.sections[s.index] == METHODS
    ]
    return [(text, text.lower()) for text in texts]


# A results sentence that describes the participants at entry ("At baseline, mean serum B12
# was 280 pmol/L"), not how the effect differed by it ("the benefit was larger in those with
# low baseline B12").
_AT_ENTRY = re.compile(
    r"\b(?:baseline|at\s+(?:entry|enrol?ment|randomi[sz]ation|inclusion|screening))\b", I
)
_AN_EFFECT = re.compile(
    r"\b(?:effects?|benefits?|larger|greater|smaller|improv\w*|than|interaction|favou?r\w*|"
    r"respon\w*|change[ds]?|fell|rose|increas\w*|decreas\w*|differ\w*|reduc\w*)\b",
    I,
)


def _entry_results(abstract: Abstract) -> list[tuple[str, str]]:
    texts = [
        s.text
        for s in abstract.sentences
        if abstract.sections[s.index] == RESULTS
        and _AT_ENTRY.search(s.text)
        and not _AN_EFFECT.search(s.text)
    ]
    return [(text, text.lower()) for text in texts]


def read_strata(
    abstract: Abstract, strata: tuple[StratumDefinition, ...]
) -> tuple[StratumCall, ...]:
    """The record's level on each stratum the watch declares, in the watch's order: from the
    title and methods, else from the results' account of the participants at entry."""
    sentences = _scope(abstract)
    at_entry: list[tuple[str, str]] | None = None
    calls = []
    for stratum in strata:
        read = _measure if stratum.kind == "measure" else _use
        call = read(sentences, stratum)
        if call.level == NOT_STATED:
            if at_entry is None:
                at_entry = _entry_results(abstract)
            if at_entry:
                call = read(at_entry, stratum)
        calls.append(call)
    return tuple(calls)


@cache
def _literals(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(term.rstrip("*").lower() for term in terms)


def _mentions(sentence: str, lowered: str, stratum: StratumDefinition) -> list[re.Match[str]]:
    # most sentences name none of the terms: a substring test spares them the pattern
    if not any(literal in lowered for literal in _literals(stratum.terms)):
        return []
    return list(_term_pattern(stratum.terms).finditer(sentence))


# How far before a mention its cue may stand: the patterns need at most this much, and a
# bounded window keeps a long sentence with many mentions linear.
_WINDOW = 100


# After a mention, a share of the participants: "B12 was low in 30% of participants".
_SHARE_AFTER = re.compile(
    r"^[^.;]{0,40}?\bin\s+(?:\d+(?:\.\d+)?\s?%|_N_\s+of\s+(?:the\s+)?_N_\b)".replace(
        "_N_", _NUMBER
    ),
    I,
)
_CLAUSE_BREAK = re.compile(r";|,?\s+(?:and|but|while|whereas)\s", I)


def _shared(sentence: str, mention: re.Match[str]) -> bool:
    """Whether a share of the participants is stated of this mention: just before it in the
    same clause ("62% of participants took metformin"), or just after ("low in 30% of ...")."""
    before = sentence[max(0, mention.start() - _WINDOW) : mention.start()]
    for share in _SHARE.finditer(before):
        if not _CLAUSE_BREAK.search(before[share.end() :]):
            return True
    return bool(_SHARE_AFTER.search(sentence[mention.end() : mention.end() + _WINDOW]))


def _mixed(sentence: str, mention: re.Match[str]) -> bool:
    start = mention.start()
    return _shared(sentence, mention) or bool(
        _MIXED_BEFORE.search(sentence[max(0, start - _WINDOW) : start])
    )


def _measure(sentences: list[tuple[str, str]], stratum: StratumDefinition) -> StratumCall:
    found: dict[str, str] = {}
    averages: dict[str, str] = {}
    factors = {stratum.unit.lower(): 1.0, **{u.lower(): f for u, f in stratum.units}}
    thresholds = _threshold_pattern(stratum.terms, tuple(factors))
    for sentence, lowered in sentences:
        mentions = _mentions(sentence, lowered, stratum)
        if not mentions:
            continue
        if any(_mixed(sentence, m) for m in mentions):
            found.setdefault("mixed", sentence)
            continue
        for match in thresholds.finditer(sentence):
            excluded = bool(_EXCLUDED.search(_clause(sentence, match.start(), match.end())))
            level = _by_cut_off(match, factors[match.group("unit").lower()], stratum, excluded)
            if level:
                found.setdefault(level, sentence)
        for mention in mentions:
            level = _level_words(sentence, mention)
            if level and _EXCLUDED.search(_clause(sentence, mention.start(), mention.end())):
                level = "normal" if level == "low" else ""  # "people with deficiency were excluded"
            if level:
                found.setdefault(level, sentence)
        for match in _average_pattern(stratum.terms, tuple(factors)).finditer(sentence):
            if "averag" in match.group(0).lower() or _AVERAGE.search(
                sentence[max(0, match.start() - _WINDOW) : match.start()]
            ):
                level = _by_average(match, factors[match.group("unit").lower()], stratum)
                if level:
                    averages.setdefault(level, sentence)
    if not found:  # a baseline average places the trial only when no criterion does
        found = averages
    return _decide(stratum.name, found, ("low", "normal"))


def _by_average(match: re.Match[str], factor: float, stratum: StratumDefinition) -> str:
    """The typical participant's level: at or above the normal floor is normal."""
    if stratum.normal_from is None:
        return ""
    value = float(match.group("value")) * factor
    return "normal" if value >= stratum.normal_from * (1 - _ROUNDING) else "low"


def _by_cut_off(
    match: re.Match[str], factor: float, stratum: StratumDefinition, excluded: bool = False
) -> str:
    """The level of the people a cut-off admits; an excluded range admits the rest ("B12 <
    200 pg/mL were excluded" leaves those at or above 200)."""
    first = float(match.group("first")) * factor
    second = match.group("second")
    how = " ".join(match.group("how").lower().split())
    if second is not None:  # "between 150 and 300": its ceiling decides
        if excluded:
            return ""  # those outside a range are on both sides of it
        ceiling, floor = float(second) * factor, first
    elif how in ("below", "under", "less than", "lower than", "of less than", "<", "≤"):
        ceiling, floor = first, None
    else:
        ceiling, floor = None, first
    if excluded:
        ceiling, floor = floor, ceiling
    if (
        ceiling is not None
        and stratum.low_at_most is not None
        and ceiling <= stratum.low_at_most * (1 + _ROUNDING)
    ):
        return "low"
    if (
        ceiling is None
        and floor is not None
        and stratum.normal_from is not None
        and floor >= stratum.normal_from * (1 - _ROUNDING)
    ):
        return "normal"
    return ""


def _level_words(sentence: str, mention: re.Match[str]) -> str:
    """ "low B12", "B12 deficiency", "deficient in cobalamin", "whose B12 is normal" around
    one mention of the measure, unless the words make it an outcome ("risk of deficiency")."""
    before = sentence[max(0, mention.start() - 40) : mention.start()]
    after = sentence[mention.end() : mention.end() + 40]
    low_before = re.search(_LOW + r"(?:\s+(?:in|of))?\s+(?:\w+\s+){0,2}$", before, I)
    low_after = re.match(r"[\s-]*(?:\w+\s+){0,1}?" + _LOW + r"\b", after, I)
    normal_before = re.search(_NORMAL + r"\s+(?:\w+\s+){0,1}$", before, I) or re.search(
        r"-?\b(?:replete|sufficient)\b", after[:12], I
    )
    normal_after = re.match(
        r"[\w\s]{0,25}?\b(?:is|was|were|are|within|in)\s+(?:the\s+)?" + _NORMAL, after, I
    )
    if low_before or low_after:
        cut = mention.start() - (len(low_before.group(0)) if low_before else 0)
        words_before = sentence[max(0, cut - 40) : cut]
        if _NOT_THE_PEOPLE.search(words_before):
            return ""
        return "low"
    if normal_before or normal_after:
        return "normal"
    return ""


def _use(sentences: list[tuple[str, str]], stratum: StratumDefinition) -> StratumCall:
    found: dict[str, str] = {}
    for sentence, lowered in sentences:
        mentions = _mentions(sentence, lowered, stratum)
        if not mentions:
            continue
        excluded = bool(_EXCLUDED.search(sentence))
        for mention in mentions:
            before = sentence[max(0, mention.start() - _WINDOW) : mention.start()]
            if _AN_ARM.search(before[-50:]):
                continue  # the use is what the trial randomised: an arm, not its people
            using = _USING.search(before[-40:]) or re.match(
                r"[- ](?:users?|use|treated|takers?|exposure|exposed|therapy|treatment)\b",
                sentence[mention.end() :],
                I,
            )
            if _mixed(sentence, mention):
                found.setdefault("mixed", sentence)
            elif (
                _NOT_USING.search(before[-40:])
                or re.match(r"[- ](?:naive|naïve|free)\b", sentence[mention.end() :], I)
                or (using and excluded)
            ):
                found.setdefault("non-users", sentence)
            elif using:
                found.setdefault("users", sentence)
    return _decide(stratum.name, found, ("users", "non-users"))


def _decide(name: str, found: dict[str, str], levels: tuple[str, str]) -> StratumCall:
    """Mixed where the text says so or names both levels; else the one level named."""
    if "mixed" in found:
        return StratumCall(name, "mixed", found["mixed"])
    named = [level for level in levels if level in found]
    if len(named) == 2:
        return StratumCall(name, "mixed", found[named[0]])
    if named:
        return StratumCall(name, named[0], found[named[0]])
    return StratumCall(name, NOT_STATED)
