"""What a record recommends, and for whom: a guideline's, consensus's or position statement's
recommendation sentences, and the advice with which a study of another design ends ("argues
for routine measurement of B12"), read from the prepared abstract.

Generic English only: the cues of advice, of testing and of treatment. What is tested or
given, and whose use it follows, are the watch's words (`StratumDefinition.terms`), passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from litwatch.classifiers.findings.text import (
    BACKGROUND,
    CONCLUSIONS,
    METHODS,
    OTHER,
    RESULTS,
    Abstract,
    Sentence,
)
from litwatch.core.guidance import Recommendation, StratumDefinition

# Bumped when the recommendation or strata readers change, so stored classifications are redone.
GUIDANCE_VERSION = "2"
I = re.IGNORECASE
# A record that issues guidance, by what its title calls it ("a clinical practice guideline",
# "recommendations of a working group"; not "adherence to guidelines") or by what its first
# sentence says of itself ("This position statement sets out ...").
_GUIDANCE_WORDS = (
    r"(?:guidelines?|guidance|consensus(?:\s+(?:statement|report|recommendations?))?|"
    r"(?:position|joint|scientific|policy)\s+(?:statement|paper)|practice\s+(?:advisory|parameter)|"
    r"recommendations|standards?\s+of\s+(?:medical\s+)?care|"
    r"expert\s+(?:panel|committee)\s+(?:statement|report))\b(?!-)"
)
# A cheap first look: the title names one of the words at all.
_GUIDANCE_GATE = re.compile(
    r"guideline|guidance|consensus|statement|position|practice|recommendation|expert|standard", I
)
# A title part (the title's start, or after a colon or dash) that is guidance: the words open
# it, after at most five describing words and no preposition ("a clinical practice guideline
# from ...", "practical guidance", "Recommendations for ..."; not "Adherence to guidelines",
# "an audit against national guidance").
_TITLE_GUIDANCE = re.compile(
    r"^\s*(?:(?!(?:to|with|of|on|by|against|about|in|for|from|under|after|before|and|or|how|"
    r"what|why|when|whether|which|do|does|are|is)\b)"
    r"[\w'-]+\s+){0,5}?" + _GUIDANCE_WORDS,
    I,
)
_TITLE_PARTS = re.compile(r"\s*[:;.?!]\s+|\s+[-–—]\s+|\s*[:;]\s*")
_SELF_GUIDANCE = re.compile(
    r"^\s*(?:this|the\s+present|these|our)\s+(?:[\w-]+\s+){0,3}?" + _GUIDANCE_WORDS, I
)
# Advice in a guideline's voice: "the panel recommends", "we suggest against", "is
# recommended", "is discouraged", "should have their B12 checked", "It is reasonable to offer",
# "(strong recommendation)", and any sentence a guideline numbers as one ("Recommendation 2:").
_GUIDELINE_ADVICE = re.compile(
    r"\b(?:we|(?:the|this|our)\s+(?:[\w-]+\s+){0,2}?(?:panel|group|committee|task\s+force|society|"
    r"association|college|academy|authors|guidelines?|statement|consensus|document|paper|experts|"
    r"members|council|board|organi[sz]ation|federation|institute))\s+(?:strongly\s+|also\s+|"
    r"therefore\s+|(?:do|does)\s+not\s+)?(?:recommends?|suggests?|advises?|endorses?|"
    r"advocates?|proposes?|encourages?|favou?rs?)\b"
    r"|\b(?:is|are)\s+(?:not\s+|strongly\s+|also\s+)?(?:routinely\s+|generally\s+|usually\s+)?"
    r"(?:recommended|advised|suggested|indicated|"
    r"discouraged|encouraged|preferred|the\s+preferred|the\s+(?:treatment|test)\s+of\s+choice)\b"
    r"|\b(?:should|must)\s+(?:not\s+)?(?:be(?!\s+(?:aware|alert|mindful|cautious|careful|"
    r"vigilant)\b)|have|receive|undergo|advise|offer|consider|check|measure|test|screen|monitor|"
    r"give|treat|avoid|prompt|encourage|remind|lead)\b"
    r"|\b(?:can|could|may|cannot)\s+(?:not\s+)?be\s+(?:recommended|advised)\b"
    r"|\bit\s+is\s+(?:not\s+)?(?:reasonable|appropriate|advisable|prudent|sensible)\s+to\b"
    r"|\((?:strong|conditional|weak|good\s+practice)\s+recommendation\b"
    # a guideline's numbered recommendation or imperative: "Recommendation 2: Measure B12 ..."
    r"|^\s*recommendations?\s*\d+\s*[:.]"
    r"|^\s*(?:recommendations?\s*\d*\s*[:.]\s*)?(?:consider|measure|check|test|screen|monitor|"
    r"offer|give|treat|do\s+not|avoid)\s",
    I,
)
# Advice in an author's voice, at the end of a study.
_AUTHOR_ADVICE = re.compile(
    _GUIDELINE_ADVICE.pattern
    + r"|\b(?:argues?|calls?|speaks?)\s+for\b|\bwe\s+(?:recommend|advise|urge|advocate)\b"
    r"|\bsupport(?:s|ing)?\s+(?:[\w-]+\s+){0,3}?"
    r"(?:screening|testing|monitoring|measurement|supplementation|replacement)\b"
    r"|\b(?:warrants|justifies|merits)\b"
    r"|\b(?:is|are|seems?|appears?|(?:would|may|might|could)\s+be)\s+(?:\w+\s+)?(?:justified|"
    r"warranted|advisable|prudent|wise|"
    r"worth\s+considering|sensible)\b|\bworth\s+considering\b",
    I,
)
_AGAINST = re.compile(
    r"\b(?:against|(?:do|does)\s+not\s+(?:recommend|advise|suggest|endorse|support)|"
    r"not\s+(?:be\s+)?(?:routinely\s+|generally\s+|usually\s+)?(?:recommended|advised|suggested|indicated|needed|necessary|"
    r"required|reasonable|appropriate)|should\s+not|must\s+not|cannot\s+be|(?:should|must)\s+"
    r"avoid|discouraged|unnecessary|inappropriate)\b"
    r"|^\s*(?:recommendations?\s*\d*\s*[:.]\s*)?(?:do\s+not|avoid)\b",
    I,
)
# Advice for research, not for practice: "longer trials are warranted".
_RESEARCH = re.compile(
    r"\b(?:trials?|studies|study|research|investigations?|evidence|confirmation|replication)\b"
    r"[^.;]{0,40}\b(?:needed|warranted|required|should|must|recommended|advised|suggested)\b|\b(?:future|further|larger|longer)\s+"
    r"(?:\w+\s+){0,2}(?:trials?|studies|research)\b",
    I,
)
_REACH = 400  # characters around the advice that may say for whom
# A word's start (not "metformin-treated", an adjective of the people).
_TESTING = re.compile(
    r"(?<![\w-])(?:measur\w*|test\w*|check\w*|monitor\w*|screen\w*|assess\w*|determin\w*)\b", I
)
_TREATMENT = re.compile(
    r"(?<![\w-])(?:treat\w*|replac\w*|supplement\w*|correct\w*|giv\w*|prescrib\w*|administ\w*|"
    r"therap\w*|tablets?|injections?|used|first-line)\b",
    I,
)
_FREQUENCY = re.compile(
    r"\b(routine(?:ly)?|periodic(?:ally)?|regular(?:ly)?|yearly|annual(?:ly)?|every\s+[\w\s-]{1,20}?years?)\b",
    I,
)
_PEOPLE = (
    r"(?:people|patients|persons|adults|users|those|everyone|individuals|children|women|men|"
    r"anyone|all)"
)
# "in long-term users", "for people who have taken metformin", "in those found deficient": a
# preposition, up to three describing words (no other preposition), the people, their words.
_FOR_WHOM = re.compile(
    r"\b(?:in|for|among|to)\s+(?P<who>(?:(?!(?:in|for|of|with|and|or|to|on|at)\b)[\w-]+\s+){0,3}?"
    + _PEOPLE
    + r"\b[^;()]*?)(?=\s*(?:;|\(|\.(?:\s|$)|,\s*(?:because|since|as|by|unless|adding|according|"
    r"and\s+\w+ing\b)|\s+(?:because|unless|by\s+mouth)\b|$))",
    I,
)
# "Adults with symptoms of neuropathy should ...", "Adults who ..., or who ..., should be
# tested": the people named before the advice, whose description may hold commas.
_SUBJECT = re.compile(
    r"^\s*(?P<who>(?:all\s+)?(?:[\w-]+\s+){0,2}?" + _PEOPLE + r"\b[^;()]*?),?\s+(?:should|must)\b",
    I,
)
# "We recommend that all adults taking metformin have their B12 measured".
_THAT_WHO = re.compile(
    r"\b(?:recommends?|suggests?|advises?|advocates?|endorses?)\s+that\s+"
    r"(?P<who>(?:all\s+|every\s+|any\s+)?(?:[\w-]+\s+){0,3}?" + _PEOPLE + r"\b[^;,()]*?)"
    r"\s+(?:should\s+|must\s+)?(?:not\s+)?(?:have|be|undergo|receive|get|take|avoid)\b",
    I,
)
# Advice in a question or a doubt: "whether routine screening is warranted remains unclear".
_IN_DOUBT = re.compile(r"\bwhether\b[^.;]{0,60}$", I)
# A finding put as a suggestion, not advice: "we suggest that B12 may be beneficial".
_HEDGED = re.compile(
    r"^suggests?\s+that\b[^.;]{0,80}?\b(?:may|might|could|(?:is|are)\s+associated|plays?)\b", I
)
# "We recommend offering all metformin-treated adults with neuropathy a serum B12 test": the
# people as the object of the advised verb, up to what they are offered or given.
_OBJECT = re.compile(
    r"\b(?:recommends?|suggests?|advises?|advocates?|endorses?|to|should|must)\s+"
    r"(?:(?:routinely|also|always|not)\s+)?(?:\w+ing|offer|give|advise|test|screen|refer)\s+"
    r"(?P<who>(?:all\s+|every\s+|any\s+)?(?:[\w-]+\s+){0,3}?" + _PEOPLE + r"\b[^;,()]*?)"
    r"(?=\s+(?:an?|the|for|to|at|once|every|yearly|annually)\b|\s*[;,(]|\.(?:\s|$)|$)",
    I,
)


@cache
def _names(terms: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted(terms, key=len, reverse=True)
    parts = [re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else r"\b") for t in words]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + ")", I)


def issues_guidance(abstract: Abstract, design: str) -> bool:
    """Whether the record is a guideline, consensus or position statement: by its design, or
    by what its title or first sentence calls it."""
    if design == "guideline":
        return True
    if _GUIDANCE_GATE.search(abstract.title) and any(
        _TITLE_GUIDANCE.search(part) for part in _TITLE_PARTS.split(abstract.title)
    ):
        return True
    return bool(abstract.sentences and _SELF_GUIDANCE.search(abstract.sentences[0].text))


def read_recommendations(
    abstract: Abstract,
    design: str,
    strata: Sequence[StratumDefinition] = (),
    intervention: tuple[str, ...] = (),
) -> tuple[Recommendation, ...]:
    """The record's recommendations: every advising sentence of a guideline; the advice in
    another design's conclusions (its last sentence when nothing is labelled a conclusion),
    never research wishes, background or methods."""
    guideline = issues_guidance(abstract, design)
    sentences = abstract.sentences
    if guideline:
        chosen = [
            s
            for s in sentences
            if abstract.sections[s.index] != BACKGROUND or not abstract.structured
        ]
        advice = _GUIDELINE_ADVICE
    else:
        chosen = _closing(abstract)
        if not chosen and sentences and not abstract.structured:
            # an unlabelled abstract ends with its conclusion, whatever its wording suggests
            # ("why B12 should be measured" reads like a method)
            chosen = [sentences[-1]]
        advice = _AUTHOR_ADVICE
    found = []
    for sentence in chosen:
        text = sentence.text
        if not _may_advise(text):
            continue
        cue = advice.search(text)
        if cue is None or (not guideline and _RESEARCH.search(text)):
            continue
        if _IN_DOUBT.search(text[max(0, cue.start() - _REACH) : cue.start()]):
            continue
        if _HEDGED.search(text[cue.start() + cue.group(0).lower().rfind("suggest") :]):
            continue
        found.append(_recommendation(text, cue, abstract.title, guideline, strata, intervention))
    return tuple(r for r in found if r is not None)


def _closing(abstract: Abstract) -> list[Sentence]:
    """The conclusions, and any section of unknown role after the background, methods and
    results ("RECOMMENDATIONS", "PRACTICE POINTS"): where a study's authors give their advice."""
    sections = abstract.sections
    last_body = max(
        (
            s.index
            for s in abstract.sentences
            if sections[s.index] in (BACKGROUND, METHODS, RESULTS)
        ),
        default=-1,
    )
    return [
        s
        for s in abstract.sentences
        if sections[s.index] == CONCLUSIONS or (sections[s.index] == OTHER and s.index > last_body)
    ]


