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
from dataclasses import dataclass, replace

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
    r"|\bcomparable\b|\bunchanged\b|\bunrelated\b|\bindependent\s+of\b|\bnull\s+association"
    r"|\bnot\s+(?:statistically\s+)?significant\b|\bnon-?significant\b"
    r"|\bdid\s+not\s+reach\s+(?:statistical\s+)?significance\b",
    I,
)
# A clause that says only that the difference just stated was not significant.
_NOT_SIGNIFICANT = re.compile(
    r"\bnot\s+(?:statistically\s+)?significant|\bnon-?significant\b"
    r"|\bdid\s+not\s+reach\s+(?:statistical\s+)?significance",
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
_PARENTHESES = re.compile(r"\([^()]*\)")
_WORDS = re.compile(r"[A-Za-z][A-Za-z-]*|\d+(?:\.\d+)?%?")
_WINDOW_BEFORE, _WINDOW_AFTER = 5, 7

# A case-control study names its two groups in its methods: "... with neuropathy (cases) and
# ... without (controls)", or "Cases were ...; controls were ...".
_GROUP_MARK = re.compile(r"\(\s*(?:the\s+)?(?P<group>cases?|controls?)\b[^()]*\)", I)
_GROUP_WERE = re.compile(
    r"\b(?P<group>cases|controls)\s+(?:were|comprised|included|consisted\s+of)\s+(?P<text>[^;]*)",
    I,
)
_CASES = re.compile(r"\bcases\b|\bcase\s+(?:patients|participants|group)\b", I)
_CONTROLS = re.compile(
    r"\bcontrols\b|\bcontrol\s+(?:patients|participants|group)\b|\bnon-?cases\b", I
)
# People set apart by having the outcome ("those with neuropathy"), against those without it.
_HAVING_BEFORE = re.compile(
    r"\b(?:with|having|developed|who\s+developed|who\s+had)\s+(?:[\w-]+\s+){0,3}$", I
)
_WITHOUT = re.compile(r"\bwithout\b|\bfree\s+of\b", I)
_DENIED_BEFORE = re.compile(r"\b(?:without|no|not|non|free\s+of)\b[\s-]*(?:[\w-]+\s+){0,2}$", I)
# Where a comparison names its reference group: what comes after is what the first is set against.
_REFERENCE_MARK = re.compile(
    r"\bthan\b|\bcompared\s+(?:with|to)\b|\bversus\b|\bvs\b|\brelative\s+to\b", I
)
# A level said against a cut-off, in how a study defines its groups ("B12 below 148 pmol/L").
_BELOW = frozenset(("below", "under", "beneath"))
_ABOVE = frozenset(("above", "exceeding"))
# The words that make an exposure the low or high end of a measure ("low B12" of "B12").
_LOW_LEVEL = frozenset(("low", "lower", "reduced", "decreased", "poor"))
_HIGH_LEVEL = frozenset(("high", "higher", "raised", "elevated", "increased"))
# The exposure named as the people a clause is set in ("Among metformin users, ..."): the
# association the clause states is between other things.
_POPULATION_COMMA = re.compile(
    r"^[\w-]*\s*(?:users?|patients|people|participants|adults|individuals|subjects)?\s*,", I
)
_POPULATION_BEFORE = re.compile(r"\b(?:among|in)\s+(?:the\s+|all\s+)?(?:\d[\d,]*\s+)?$", I)
# Two things joined as a pair ("more B12 deficiency and more neuropathy"): each goes with a
# third, not with each other; "between A and B" is the association itself.
_COORDINATED = re.compile(
    r"^\s*,?\s*(?:and|or)\s+(?:of\s+|in\s+)?(?:(?:more|less|higher|lower|greater|fewer|a|an|the"
    r"|incident|new)\s+)?(?:[\w-]+\s+){0,2}$",
    I,
)
_USERS = re.compile(r"(?<!non-)(?<!non)\busers\b", I)
_USERS_AFTER = re.compile(r"[\s-]+users\b", I)
# Any word that names a case-control group or people without the outcome: a clause without one
# is not read for groups.
_GROUP_WORDS = re.compile(r"\bcontrol|\bcases?\b|\bnon-?cases\b|\bwithout\b|\bfree\s+of\b", I)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:[\w-]+\s+){0,2}$", I)

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
# "by 22%" is a size only after a word of change ("lowered B12 by 22%"), not "reported by 22%".
_PERCENT = re.compile(
    r"\b(\d+(?:\.\d+)?\s?%)\s+(lower|higher|less|more|reduction|increase|decrease|greater)\b"
    r"|\b(?:" + "|".join(sorted(_UP | _DOWN)) + r")\s+(?:[\w-]+\s+){0,3}?by\s+(\d+(?:\.\d+)?\s?%)",
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
) -> tuple[tuple[AssociationQuestion, re.Pattern[str], tuple[_Outcome, ...], _Measure | None], ...]:
    key = (hash(tuple(id(q) for q in questions)), id(vocabulary))
    found = _COMPILED.get(key)
    if found is not None and found[0] == questions and found[1] is vocabulary:
        return found[2]
    words = vocabulary or OutcomeVocabulary()
    compiled = tuple(
        (q, compile_terms(q.exposure.terms), _outcomes(q, words), _measure(q)) for q in questions
    )
    if len(_COMPILED) >= 16:
        _COMPILED.clear()
    _COMPILED[key] = (questions, vocabulary, compiled)
    return compiled


