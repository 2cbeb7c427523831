"""Who a result is about: a result stated for part of the participants only ("in metformin
users", "in the lowest B12 tertile") is a subgroup result, never the trial's overall one; a
sentence saying the effect differs by a characteristic ("larger effects in the lowest B12
tertile", "regardless of baseline B12") is an effect modifier. The words are generic English:
the characteristic itself is whatever the abstract names."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from litwatch.classifiers.findings import cues
from litwatch.classifiers.findings.text import BACKGROUND, METHODS, Abstract, word_set
from litwatch.classifiers.text.passage import Passage
from litwatch.core.findings import EffectModifier

I = re.IGNORECASE
# The end of a characteristic's words: a clause break, or the comparison that follows it.
_UNTIL = r"(?=\s*[,;.()\[\]:]|\s+(?:than|compared|versus|vs|but|whereas|while|although|and\s+(?:was|were|in|among)|(?:was|were)\s)\b|$)"
_PEOPLE = (
    r"(?:those|participants|patients|people|persons|subjects|individuals|adults|women|men|"
    r"children|users|cases)"
)
# A part named outright: a subgroup, a stratum, a tertile or quartile, a threshold.
_EXPLICIT = re.compile(
    r"\b(?:in|among|within|for)\s+(?:the\s+)?(?:pre-?specified\s+)?(?:subgroups?|subsets?|strat(?:um|a))"
    r"\s+(?:of\s+|with\s+)?[^,;.()]{2,60}?"
    + _UNTIL
    + r"|\b(?:in|among|within|for)\s+(?:the\s+|those\s+in\s+the\s+)?"
    r"(?:lowest|highest|lower|upper|top|bottom|first|second|third|fourth|fifth|middle)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:tertile|quartile|quintile|decile|stratum)s?\b"
    r"(?:\s+of\s+[^,;.()]{2,40}?" + _UNTIL + r")?",
    I,
)
# A part named by who they are: "in participants with low baseline B12", "among metformin users".
# Words that count the participants rather than name a part of them: "in most participants".
_NOT_A_PART = (
    r"(?!(?:most|all|many|some|few|both|these|those|each|every|several|other|remaining|majority|"
    r"nearly|almost|over|about|\d+)\b)"
)
# A word that describes people ("older", "metformin"), not a preposition joining two phrases.
_DESCRIBING = r"(?:(?!(?:in|of|and|or|for|with|to|at|on|by|than|the|a|an)\b)[a-z0-9-]+\s+)"
# "the" with a count of the part it names: "in the 97 participants taking metformin". A count
# without "the" ("in 40 patients with neuropathy") as often gives the whole sample, so only a
# count that "the" sets apart is read as naming a part.
_THE = r"(?:the\s+(?:\d[\d,]*\s+)?)?"
_DESCRIBED = re.compile(
    r"\b(?:in|among)\s+" + _THE + _PEOPLE + r"\s+(?:who|with|whose|taking|on|using|receiving|"
    r"aged|over|under|older|younger|without|not)\b[^,;.()]{1,60}?"
    + _UNTIL
    + r"|\b(?:in|among)\s+"
    + _THE
    + _NOT_A_PART
    + _DESCRIBING
    + r"{1,2}(?:users|non-?users|takers|carriers|"
    r"smokers|non-?smokers|responders|non-?responders)\b"
    + r"|\b(?:in|among)\s+"
    + _THE
    + _NOT_A_PART
    + _DESCRIBING
    + r"{1,2}"
    + _PEOPLE
    + r"\b",
    I,
)
# Words that describe an arm of the trial rather than a part of its participants.
_AN_ARM = re.compile(
    r"treated|randomi[sz]ed|allocated|assigned|receiving|\bgiven\b|\bcontrols?\b|placebo|"
    r"intervention|\bgroups?\b|\barms?\b",
    I,
)
# Words that describe the trial's analysed sample, not a part of it: "in the 171 participants
# who completed follow-up" is the per-protocol result.
_THE_SAMPLE = re.compile(
    r"\b(?:completed|finished|completing|analy[sz]ed|evaluable|included|enrolled|followed|"
    r"per[\s-]protocol|intention[\s-]to[\s-]treat)\b",
    I,
)
# Words that make a described part a part by a threshold: "with baseline B12 below 300".
_THRESHOLD = re.compile(
    r"\b(?:baseline|below|above|under|over|less|more|lower|higher|low|high|deficien\w*|"
    r"insufficien\w*|borderline|normal|<|>|≤|≥)\b|[<>≤≥]",
    I,
)
# Words of a described part that say who, not which: they are not the part's characteristic.
_GENERIC = word_set(
    "those participants patients people persons subjects individuals adults users cases "
    "who with whose taking on using receiving the in among not without"
)
# Methods sentences that plan subgroups name the characteristics without making them the
# population: "stratified by metformin use".
_PLANS_PARTS = re.compile(
    r"\b(?:stratif\w*|subgroups?|interaction|according\s+to|by\s+baseline)\b", I
)


def population_words(abstract: Abstract, eligibility: bool = False) -> frozenset[str]:
    """The words that describe everyone in the study: the title's and those of the aims and
    methods sentences that do not plan subgroups (kept per abstract); with `eligibility`, of
    the title and the methods only, where a trial states whom it enrolled."""
    memo = "eligibility_words" if eligibility else "population_words"
    found = abstract.memo.get(memo)
    if found is None:
        sections = (METHODS,) if eligibility else (BACKGROUND, METHODS)
        parts = [abstract.title] + [
            s.text
            for s in abstract.sentences
            if abstract.sections[s.index] in sections and not _PLANS_PARTS.search(s.text)
        ]
        found = abstract.memo[memo] = word_set(" ".join(parts))
    return found


def subgroup_of(clause: str, abstract: Abstract) -> str:
    """The subgroup a result clause is stated for ("in metformin users"), or "" when it is
    about everyone: a part named outright, or by who they are where those words do not
    describe the whole population ("in metformin users" of a trial in metformin users)."""
    lowered = clause.lower()
    if (
        " in " not in lowered
        and " among " not in lowered
        and not lowered.startswith(("in ", "among ", "within ", "for "))
    ):
        return ""  # every part is named after one of these words
    explicit = _EXPLICIT.search(clause)
    if explicit:
        return _clean(explicit.group(0))
    for described in _DESCRIBED.finditer(clause):
        if _AN_ARM.search(described.group(0)) or _THE_SAMPLE.search(described.group(0)):
            continue  # "in capsule-treated patients" names an arm, not a part
        words = word_set(described.group(0)) - _GENERIC
        if words and not words <= population_words(abstract):
            return _clean(described.group(0))
        # A threshold names a part ("with baseline B12 below 300") unless it is the trial's own
        # entry criterion, which the title or the methods state ("with low-normal B12").
        if _THRESHOLD.search(described.group(0)) and not (
            words and words <= population_words(abstract, eligibility=True)
        ):
            return _clean(described.group(0))
    return ""


def _clean(words: str) -> str:
    return " ".join(words.split()).rstrip(" ,;:")


_LARGER = r"(?:larger|greater|stronger|bigger|more\s+(?:pronounced|marked)|most\s+(?:pronounced|marked)|largest|greatest|strongest|concentrated)"
_SMALLER = r"(?:smaller|weaker|lesser|less\s+(?:pronounced|marked)|smallest|weakest)"
_EFFECT = r"(?:effects?|benefits?|improvements?|reductions?|responses?|changes?|gains?|differences?|efficacy)"
_PART = r"(?P<part>[^,;.()]{3,60}?)" + _UNTIL
_MODIFIERS = (
    (
        re.compile(
            r"\b(?P<how>" + _LARGER + "|" + _SMALLER + r")\s+(?:\w+\s+){0,2}?" + _EFFECT + r"\b"
            r"[^.;]{0,40}?\b(?:in|among|for|with)\s+" + _PART,
            I,
        ),
        "",
    ),
    (
        re.compile(
            r"\b"
            + _EFFECT
            + r"\s+(?:\w+\s+){0,3}?(?:was|were|is|are|appeared|seemed)\s+(?:\w+\s+)?"
            r"(?P<how>"
            + _LARGER
            + "|"
            + _SMALLER
            + r"|concentrated|confined|limited|restricted|seen\s+only|"
            r"observed\s+only|only\s+seen|only\s+observed|present\s+only|only\s+present)\s+"
            r"(?:to|in|among|for|with)\s+" + _PART,
            I,
        ),
        "",
    ),
    (
        re.compile(
            r"\b(?:regardless|irrespective|independent(?:ly)?)\s+of\s+"
            + _PART
            + r"|\bdid\s+not\s+(?:differ|vary)\s+(?:by|with|according\s+to|across)\s+"
            + _PART.replace("part", "part2")
            + r"|\bno\s+(?:significant\s+)?(?:interaction|effect\s+modification)\s+(?:with|by|between\s+treatment\s+and)\s+"
            + _PART.replace("part", "part3"),
            I,
        ),
        "no-difference",
    ),
    (
        re.compile(
            r"\b(?:differed|varied|depended|was\s+modified|were\s+modified)\s+(?:by|with|on|according\s+to|across)\s+"
            + _PART
            + r"|\b(?:significant\s+)?interaction\s+between\s+(?:the\s+)?(?:treatment|intervention|\w+)\s+and\s+"
            + _PART.replace("part", "part2"),
            I,
        ),
        "differs",
    ),
)


# A word every modifier pattern's match holds: the patterns are tried only on a sentence
# that has one (most have none).
_MODIFIER_WORD = re.compile(
    r"\b(?:larger|greater|stronger|bigger|pronounced|marked|largest|greatest|strongest|smaller|"
    r"weaker|lesser|smallest|weakest|concentrated|confined|limited|restricted|regardless|irrespective|"
    r"independent(?:ly)?|did\s+not\s+(?:differ|vary)|interaction|differed|varied|depended|"
    r"modified|modification)\b",
    I,
)
_MODIFIER_GATE = word_set(
    "larger greater stronger bigger pronounced marked largest greatest strongest smaller weaker "
    "lesser smallest weakest concentrated confined limited restricted regardless irrespective independent "
    "independently differ vary interaction differed varied depended modified modification"
)
_LEADING_PREPOSITION = re.compile(r"^(?:in|among|within|for)\s+", I)
_EFFECT_WORD = re.compile(r"\b" + _EFFECT + r"\b|\bbenefit\w*", I)
_PLANNED = re.compile(
    r"\b(?:will|would|powered|planned|designed\s+to|aims?\s+to|to\s+be\s+tested)\b", I
)


def effect_modifiers_in(
    abstract: Abstract,
    domain_of: Sequence[tuple[str, Callable[[str], object]]] = (),
    prepared: Passage | None = None,
) -> tuple[EffectModifier, ...]:
    """The effect modifiers the results and conclusions state; `domain_of` gives each domain's
    name and a search for its wordings, to say which outcome a modifier speaks of. `prepared`,
    the record's title and abstract as the attribute readers prepared them, rules out a record
    whose whole text holds no modifier word before any sentence's words are read."""
    found: list[EffectModifier] = []
    if (
        prepared is not None
        and prepared.cut_from is None
        and not prepared.may_match(_MODIFIER_WORD)
    ):
        return ()
    for sentence in abstract.sentences:
        if not abstract.reports(sentence):
            continue
        text = sentence.text
        if _MODIFIER_GATE.isdisjoint(sentence.words) or not _MODIFIER_WORD.search(text):
            continue
        if _PLANNED.search(text):
            continue  # a protocol's plan is no finding
        for pattern, fixed in _MODIFIERS:
            match = pattern.search(text)
            if match is None:
                continue
            part = next((match.group(g) for g in ("part", "part2", "part3") if _has(match, g)), "")
            if fixed == "no-difference" and not _EFFECT_WORD.search(text):
                continue  # "regardless of whether they received it" speaks of no effect
            if not fixed:
                # "greater improvements in conduction velocity among older participants": the
                # part of the participants, not the outcome, is the characteristic.
                named = _EXPLICIT.search(text, match.start()) or _DESCRIBED.search(
                    text, match.start()
                )
                if named is None:
                    # "greater improvement in pain compared with placebo" is the result
                    # itself: a modifier names a part of the participants.
                    continue
                part = _LEADING_PREPOSITION.sub("", named.group(0))
            modification = fixed or _how(match.group("how"))
            # "a significant interaction" differs; "the interaction was not significant" says
            # it does not.
            if (
                fixed == "differs"
                and "interaction" in match.group(0).lower()
                and cues.NO_DIFFERENCE.search(text[match.start() :])
            ):
                modification = "no-difference"
            domain = next(
                (name for name, names in domain_of if names(text)),
                "",
            )
            found.append(EffectModifier(_clean(part), modification, text, domain))
            break
    return tuple(found)


