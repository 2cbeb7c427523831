"""The association reader: for each association question of a watch (metformin -> B12 status),
what one record reports of the outcome in the exposed against the unexposed: increased,
decreased, no association, or unclear, with the sentence that says it (results or conclusions
only) and the size where stated (a percentage, OR/RR/HR with its CI, a mean difference).

Pure, over the abstract as the findings readers take it (`text.read_abstract`). The exposure's
words and the outcome's are the watch's (its question, its domains, the outcome vocabulary);
the words here are those any observational study or trial uses to state an association.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from litwatch.classifiers.findings.text import RESULTS, Abstract, Sentence
from litwatch.classifiers.readers.terms import compile_terms
from litwatch.classifiers.text.passage import Passage
from litwatch.classifiers.text.screen import fold, may_match
from litwatch.core.associations import Association, AssociationQuestion
from litwatch.core.findings import OutcomeVocabulary

I = re.IGNORECASE
_UP = frozenset(
    ("higher", "greater", "more", "increased", "increase", "increases", "increasing", "raised")
    + ("raise", "raises", "rose", "risen", "rise", "rises", "elevated", "doubled", "tripled")
    + ("larger", "excess", "faster")
)
_DOWN = frozenset(
    ("lower", "lowered", "lowers", "lowering", "less", "fewer", "reduced", "reduces", "reduction")
    + ("decreased", "decrease", "decreases", "declined", "decline", "fell", "fallen", "falls")
    + ("dropped", "smaller", "depleted")
)
# Words that say an outcome moved the bad way or the good way: which way that is depends on the
# measure ("worse" vibration threshold rose, "worse" conduction fell).
_WORSE = frozenset(("worse", "worsened", "worsening", "deteriorated", "poorer", "impaired"))
_BETTER = frozenset(("better", "improved", "improving", "improvement"))
# A clause that states no association or no difference ("did not differ", "was unrelated").
_NONE = re.compile(
    r"\b(?:no|not|nor)\s+(?:\w+\s+){0,3}?(?:associat\w*|differ\w*|relat\w*|link\w*|correlat\w*"
    r"|chang\w*|predict\w*|affect\w*|alter\w*|influenc\w*)"
    r"|\bdid\s+not\s+(?:differ|change|vary|predict)|\bsimilar(?:ly)?\b"
    r"|\bcomparable\b|\bunchanged\b|\bunrelated\b|\bindependent\s+of\b|\bnull\s+association",
    I,
)
# A clause that states an association at all: an outcome said to go with an exposure (not
# "the associations with anaemia were examined").
_ASSOCIATED = re.compile(
    r"\b(?:associated\s+with|linked\s+(?:to|with)|related\s+to|correlated\s+with|predicted"
    r"|predicts|went\s+with|goes\s+with)\b",
    I,
)
# The exposure named only as the people studied: "in metformin users with neuropathy".
_POPULATION_AFTER = re.compile(
    r"^[\w-]*\s*(?:users?|patients|people|treated)?\s*(?:with|who|without|taking|whose)\b", I
)
# How an exposure is set against its absence in a sentence, around its mention: it acts on the
# outcome ("metformin lowered B12"), the outcome goes with it ("associated with higher metformin
# dose", "lower B12 with metformin"), or its users are compared ("in metformin users than").
_AFTER_EXPOSURE = re.compile(
    r"^[\w-]*\s*(?:(?:use|users?|exposure|treatment|therapy|dose|group|arm|duration|patients|"
    r"people|participants|individuals|subjects|adults)\s+)?"
    r"(?:(?:was|were|is|are|has|have|did)\s+)?(?:(?:independently|significantly|strongly|also|"
    r"consistently|not)\s+)?(?:associat\w*|linked|related|correlat\w*|lower\w*|reduc\w*|"
    r"decreas\w*|rais\w*|increas\w*|predict\w*|went\s+with|doubl\w*|had|showed|affect\w*|"
    r"alter\w*|chang\w*|(?:more|less)\s+(?:often|likely|frequently))\b"
    r"|^[\w-]*\s*(?:users?|group|arm)?\s*than\b",
    I,
)
_BEFORE_EXPOSURE = re.compile(
    r"(?:\b(?:associat\w*|linked|related|correlat\w*)\s+with\s+(?:\w+\s+){0,2}"
    r"|\b(?:with|after|on|by|in|among|of|between)\s+(?:the\s+)?(?:(?:higher|greater|longer|more|"
    r"cumulative|current|long-term|prolonged)\s+)?)$",
    I,
)
_COMPARATIVE = _UP | _DOWN
_SETS_AGAINST = re.compile(r"\b(?:compared\s+(?:with|to)|versus|vs\.?|relative\s+to)\b", I)
# The sign of a correlation or an association, said outright.
_SIGN = re.compile(
    r"\b(?:(?P<down>inverse(?:ly)?|negative(?:ly)?)|(?P<up>positive(?:ly)?|direct(?:ly)?))\s+"
    r"(?:\w+\s+)?(?:associat\w*|correlat\w*|relat\w*)",
    I,
)
# The exposure as the reference of a comparison ("lower with sitagliptin than with metformin"):
# the direction read belongs to the other group.
_REFERENCE_BEFORE = re.compile(
    r"(?:\bthan\s+(?:with\s+|in\s+|among\s+|on\s+|the\s+|those\s+)*|\bcompared\s+(?:with|to)\s+"
    r"(?:the\s+)?)$",
    I,
)
# Words that stand for the exposure once it is named: its dose or duration of use.
_ANAPHOR = re.compile(
    r"\b(?:(?:daily|cumulative|total|mean|higher)\s+dose|duration\s+of\s+(?:use|treatment|"
    r"therapy|exposure)|cumulative\s+exposure|years?\s+of\s+use)\b",
    I,
)
# Allocation of people to arms, and the arm list it starts.
_ALLOCATION = re.compile(
    r"\b(?:randomi[sz]\w*|randomly\s+(?:assigned|allocated)|allocated|assigned)\b[^.;]{0,100}?"
    r"\b(?:to|between)\s+(?:(?:receive|take|add|either|continue|the)\s+)*",
    I,
)
_TITLE_VERSUS = re.compile(r"\s+(?:versus|vs\.?|compared\s+with)\s+([A-Za-z][\w-]*)", I)
_ARM_SEPARATOR = re.compile(r"\b(?:or|versus|vs\.?|compared\s+with|and)\s+", I)
_OTHER_ARM = re.compile(r"^[A-Za-z][\w-]*(?:\s+(?!\d)[a-z][\w-]*)?", I)
# What the exposed were compared with, in the evidence sentence.
_VERSUS = re.compile(
    r"\b(?:compared\s+(?:with|to)|than\s+(?:with|in|among|on)?|versus|vs\.?)\s+(?:the\s+)?"
    r"((?:non-?users?|placebo|[a-z][\w-]*)(?:\s+(?:users?|group|arm))?)",
    I,
)
_NOT_A_COMPARATOR = frozenset(("controls", "control", "those", "others", "before", "baseline"))
_CLAUSES = re.compile(r";|\bwhereas\b|\bbut\b|\bwhile\b", I)
_WORDS = re.compile(r"[A-Za-z][A-Za-z-]*|\d+(?:\.\d+)?%?")
_WINDOW_BEFORE, _WINDOW_AFTER = 5, 7

# The size of an association as abstracts state it.
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_CI = (
    r"(?:[^;()]{0,40}?\(?\s*95\s*%\s*(?:CI|confidence\s+interval)[\s:,]*"
    + _NUMBER
    + r"\s*(?:to|–|-|,)\s*"
    + _NUMBER
    + r")?"
)
_RATIO = re.compile(
    r"\b((?:adjusted\s+)?(?:odds\s+ratio|hazard\s+ratio|risk\s+ratio|relative\s+risk|rate\s+ratio"
    r"|a?OR|a?HR|a?RR|IRR))\b[\s:=,]*(?:of\s+)?"
    + _NUMBER
    + r"((?:\s+per\s+(?:\d[\d,.]*\s*)?[A-Za-zµ]+)?)(?=[\s,;)]|$)"
    + _CI,
    I,
)
_DIFFERENCE = re.compile(
    r"\b((?:adjusted\s+|mean\s+)*difference)\b(?:\s+(?:at|over|after)\s+\d+\s+[a-z]+)?"
    r"[\s:=,]*(?:of\s+)?" + _NUMBER + r"\s*([A-Za-zµ%][\w/%µ]*)?" + _CI,
    I,
)
_PERCENT = re.compile(
    r"\b(\d+(?:\.\d+)?\s?%)\s+(lower|higher|less|more|reduction|increase|decrease|greater)\b"
    r"|\bby\s+(\d+(?:\.\d+)?\s?%)",
    I,
)
_FRACTION = re.compile(
    r"\bby\s+((?:about|around|roughly|nearly|almost|some|approximately|over|more\s+than)\s+)?"
    r"((?:a|one|two|three)[\s-](?:half|third|thirds|quarter|quarters|fifth|fifths|tenth))\b",
    I,
)
_RATIO_NAMES = {
    "odds ratio": "OR",
    "hazard ratio": "HR",
    "risk ratio": "RR",
    "relative risk": "RR",
    "rate ratio": "rate ratio",
}


@dataclass(frozen=True)
class _Outcome:
    """A compiled way of naming the question's outcome: its pattern, its domain and whether a
    rise in it is a rise in the question's direction (`same`); a head word counts only beside a
    qualifier or a word of direction."""

    pattern: re.Pattern[str]
    domain: str
    polarity: str
    same: bool
    head: bool = False
    qualifiers: re.Pattern[str] | None = None
    own: bool = False  # one of the question's own words for its outcome ("neuropathy")


# The questions a Judge asks, compiled once: keyed by identity (a watch's definition lives as
# long as its Judge), checked against the objects themselves.
_COMPILED: dict[tuple[int, int], tuple[tuple, OutcomeVocabulary | None, tuple]] = {}


def _compiled(
    questions: tuple[AssociationQuestion, ...], vocabulary: OutcomeVocabulary | None
) -> tuple[tuple[AssociationQuestion, re.Pattern[str], tuple[_Outcome, ...]], ...]:
    key = (hash(tuple(id(q) for q in questions)), id(vocabulary))
    found = _COMPILED.get(key)
    if found is not None and found[0] == questions and found[1] is vocabulary:
        return found[2]
    words = vocabulary or OutcomeVocabulary()
    compiled = tuple((q, compile_terms(q.exposure.terms), _outcomes(q, words)) for q in questions)
    if len(_COMPILED) >= 16:
        _COMPILED.clear()
    _COMPILED[key] = (questions, vocabulary, compiled)
    return compiled


def _outcomes(question: AssociationQuestion, vocabulary: OutcomeVocabulary) -> tuple[_Outcome, ...]:
    reference = question.polarity
    first = question.domains[0].name if question.domains else ""
    found: list[_Outcome] = []

    def add(
        text: str,
        domain: str,
        polarity: str,
        head: bool = False,
        qualifiers: tuple[str, ...] = (),
        own: bool = False,
    ) -> None:
        if not text.strip().strip("*"):
            return
        found.append(
            _Outcome(
                compile_terms((text,)),
                domain,
                polarity,
                polarity == reference,
                head,
                compile_terms(qualifiers) if qualifiers else None,
                own,
            )
        )

    for term in question.terms:
        add(term.text, first, term.polarity or reference, own=True)
    names = {domain.name: domain for domain in question.domains}
    for domain in question.domains:
        for item in domain.terms:
            add(item.text, domain.name, domain.polarity_of(item))
    for instrument in vocabulary.instruments:
        owner = names.get(instrument.domain)
        if owner is not None:
            polarity = instrument.polarity or owner.polarity
            for text in (instrument.name, *instrument.abbreviations):
                add(text, owner.name, polarity)
    for head in vocabulary.heads:
        owner = names.get(head.domain)
        if owner is not None:
            add(head.word, owner.name, head.polarity or owner.polarity, True, head.qualifiers)
    return tuple(found)


@dataclass(frozen=True)
class _Reading:
    call: str
    domain: str
    sentence: Sentence
    outcome: str = ""  # the outcome as the sentence names it


def read_associations_in(
    abstract: Abstract,
    questions: Sequence[AssociationQuestion],
    vocabulary: OutcomeVocabulary | None = None,
    passage: Passage | None = None,
) -> tuple[Association, ...]:
    """Each association question the record speaks to (it names the exposure and the outcome),
    answered; a record that names either not at all answers nothing."""
    if not questions:
        return ()
    answers = []
    # the title and abstract as the Judge prepared them, screened before any pattern runs
    passage = passage or Passage.of(
        " ".join((abstract.title, *(s.text for s in abstract.sentences)))
    )
    for question, exposure, outcomes in _compiled(tuple(questions), vocabulary):
        if not (passage.may_match(exposure) and exposure.search(passage.text)):
            continue
        if not any(
            passage.may_match(o.pattern) and _outcome_spans((o,), passage.text) for o in outcomes
        ):
            continue
        readings = [
            reading
            for sentence in abstract.sentences
            if abstract.reports(sentence)
            for reading in _read(sentence, exposure, outcomes)
        ]
        trial, arm_versus = _trial_of_exposure(abstract, exposure)
        call, chosen = _decide(readings, abstract)
        domain = chosen[0].domain if chosen else question.domains[0].name
        evidence = chosen[0].sentence.text if chosen else ""
        size = next((s for r in chosen if (s := size_in(r.sentence.text))), "")
        size = size or _size_nearby(abstract, chosen, call, outcomes)
        versus = next((v for r in chosen if (v := _versus_in(r.sentence.text, exposure))), "")
        answers.append(
            Association(
                question=question.name,
                exposure=question.exposure.name,
                domain=domain,
                call=call,
                evidence=evidence,
                size=size,
                versus=versus or arm_versus,
                trial_of_exposure=trial,
                outcome=chosen[0].outcome if chosen else "",
            )
        )
    return tuple(answers)


def _size_nearby(
    abstract: Abstract, chosen: list[_Reading], call: str, outcomes: Sequence[_Outcome]
) -> str:
    """Where the sentences that decide say no size, the size a later results sentence gives for
    the same comparison ("Methylmalonic acid did not differ either ... (adjusted OR 1.2 ...)"):
    one that names the outcome and reads the same way once the comparison is taken as said."""
    if not chosen:
        return ""
    first = chosen[0].sentence.index
    for sentence in abstract.sentences[first + 1 :]:
        if abstract.sections[sentence.index] != RESULTS:
            continue
        size = size_in(sentence.text)
        if not size:
            continue
        said = {r.call for r in _read(sentence, None, outcomes)}
        if said == {call}:
            return size
    return ""


def _decide(readings: list[_Reading], abstract: Abstract) -> tuple[str, list[_Reading]]:
    """The record's call: the results' own where they say one, else the conclusions'; two
    directions at once are unclear; a stated direction outweighs "no association" for another
    measure of the same outcome."""
    in_results = [r for r in readings if abstract.sections[r.sentence.index] == RESULTS]
    for group in (in_results, readings):
        directions = {r.call for r in group if r.call in ("increased", "decreased")}
        if len(directions) > 1:
            return "unclear", []
        if directions:
            call = next(iter(directions))
            return call, [r for r in group if r.call == call]
        if group:
            return "no-association", group
    return "unclear", []


def _outcome_spans(outcomes: Sequence[_Outcome], text: str) -> list[tuple[int, int, _Outcome]]:
    """Where `text` names the outcome, longest first where names overlap."""
    spans = []
    folded = fold(text)
    for outcome in outcomes:
        if not may_match(outcome.pattern, folded, text):
            continue
        for match in outcome.pattern.finditer(text):
            if outcome.head and not _qualified(text, match, outcome):
                continue
            spans.append((match.start(), match.end(), outcome))
    spans.sort(key=lambda span: (span[0], -(span[1] - span[0])))
    kept: list[tuple[int, int, _Outcome]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _qualified(text: str, match: re.Match[str], outcome: _Outcome) -> bool:
    """A head word ("B12") names the outcome beside a qualifier ("serum B12", "B12 levels") or a
    word of direction ("lower B12", "lowered vitamin B12")."""
    before = _WORDS.findall(text[max(0, match.start() - 40) : match.start()])[-3:]
    after = _WORDS.findall(text[match.end() : match.end() + 30])[:2]
    qualifiers = outcome.qualifiers
    if qualifiers is not None and any(
        qualifiers.fullmatch(word) for word in (*before[-2:], *after[:1])
    ):
        return True
    return any(word.lower() in _COMPARATIVE for word in before) or bool(
        after and after[0].lower() in _COMPARATIVE
    )


def _read(
    sentence: Sentence, exposure: re.Pattern[str] | None, outcomes: Sequence[_Outcome]
) -> list[_Reading]:
    """What one sentence says of the outcome in the exposed: one reading per clause that names
    the outcome and sets the exposure against its absence (taken as said without `exposure`)."""
    readings = []
    for clause in _CLAUSES.split(sentence.text):
        contrast = "exposed" if exposure is None else _contrast(clause, exposure)
        if contrast is None:
            continue
        named = [] if exposure is None else _exposure_spans(clause, exposure)
        spans = [
            span
            for span in _outcome_spans(outcomes, clause)
            if not any(s <= span[0] and span[1] <= e for s, e in named)
        ]
        if not spans:
            continue
        if _NONE.search(clause):
            first = spans[0]
            readings.append(
                _Reading("no-association", first[2].domain, sentence, _named(clause, first))
            )
            continue
        associated = _ASSOCIATED.search(clause)
        for start, end, outcome in spans:
            if associated and _same_side(associated, (start, end), named):
                # "deficiency was associated with higher metformin dose and a positive
                # neuropathy screen": each goes with deficiency, not with each other
                continue
            sign = _SIGN.search(clause)
            rise: bool | None
            if sign:  # "B12 was inversely correlated with the duration of metformin use"
                rise = sign.group("up") is not None
            else:
                rise = _direction_near(clause, start, end, outcome)
            if rise is None:  # "present in 30% of metformin users versus 12% of non-users"
                rise = _shares_compared(clause, named)
            if rise is None and associated:
                rise = True  # "metformin use is associated with B12 deficiency"
            if rise is None:
                continue
            up = rise == outcome.same
            if contrast == "reference":
                up = not up
            call = "increased" if up else "decreased"
            readings.append(
                _Reading(call, outcome.domain, sentence, _named(clause, (start, end, outcome)))
            )
            break
    return readings


_SHARES = re.compile(
    r"(\d+(?:\.\d+)?)\s?%([^%;]{0,80}?)\b(?:versus|vs\.?|compared\s+with|against)\s+"
    r"(?:only\s+)?(\d+(?:\.\d+)?)\s?%",
    I,
)


def _shares_compared(clause: str, named: list[tuple[int, int]]) -> bool | None:
    """Whether the outcome is more common in the exposed, from two shares set against each
    other with the exposed named with one of them ("30% of metformin users versus 12% of
    non-users"); None where the clause sets no two shares so."""
    for match in _SHARES.finditer(clause):
        first, second = float(match.group(1)), float(match.group(3))
        if first == second:
            continue
        if any(match.start(2) <= start < match.end(2) for start, _ in named):
            return first > second
        # "in 9% of non-users compared with 6% of metformin users": the exposed second
        if any(match.end() <= start < match.end() + 40 for start, _ in named):
            return second > first
    return None


def _named(clause: str, span: tuple[int, int, _Outcome]) -> str:
    """The outcome's words for the reader where the question names its outcome itself and the
    words run the question's way ("neuropathy"); else "" (the domain's title is shown: a call
    "lower" beside "deficiency" would read the wrong way round)."""
    start, end, outcome = span
    return clause[start:end].lower() if outcome.own and outcome.same else ""


def _exposure_spans(text: str, exposure: re.Pattern[str]) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in exposure.finditer(text)]
    return sorted(spans + [(m.start(), m.end()) for m in _ANAPHOR.finditer(text)])