@dataclass(frozen=True)
class _Measure:
    """The measure an exposure is one end of ("B12" for "low B12"), where its terms say so: a
    comparison of that measure is a comparison of the exposure."""

    pattern: re.Pattern[str]
    low_end: bool


def _measure(question: AssociationQuestion) -> _Measure | None:
    low, high = [], []
    for term in question.exposure.terms:
        first, _, rest = term.strip().partition(" ")
        if rest.strip().strip("*"):
            if first.lower() in _LOW_LEVEL:
                low.append(rest)
            elif first.lower() in _HIGH_LEVEL:
                high.append(rest)
    if low or high:
        return _Measure(compile_terms(tuple(low or high)), bool(low))
    return None


@dataclass(frozen=True)
class _Cases:
    """What sets a case-control study's cases apart from its controls, for one question: the
    outcome (`kind` "outcome"; `up`: the cases have more of it in the question's direction,
    `named`: its words) or the exposure (`kind` "exposure")."""

    kind: str
    up: bool = True
    named: str = ""
    domain: str = ""


@dataclass(frozen=True)
class _Context:
    """What a record's reading of one question needs beyond its sentences."""

    cases: _Cases | None = None
    measure: _Measure | None = None
    users: re.Pattern[str] | None = None  # "users" once the abstract said "metformin users"


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
    clause: str = ""  # the clause that says it, and where in it the comparison is named
    start: int = 0
    # read from people with the outcome against people without: only a ratio (the odds of the
    # exposure in cases against controls are the odds of the outcome in the exposed against the
    # unexposed) sizes it; a difference in the exposure's measure is no size of the outcome
    ratio_only: bool = False


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
    for question, exposure, outcomes, measure in _compiled(tuple(questions), vocabulary):
        if not (passage.may_match(exposure) and exposure.search(passage.text)):
            continue
        if not any(
            passage.may_match(o.pattern) and _outcome_spans((o,), passage.text) for o in outcomes
        ):
            continue
        cases = _cases_of(abstract, exposure, outcomes)
        named, users = _exposure_as_named(abstract, exposure, cases)
        context = _Context(cases, measure, users)
        readings = [
            reading
            for sentence in abstract.sentences
            if abstract.reports(sentence)
            for reading in _read(sentence, named, outcomes, context)
        ]
        trial, arm_versus = _trial_of_exposure(abstract, exposure)
        call, chosen = _decide(readings, abstract)
        domain = chosen[0].domain if chosen else question.domains[0].name
        evidence = chosen[0].sentence.text if chosen else ""
        size = next((s for r in chosen if (s := _size_of(r))), "")
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
                outcome=_outcome_words(question, domain, call, chosen),
            )
        )
    return tuple(answers)