def _has(match: re.Match[str], group: str) -> bool:
    return group in match.re.groupindex and match.group(group) is not None


def _how(word: str) -> str:
    lowered = word.lower()
    if re.match(_LARGER, lowered) or lowered == "concentrated":
        return "larger"
    if re.match(_SMALLER, lowered):
        return "smaller"
    return "only"


# "The benefit was concentrated in ..., with little effect in ...": a sentence whose subject is
# the effect just reported, stated part by part.
_THE_EFFECT = re.compile(
    r"^\s*(?:the|this|that|its|their|any)\s+(?:\w+\s+)?(?:benefits?|effects?|improvements?|"
    r"reductions?|differences?|responses?|gains?)\b",
    I,
)
# How a part's clause speaks of the effect: where it lay, or where there was little or none.
_WHERE_IT_LAY = re.compile(
    r"\b(?:concentrated|confined|limited|restricted|largest|greatest|larger|greater|stronger|"
    r"mainly|mostly|largely|chiefly|predominantly|only|seen|observed|present)\b",
    I,
)
_LITTLE_OR_NONE = re.compile(
    r"\b(?:little|no|minimal|negligible|small|smaller|weaker|absent|none|not)\b", I
)
_PART_BREAK = re.compile(r",\s+(?:with|whereas|while|but)\b|;\s+|\s+(?:whereas|but)\s+", I)
_OF_WHAT = re.compile(r"\s+of\s+[^,;.()]+$", I)
_RANKED_PART = re.compile(r"\b(?:tertile|quartile|quintile|decile|stratum|strata)s?$", I)