# Fragments every advice cue holds, and the imperatives a guideline's sentence may open with: a
# sentence with none of them is spared the patterns (most conclusions advise nothing).
_CUE_FRAGMENTS = (
    "recommend", "suggest", "advis", "should", "must", "argu", "call", "speak", "support",
    "warrant", "justif", "merit", "prudent", "worth", "sensible", "indicated", "endorse", "urge",
    "advocat", "discourag", "encourag", "preferred", "of choice", "reasonable", "appropriate",
    "propose", "favo",
)  # fmt: skip
_IMPERATIVES = ("recommendation", "consider", "measure", "check", "test", "screen", "monitor",
                "offer", "give", "treat", "do not", "avoid")  # fmt: skip


def _may_advise(text: str) -> bool:
    lowered = text.lower()
    return any(fragment in lowered for fragment in _CUE_FRAGMENTS) or lowered.lstrip().startswith(
        _IMPERATIVES
    )


def _recommendation(
    text: str,
    cue: re.Match[str],
    title: str,
    guideline: bool,
    strata: Sequence[StratumDefinition],
    intervention: tuple[str, ...],
) -> Recommendation | None:
    advised = text[cue.start() :]
    action = _action(text, cue.start())
    if action is None and intervention and _names(intervention).search(text):
        # "Oral cyanocobalamin is recommended for ...", "It is reasonable to offer
        # hydroxocobalamin to ...": advice that names what is given is about treatment
        action = "treatment"
    if action is None:
        return None
    population = _for_whom(text, cue)
    subject = users = ""
    for stratum in strata:
        names = _names(stratum.terms)
        if stratum.kind == "measure" and not subject:
            if names.search(text) or (action == "testing" and names.search(title)):
                subject = stratum.measure or stratum.title
        elif stratum.kind == "use" and not users and names.search(text):
            users = stratum.level_title("users")
    frequency = _FREQUENCY.search(text)
    return Recommendation(
        text=text,
        issuer="guideline" if guideline else "authors",
        action=action,
        population=population or users,
        # "do not support routine supplementation": the cue negated just before it
        against=bool(_AGAINST.search(advised) or _NOT_BEFORE.search(text[: cue.start()])),
        subject=subject,
        users=users,
        frequency=" ".join(frequency.group(1).lower().split()) if frequency else "",
    )