def _outcome_words(
    question: AssociationQuestion, domain: str, call: str, chosen: list[_Reading]
) -> str:
    """The outcome as a study line names it beside the call: the sentence's own words where they
    run the question's way ("neuropathy"); for a domain that runs the other way, which way it
    went ("worse nerve conduction": "higher with metformin (nerve conduction)" would say the
    velocity rose); else "" (the domain's title is shown)."""
    if not chosen:
        return ""
    if chosen[0].outcome or call not in ("increased", "decreased"):
        return chosen[0].outcome
    found = next((d for d in question.domains if d.name == domain), None)
    if found is None or found.polarity == question.polarity:
        return ""
    worse = (call == "increased") == (question.polarity == "lower-is-better")
    return f"{'worse' if worse else 'better'} {found.title}"


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
        size = size_in(sentence.text, chosen[0].ratio_only)
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
    sentence: Sentence,
    exposure: re.Pattern[str] | None,
    outcomes: Sequence[_Outcome],
    context: _Context | None = None,
) -> list[_Reading]:
    """What one sentence says of the outcome in the exposed: one reading per clause that names
    the outcome and sets the exposure against its absence (taken as said without `exposure`),
    or, in a clause that compares people with the outcome and people without it, the exposure
    in those with it against those without (`_read_groups`)."""
    readings = []
    clauses = _clauses(sentence.text)
    for index, clause in enumerate(clauses):
        named = exposure
        if named is not None and context is not None and context.users is not None:
            # "users" stands for the exposed only where the clause does not name the exposure
            named = named if named.search(clause) else context.users
        reading = _read_clause(sentence, clause, named, outcomes)
        if reading is None and named is not None and context is not None:
            reading = _read_groups(sentence, clause, named, outcomes, context)
        if reading is None:
            continue
        if reading.call != "no-association" and any(
            _NOT_SIGNIFICANT.search(later) and not _outcome_spans(outcomes, later)
            for later in clauses[index + 1 :]
        ):
            # "Cases had lower B12 than controls, but the difference was not significant"
            reading = replace(reading, call="no-association")
        readings.append(reading)
    return readings


def _read_clause(
    sentence: Sentence, clause: str, exposure: re.Pattern[str] | None, outcomes: Sequence[_Outcome]
) -> _Reading | None:
    contrast = "exposed" if exposure is None else _contrast(clause, exposure)
    if contrast is None:
        return None
    named = [] if exposure is None else _exposure_spans(clause, exposure)
    spans = [
        span
        for span in _outcome_spans(outcomes, clause)
        if not any(s <= span[0] and span[1] <= e for s, e in named)
        and not _coordinated(clause, span, named)
    ]
    if not spans:
        return None
    if _NONE.search(clause):
        first = spans[0]
        return _Reading(
            "no-association", first[2].domain, sentence, _named(clause, first), clause, first[0]
        )
    associated = _ASSOCIATED.search(clause)
    for index, (start, end, outcome) in enumerate(spans):
        if associated and _same_side(associated, (start, end), named):
            # "deficiency was associated with higher metformin dose and a positive
            # neuropathy screen": each goes with deficiency, not with each other
            continue
        # the effect stated for this outcome: up to the next outcome the clause names
        following = spans[index + 1][0] if index + 1 < len(spans) else len(clause)
        effect = _effect_in(clause[end:following])
        sign = _SIGN.search(clause)
        rise: bool | None
        if sign:  # "B12 was inversely correlated with the duration of metformin use"
            rise = sign.group("up") is not None
        else:
            rise = _direction_near(clause, start, end, outcome)
        if rise is None:  # "present in 30% of metformin users versus 12% of non-users"
            rise = _shares_compared(clause, named)
        if rise is None and effect is not None and effect[0] == "ratio":
            rise = effect[1]  # "a higher incidence of ... and of neuropathy (HR 1.38, ...)"
        if rise is None and associated:
            rise = True  # "metformin use is associated with B12 deficiency"
        if rise is None:
            continue
        said = _named(clause, (start, end, outcome))
        if effect is not None and effect[1] is None:
            # "slightly more common (OR 1.15, 95% CI 0.84 to 1.57)": the interval says none
            return _Reading("no-association", outcome.domain, sentence, said, clause, start)
        up = rise == outcome.same
        if contrast == "reference":
            up = not up
        call = "increased" if up else "decreased"
        return _Reading(call, outcome.domain, sentence, said, clause, start)
    return None