def parts_of_the_effect(text: str, abstract: Abstract) -> list[tuple[str, bool]]:
    """For a sentence whose subject is the effect just reported, each part of the participants
    it names with whether the effect lay there (True) or was little or none (False); [] for
    any other sentence. A ranked part without its measure ("the middle and upper tertiles")
    takes the measure another part of the sentence names ("of baseline B12")."""
    if not _THE_EFFECT.search(text) or _PLANNED.search(text):
        return []
    found: list[tuple[str, bool]] = []
    start = 0
    clauses = []
    depth_free = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text)
    for match in _PART_BREAK.finditer(depth_free):
        clauses.append(text[start : match.start()])
        start = match.end()
    clauses.append(text[start:])
    for clause in clauses:
        part = subgroup_of(" " + clause, abstract)
        if not part:
            continue
        plain = clause[: clause.lower().find(part.lower()[:12])] if part else clause
        if _LITTLE_OR_NONE.search(plain):
            found.append((part, False))
        elif _WHERE_IT_LAY.search(plain):
            found.append((part, True))
    measures = [m.group(0) for part, _ in found if (m := _OF_WHAT.search(part))]
    if measures:
        found = [
            (part + measures[0] if _RANKED_PART.search(part) else part, lay) for part, lay in found
        ]
    return found