def _for_whom(text: str, cue: re.Match[str]) -> str:
    """For whom the advice is: the people named after the advice, else in its clause (up to
    the advice: "testing ... in treated patients is worth considering"), else the people the
    sentence opens with ("Adults with neuropathy should ...")."""
    # Windows around the advice keep a run-on sentence linear: "for whom" stands near it.
    found = _FOR_WHOM.search(text[cue.start() : cue.start() + _REACH])
    if found is None:
        found = _OBJECT.search(text[cue.start() : cue.start() + _REACH])
    if found is None:
        found = _THAT_WHO.search(text[cue.start() : cue.start() + _REACH])
    if found is None:
        clause_start = max(text.rfind(";", 0, cue.start()) + 1, cue.start() - _REACH)
        found = _FOR_WHOM.search(text[clause_start : cue.start()])
    if found is None:
        found = _SUBJECT.search(text[:_REACH])
    if found is None:
        return ""
    who = " ".join(found.group("who").split()).rstrip(" ,")
    # "In patients with neuropathy, clinicians should ...": the actor after the comma is not
    # among the people advised for
    return _ACTOR.sub("", who)


_NOT_BEFORE = re.compile(r"\bnot\s+$", I)
_ACTOR = re.compile(
    r",\s*(?:the\s+)?(?:clinicians|physicians|doctors|pharmacists|nurses|practitioners|"
    r"prescribers|we|providers|teams?)$",
    I,
)


def _action(text: str, start: int) -> str | None:
    """Testing or treatment: the first of their words from the advice on, else anywhere."""
    for where in (text[start:], text):
        testing, treatment = _TESTING.search(where), _TREATMENT.search(where)
        if testing and (treatment is None or testing.start() < treatment.start()):
            return "testing"
        if treatment:
            return "treatment"
    return None