def _clauses(text: str) -> list[str]:
    """The clauses of a sentence, split where a clause ends outside parentheses ("(mean 262 vs
    331 pmol/L; difference -69 pmol/L)" stays with its clause)."""
    if "(" not in text or not _CLAUSES.search(text):
        return _CLAUSES.split(text)
    hidden = _PARENTHESES.sub(lambda m: "_" * len(m.group(0)), text)
    clauses, start = [], 0
    for separator in _CLAUSES.finditer(hidden):
        clauses.append(text[start : separator.start()])
        start = separator.end()
    clauses.append(text[start:])
    return clauses


def _coordinated(
    clause: str, span: tuple[int, int, _Outcome], named: list[tuple[int, int]]
) -> bool:
    """Whether the outcome and a mention of the exposure are a pair joined by "and"/"or" ("more
    B12 deficiency and more neuropathy", "of B12 deficiency (HR 2.9 ...) and of neuropathy")."""
    for start, end in named:
        first, second = sorted(((start, end), (span[0], span[1])))
        if second[0] - first[1] > 120:
            continue
        gap = _PARENTHESES.sub("", clause[first[1] : second[0]])
        if _COORDINATED.match(gap) and not _BETWEEN_BEFORE.search(
            clause[max(0, first[0] - 60) : first[0]]
        ):
            return True
    return False


def _effect_in(text: str) -> tuple[str, bool | None] | None:
    """The first ratio or difference `text` states with its confidence interval: its kind and
    whether it is above the null (True), below it (False) or its interval holds it (None)."""
    ratio, difference = _RATIO.search(text), _DIFFERENCE.search(text)
    found = min(
        (m for m in (ratio, difference) if m is not None), key=lambda m: m.start(), default=None
    )
    if found is None or found.group(4) is None or found.group(5) is None:
        return None
    null = 1.0 if found is ratio else 0.0
    low, high = sorted((float(found.group(4)), float(found.group(5))))
    kind = "ratio" if found is ratio else "difference"
    if low > null:
        return kind, True
    if high < null:
        return kind, False
    return kind, None


def _size_of(reading: _Reading) -> str:
    """The size a reading's comparison states: the first after where the clause names it, else
    the sentence's only ratio or difference (never one of two that belong to others)."""
    after = size_in(reading.clause[reading.start :], reading.ratio_only)
    if after:
        return after
    text = reading.sentence.text
    if len(_RATIO.findall(text)) + len(_DIFFERENCE.findall(text)) > 1:
        return ""
    return size_in(text, reading.ratio_only)


def _group_definitions(abstract: Abstract) -> tuple[str, str]:
    """How a case-control study's methods define its cases and its controls, as written."""
    cases: list[str] = []
    controls: list[str] = []
    for sentence in abstract.sentences:
        if abstract.reports(sentence):
            continue
        text = sentence.text
        start = 0
        for mark in _GROUP_MARK.finditer(text):
            before = text[start : mark.start()]
            before = before[max(before.rfind(";"), before.rfind(":")) + 1 :]
            (cases if mark.group("group").lower().startswith("case") else controls).append(before)
            start = mark.end()
        for were in _GROUP_WERE.finditer(text):
            if were.group("group").lower() == "cases":
                cases.append(re.split(r"\bcontrols?\b", were.group("text"), flags=I)[0])
            else:
                controls.append(were.group("text"))
    return " ".join(cases), " ".join(controls)