def _same_side(verb: re.Match[str], outcome: tuple[int, int], named: list[tuple[int, int]]) -> bool:
    """Whether the outcome and every mention of the exposure sit on one side of "associated
    with": then the sentence links each to something else."""
    after = outcome[0] >= verb.end()
    return all((start >= verb.end()) == after for start, _ in named)


def _contrast(text: str, exposure: re.Pattern[str]) -> str | None:
    """How a clause sets the exposure against its absence: "exposed" (the direction read is the
    exposed group's), "reference" (the exposed are what the others are compared with), or None
    when it names the exposed only as the people studied ("common among metformin users")."""
    found = None
    comparing = (
        _has_comparative(text)
        or " than " in text
        or bool(_ASSOCIATED.search(text) or _NONE.search(text) or _SETS_AGAINST.search(text))
    )
    for start, end in _exposure_spans(text, exposure):
        before, after = text[max(0, start - 60) : start], text[end : end + 60]
        if _REFERENCE_BEFORE.search(before):
            found = found or "reference"
            continue
        if _AFTER_EXPOSURE.search(after):
            return "exposed"
        if _POPULATION_AFTER.search(after) and " than " not in text:
            continue
        if _BEFORE_EXPOSURE.search(before) and comparing:
            return "exposed"
    return found


