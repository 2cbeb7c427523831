"""The arms reader: each group of a trial and what it got (form, route, dose, schedule, or which
control), the comparisons the arms make, and a head-to-head trial's results per outcome domain,
naming the better arm (DESIGN.md, "Arm").

The forms are the watch's and the routes generic (readers/vocab.py: `TreatmentWords`); what counts
as the intervention is the watch's own list of its names, and the outcome domains are the watch's: no topic word here.
The words below are the ones trials use for allocation, controls and comparisons of any topic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from litwatch.classifiers.findings import cues
from litwatch.classifiers.findings.text import Abstract
from litwatch.classifiers.readers.dose import find_doses
from litwatch.classifiers.readers.terms import compile_terms, term_pattern
from litwatch.classifiers.readers.vocab import TreatmentWords, treatment_words
from litwatch.classifiers.text.passage import Passage
from litwatch.core.classification import HEAD_TO_HEAD, Arm, ArmResult, Arms, Comparison
from litwatch.core.findings import Finding, OutcomeDomain

# Bumped whenever the reader changes what it finds, so stored classifications are read again.
# 4: each result says whether its words report a statistical test (ArmResult.tested); "whereas"
# splits clauses; two doses of one form and route compare no forms; "with placebo" and "effects
# of" say the intervention is given.
ARMS_VERSION = "4"

# A sentence that allocates people to arms, and where its list of arms starts.
_ALLOCATION = re.compile(
    r"\b(?:randomi[sz]\w*|randomly\s+(?:assigned|allocated|divided|split)|allocated|assigned)\b"
    r"[^.;]{0,160}?\b(?:to|between|into|receiv\w*)\b",
    re.IGNORECASE,
)
# The words that set one arm against another, where a list has no commas to count on.
_STRONG_BREAK = re.compile(
    r"\b(?:or|versus|vs\.?|compared\s+(?:with|to)|against)(?!\w)", re.IGNORECASE
)
# A title or sentence that sets arms against each other without allocating ("X versus Y").
_VERSUS = re.compile(r"\b(?:versus|vs\.?|compared\s+(?:with|to))(?!\w)", re.IGNORECASE)
# A one-arm study: what its people took.
_GIVEN = re.compile(
    r"\b(?:took|received|were\s+given|was\s+given|were\s+treated\s+with|treated\s+with"
    r"|were\s+supplemented\s+with|supplemented\s+with)\b",
    re.IGNORECASE,
)
# Trials still to be done, or a review's search, allocate nobody.
_NOT_THIS_TRIAL = re.compile(
    r"\b(?:we\s+searched|searched|trials\s+(?:of|that|which)|should\s+be|are\s+needed"
    r"|is\s+needed|future)\b",
    re.IGNORECASE,
)
# What ends one arm and starts the next in a list of arms.
_ARM_BREAK = re.compile(
    r"(?:,|;|\bor\b|\bversus\b|\bvs\.?(?!\w)|\bcompared\s+(?:with|to)\b|\bagainst\b"
    r"|\bwith\s+or\s+without\b|\band\s+(?=to\b)|\bto\b)",
    re.IGNORECASE,
)
_CONTROLS = (
    (
        "placebo",
        re.compile(
            r"\b(?:placebo|sham|dummy\s+tablets?|vehicle|(?:normal\s+)?saline)\b", re.IGNORECASE
        ),
    ),
    (
        "usual-care",
        re.compile(
            r"\b(?:usual|standard|routine|conventional)\s+(?:care|treatment|therapy|management)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "no-treatment",
        re.compile(
            r"\bno\s+(?:treatment|supplement\w*|intervention|therapy)\b|\buntreated\b"
            r"|\bwait(?:ing)?[\s-]?list\b",
            re.IGNORECASE,
        ),
    ),
)
# "a B-complex tablet containing thiamine, pyridoxine and cyanocobalamin": ingredients, not arms.
_INGREDIENT_BEFORE = re.compile(r"\b(?:containing|contains|including)\b[^.;]{0,60}$", re.IGNORECASE)
# B12 + X against X: the words that add a treatment to the intervention, and "X alone".
_ADD_ON = re.compile(
    r"\b(?:plus|added\s+to|in\s+addition\s+to|on\s+top\s+of|combined\s+with|together\s+with)\s+"
    r"(?P<other>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)",
    re.IGNORECASE,
)
_ADDED_BEFORE = re.compile(
    r"(?P<other>[a-z][\w-]*)\s+(?:plus|combined\s+with|together\s+with|with|and|\+)\s*$",
    re.IGNORECASE,
)
_ALONE = re.compile(r"\balone\b|\bonly\b", re.IGNORECASE)
_FILLER = re.compile(
    r"^(?:[\s(),]+|(?:receive|receiving|either|the|a|an|one|of|group|arm|groups|arms|with"
    r"|matching|identical|to|or|and|as)\b)*",
    re.IGNORECASE,
)
_REGION_END = re.compile(
    r"\b(?:stratified|followed|who|which|whereas|until|and\s+(?:measured|assessed))\b|;",
    re.IGNORECASE,
)
# Where a list of arms ends: what follows is the trial's length, strata or follow-up.
_LIST_END = re.compile(
    r"\(\s*n\s*=|\bfor\s+(?:\d|one|two|three|four|six|eight|twelve)|\b(?:stratified|followed"
    r"|who|which|where|until)\b|\bin\s+a\b|[;:]|\.(?!\d)",
    re.IGNORECASE,
)
_SCHEDULE = re.compile(
    r"\b(?:daily|weekly|monthly|fortnightly|twice\s+(?:a\s+)?(?:day|daily|weekly)"
    r"|(?:once|twice|three\s+times|\d+\s+times)\s+(?:a|per)\s+(?:day|week|month)"
    r"|every\s+(?:other\s+)?(?:\w+\s+)?(?:days?|weeks?|months?)|a\s+day|per\s+day|a\s+week)\b"
    r"|/\s*(?:day|d|week|wk|month)\b",
    re.IGNORECASE,
)
# An injection names a parenteral route without saying which.
_INJECTED = re.compile(r"\binject(?:ed|ions?|able)\b|\bparenteral\w*\b", re.IGNORECASE)
_PARENTERAL = ("intramuscular", "subcutaneous", "intravenous")


@dataclass(frozen=True)
class _Mention:
    kind: str  # form | route | control | intervention
    value: str
    start: int
    end: int


def read_arms(
    text: str | Passage,
    intervention: re.Pattern[str] | None,
    domains: Sequence[OutcomeDomain] = (),
    findings: Sequence[Finding] = (),
    abstract: Abstract | None = None,
    treatment: TreatmentWords | None = None,
) -> Arms:
    """The arms of the trial `text` reports, their comparisons, the head-to-head results per
    domain, and whether the intervention (`intervention`: the watch's names of it) is tested;
    `findings` (the findings reader's) say which outcomes the result sentences speak of, and
    `abstract` (the same reader's) which sentences are results or conclusions; `treatment` holds
    the watch's forms (without it, none is read)."""
    passage = Passage.of(text)
    treatment = treatment or treatment_words()
    named = intervention is not None and passage.may_match(intervention)
    if not named and not treatment.read_forms(passage):
        return Arms()  # no arm can get what the text never names
    found = _allocation(passage, intervention, treatment)
    if found is None:
        return Arms(tests_intervention=_names_given_intervention(passage, intervention))
    sentence, start, arms = found
    arms = _single_route_filled(arms, passage, treatment)
    if not any(arm.intervention for arm in arms):
        # arms allocated, none given the intervention: a trial of something else
        return Arms(arms=arms, comparisons=(), evidence=sentence)
    comparisons = _comparisons(arms)
    results: tuple[ArmResult, ...] = ()
    if any(c.head_to_head for c in comparisons) and domains:
        results = head_to_head_results(
            passage,
            arms,
            domains,
            after=start,
            findings=findings,
            abstract=abstract,
            treatment=treatment,
        )
    return Arms(
        arms=arms,
        comparisons=comparisons,
        head_to_head_results=results,
        tests_intervention=True,
        evidence=sentence,
    )


def intervention_pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    """The watch's names of its intervention as one case-free pattern (None for no names)."""
    names = [name for name in names if name.strip()]
    return compile_terms(names) if names else None


def _allocation(
    passage: Passage, intervention: re.Pattern[str] | None, treatment: TreatmentWords
) -> tuple[str, int, tuple[Arm, ...]] | None:
    """The first sentence that lists the trial's arms, where it starts, and the arms; a
    sentence that allocates comes first, then one that sets arms against each other (often the
    title), then one that says what a single group took."""
    text = passage.text
    candidates: list[tuple[int, int, int]] = []  # (rank, start, where the arms start)
    for start, end in passage.sentences:
        sentence = text[start:end]
        allocation = _ALLOCATION.search(sentence)
        if allocation:
            found = (0, start, start + allocation.end())
        elif _VERSUS.search(sentence):
            found = (1, start, start)
        elif given := _GIVEN.search(sentence):
            found = (2, start, start + given.end())
        else:
            continue
        if not _NOT_THIS_TRIAL.search(sentence):
            candidates.append(found)
    for rank, start, arms_from in sorted(candidates):
        end = next(e for s, e in passage.sentences if s == start)
        list_end = _REGION_END.search(text, arms_from, end)
        list_to = list_end.start() if list_end else end
        arms = _arms_in(text, arms_from, list_to, intervention, treatment)
        wanted = 1 if rank == 2 else 2
        if len(arms) >= wanted and any(arm.intervention for arm in arms):
            return text[start:end].strip(), start, arms
        if rank == 0 and len(arms) >= 2:
            # arms allocated, none of them the watch's intervention: a trial of something else
            return text[start:end].strip(), start, arms
    return None


def _mentions(
    text: str,
    start: int,
    end: int,
    intervention: re.Pattern[str] | None,
    treatment: TreatmentWords,
):
    piece = text[start:end]
    mentions = []
    for name, span in treatment.form_mentions(piece):
        if not _INGREDIENT_BEFORE.search(piece[max(0, span.start - 80) : span.start]):
            mentions.append(_Mention("form", name, start + span.start, start + span.end))
    for name, span in treatment.route_mentions(piece):
        mentions.append(_Mention("route", name, start + span.start, start + span.end))
    for match in _INJECTED.finditer(piece):
        mentions.append(_Mention("route", "injected", start + match.start(), start + match.end()))
    for control, pattern in _CONTROLS:
        for match in pattern.finditer(piece):
            mentions.append(
                _Mention("control", control, start + match.start(), start + match.end())
            )
    if intervention is not None:
        for match in intervention.finditer(piece):
            if _measured(piece, match.start(), match.end()):
                continue  # "lowered X", "serum X", "X levels": a measure, not what an arm got
            if not _INGREDIENT_BEFORE.search(piece[max(0, match.start() - 80) : match.start()]):
                at = (start + match.start(), start + match.end())
                mentions.append(_Mention("intervention", match.group(0), *at))
    mentions.sort(key=lambda m: (m.start, -m.end))
    # A form's name is also an intervention name: keep one mention per stretch of text.
    kept: list[_Mention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            if kept[-1].kind == "intervention" and mention.kind == "form":
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept


# The intervention's name as a measure rather than what an arm got: after a word of level or
# change ("serum", "lowered", "low"), or before one ("levels", "status", "deficiency").
_MEASURE_BEFORE = re.compile(
    r"\b(?:serum|plasma|circulating|blood|low|lower|higher|high|normal|raised|lowered|reduced|"
    r"increased|decreased|rose|fell|depleted|deficient|measured|measuring|status\s+of)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_MEASURE_AFTER = re.compile(
    r"^\s*(?:levels?|concentrations?|status|deficiency|insufficiency|depletion|values?|"
    r"was\s+(?:lower|higher|reduced|increased|measured)|were\s+(?:lower|higher|measured))\b",
    re.IGNORECASE,
)


def _measured(piece: str, start: int, end: int) -> bool:
    """Whether the intervention's name at [start, end) names a measure of it, not a treatment."""
    return bool(
        _MEASURE_BEFORE.search(piece[max(0, start - 40) : start])
        or _MEASURE_AFTER.search(piece[end : end + 40])
    )


def _arms_in(
    text: str,
    start: int,
    end: int,
    intervention: re.Pattern[str] | None,
    treatment: TreatmentWords,
) -> tuple[Arm, ...]:
    """The arms listed in text[start:end]: a new arm starts at a control, or where a form or
    route comes that the arm being read already has, after a word that ends an arm."""
    groups: list[list[_Mention]] = []
    for mention in _mentions(text, start, end, intervention, treatment):
        current = groups[-1] if groups else None
        if current is None:
            groups.append([mention])
            continue
        previous = current[-1]
        between = text[previous.end : mention.start]
        broken = bool(_ARM_BREAK.search(between))
        kinds = {m.kind: m.value for m in current}
        if mention.kind == "control" or "control" in kinds:
            # "saline by injection" is one arm; "placebo or B12" two
            starts_new = broken or mention.kind in ("form", "intervention")
            starts_new = starts_new or (
                mention.kind == "control" and mention.value != kinds.get("control")
            )
        elif mention.kind == "route" and _same_route(kinds.get("route"), mention.value):
            starts_new = broken
        elif mention.kind in ("form", "route"):
            starts_new = mention.kind in kinds and (broken or kinds[mention.kind] != mention.value)
        else:
            starts_new = broken and ("form" in kinds or "route" in kinds or "intervention" in kinds)
        if starts_new:
            groups.append([mention])
        else:
            current.append(mention)
    # Each arm's words run from the word that ends the arm before it ("... three times a week
    # or") to the next such word: "1500 µg by mouth daily" is the second arm's, dose and all.
    starts = [groups[0][0].start] if groups else []
    starts += [
        _after_last_break(text, before[-1].end, group[0].start)
        for before, group in itertools.pairwise(groups)
    ]
    bounds = [*starts, end]
    doses = find_doses(text[start:end])
    arms = []
    for index, group in enumerate(groups):
        words_start, words_end = bounds[index], bounds[index + 1]
        # "methylcobalamin plus gabapentin or gabapentin alone": an arm of another treatment
        # follows, that names no form, route or control.
        other = ""
        gap = text[group[-1].end : words_end]
        breaks = list(_STRONG_BREAK.finditer(gap))
        if breaks:
            other = _other_treatment(gap[breaks[-1].end() :])
            if other:
                words_end = group[-1].end + breaks[-1].start()
        words = _trim(text[words_start:words_end])
        values = {m.kind: m.value for m in group}
        routes = [m.value for m in group if m.kind == "route" and m.value != "injected"]
        if routes:
            values["route"] = routes[0]
        if "control" in values:
            arms.append(Arm(words=words, intervention=False, control=values["control"]))
            continue
        in_arm = [
            d
            for d in doses
            if words_start <= start + d.span.start < words_end and d.amount_ug is not None
        ]
        schedule = _SCHEDULE.search(words)
        add_on = _ADD_ON.search(words)
        arms.append(
            Arm(
                words=words,
                intervention=True,
                formulation=values.get("form"),
                route=values.get("route"),
                daily_dose_ug=in_arm[0].ug_per_day if in_arm else None,
                schedule=_schedule_words(schedule.group(0)) if schedule else "",
                add_on=add_on["other"].lower() if add_on else "",
                dose_ug=in_arm[0].amount_ug if in_arm else None,
            )
        )
        if other:
            arms.append(Arm(words=other, intervention=False, control="active"))
    return _with_other_treatments(text, start, end, tuple(arms), intervention)


def _after_last_break(text: str, start: int, end: int) -> int:
    """Where the next arm's words start in text[start:end], the stretch between two arms'
    mentions: after the last word there that ends an arm, or at its end when there is none."""
    breaks = list(_ARM_BREAK.finditer(text, start, end))
    return breaks[-1].end() if breaks else end


def _with_other_treatments(
    text: str, start: int, end: int, arms: tuple[Arm, ...], intervention: re.Pattern[str] | None
) -> tuple[Arm, ...]:
    """An arm of another treatment (what is listed before or after the intervention's arms, that
    names neither a form, a route, a control nor the intervention) becomes an active control;
    "X alone" after "B12 plus X" makes the trial an add-on one."""
    if not arms:
        return arms
    first = text.find(arms[0].words, start, end)
    lead = text[start:first] if first > start else ""
    result = list(arms)
    # "pregabalin alone or pregabalin combined with methylcobalamin": the first intervention arm
    # got the drug besides it, and what is listed before is the drug alone.
    added = _ADDED_BEFORE.search(lead)
    if added and result[0].intervention and not result[0].add_on:
        result[0] = replace(result[0], add_on=added["other"].lower())
        lead = lead[: added.start()]
    other = _other_treatment(lead)
    if other:
        result.insert(0, Arm(words=other, intervention=False, control="active"))
    # An intervention arm is one that names the intervention or a form of it, or only a route
    # where another arm names it ("hydroxocobalamin 1 mg subcutaneously or intramuscularly").
    named = [arm.intervention and _names_intervention(arm, intervention) for arm in result]
    checked = []
    for arm, names in zip(result, named, strict=True):
        by_route = arm.intervention and arm.route is not None and any(named)
        if arm.intervention and not (names or by_route):
            arm = replace(arm, intervention=False, control="active")
        checked.append(arm)
    return _shared_filled(tuple(checked))


def _names_intervention(arm: Arm, intervention: re.Pattern[str] | None) -> bool:
    if arm.formulation:
        return True
    words = arm.words[: len(arm.words) - len(arm.add_on)] if arm.add_on else arm.words
    return bool(intervention is not None and intervention.search(words))


# Words around a list of arms that name no treatment: "three groups: group A received ...".
_NOT_A_TREATMENT = re.compile(
    r"\b(?:alone|only|either|receive[ds]?|receiving|take|taking|matching|identical|groups?|arms?"
    r"|into|following|one|two|three|four|five|six|[A-D]|first|second|third|intervention"
    r"|experimental|treatment|observation|study)\b",
    re.IGNORECASE,
)


# A structured abstract's heading before the words ("CONCLUSIONS: Compared with ..."): no arm.
_SECTION_LABEL = re.compile(r"^\s*[A-Z][A-Z /&-]{2,}:\s*")


def _other_treatment(piece: str) -> str:
    """The words of a treatment listed in `piece` ("metformin 850 mg three times a day"), or ""
    where it names nothing but a schedule or filler ("weekly", "either")."""
    words = _SECTION_LABEL.sub("", _trim(piece))
    named = _SCHEDULE.sub(" ", words)
    named = _NOT_A_TREATMENT.sub(" ", named)
    if not re.search(r"[a-zA-Z]{4,}", named) or len(words) > 60:
        return ""
    return words


def _trim(words: str) -> str:
    words = _FILLER.sub("", words)
    end = _LIST_END.search(words)
    if end and end.start() > 0:
        words = words[: end.start()]
    words = re.sub(r"(?:[\s,;(]+|\b(?:or|and|versus|vs|to)\b\.?)*$", "", words)
    return words.strip(" ,;()")


def _single_route_filled(
    arms: tuple[Arm, ...], passage: Passage, treatment: TreatmentWords
) -> tuple[Arm, ...]:
    """Intervention arms whose list names no route take the one route the whole text names
    ("oral methylcobalamin" in the aims, "randomized to methylcobalamin or placebo" after)."""
    given = [arm for arm in arms if arm.intervention]
    if not given or any(arm.route for arm in given):
        return arms
    routes = treatment.read_routes(passage)
    if len(routes) != 1:
        return arms
    route = next(iter(routes))
    return tuple(replace(arm, route=route) if arm.intervention else arm for arm in arms)


_SCHEDULE_WORDS = {
    "day": "daily",
    "d": "daily",
    "week": "weekly",
    "wk": "weekly",
    "month": "monthly",
}


def _schedule_words(written: str) -> str:
    """ "/day", "a day" and "per day" read "daily"; other schedules as written."""
    written = " ".join(written.lower().split())
    unit = re.fullmatch(r"(?:/\s*|a\s+|per\s+)(day|d|week|wk|month)", written)
    return _SCHEDULE_WORDS[unit.group(1)] if unit else written


def _same_route(route: str | None, other: str) -> bool:
    """ "intramuscular injection": an injection and a parenteral route name one route."""
    if route is None:
        return False
    pair = {route, other}
    return len(pair) == 1 or ("injected" in pair and bool(pair & set(_PARENTERAL)))


def _shared_filled(arms: tuple[Arm, ...]) -> tuple[Arm, ...]:
    """What the list says once for every intervention arm ("hydroxocobalamin 1 mg
    subcutaneously or intramuscularly, weekly"): a form or dose named in one arm only, where
    no other arm names another, is every arm's."""
    given = [arm for arm in arms if arm.intervention]
    forms = {arm.formulation for arm in given if arm.formulation}
    doses = {(arm.daily_dose_ug, arm.dose_ug) for arm in given if arm.daily_dose_ug is not None}
    schedules = {arm.schedule for arm in given if arm.schedule}
    filled = []
    for arm in arms:
        if arm.intervention:
            if arm.formulation is None and len(forms) == 1:
                arm = replace(arm, formulation=next(iter(forms)))
            if arm.daily_dose_ug is None and len(doses) == 1:
                daily, dose = next(iter(doses))
                arm = replace(arm, daily_dose_ug=daily, dose_ug=dose)
            if not arm.schedule and len(schedules) == 1:
                arm = replace(arm, schedule=next(iter(schedules)))
        filled.append(arm)
    return tuple(filled)


def _comparisons(arms: tuple[Arm, ...]) -> tuple[Comparison, ...]:
    """Every intervention arm against every control arm, and the intervention arms against
    each other: two arms the trial lists apart, both given the intervention (with the same
    add-on), compare one way of giving it with another, head to head, also where the words
    that tell them apart ("sublingual", "swallowed whole") are no form or route of the
    vocabulary."""
    given = [index for index, arm in enumerate(arms) if arm.intervention]
    controls = [index for index, arm in enumerate(arms) if not arm.intervention]
    comparisons = []
    for i in given:
        for j in controls:
            comparisons.append(Comparison(_controlled_kind(arms[i], arms[j]), (i, j)))
    for position, i in enumerate(given):
        for j in given[position + 1 :]:
            one, other = arms[i], arms[j]
            if one.add_on == other.add_on and (_given(one) != _given(other)):
                if _dose_only(one, other):
                    continue  # two doses of one form and route: no form or route compared
                comparisons.append(Comparison(HEAD_TO_HEAD, (i, j)))
    return tuple(comparisons)


def _dose_only(one: Arm, other: Arm) -> bool:
    """Whether two intervention arms differ only by how much is given ("methylcobalamin 500 µg
    daily" against "methylcobalamin 1500 µg daily"): the same form and route, and the same
    words once amounts are left out."""
    if one.formulation != other.formulation or one.route != other.route:
        return False
    return _without_amounts(one.words) == _without_amounts(other.words)


def _without_amounts(words: str) -> str:
    return " ".join(w for w in re.findall(r"[a-zµ]+", words.lower()) if w not in _AMOUNT_WORDS)


_AMOUNT_WORDS = frozenset(("mg", "µg", "mcg", "ug", "g", "iu", "dose", "doses", "high", "low"))


def _given(arm: Arm) -> tuple:
    """What an intervention arm got: its form, route, dose and schedule, and its own words."""
    words = " ".join(re.findall(r"\w+", arm.words.lower()))
    return (arm.formulation, arm.route, arm.daily_dose_ug, arm.schedule, words)


def _controlled_kind(given: Arm, control: Arm) -> str:
    if given.add_on and (
        given.add_on.split()[0] in control.words.lower() or _ALONE.search(control.words)
    ):
        return "add-on"
    return {
        "placebo": "placebo-controlled",
        "usual-care": "usual-care-controlled",
        "no-treatment": "untreated-controlled",
    }.get(control.control or "", "active-controlled")


# ("comparing vitamin B12 with placebo", "the effects of vitamin B12": what is set against a
# placebo, or has effects, is given.)
_GIVEN_INTERVENTION = re.compile(
    r"\b(?:supplement\w*|treat\w*|therap\w*|inject\w*|tablets?|capsules?|given|received"
    r"|took|administ\w*|replacement|trials?\s+of|dose\w*|placebo|effects?\s+of)\b",
    re.IGNORECASE,
)


def _names_given_intervention(passage: Passage, intervention: re.Pattern[str] | None) -> bool:
    """Whether the text speaks of the intervention as something given ("B12 supplements",
    "trials of B12", "treated with methylcobalamin"), not only measured."""
    if intervention is None or not passage.may_match(intervention):
        return False
    text = passage.text
    for match in intervention.finditer(text):
        near = text[max(0, match.start() - 40) : match.end() + 40]
        if _GIVEN_INTERVENTION.search(near) and not _only_measured(near):
            return True
    return False


_MEASURED = re.compile(
    r"\b(?:levels?|concentrations?|status|deficien\w*|measure\w*|screen\w*|lower\w*|testing)\b",
    re.IGNORECASE,
)


def _only_measured(near: str) -> bool:
    return bool(_MEASURED.search(near)) and not re.search(
        r"\b(?:supplement\w*|inject\w*|tablets?|capsules?|trials?\s+of|replacement|therap\w*)\b",
        near,
        re.IGNORECASE,
    )


# ---------------------------------------------------------------------------------------------
# Head-to-head results: per outcome domain, no difference or which arm did better.

_METHODS = re.compile(
    r"\b(?:primary\s+(?:end\s*point|outcome)\s+(?:was|is|will)|secondary\s+outcomes?\s+(?:were|was)"
    r"|outcomes?\s+(?:were|was|included|will)|we\s+(?:measured|assessed|will)|were\s+measured"
    r"|were\s+assessed|to\s+compare|we\s+compared|aim\w*|objective|randomi[sz]ed\s+to)\b",
    re.IGNORECASE,
)
# Where a sentence's results part: "; ", "..., but ...", "..., while ... similar".
_CLAUSE_BREAK = re.compile(
    r";|,?\s+\bwhile\b(?=[^.;]{0,200}?\b(?:similar|differ)\w*)|,?\s+\bbut\b\s+(?!not\b)"
    r"|,?\s+\bwhereas\b"
)
# "the two routes", "neither route", "each other": a denial that speaks of the arms, not of
# the control a sentence also names.
_BETWEEN_ARMS = re.compile(
    r"\b(?:routes|forms|formulations|regimens|arms|preparations|both|between|neither|each\s+other"
    r"|the\s+other)\b",
    re.IGNORECASE,
)
# A comparative and the arm it is said of: "rose more with injections", "fell most in the oral
# arm", "higher after injections", "greater improvement with oral".
_COMPARED_AT = re.compile(
    r"\b(?P<word>more|most|greater|greatest|larger|largest|bigger|faster|higher|highest|less"
    r"|least|smaller|smallest|fewer|slower|lower|lowest|better|best|worse|worst|superior"
    r"|inferior)\b[^.;]{0,40}?\b(?:with|in|on|after|among|for|by|using)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# A comparative between two arms: "injections ... higher than tablets", "oral was superior to".
_COMPARED_BETWEEN = re.compile(
    r"\b(?P<word>more|greater|larger|bigger|faster|higher|less|smaller|fewer|slower|lower"
    r"|better|worse)\b[^.;]{0,60}?\bthan\b|\b(?P<to>superior|inferior)\s+to\b"
    r"|\b(?P<beat>outperform\w*)\b",
    re.IGNORECASE,
)
# "the advantage of intramuscular over oral": the arm named next did better.
_ADVANTAGE = re.compile(r"\b(?:advantage|benefit|superiority)\s+of\b[^.;]{0,25}$", re.IGNORECASE)
_BETTER_WORDS = {"better": 1, "best": 1, "superior": 1, "worse": -1, "worst": -1, "inferior": -1}
_LEVEL_WORDS = {"higher": 1, "highest": 1, "lower": -1, "lowest": -1}
_MORE_WORDS = frozenset(("more", "most", "greater", "greatest", "larger", "largest", "bigger"))
_MORE_WORDS |= {"faster"}
# The change a comparative measures: an improvement, a rise or a fall.
_IMPROVED = re.compile(
    r"\b(?:improv\w*|benefit\w*|reliev\w*|eased|effective|recover\w*|normali[sz]\w*)\b",
    re.IGNORECASE,
)
_ROSE = re.compile(r"\b(?:rose|ris(?:e|es|ing)|increas\w*|rais\w*|gain\w*)\b", re.IGNORECASE)
_FELL = re.compile(
    r"\b(?:fell|fall\w*|decreas\w*|reduc\w*|dropp?\w*|declin\w*|lowered)\b", re.IGNORECASE
)


def head_to_head_results(
    text: str | Passage,
    arms: Sequence[Arm],
    domains: Sequence[OutcomeDomain],
    *,
    after: int = 0,
    findings: Sequence[Finding] = (),
    abstract: Abstract | None = None,
    treatment: TreatmentWords | None = None,
) -> tuple[ArmResult, ...]:
    """Per outcome domain, what the results say of the intervention arms against each other.
    The results are the sentences the findings reader's `abstract` places in the results or
    conclusions (from their headings, or their wording and place); a sentence it does not hold
    (or without one) is a result when it comes after the arms were read and reads like no
    methods. A sentence speaks of the outcomes it names, of those the findings reader read in
    it (`findings`: its vocabulary and the abstract's abbreviations), or, naming none ("the two
    regimens did not differ"), of those of the sentence before it."""
    passage = Passage.of(text)
    text = passage.text
    treatment = treatment or treatment_words()
    patterns = [(domain, *_domain_patterns(domain)) for domain in domains]
    read_in: dict[str, list[str]] = {}
    for finding in findings:
        read_in.setdefault(_plain(finding.evidence), []).append(finding.domain)
    reporting = (
        {_plain(s.text): abstract.reports(s) for s in abstract.sentences} if abstract else {}
    )
    # Each sentence's section: a sentence naming no outcome speaks of the sentence before it
    # only within one section; the conclusions open a new thought ("...and neither route
    # relieved them better" is not about the harms the last result sentence named).
    section_of = (
        {_plain(s.text): abstract.sections[s.index] for s in abstract.sentences} if abstract else {}
    )
    calls: dict[str, list[ArmResult]] = {}
    previous: list[str] = []
    previous_section = None
    spans = list(passage.sentences)
    for at, (start, end) in enumerate(spans):
        sentence = _SECTION_LABEL.sub("", text[start:end].strip())
        reports = reporting.get(_plain(sentence))
        if reports is None:
            reports = start > after and not _METHODS.search(sentence)
        if not reports:
            previous = []
            continue
        section = section_of.get(_plain(sentence))
        if section != previous_section:
            previous = []
        previous_section = section
        named = [d.name for d, own, _ in patterns if own.search(sentence)]
        sentence_domains = list(dict.fromkeys(named + read_in.get(_plain(sentence), [])))
        clauses = [c for c in _CLAUSE_BREAK.split(sentence) if c.strip()]
        for clause in clauses:
            clause_domains = [d.name for d, own, _ in patterns if own.search(clause)]
            for domain in clause_domains or sentence_domains or previous:
                polarity = _polarity_in(clause, domain, patterns)
                call = _clause_call(clause, arms, polarity, treatment)
                if call is not None:
                    kind, better = call
                    tested = _tested(sentence, text, spans[at + 1 : at + 2])
                    calls.setdefault(domain, []).append(
                        ArmResult(domain, kind, sentence, better, tested)
                    )
        previous = sentence_domains
    return tuple(_domain_call(domain, found) for domain, found in calls.items())


def _tested(sentence: str, text: str, following: Sequence[tuple[int, int]]) -> bool:
    """Whether the sentence, or the one right after it ("The difference was significant."),
    reports a statistical test."""
    return cues.reports_a_test(sentence) or any(
        cues.reports_a_test(text[start:end]) for start, end in following
    )


def _plain(sentence: str) -> str:
    return " ".join(_SECTION_LABEL.sub("", sentence.strip()).split())


def _polarity_in(
    clause: str, domain: str, patterns: Sequence[tuple[OutcomeDomain, re.Pattern, re.Pattern]]
) -> str:
    """The domain's polarity, or that of its term the clause names where the term carries its
    own ("methylmalonic acid": lower is better in a domain where higher is)."""
    for found, own, flipped in patterns:
        if found.name == domain:
            if flipped.search(clause) and not own.search(flipped.sub(" ", clause)):
                return _FLIPPED[found.polarity]
            return found.polarity
    return "higher-is-better"


_FLIPPED = {"higher-is-better": "lower-is-better", "lower-is-better": "higher-is-better"}


def _domain_call(domain: str, found: list[ArmResult]) -> ArmResult:
    """One domain's call: the arm that did better where the results name one (and no other),
    else no difference, else unclear."""
    better = {r.better for r in found if r.call == "favours-one-form"}
    if len(better) == 1:
        # tested where any of the results that say so is ("... (p = 0.02)" in the results,
        # restated in the conclusions)
        first = next(r for r in found if r.call == "favours-one-form")
        return replace(first, tested=any(r.tested for r in found if r.better == first.better))
    if len(better) > 1:
        return ArmResult(domain, "unclear", found[0].evidence, tested=found[0].tested)
    return next((r for r in found if r.call == "no-difference"), found[0])


def _clause_call(
    clause: str, arms: Sequence[Arm], polarity: str, treatment: TreatmentWords
) -> tuple[str, int | None] | None:
    """("favours-one-form", the better arm) or ("no-difference", None), or None when the clause
    compares no arms with each other. A clause that also names a control compares the arms
    only where it says so outright: a denial about the arms ("neither route"), or one arm
    against another with "than"."""
    named = _arm_mentions(clause, arms, treatment)
    controlled = _names_control(clause)
    if alike_between(clause, [at for _, at in named]) and (
        not controlled or _BETWEEN_ARMS.search(clause)
    ):
        return ("no-difference", None)
    if not named:
        return None
    better = _better_named(clause, named, arms, polarity, controlled)
    return ("favours-one-form", better) if better is not None else None


def alike_between(clause: str, arm_positions: Sequence[int] = ()) -> bool:
    """Whether the clause says the arms did alike: the findings reader's words for no
    difference (cues.NO_DIFFERENCE, cues.BETWEEN_DENIED), where a denial is not of one arm
    ("injections but not tablets improved"); "in both groups" alone is a change within each."""
    for pattern in (cues.BETWEEN_DENIED, cues.NO_DIFFERENCE):
        for match in pattern.finditer(clause):
            if not any(match.start() <= at < match.end() for at in arm_positions):
                return True
    return False


def _names_control(clause: str) -> bool:
    return any(p.search(clause) for _, p in _CONTROLS) or bool(_CONTROL_GROUP.search(clause))


def _better_named(
    clause: str,
    named: Sequence[tuple[int, int]],
    arms: Sequence[Arm],
    polarity: str,
    controlled: bool,
) -> int | None:
    """The arm the clause says did better: after "the advantage of"; the one a comparative is
    said of ("fell most with injections"; with a control named, only set against another arm
    with "than"); or the first of two arms a comparative sets apart ("A ... higher than B")."""
    for place, (index, at) in enumerate(named):
        if _ADVANTAGE.search(clause[max(0, at - 30) : at]):
            return index
        compared = _COMPARED_AT.search(clause[max(0, at - 60) : at])
        if not compared:
            continue
        rest = clause[at:]
        others = [i for i, later in named[place + 1 :] if i != index]
        against = others[0] if others and re.search(r"\bthan\b", rest) else None
        if controlled and against is None:
            continue  # "fell by 2.1 points more with hydroxocobalamin" than with placebo
        sign = _better_sign(compared["word"], clause, polarity)
        return _pick(index, against, sign, arms)
    for (index, at), (other, other_at) in itertools.pairwise(named):
        if other == index:
            continue
        between = _COMPARED_BETWEEN.search(clause[at:other_at])
        if between is None:
            continue
        if between["to"]:
            sign = 1 if between["to"].lower() == "superior" else -1
        elif between["beat"]:
            sign = 1
        else:
            sign = _better_sign(between["word"], clause, polarity)
        return _pick(index, other, sign, arms)
    return None


def _better_sign(word: str, clause: str, polarity: str) -> int:
    """+1 when the comparative `word` says its arm did better, -1 worse: "more" of an
    improvement is better, more of a fall is lower, and lower is better where lower is."""
    word = word.lower()
    if word in _BETTER_WORDS:
        return _BETTER_WORDS[word]
    if word in _LEVEL_WORDS:
        level = _LEVEL_WORDS[word]
    else:
        amount = 1 if word in _MORE_WORDS else -1
        if _IMPROVED.search(clause):
            return amount
        level = -amount if _FELL.search(clause) and not _ROSE.search(clause) else amount
    return level if polarity == "higher-is-better" else -level


def _pick(index: int, against: int | None, sign: int, arms: Sequence[Arm]) -> int | None:
    """The better of `index` and `against` (the other intervention arm when only two)."""
    if sign > 0:
        return index
    if against is None:
        given = [i for i, arm in enumerate(arms) if arm.intervention and i != index]
        against = given[0] if len(given) == 1 else None
    return against


def _arm_mentions(
    clause: str, arms: Sequence[Arm], treatment: TreatmentWords
) -> list[tuple[int, int]]:
    """(arm index, position) of each intervention arm the clause names unambiguously by its
    form or route, in text order."""
    given = [(i, arm) for i, arm in enumerate(arms) if arm.intervention]
    found = []
    mentions = [("form", name, span.start) for name, span in treatment.form_mentions(clause)]
    mentions += [("route", name, span.start) for name, span in treatment.route_mentions(clause)]
    mentions += [("route", "injected", m.start()) for m in _INJECTED.finditer(clause)]
    for kind, name, at in sorted(mentions, key=lambda m: m[2]):
        matching = [i for i, arm in given if _arm_has(arm, kind, name)]
        if len(matching) == 1:
            found.append((matching[0], at))
        elif kind == "form" and len(matching) > 1:
            # "oral mecobalamin" after "intramuscular mecobalamin": the route nearby decides.
            continue
    found += _named_by_own_words(clause, given, treatment)
    # A route and its form next to each other name one arm once.
    deduplicated: list[tuple[int, int]] = []
    for index, at in sorted(found, key=lambda mention: mention[1]):
        if deduplicated and deduplicated[-1][0] == index and at - deduplicated[-1][1] < 30:
            continue
        deduplicated.append((index, at))
    return deduplicated


def _named_by_own_words(
    clause: str, given: Sequence[tuple[int, Arm]], treatment: TreatmentWords
) -> list[tuple[int, int]]:
    """Arms of one form and route ("as a sublingual tablet", "as a tablet swallowed whole") are
    named by the words only one of them has."""
    found = []
    for index, arm in given:
        twins = [
            other
            for j, other in given
            if j != index and (other.formulation, other.route) == (arm.formulation, arm.route)
        ]
        if not twins:
            continue
        theirs = set().union(*(_telling_words(t.words, treatment) for t in twins))
        own = _telling_words(arm.words, treatment) - theirs
        for word in own:
            for match in re.finditer(rf"\b{re.escape(word)}\b", clause, re.IGNORECASE):
                found.append((index, match.start()))
    return found


def _telling_words(words: str, treatment: TreatmentWords) -> set[str]:
    """The words of an arm that may tell it from another: no form, route, schedule, dose or
    word of allocation."""
    plain = _SCHEDULE.sub(" ", words)
    for _, span in [*treatment.form_mentions(plain), *treatment.route_mentions(plain)]:
        plain = plain[: span.start] + " " * (span.end - span.start) + plain[span.end :]
    plain = _NOT_A_TREATMENT.sub(" ", plain)
    return {word.lower() for word in re.findall(r"[^\W\d_]{4,}", plain)}


def _arm_has(arm: Arm, kind: str, name: str) -> bool:
    if kind == "form":
        return arm.formulation == name
    if name == "injected":
        return arm.route in _PARENTERAL or arm.route == "injected"
    return arm.route == name


def _domain_patterns(domain: OutcomeDomain) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A domain's terms as one pattern, and those whose polarity is not the domain's as
    another; a short term written in capitals matches in capitals."""
    parts, flipped = [], []
    for term in domain.terms:
        written = term.text.strip()
        if not written:
            continue
        regex = term_pattern(written)
        if written.isupper() and len(written) <= 5:
            regex = f"(?-i:{regex})"
        parts.append(f"(?:{regex})")
        if domain.polarity_of(term) != domain.polarity:
            flipped.append(f"(?:{regex})")
    return (
        re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE),
        re.compile("|".join(flipped) or r"(?!x)x", re.IGNORECASE),
    )


_CONTROL_GROUP = re.compile(r"\bcontrols?\b|\bcontrol\s+group", re.IGNORECASE)


def not_against_control(
    arms: Arms, findings: Sequence[Finding], treatment: TreatmentWords | None = None
) -> tuple[str, ...]:
    """The domains of `findings` (the findings reader's) whose evidence compares the
    intervention arms with each other and names no control: in a trial that has both kinds of
    comparison, such a result is the head-to-head one and says nothing against the control."""
    if not (arms.controlled and arms.head_to_head):
        return ()
    own = [arm for arm in arms.arms]
    excluded = []
    for finding in findings:
        evidence = finding.evidence
        if any(p.search(evidence) for _, p in _CONTROLS) or _CONTROL_GROUP.search(evidence):
            continue
        named = {index for index, _ in _arm_mentions(evidence, own, treatment or treatment_words())}
        if len(named) >= 2 or alike_between(evidence) and _BETWEEN_ARMS.search(evidence):
            excluded.append(finding.domain)
    return tuple(dict.fromkeys(excluded))