def _cases_of(
    abstract: Abstract, exposure: re.Pattern[str], outcomes: Sequence[_Outcome]
) -> _Cases | None:
    """What sets the cases apart, where the methods define cases: the outcome, or the exposure
    (named for the cases and not, or only denied, for the controls)."""
    if not _CASES.search(" ".join(s.text for s in abstract.sentences)):
        return None
    cases, controls = _group_definitions(abstract)
    if not cases:
        return None
    exposed = _exposure_spans(cases, exposure)
    for start, end, outcome in _outcome_spans(outcomes, cases):
        if any(s <= start and end <= e for s, e in exposed):
            continue
        rise = _direction_near(cases, start, end, outcome, levels=True)
        up = (True if rise is None else rise) == outcome.same
        return _Cases("outcome", up, _named(cases, (start, end, outcome)), outcome.domain)
    shared = any(
        not _DENIED_BEFORE.search(controls[max(0, start - 40) : start])
        for start, _ in _exposure_spans(controls, exposure)
    )
    return _Cases("exposure") if exposed and not shared else None


def _exposure_as_named(
    abstract: Abstract, exposure: re.Pattern[str], cases: _Cases | None
) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """The exposure as the results name it: also "cases" where the exposure is what makes a
    case; and, for clauses that do not name it, "users" where the abstract speaks of the
    exposure's users ("metformin users" ... "22% of users and 19% of non-users")."""
    if cases is not None and cases.kind == "exposure":
        exposure = re.compile(f"(?:{exposure.pattern})|(?:{_CASES.pattern})", exposure.flags)
    text = " ".join((abstract.title, *(s.text for s in abstract.sentences)))
    if any(_USERS_AFTER.match(text, m.end()) for m in exposure.finditer(text)):
        return exposure, _USERS
    return exposure, None


def _read_groups(
    sentence: Sentence,
    clause: str,
    exposure: re.Pattern[str],
    outcomes: Sequence[_Outcome],
    context: _Context,
) -> _Reading | None:
    """A clause that compares people with the outcome and people without it in the exposure
    ("Cases had lower B12 than controls", "those with neuropathy had lower serum cobalamin
    than those without"): the outcome goes with the exposure where the exposure is more
    present in those with the outcome."""
    groups = _outcome_groups(clause, outcomes, context.cases)
    if groups is None:
        return None
    cases, controls, up, said, domain, taken = groups
    mentions = _exposure_mentions(clause, exposure, context.measure, taken)
    if not mentions:
        return None
    first = mentions[0][0]
    if _NONE.search(clause):  # "B12 did not differ between cases and controls"
        return _Reading("no-association", domain, sentence, said, clause, first, True)
    presence: bool | None = None
    for start, end, level in mentions:
        rise = _rise_near(clause, start, end)
        if level == "low-term":
            presence = True  # "cases had lower B12"
        elif rise is not None:
            presence = not rise if level == "low" else rise
        if presence is not None:
            first = start
            break
    if presence is not None:
        mark = _REFERENCE_MARK.search(clause)
        if mark and cases[0] > mark.start() and any(c < mark.start() for c in controls):
            presence = not presence  # "controls had higher B12 than cases"
    else:  # "taken by 71% of cases compared with 48% of controls"
        presence = _shares_compared(clause, [(c, c + 1) for c in cases])
    effect = _effect_in(clause[first:])
    if presence is None and effect is not None and effect[0] == "ratio":
        presence = effect[1]
    if presence is None:
        return None
    if effect is not None and effect[1] is None:
        return _Reading("no-association", domain, sentence, said, clause, first, True)
    call = "increased" if presence == up else "decreased"
    return _Reading(call, domain, sentence, said, clause, first, True)