def _has_comparative(text: str) -> bool:
    return any(word.lower() in _COMPARATIVE for word in _WORDS.findall(text))


def _direction_near(clause: str, start: int, end: int, outcome: _Outcome) -> bool | None:
    """Whether the nearest word of direction to the outcome's name says it rose (True) or fell
    (False); "worse" and "better" rise or fall as the measure's polarity says. None when no such
    word is near."""
    before = _WORDS.findall(clause[:start])[-_WINDOW_BEFORE:]
    after = _WORDS.findall(clause[end:])[:_WINDOW_AFTER]
    candidates = [(len(before) - i, word) for i, word in enumerate(before)]
    candidates += [(i + 1, word) for i, word in enumerate(after)]
    worse_rises = outcome.polarity == "lower-is-better"
    for _distance, word in sorted(candidates, key=lambda pair: pair[0]):
        lowered = word.lower()
        if lowered in _UP:
            return True
        if lowered in _DOWN:
            return False
        if lowered in _WORSE:
            return worse_rises
        if lowered in _BETTER:
            return not worse_rises
    return None


def _trial_of_exposure(abstract: Abstract, exposure: re.Pattern[str]) -> tuple[bool, str]:
    """Whether the record allocates people to the exposure or to its absence (an arm without
    it: placebo, or another treatment), and what that other arm got."""
    for text in (abstract.title, *(s.text for s in abstract.sentences)):
        for allocation in _ALLOCATION.finditer(text):
            arms = text[allocation.end() : allocation.end() + 160]
            first = exposure.match(arms)
            if first:
                rest = arms[first.end() :]
                separator = _ARM_SEPARATOR.search(rest)
                other = _OTHER_ARM.match(rest[separator.end() :]) if separator else None
                return True, other.group(0) if other else ""
            separator = _ARM_SEPARATOR.search(arms)
            if separator and exposure.match(arms[separator.end() :]):
                other = _OTHER_ARM.match(arms)
                return True, other.group(0) if other else ""
    # a trial's title that sets the exposure against its absence: "metformin versus placebo"
    for mention in exposure.finditer(abstract.title):
        against = _TITLE_VERSUS.match(abstract.title, mention.end())
        if against and not exposure.match(against.group(1)):
            return True, against.group(1)
    return False, ""


