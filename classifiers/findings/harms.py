"""Harms as a trial reports them: none occurred, no difference between the arms, the events
named (with the number of people where stated), or only that the treatment was well
tolerated. Read from the results and conclusions; the words are the general words of adverse
event reporting, not a topic's."""

from __future__ import annotations

import re
from collections.abc import Sequence

from litwatch.classifiers.findings.text import Abstract
from litwatch.classifiers.text.screen import fold, may_match
from litwatch.core.findings import AdverseEvent, Finding, Harms, OutcomeDomain

I = re.IGNORECASE
# The abbreviations are read in capitals only: "AE", "TEAEs", "SAE", never the letters "ae"
# or "Sae" of another word or name.
# Whole words only: "harm" is no harm inside "pharmacokinetics" or "harmful" (but toxicity keeps
# its prefix: "nephrotoxicity").
_HARM = (
    r"(?:\b(?:adverse\s+(?:drug\s+)?(?:events?|effects?|reactions?|outcomes?)|side[\s-]effects?|"
    r"harms?|\w*toxicit(?:y|ies)|complications?)\b|(?<![\w-])(?-i:T?E?AEs?|SAEs?)(?![\w-]))"
)
_COUNT = r"(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_WHO = r"(?:participants?|patients?|people|persons|subjects|individuals|cases|adults|children)"
# Stopping treatment for a reason names the reason as a harm, with no harm word: "two
# participants withdrew because of nausea". Reasons that are no harm are left out below.
_STOPPED = (
    r"(?:(?:withdrew|withdrawn|discontinued|stopped|dropped\s+out|left\s+the\s+(?:study|trial))"
    r"(?:\s+(?:treatment|the\s+(?:study|trial)|(?:the\s+)?(?:study\s+)?(?:drug|medication)))?"
    r"\s+(?:because\s+of|due\s+to|owing\s+to)|withdrew\s+(?:with|after))\s+"
)
_NOT_A_HARM_REASON = re.compile(
    r"\b(?:personal|consent|relocat\w*|mov(?:ed|ing)|travel\w*|work|family|pregnan\w*|"
    r"protocol|complian\w*|adherence|follow-?up|logistic\w*|schedul\w*|lost|death\s+of|"
    r"lack\s+of\s+(?:efficacy|effect|benefit)|inefficacy|other|unknown|unrelated)\b",
    I,
)
_HARM_WORD = re.compile(_HARM, I)
_HARM_WORDS = re.compile(_HARM + r"|\bsafety\b|\btolera\w+", I)
# A sentence that may speak of harms: one holding a harm word, or one saying that people
# stopped treatment for a reason. Screened by the needles read off this pattern itself
# (`classifiers/text/screen.py`), the one prefilter mechanism of the readers.
_HARM_SENTENCE = re.compile(_HARM_WORDS.pattern + r"|\b" + _STOPPED, I)
_SERIOUS = re.compile(r"\b(?:serious|severe|major|grave)\b|(?<![\w-])(?-i:SAEs?)(?![\w-])", I)
_NONE = re.compile(
    r"\b(?:no|none\s+of\s+the|not\s+any)\s+(?:[\w-]+\s+){0,3}?"
    + _HARM
    + r"(?![^.;]{0,50}\b(?:differ\w*|between|compared|than|versus)\b)"
    r"|\bwithout\s+(?:any\s+)?(?:[\w-]+\s+){0,2}?"
    + _HARM
    # "no participant in either group reported an adverse event"
    + r"|\bno\s+(?:participant|patient|subject|one|person)s?\s+(?:[\w-]+\s+){0,8}?(?:had|reported|experienced|developed)\s+(?:any\s+|an?\s+)?(?:[\w-]+\s+){0,2}?"
    + _HARM
    + r"|"
    + _HARM
    + r"[^.;]{0,30}?\b(?:were|was)\s+(?:not\s+(?:observed|reported|seen|found|recorded)|absent|none)\b",
    I,
)
_ALIKE = re.compile(
    r"\b(?:similar(?:ly)?|comparable|equally|did\s+not\s+differ|no\s+(?:significant\s+|statistically\s+significant\s+)?differences?|"
    r"not\s+(?:significantly\s+)?different|no\s+more\s+(?:often|frequent\w*|common))\b",
    I,
)
_TOLERATED = re.compile(
    r"\bwell[\s-]tolerated\b|\b(?:was|were|is|are)\s+(?:safe|well\s+accepted)\b|\bgood\s+safety\b|"
    r"\bno\s+safety\s+(?:concerns?|signals?|issues?)\b",
    I,
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_NAME = r"(?P<name>[a-z][a-z\s-]{2,40}?)"
_END = r"(?=\s*[,;.()]|\s+(?:and|in|at|after|with|while|whereas|but)\b|$)"
_EVENTS = (
    # "two participants had injection-site pain", "3 patients withdrew because of nausea"
    re.compile(
        r"\b"
        + _COUNT
        + r"\s+(?:of\s+\d+\s+)?(?:\w+\s+)?"
        + _WHO
        + r"\s+(?:\w+\s+)?(?:had|reported|experienced|developed|complained\s+of|"
        + _STOPPED
        + r")\s*(?:an?\s+|mild\s+|transient\s+)*"
        + _NAME
        + _END,
        I,
    ),
    # "nausea in 3 participants", "rash occurred in two patients"
    re.compile(
        r"(?:^\s*|[,;:(]\s*|\b(?:and|with|included|including)\s+)"
        + _NAME
        + r"\s+(?:occurred\s+in\s+|was\s+reported\s+(?:by|in)\s+|in\s+)"
        + _COUNT
        + r"(?:\s+"
        + _WHO
        + r"|\s*\)|\s*%)",
        I,
    ),
    # "12 adverse events", "three serious adverse events"
    re.compile(r"\b" + _COUNT + r"\s+(?P<name>(?:serious\s+|severe\s+|mild\s+)?" + _HARM + r")", I),
)
_NOT_A_HARM = re.compile(
    r"^(?:the|a|an|of|were|was|had|and|patients?|participants?|groups?|arms?|each|both|all|"
    r"total|who|which|events?|adverse|treatment|placebo|control|mild|any)$",
    I,
)


_LEADING_JOIN = re.compile(r"^(?:(?:and|or|with|including|included|of)\s+)+", I)
# A captured "name" that is a clause or a phrase, not an event: "were observed", "as opposed".
_NOT_A_NAME = re.compile(
    r"\b(?:were|was|is|are|observed|reported|occurred|seen|noted|as|than|the|group|arm|"
    r"patients?|participants?)\b",
    I,
)


def read_harms_in(abstract: Abstract) -> Harms | None:
    """What the results and conclusions say of harms, or None when they say nothing."""
    statements: list[tuple[str, str, bool]] = []  # (statement, sentence, serious only)
    events: list[AdverseEvent] = []
    evidence = ""
    reporting = [s.text for s in abstract.sentences if abstract.reports(s)]
    # Most abstracts say nothing of harms: one screen of all their results says so.
    joined = "\n".join(reporting)
    if not may_match(_HARM_SENTENCE, fold(joined), joined):
        return None
    for text in reporting:
        if not may_match(_HARM_SENTENCE, fold(text), text) or not _HARM_SENTENCE.search(text):
            continue
        for clause in re.split(r";|\bwhereas\b|,\s+but\b", text):
            harm = _HARM_WORD.search(clause)
            # Every way of saying none occurred names a harm: without one, no need to look.
            none = _NONE.search(clause) if harm else None
            if harm and _ALIKE.search(clause) and not none:
                statements.append(("no-difference", text, False))
            elif none:
                serious = bool(_SERIOUS.search(none.group(0)))
                statements.append(("none-occurred", text, serious))
            elif _TOLERATED.search(clause):
                statements.append(("well-tolerated", text, False))
            named = _events(clause, none is not None, harm is not None)
            if named:
                events.extend(named)
                evidence = evidence or text
    if not statements and not events:
        return None
    kinds = [kind for kind, _, _ in statements]
    for kind in ("no-difference", "events-reported", "none-occurred", "well-tolerated"):
        if kind == "events-reported":
            if events:
                return Harms(kind, evidence, tuple(dict.fromkeys(events)))
            continue
        if kind in kinds:
            _, text, serious = statements[kinds.index(kind)]
            return Harms(kind, text, tuple(dict.fromkeys(events)), serious_only=serious)
    return None  # unreachable: a statement or an event was found


def _events(clause: str, denied: bool, harm_named: bool = True) -> list[AdverseEvent]:
    """The events a clause names with a count; a clause that denies harms names none. A
    clause that names no harm word (`harm_named`) has no count of harms ("12 adverse events")."""
    if denied:
        return []
    found = []
    for pattern in _EVENTS if harm_named else _EVENTS[:-1]:
        for match in pattern.finditer(clause):
            name = _LEADING_JOIN.sub("", " ".join(match.group("name").split()).strip(" -"))
            if (
                not name
                or all(_NOT_A_HARM.match(word) for word in name.split())
                or _NOT_A_NAME.search(name)
                or _NOT_A_HARM_REASON.search(name)
            ):
                continue
            count = match.group("count").lower()
            number = _NUMBER_WORDS.get(count) or (int(count) if count.isdigit() else None)
            found.append(AdverseEvent(name.lower(), number))
    return found


# How a trial's harms read as a result in the watch's harms domain: none occurred or alike
# between the arms is no difference between them; events named without a comparison, or a
# treatment only called well tolerated, say nothing of a difference.
_HARMS_DIRECTION = {
    "none-occurred": "no-difference",
    "no-difference": "no-difference",
    "events-reported": "unclear",
    "well-tolerated": "unclear",
}


def harms_finding(
    harms: Harms | None, domains: Sequence[OutcomeDomain], found: Sequence[Finding]
) -> tuple[Finding, ...]:
    """The trial's harms as its finding in the watch's harms domain (`harms = true`), where the
    findings reader read no overall result of its own there; () otherwise. Serious events
    alone are not the trial's adverse events as a whole."""
    domain = next((d for d in domains if d.harms), None)
    if harms is None or domain is None or harms.serious_only:
        return ()
    if any(f.domain == domain.name and not f.subgroup for f in found):
        return ()
    direction = _HARMS_DIRECTION.get(harms.statement, "unclear")
    effect = "no-difference" if direction == "no-difference" else "not-reported"
    return (Finding(domain.name, domain.title, effect, direction, harms.evidence, 0.8),)