def _outcome_groups(
    clause: str, outcomes: Sequence[_Outcome], cases: _Cases | None
) -> tuple[list[int], list[int], bool, str, str, list[tuple[int, int]]] | None:
    """Where a clause names people with the outcome and people without it: where each group is
    named, whether those with it have more of the outcome in the question's direction, the
    outcome's words and domain, and where the clause names the outcome."""
    # the groups' words first: most clauses name neither, and the outcome's patterns cost more
    if not _GROUP_WORDS.search(clause):
        return None
    controls = [m.start() for m in _CONTROLS.finditer(clause)]
    if cases is not None and cases.kind == "outcome":
        named = [m.start() for m in _CASES.finditer(clause)]
        if named:
            taken = [(start, end) for start, end, _ in _outcome_spans(outcomes, clause)]
            return named, controls, cases.up, cases.named, cases.domain, taken
    controls += [m.start() for m in _WITHOUT.finditer(clause)]
    if not controls:
        return None
    spans = _outcome_spans(outcomes, clause)
    taken = [(start, end) for start, end, _ in spans]
    for start, end, outcome in spans:
        having = _HAVING_BEFORE.search(clause, max(0, start - 80), start)
        if having is None or any(word.lower() in _UP for word in _WORDS.findall(having.group(0))):
            continue
        rise = _direction_near(
            clause[having.start() : end],
            start - having.start(),
            end - having.start(),
            outcome,
            levels=True,
        )
        up = (True if rise is None else rise) == outcome.same
        return [start], controls, up, _named(clause, (start, end, outcome)), outcome.domain, taken
    return None