def _versus_in(text: str, exposure: re.Pattern[str]) -> str:
    """What the exposed were compared with, as the sentence names it ("placebo", "sitagliptin",
    "non-users"), or ""."""
    for match in _VERSUS.finditer(text):
        named = match.group(1)
        if exposure.match(named) or named.split()[0].lower() in _NOT_A_COMPARATOR:
            continue
        return named
    return ""


def size_in(text: str) -> str:
    """The size of the association a sentence states: a ratio with its confidence interval, a
    (mean) difference, a percentage or a fraction ("about a fifth"); "" when none."""
    ratio = _RATIO.search(text)
    if ratio:
        name = " ".join(ratio.group(1).split())
        short = _RATIO_NAMES.get(name.lower().removeprefix("adjusted "), name)
        if name.lower().startswith("adjusted ") and short != name:
            short = "adjusted " + short
        per = " ".join(ratio.group(3).split())
        return f"{short} {ratio.group(2)}" + (f" {per}" if per else "") + _interval(ratio, 4)
    difference = _DIFFERENCE.search(text)
    if difference:
        unit = difference.group(3) or ""
        unit = "" if unit.lower() in ("95", "ci") else unit
        name = " ".join(difference.group(1).split()).lower()
        return (
            f"{name} {difference.group(2)}"
            + (f" {unit}" if unit else "")
            + _interval(difference, 4)
        )
    percent = _PERCENT.search(text)
    if percent:
        if percent.group(1):
            return f"{percent.group(1).replace(' ', '')} {percent.group(2).lower()}"
        return percent.group(3).replace(" ", "")
    fraction = _FRACTION.search(text)
    if fraction:
        return " ".join(
            part for part in ((fraction.group(1) or "").strip(), fraction.group(2)) if part
        )
    return ""


def _interval(match: re.Match[str], first: int) -> str:
    low, high = match.group(first), match.group(first + 1)
    return f", 95% CI {low} to {high}" if low is not None and high is not None else ""