def _exposure_mentions(
    clause: str, exposure: re.Pattern[str], measure: _Measure | None, taken: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """Where a clause names the exposure, outside the outcome's words: as a term that is itself a
    level ("lower B12": `low-term`), as the measure it is one end of ("B12": `low` or `high`), or
    as a state or a use ("deficiency", "metformin": `state`)."""
    found = []
    named = _exposure_spans(clause, exposure)
    for start, end in named:
        words = clause[start:end].split()
        level = words[0].lower() if words else ""
        kind = "low-term" if level in _LOW_LEVEL else "state"
        if level in _HIGH_LEVEL:
            continue  # read as the measure, below
        found.append((start, end, kind))
    if measure is not None:
        for match in measure.pattern.finditer(clause):
            inside = any(s <= match.start() and match.end() <= e for s, e in named)
            if not inside:
                found.append((match.start(), match.end(), "low" if measure.low_end else "high"))
    return sorted(m for m in found if not any(s <= m[0] and m[1] <= e for s, e in taken))


def _rise_near(clause: str, start: int, end: int) -> bool | None:
    """Whether the nearest word of direction to a mention says more (True) or less (False)."""
    before = _WORDS.findall(clause[max(0, start - 120) : start])[-8:]
    after = _WORDS.findall(clause[end:])[:_WINDOW_AFTER]
    candidates = [(len(before) - i, word) for i, word in enumerate(before)]
    candidates += [(i + 1, word) for i, word in enumerate(after)]
    for _distance, word in sorted(candidates, key=lambda pair: pair[0]):
        if word.lower() in _UP:
            return True
        if word.lower() in _DOWN:
            return False
    return None


# Two shares or two levels set against each other: "30% of metformin users versus 12% of
# non-users", "22% of users and in 9% of those not taking it", "a mean B12 of 250 pmol/L versus
# 330 pmol/L in non-users"; a first number without its unit only just before the separator
# ("342 vs 251 pmol/L").
_UNIT = r"%|[a-zµμ]+/[a-z]+\b"
_SHARES = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s?("
    + _UNIT
    + r")?([^%;]{0,80}?)\b(?:versus|vs\.?|compared\s+with|against"
    r"|and)\s+(?:(?:only|in|among|of)\s+)*(\d+(?:\.\d+)?)\s?(" + _UNIT + r")",
    I,
)
# The unexposed named after the second number ("... 330 pmol/L in non-users").
_UNEXPOSED = re.compile(
    r"^[^;]{0,20}?\b(?:non-?users?|not\s+(?:taking|on|using|receiving)|without|controls?|those\s+not"
    r"|placebo)\b",
    I,
)


def _shares_compared(clause: str, named: list[tuple[int, int]]) -> bool | None:
    """Whether the outcome is more common (or higher) in the exposed, from two shares or levels
    set against each other with the exposed named with one of them ("30% of metformin users
    versus 12% of non-users"); None where the clause sets no two so."""
    for match in _SHARES.finditer(clause):
        first_unit, second_unit = match.group(2), match.group(5)
        if first_unit is None and match.group(3).strip():
            continue  # a number of something else ("type 2"), far from the second
        if first_unit is not None and first_unit.lower() != second_unit.lower():
            continue
        first, second = float(match.group(1)), float(match.group(4))
        if first == second:
            continue
        if any(match.start(3) <= start < match.end(3) for start, _ in named):
            return first > second
        # "in 9% of non-users compared with 6% of metformin users": the exposed second
        if any(match.end() <= start < match.end() + 40 for start, _ in named):
            return second > first
        # "metformin users had a mean B12 of 250 pmol/L versus 330 pmol/L in non-users"
        if any(match.start() - 100 <= start < match.start() for start, _ in named) and (
            _UNEXPOSED.search(clause[match.end() :])
        ):
            return first > second
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
        or bool(_SHARES.search(text))  # "in 45% of cases and 20% of controls"
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
        if (
            _POPULATION_BEFORE.search(before)
            and _POPULATION_COMMA.search(after)
            and " than " not in text
            and not _SETS_AGAINST.search(text)
        ):
            continue  # "Among metformin users, proton pump inhibitor use was associated with"
        if _BEFORE_EXPOSURE.search(before) and comparing:
            return "exposed"
    return found


def _has_comparative(text: str) -> bool:
    return any(word.lower() in _COMPARATIVE for word in _WORDS.findall(text))


def _direction_near(
    clause: str, start: int, end: int, outcome: _Outcome, levels: bool = False
) -> bool | None:
    """Whether the nearest word of direction to the outcome's name says it rose (True) or fell
    (False); "worse" and "better" rise or fall as the measure's polarity says; with `levels`, a
    level against a cut-off too ("below 148 pmol/L"). None when no such word is near."""
    before = _WORDS.findall(clause[:start])[-_WINDOW_BEFORE:]
    after = _WORDS.findall(clause[end:])[:_WINDOW_AFTER]
    candidates = [(len(before) - i, word) for i, word in enumerate(before)]
    candidates += [(i + 1, word) for i, word in enumerate(after)]
    worse_rises = outcome.polarity == "lower-is-better"
    for _distance, word in sorted(candidates, key=lambda pair: pair[0]):
        lowered = word.lower()
        if lowered in _UP or (levels and lowered in _ABOVE):
            return True
        if lowered in _DOWN or (levels and lowered in _BELOW):
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


def size_in(text: str, ratio_only: bool = False) -> str:
    """The size of the association a sentence states: a ratio with its confidence interval, a
    (mean) difference, a percentage or a fraction ("about a fifth"); "" when none (with
    `ratio_only`, a ratio or nothing)."""
    ratio = _RATIO.search(text)
    if ratio:
        name = " ".join(ratio.group(1).split())
        short = _RATIO_NAMES.get(name.lower().removeprefix("adjusted "), name)
        if name.lower().startswith("adjusted ") and short != name:
            short = "adjusted " + short
        per = " ".join(ratio.group(3).split())
        return f"{short} {ratio.group(2)}" + (f" {per}" if per else "") + _interval(ratio, 4)
    if ratio_only:
        return ""
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
