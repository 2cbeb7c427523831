"""Evidence statements: what the classified records say, outcome domain by domain and question by
question, in sentences a clinician would write ("Pain: 4 of 5 RCTs (640 participants) favour B12;
1 finds no difference.").

Pure and deterministic: each statement is computed from the studies passed in, keeps the
studies behind every number, and reads the same every time. The summary shows the statements;
the digest shows which ones a run moved (`statement_changes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace

from litwatch.core.associations import Association
from litwatch.core.classification import Classification
from litwatch.core.digest import EvidenceChange
from litwatch.core.records import Record
from litwatch.core.words import first_upper
from litwatch.outputs.strata import stratum_populations
from litwatch.outputs.watch import Population, Question, WatchInfo

REVIEW_DESIGNS = ("meta-analysis", "systematic-review")
TRIAL_DESIGN = "rct"
# Primary studies whose findings count, apart from RCTs, as "other studies".
OTHER_PRIMARY = ("non-randomized-trial", "cohort", "case-control", "cross-sectional")

FAVOURS = "favours-intervention"
NO_DIFFERENCE = "no-difference"
AGAINST = "favours-comparator"
UNCLEAR = "unclear"
# A head-to-head study's call when one arm did better than another.
ONE_FORM = "favours-one-form"
# The calls that state a difference between arms.
DIFFERENCES = (FAVOURS, AGAINST, ONE_FORM)


def backed_by_a_test(direction: str, tested: bool) -> bool:
    """False for a call that states a difference its sentence reports without a statistical
    test; a call of no difference or unclear states none to test."""
    return tested or direction not in DIFFERENCES


@dataclass(frozen=True)
class StudyFinding:
    """One study's result in one outcome domain, as the findings reader gave it; `better`
    names the arm that did better in a head-to-head result (its call then ONE_FORM)."""

    domain: str
    outcome: str
    direction: str  # favours-intervention | no-difference | favours-comparator | unclear
    evidence: str
    better: str = ""
    subgroup: str | None = None  # a result for part of the participants only
    tested: bool = True  # False: the sentence states it without a statistical test


@dataclass(frozen=True)
class Study:
    """What the statements need of one classified record."""

    pmid: str
    title: str
    year: int | None
    design: str
    participants: int | None = None
    follow_up_weeks: float | None = None
    # the names of the watch's populations the study is in (Population: an attribute is true)
    populations: frozenset[str] = frozenset()
    head_to_head: bool = False
    findings: tuple[StudyFinding, ...] = ()
    # Whether the study tests the watch's intervention at all: a trial of metformin that
    # measures B12 says nothing about whether B12 helps.
    tests_intervention: bool = True
    # Whether it compares the intervention with a control: a multi-arm trial (injected vs oral
    # vs placebo) does that and compares arms head to head, each with its own results.
    controlled: bool | None = None  # None: whenever it is not head-to-head
    head_to_head_findings: tuple[StudyFinding, ...] = ()
    arms: tuple[str, ...] = ()  # what each arm got, in the abstract's order
    included_studies: int | None = None  # for a review: the studies it pooled
    comparisons: tuple[str, ...] = ()  # the kinds of comparison its arms make
    # field -> (reviewer, needs re-check): the calls a reviewer checked (core/review.py)
    checked: tuple[tuple[str, str, bool], ...] = ()
    associations: tuple[Association, ...] = ()  # its answers to association questions
    # what its arms got besides the intervention, where a form of the watch's gives it with
    # other actives ("other B vitamins (B-complex)"); "" for the intervention alone
    combination: str = ""

    @property
    def against_control(self) -> bool:
        return (not self.head_to_head) if self.controlled is None else self.controlled

    def head_to_head_results(self) -> tuple[StudyFinding, ...]:
        """Its head-to-head results; a study read before arms were (no arm results) keeps its
        findings, a result for the intervention crediting one form or route."""
        if self.head_to_head_findings or not self.head_to_head:
            return self.head_to_head_findings
        return tuple(
            replace(f, direction=ONE_FORM if f.direction == FAVOURS else f.direction)
            for f in self.findings
        )


@dataclass(frozen=True)
class StudyVerdict:
    """One study's overall direction for a statement, with the sentence that says so."""

    pmid: str
    title: str
    year: int | None
    design: str
    participants: int | None
    follow_up_weeks: float | None
    direction: str
    outcomes: tuple[str, ...]
    evidence: str
    # the arm that did better, for a head-to-head study that favours one (summary.json's name)
    better_arm: str = ""
    # per domain in the statement: (domain, call, better arm, evidence), for the JSON and the
    # words "intramuscular methylcobalamin better for nerve conduction; no difference in pain"
    per_domain: tuple[tuple[str, str, str, str], ...] = ()
    subgroup: str | None = None
    included_studies: int | None = None
    checked_by: str = ""  # who checked every call the verdict rests on; "" when machine-read
    needs_recheck: bool = False  # the text changed since: the reviewer's value stands
    size: str = ""  # for an association: its size where stated ("19% lower")
    combination: str = ""  # what it gave besides the intervention (Study.combination)
    # the difference its direction states is reported without a statistical test ("fell more
    # with B12 than with placebo"): every result it rests on is words only
    untested: bool = False
    # the domains of per_domain whose difference is so reported
    untested_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tally:
    """How many studies of one kind point which way, and how many people they enrolled."""

    favour: int = 0
    no_difference: int = 0
    against: int = 0
    unclear: int = 0
    participants: int = 0
    meta_analyses: int = 0  # of the studies counted, how many are meta-analyses
    included: int = 0  # of reviews: the studies they pooled, where each says

    @property
    def total(self) -> int:
        return self.favour + self.no_difference + self.against + self.unclear

    @property
    def decided(self) -> int:
        """The studies with a clear result: all but the unclear ones."""
        return self.favour + self.no_difference + self.against


@dataclass(frozen=True)
class EvidenceStatement:
    """One claim of the summary with its numbers and the studies behind them."""

    key: str
    title: str
    text: str
    rcts: Tally
    reviews: Tally
    other: Tally
    studies: tuple[StudyVerdict, ...]
    populations: tuple[str, ...] = ()  # a line per watch population: "In {label}: ..."
    favoured: str = ""  # what "favours" names: the intervention, or "one form or route"
    comparison: str = "controlled"  # or "head-to-head"
    population: str = "all"  # or the one watch population it counts
    question: str | None = None  # the question's name, for a question's statement
    domain: str | None = None  # the domain's name, for a domain's statement
    # (population, its line, its studies) for each population line
    within: tuple[tuple[str, str, tuple[StudyVerdict, ...]], ...] = ()
    # A head-to-head question's RCTs outcome by outcome (title, tally), where they say
    # different things: "B12 status markers: 1 of 2 RCTs favours one form or route; ..."
    by_outcome: tuple[tuple[str, Tally], ...] = ()
    # (design group, sentences) on the counted studies whose difference is reported without a
    # statistical test ("Both RCTs report their difference without a statistical test.") and
    # those that gave the intervention with other actives ("1 of these 2 RCTs gave B12 with
    # other B vitamins (B-complex), ..."); in the text each follows its group's clause, and
    # the bottom line carries the RCTs' one
    notes: tuple[tuple[str, str], ...] = ()

    def outcome_lines(self) -> tuple[str, ...]:
        """ "B12 status markers: 1 of 2 RCTs favours one form or route; 1 finds no difference" """
        wording = self.favoured or "the intervention"
        return tuple(
            f"{title}: {_trial_clause(tally, 'RCT', 'RCTs', wording)}"
            for title, tally in self.by_outcome
        )

    @property
    def pmids(self) -> tuple[str, ...]:
        return tuple(study.pmid for study in self.studies)

    @property
    def has_evidence(self) -> bool:
        return bool(self.studies)

    @property
    def checked_line(self) -> str:
        """ "3 of 4 checked": how many of its studies a reviewer checked."""
        checked = sum(1 for study in self.studies if study.checked_by)
        return f"{checked} of {len(self.studies)} checked" if self.studies else ""

    @property
    def verdict(self) -> str:
        """The direction of the RCT evidence in one word: benefit, mixed, none, unclear, too few."""
        return rct_verdict(self.rcts)


def study_of(
    record: Record,
    classification: Classification | None,
    populations: Sequence[Population] = (),
    combinations: Mapping[str, str] | None = None,
) -> Study:
    """What the statements read of one classified record, with the watch's `populations` it is
    in and what its arms got besides the intervention, by the watch's `combinations` (form
    name -> "other B vitamins (B-complex)")."""
    if classification is None:
        return Study(record.pmid, record.title, record.publication_year, "other")
    attributes = classification.attributes
    arms = classification.arms
    findings = tuple(
        StudyFinding(
            f.domain,
            f.outcome,
            f.direction,
            f.evidence,
            subgroup=f.subgroup or None,
            tested=f.tested,
        )
        for f in classification.findings
    )
    common = Study(
        pmid=record.pmid,
        title=record.title,
        year=record.publication_year,
        design=classification.design.label,
        participants=attributes.n_participants,
        follow_up_weeks=attributes.follow_up_weeks,
        populations=frozenset(p.name for p in populations if attributes.in_population(p.name)),
        tests_intervention=classification.tests_intervention,
        findings=findings,
        checked=tuple(
            (name, mark.reviewer, mark.needs_recheck)
            for name, mark in classification.checked.items()
        ),
        associations=classification.associations,
        combination=combination_of(classification, combinations or {}),
    )
    if arms is None:  # stored before arms were read
        return replace(common, head_to_head=attributes.comparator == "head-to-head")
    apart = set(arms.not_controlled)
    read = {result.domain for result in arms.head_to_head_results}
    head_to_head = [
        StudyFinding(
            r.domain,
            r.domain,
            r.call,
            r.evidence,
            better=arms.arm_name(r.better),
            tested=r.tested,
        )
        for r in arms.head_to_head_results
    ]
    if arms.head_to_head:
        # What the findings reader said of the arms against each other, where the arms reader
        # read nothing: "no difference" holds; a difference without the better arm is unclear.
        head_to_head += [
            replace(f, direction=NO_DIFFERENCE if f.direction == NO_DIFFERENCE else UNCLEAR)
            for f in findings
            if f.domain not in read and (f.domain in apart or not arms.controlled)
        ]
    return replace(
        common,
        head_to_head=arms.head_to_head,
        controlled=arms.controlled or not arms.head_to_head,
        findings=tuple(f for f in findings if f.domain not in apart),
        head_to_head_findings=tuple(head_to_head),
        arms=tuple(arm.treatment for arm in arms.arms),
        included_studies=arms.included_studies,
        participants=common.participants or arms.pooled_participants,
        comparisons=tuple(dict.fromkeys(c.kind for c in arms.comparisons)),
    )


def combination_of(classification: Classification, combinations: Mapping[str, str]) -> str:
    """What the trial's intervention arms got besides the intervention, by the watch's
    `combinations` (form name -> "other B vitamins (B-complex)"); "" for the intervention
    alone. Only the forms its arms got: a form named anywhere in the abstract ("B-complex
    products are sold widely") is not what the trial gave."""
    arms = classification.arms.arms if classification.arms else ()
    given = [arm.formulation or "" for arm in arms if arm.intervention]
    return " or ".join(dict.fromkeys(combinations[form] for form in given if form in combinations))


def outcome_calls(study: Study) -> list[tuple[str, str, str, bool]]:
    """What the study found for all its participants, outcome domain by domain, as its
    statements count it: (domain, direction, better arm, whether a test is reported). Several
    results in one domain give one call, and a head-to-head trial's call names the arm that did
    better; a call is untested where it states a difference and every result saying so is in
    words only."""
    calls = []
    readings = []
    if study.against_control:
        readings.append((study.findings, False))
    if study.head_to_head:
        readings.append((study.head_to_head_results(), True))
    for results, head_to_head in readings:
        by_domain: dict[str, list[StudyFinding]] = {}
        for finding in results:
            if not finding.subgroup:
                by_domain.setdefault(finding.domain, []).append(finding)
        for domain, own in by_domain.items():
            if head_to_head:
                direction, better = _head_to_head_direction(own)
            else:
                direction, better = _study_direction(own), ""
            saying = [f for f in own if f.direction == direction and f.better == better]
            tested = any(f.tested for f in saying)
            calls.append((domain, direction, better, backed_by_a_test(direction, tested)))
    return calls


def _head_to_head_direction(findings: Sequence[StudyFinding]) -> tuple[str, str]:
    """A head-to-head study's call over its results in a statement's domains, with the better
    arm: one arm better (and no other) favours it; two arms each better somewhere is unclear;
    otherwise no difference where one is stated."""
    better = {finding.better for finding in findings if finding.direction == ONE_FORM}
    if len(better) == 1:
        return ONE_FORM, next(iter(better))
    if len(better) > 1:
        return UNCLEAR, ""
    if any(finding.direction == NO_DIFFERENCE for finding in findings):
        return NO_DIFFERENCE, ""
    return UNCLEAR, ""


def _study_direction(findings: Sequence[StudyFinding]) -> str:
    """A study's direction over its findings in a statement's domains: any significant result
    for the intervention without one against it favours it; one against without one for it
    favours the comparator; significant results both ways are unclear."""
    directions = {finding.direction for finding in findings}
    if FAVOURS in directions and AGAINST in directions:
        return UNCLEAR
    if FAVOURS in directions:
        return FAVOURS
    if AGAINST in directions:
        return AGAINST
    if NO_DIFFERENCE in directions:
        return NO_DIFFERENCE
    return UNCLEAR


def _tally(verdicts: Iterable[StudyVerdict]) -> Tally:
    counts = {FAVOURS: 0, NO_DIFFERENCE: 0, AGAINST: 0, UNCLEAR: 0}
    verdicts = [
        replace(v, direction=FAVOURS if v.direction == ONE_FORM else v.direction) for v in verdicts
    ]
    participants = meta_analyses = included = 0
    for verdict in verdicts:
        counts[verdict.direction] += 1
        participants += verdict.participants or 0
        meta_analyses += verdict.design == "meta-analysis"
        included += verdict.included_studies or 0
    return Tally(
        counts[FAVOURS],
        counts[NO_DIFFERENCE],
        counts[AGAINST],
        counts[UNCLEAR],
        participants,
        meta_analyses,
        included,
    )


def rct_verdict(rcts: Tally) -> str:
    """benefit | no-benefit | mixed | unclear | too-few, from the RCT tally alone."""
    decided = rcts.decided
    if decided < 2:
        return "too-few"
    if rcts.favour * 3 >= decided * 2:
        return "benefit"
    if (rcts.no_difference + rcts.against) * 3 >= decided * 2:
        return "no-benefit"
    return "mixed"


def _trial_clause(tally: Tally, kind_one: str, kind_many: str, intervention: str) -> str:
    """ "4 of 5 RCTs (640 participants) favour B12; 1 finds no difference" """
    people = f" ({tally.participants:,} participants)" if tally.participants else ""
    ways = [
        (tally.favour, f"favours {intervention}", f"favour {intervention}"),
        (tally.no_difference, "finds no difference", "find no difference"),
        (tally.against, "favours the comparator", "favour the comparator"),
        (tally.unclear, "is unclear", "are unclear"),
    ]
    present = [(count, one, many) for count, one, many in ways if count]
    first_count, first_one, first_many = present[0]
    if tally.total == 1:
        return f"1 {kind_one}{people} {first_one}"
    if first_count == tally.total:
        every = "both" if tally.total == 2 else f"all {tally.total}"
        return f"{every} {kind_many}{people} {first_many}"
    parts = [
        f"{first_count} of {tally.total} {kind_many}{people} {first_one if first_count == 1 else first_many}"
    ]
    parts += [f"{count} {one if count == 1 else many}" for count, one, many in present[1:]]
    return "; ".join(parts)


def _lower_first(title: str) -> str:
    """ "Symptoms and pain" -> "symptoms and pain", but "B12 status" stays as written."""
    first = title.split(" ", 1)[0]
    if sum(char.isupper() or char.isdigit() for char in first) > 1:
        return title
    return title[:1].lower() + title[1:]


def review_kind(reviews: Tally) -> tuple[str, str]:
    """How to name the reviews of a tally: meta-analyses, systematic reviews, or both; one
    review that says how many studies it pooled says so ("meta-analysis of 12 trials")."""
    pooled = f" of {reviews.included} trials" if reviews.total == 1 and reviews.included else ""
    if reviews.meta_analyses == reviews.total:
        return f"meta-analysis{pooled}", "meta-analyses"
    if reviews.meta_analyses == 0:
        return f"systematic review{pooled}", "systematic reviews"
    return "review", "reviews (meta-analyses and systematic reviews)"


def _sentence(
    title: str,
    rcts: Tally,
    reviews: Tally,
    other: Tally,
    intervention: str,
    notes: Mapping[str, str] | None = None,
) -> str:
    """The statement's text; `notes` (design group -> sentence) follow the clause of their
    group ("rct", "other")."""
    notes = notes or {}
    clauses = []
    if rcts.total:
        clauses.append(_trial_clause(rcts, "RCT", "RCTs", intervention) + _note(notes, "rct"))
    if reviews.total:
        clauses.append(_trial_clause(reviews, *review_kind(reviews), intervention))
    if other.total:
        other_clause = _trial_clause(other, "other study", "other studies", intervention)
        clauses.append(other_clause + _note(notes, "other"))
    if not clauses:
        return f"{title}: no study in the summary reports this yet."
    text = ". ".join(clause if i == 0 else first_upper(clause) for i, clause in enumerate(clauses))
    return f"{title}: {text}."


def _note(notes: Mapping[str, str], group: str) -> str:
    """ ". 1 of these 2 RCTs gave ...", its own full stop left to the clause's."""
    return f". {notes[group].removesuffix('.')}" if group in notes else ""


def _by_weight(verdict: StudyVerdict) -> tuple:
    """Larger, then longer, then newer studies first."""
    return (
        -(verdict.participants or 0),
        -(verdict.follow_up_weeks or 0),
        -(verdict.year or 0),
        verdict.pmid,
    )


def _verdicts(
    studies: Iterable[Study], domains: Sequence[str], head_to_head: bool = False
) -> list[StudyVerdict]:
    """Each study's verdict over its overall results, and one per part of its participants a
    result is stated for only (marked with the part: never counted as the study's result)."""
    verdicts = []
    wanted = set(domains)
    for study in studies:
        results = study.head_to_head_results() if head_to_head else study.findings
        findings = [f for f in results if f.domain in wanted]
        for subgroup, own in _by_part(findings):
            verdicts.append(_verdict(study, own, subgroup, head_to_head))
    return sorted(verdicts, key=_by_weight)


# Words of a subgroup's name that say who, not which part.
_WHO_WORDS = frozenset(
    ("in", "among", "within", "for", "the", "of", "and", "with", "who", "whose", "taking")
    + ("participants", "patients", "people", "persons", "subjects", "individuals", "those")
)


def _part_words(subgroup: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z][a-z0-9]*", subgroup.lower())) - _WHO_WORDS


def _by_part(findings: Sequence[StudyFinding]) -> list[tuple[str | None, list[StudyFinding]]]:
    """The findings for everyone (None) and per subgroup, in order; two wordings of one part
    ("in the 97 participants taking metformin", "in people taking metformin") are one part."""
    parts: list[tuple[str | None, frozenset[str], list[StudyFinding]]] = []
    for finding in findings:
        words = _part_words(finding.subgroup) if finding.subgroup else frozenset()
        for name, known, own in parts:
            if (name is None) == (not finding.subgroup) and (
                name is None or known <= words or words <= known
            ):
                own.append(finding)
                break
        else:
            parts.append((finding.subgroup or None, words, [finding]))
    return sorted(((name, own) for name, _, own in parts), key=lambda part: part[0] is not None)


def _verdict(
    study: Study, findings: list[StudyFinding], subgroup: str | None, head_to_head: bool
) -> StudyVerdict:
    better = ""
    if head_to_head:
        direction, better = _head_to_head_direction(findings)
    else:
        direction = _study_direction(findings)
    deciding = [
        f for f in findings if f.direction == direction and (not better or f.better == better)
    ]
    checked_by, recheck = _checked_by(study, {f.domain for f in findings}, head_to_head)
    differs = direction in DIFFERENCES
    return verdict_of(
        study,
        direction=direction,
        # only the outcomes that say what the verdict says: one that did not differ is never
        # listed under "favours"
        outcomes=tuple(dict.fromkeys(f.outcome for f in deciding or findings)),
        evidence=(deciding or findings)[0].evidence,
        better_arm=better,
        per_domain=tuple((f.domain, f.direction, f.better, f.evidence) for f in findings),
        subgroup=subgroup,
        checked_by=checked_by,
        needs_recheck=recheck,
        untested=differs and bool(deciding) and not any(f.tested for f in deciding),
        untested_domains=_untested_domains(findings),
    )


def _untested_domains(findings: Sequence[StudyFinding]) -> tuple[str, ...]:
    """The domains whose results state a difference, each in words only."""
    differing: dict[str, bool] = {}
    for f in findings:
        if f.direction in DIFFERENCES:
            differing[f.domain] = differing.get(f.domain, False) or f.tested
    return tuple(domain for domain, tested in differing.items() if not tested)


def verdict_of(study: Study, **call) -> StudyVerdict:
    """A study's verdict in a statement: the study as listed (reference, design, size, length,
    reviewed studies) with what it says there (`call`: direction, outcomes, evidence, ...)."""
    return StudyVerdict(
        pmid=study.pmid,
        title=study.title,
        year=study.year,
        design=study.design,
        participants=study.participants,
        follow_up_weeks=study.follow_up_weeks,
        included_studies=study.included_studies,
        combination=study.combination,
        **call,
    )


def checked_mark(study: Study, field: str) -> tuple[str, bool]:
    """Who checked one call of the study ("" when machine-read), and whether it needs a
    re-check."""
    return next(((who, again) for name, who, again in study.checked if name == field), ("", False))


def _checked_by(study: Study, domains: set[str], head_to_head: bool = False) -> tuple[str, bool]:
    """Who checked the study's calls in these domains, when a reviewer checked each of them,
    and whether any needs a re-check; a head-to-head result rests on the better arm instead."""
    if head_to_head and checked_mark(study, "better_arm")[0]:
        return checked_mark(study, "better_arm")
    marks = {name[len("finding:") :]: (who, recheck) for name, who, recheck in study.checked
             if name.startswith("finding:")}  # fmt: skip
    if not domains or not domains <= marks.keys():
        return "", False
    reviewers = dict.fromkeys(marks[domain][0] for domain in sorted(domains))
    return "+".join(reviewers), any(marks[domain][1] for domain in domains)


def build_statement(
    key: str,
    title: str,
    studies: Sequence[Study],
    domains: Sequence[str],
    intervention: str,
    *,
    populations: Sequence[Population] = (),
    head_to_head: bool = False,
    named: str = "",
) -> EvidenceStatement:
    """The statement for some outcome domains over the studies given (their head-to-head
    results when `head_to_head`), with a line for the RCTs in each of `populations` where
    they are some but not all of them, and a sentence on those of its studies that gave the
    intervention (`named`, where `intervention` words what "favours" names) with other
    actives."""
    counted = [
        study
        for study in studies
        if study.design in (TRIAL_DESIGN, *REVIEW_DESIGNS, *OTHER_PRIMARY)
        and study.tests_intervention
    ]
    every = _verdicts(counted, domains, head_to_head)
    # A study whose only result is for a subgroup is listed, not counted.
    verdicts = [v for v in every if v.subgroup is None]
    rcts = _tally(v for v in verdicts if v.design == TRIAL_DESIGN)
    reviews = _tally(v for v in verdicts if v.design in REVIEW_DESIGNS)
    other = _tally(v for v in verdicts if v.design in OTHER_PRIMARY)
    scenario_lines = []
    within: list[tuple[str, str, tuple[StudyVerdict, ...]]] = []
    for population in populations:
        members = [
            s for s in counted if population.name in s.populations and s.design == TRIAL_DESIGN
        ]
        in_population = [v for v in _verdicts(members, domains, head_to_head) if v.subgroup is None]
        population_rcts = _tally(in_population)
        if population_rcts.total and population_rcts.total != rcts.total:
            line = (
                f"In {population.label}: "
                + _trial_clause(population_rcts, "RCT", "RCTs", intervention)
                + "."
            )
            scenario_lines.append(line)
            within.append((population.name, line, tuple(in_population)))
    notes = _notes(
        _untested_notes(verdicts), _combination_notes(verdicts, counted, named or intervention)
    )
    return EvidenceStatement(
        key=key,
        title=title,
        text=_sentence(title, rcts, reviews, other, intervention, dict(notes)),
        rcts=rcts,
        reviews=reviews,
        other=other,
        studies=tuple(every),
        populations=tuple(scenario_lines),
        favoured=intervention,
        comparison="head-to-head" if head_to_head else "controlled",
        within=tuple(within),
        notes=notes,
    )


_NOTE_GROUPS = (
    ("rct", (TRIAL_DESIGN,), "RCT", "RCTs"),
    ("other", OTHER_PRIMARY, "other study", "other studies"),
)


def _which_of(some: int, counted: int, one: str, many: str) -> str:
    """ "The RCT", "Both RCTs", "All 3 RCTs" or "1 of these 2 RCTs": `some` of the `counted`
    studies a statement's clause has just counted."""
    if counted == 1:
        return f"The {one}"
    if some == counted:
        return ("Both" if counted == 2 else f"All {counted}") + f" {many}"
    return f"{some} of these {counted} {many}"


def _untested_notes(verdicts: Sequence[StudyVerdict]) -> tuple[tuple[str, str], ...]:
    """(design group, sentence) for the RCTs and the other studies counted whose difference
    is reported without a statistical test: "Both RCTs report their difference without a
    statistical test.", or where some of them find none, "The RCT that finds a difference
    reports it without a statistical test." A clause that counts such a study as favouring
    says no more than its words do."""
    notes = []
    for group, designs, one, many in _NOTE_GROUPS:
        counted, differing, untested = _differences(verdicts, designs)
        if not untested:
            continue
        some = len(untested)
        if len(differing) == len(counted):
            who = _which_of(some, len(counted), one, many)
            said = "report their difference" if some > 1 else "reports its difference"
        else:
            finds = "find a difference" if len(differing) > 1 else "finds a difference"
            if some == len(differing):
                who = f"The {one} that {finds}" if some == 1 else f"The {some} {many} that {finds}"
            else:
                who = f"{some} of the {len(differing)} {many} that {finds}"
            said = "report it" if some > 1 else "reports it"
        notes.append((group, f"{who} {said} without a statistical test."))
    return tuple(notes)


def _differences(
    verdicts: Sequence[StudyVerdict], designs: Sequence[str]
) -> tuple[list[StudyVerdict], list[StudyVerdict], list[StudyVerdict]]:
    """Of the verdicts of these designs: all, those that state a difference, and those whose
    difference is reported without a statistical test."""
    counted = [v for v in verdicts if v.design in designs]
    differing = [v for v in counted if v.direction in DIFFERENCES]
    return counted, differing, [v for v in differing if v.untested]


def _notes(*kinds: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Each design group's notes of every kind, as one text in the order given."""
    joined: dict[str, list[str]] = {}
    for kind in kinds:
        for group, sentence in kind:
            joined.setdefault(group, []).append(sentence)
    return tuple((group, " ".join(sentences)) for group, sentences in joined.items())


def _combination_notes(
    verdicts: Sequence[StudyVerdict], studies: Sequence[Study], intervention: str
) -> tuple[tuple[str, str], ...]:
    """(design group, sentence) for the RCTs and the other studies counted that gave the
    intervention with other actives: "1 of these 2 RCTs gave B12 with other B vitamins
    (B-complex), so its result is not that of B12 alone." """
    combined = {study.pmid: study.combination for study in studies if study.combination}
    notes = []
    for group, designs, one, many in _NOTE_GROUPS:
        counted = [v for v in verdicts if v.design in designs]
        given = [combined[v.pmid] for v in counted if v.pmid in combined]
        if not given:
            continue
        who = _which_of(len(given), len(counted), one, many)
        what = " or ".join(dict.fromkeys(given))
        whose = "its result is" if len(given) == 1 else "their results are"
        notes.append(
            (
                group,
                f"{who} gave {intervention} with {what}, so {whose} not that of {intervention} alone.",
            )
        )
    return tuple(notes)


def evidence_statements(
    studies: Sequence[Study],
    domains: Sequence[tuple[str, str]],
    questions: Sequence[Question],
    intervention: str,
    populations: Sequence[Population] = (),
) -> tuple[tuple[EvidenceStatement, ...], tuple[EvidenceStatement, ...]]:
    """(question statements, domain statements): one per question the watch asks and one per
    outcome domain (key, title) it declares, in the order declared; each with a line per
    population of the watch (`populations`) but the one a question is restricted to."""
    # Every arm of a head-to-head comparison is the intervention: it says which form or route
    # did better, never whether the intervention works, so its results count for head-to-head
    # questions only; a multi-arm trial with a control counts in both, each with its results.
    against_control = [study for study in studies if study.against_control]
    by_question = []
    for question in questions:
        if question.exposure:  # an association question: outputs/associations.py
            continue
        wording = "one form or route" if question.head_to_head_only else intervention
        chosen = [
            study
            for study in (
                [s for s in studies if s.head_to_head]
                if question.head_to_head_only
                else against_control
            )
            if question.population == "all" or question.population in study.populations
        ]
        statement = build_statement(
            f"question:{question.key}",
            question.title,
            chosen,
            question.domains,
            wording,
            populations=populations if question.population == "all" else (),
            head_to_head=question.head_to_head_only,
            named=intervention,
        )
        by_question.append(
            replace(
                statement,
                question=question.key,
                population=question.population,
                by_outcome=(
                    _outcome_lines(chosen, question.domains, dict(domains), wording)
                    if question.head_to_head_only
                    else ()
                ),
            )
        )
    by_domain = [
        replace(
            build_statement(
                f"domain:{key}",
                first_upper(title),
                against_control,
                (key,),
                intervention,
                populations=populations,
            ),
            domain=key,
        )
        for key, title in domains
    ]
    return tuple(by_question), tuple(by_domain)


def _outcome_lines(
    studies: Sequence[Study],
    question_domains: Sequence[str],
    titles: Mapping[str, str],
    wording: str,
) -> tuple[tuple[str, Tally], ...]:
    """A head-to-head question's RCTs domain by domain, when the domains disagree: a trial
    whose injections lowered a marker more but whose symptoms did not differ "favours one form"
    on the question, and the reader must see on what. Empty when every domain says the same."""
    found: list[tuple[str, Tally]] = []
    for key in question_domains:
        rcts = build_statement(key, key, studies, (key,), wording, head_to_head=True).rcts
        if rcts.decided:
            found.append((first_upper(titles.get(key, key.replace("-", " "))), rcts))
    says = {(tally.favour > 0, tally.no_difference + tally.against > 0) for _, tally in found}
    return tuple(found) if len(says) > 1 else ()


@dataclass(frozen=True)
class StatementMark:
    """A statement as the next digest compares with it: its numbers, text and studies' PMIDs.
    Kept in the store with each digest, so the statements before a digest are read, not
    computed again."""

    key: str
    text: str
    rcts: Tally
    reviews: Tally
    other: Tally
    pmids: tuple[str, ...] = ()

    @classmethod
    def of(cls, statement: EvidenceStatement) -> StatementMark:
        return cls(
            statement.key,
            statement.text,
            statement.rcts,
            statement.reviews,
            statement.other,
            statement.pmids,
        )

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "text": self.text,
            "rcts": asdict(self.rcts),
            "reviews": asdict(self.reviews),
            "other": asdict(self.other),
            "pmids": list(self.pmids),
        }

    @classmethod
    def from_json(cls, data: dict) -> StatementMark:
        return cls(
            key=data["key"],
            text=data["text"],
            rcts=Tally(**data["rcts"]),
            reviews=Tally(**data["reviews"]),
            other=Tally(**data["other"]),
            pmids=tuple(data["pmids"]),
        )


def statement_changes(
    before: Sequence[StatementMark | EvidenceStatement], after: Sequence[EvidenceStatement]
) -> list[EvidenceChange]:
    """The statements whose numbers moved between two computations, before -> after, with the
    studies that are new in the later one. A statement with nothing before it moved from the
    words an empty statement has."""
    earlier = {statement.key: statement for statement in before}
    changes = []
    for statement in after:
        old = earlier.get(statement.key)
        old_numbers = (old.rcts, old.reviews, old.other) if old else (Tally(), Tally(), Tally())
        if old_numbers == (statement.rcts, statement.reviews, statement.other):
            continue
        old_pmids = set(old.pmids) if old else set()
        changes.append(
            EvidenceChange(
                key=statement.key,
                title=statement.title,
                before=old.text if old else _sentence(statement.title, *old_numbers, ""),
                after=statement.text,
                new_pmids=tuple(pmid for pmid in statement.pmids if pmid not in old_pmids),
            )
        )
    return changes


_BOTTOM_LINE = {
    "benefit": "{title}: the randomised evidence favours {favoured} ({favour} of {decided} RCTs).",
    "no-benefit": "{title}: most RCTs show no benefit of {intervention} ({none} of {decided} find no difference or favour the comparator).",
    "mixed": "{title}: the RCTs are mixed ({favour} of {decided} favour {favoured}).",
    "too-few": "{title}: too few RCTs to say ({decided} with a clear result so far).",
}
# "Too few RCTs to say (0 with a clear result so far)" is how a machine says none.
_NO_RCT_RESULT_YET = "{title}: no RCT has a clear result on this yet."
_PRACTICE = {
    "benefit": "The trials support {intervention} for {topic}; weigh their size and follow-up (listed under the statement) before applying them.",
    "no-benefit": "The trials do not support {intervention} for {topic}; a benefit, if any, has not been shown in randomised comparisons.",
    "mixed": "For {topic} the trials disagree; the larger and longer trials listed first deserve the most weight.",
    "too-few": "For {topic} there is not yet enough randomised evidence to guide practice.",
}

# Where the reviews with a result all say the opposite of the RCTs: a practice line that followed
# the RCTs alone would hide a pooled analysis that disagrees. "{{reviews}}" is the reviews' clause,
# "{{which}}" "the review" or "the reviews".
_REVIEWS_DISAGREE = {
    "benefit": "For {topic} the RCTs favour {intervention}, but {{reviews}}: the evidence is not settled. Check whether {{which}} pooled these trials, and weigh each side's size and follow-up (listed under the statement).",
    "no-benefit": "For {topic} most RCTs show no benefit of {intervention}, but {{reviews}}: the evidence is not settled. Check whether {{which}} pooled these trials, and weigh each side's size and follow-up (listed under the statement).",
}

# A question about head-to-head trials compares forms or routes of the intervention with each
# other: "no benefit of B12" would misread a trial in which every arm got B12.
_HEAD_TO_HEAD_BOTTOM_LINE = {
    **_BOTTOM_LINE,
    "no-benefit": "{title}: most RCTs find no difference between forms or routes ({none} of {decided}).",
}
_HEAD_TO_HEAD_PRACTICE = {
    "benefit": "The trials favour one form or route of {intervention}; the studies listed under the statement say which.",
    "no-benefit": "The trials have not shown one form or route of {intervention} to be better than another.",
    "mixed": "The trials disagree on which form or route of {intervention} is better; the larger and longer trials listed first deserve the most weight.",
    "too-few": "There is not yet enough randomised evidence to choose between forms or routes of {intervention}.",
}


def _templates(
    statement: EvidenceStatement, intervention: str, plain: dict[str, str], head: dict[str, str]
) -> str:
    compares_forms = bool(statement.favoured) and statement.favoured != intervention
    return (head if compares_forms else plain)[statement.verdict]


def _fill(template: str, statement: EvidenceStatement, intervention: str) -> str:
    rcts = statement.rcts
    return template.format(
        title=statement.title,
        topic=_lower_first(statement.title),
        intervention=intervention,
        favoured=statement.favoured or intervention,
        favour=rcts.favour,
        none=rcts.no_difference + rcts.against,
        decided=rcts.decided,
    )


def bottom_line(statements: Sequence[EvidenceStatement], intervention: str) -> list[str]:
    """One sentence per question statement saying where its randomised evidence stands."""
    lines = []
    for statement in statements:
        template = _templates(statement, intervention, _BOTTOM_LINE, _HEAD_TO_HEAD_BOTTOM_LINE)
        if statement.rcts.decided == 0:
            template = _NO_RCT_RESULT_YET
        line = _fill(template, statement, intervention)
        if statement.by_outcome and statement.rcts.decided:
            outcomes = (_lower_first(o) for o in statement.outcome_lines())
            line += " By outcome: " + "; ".join(outcomes) + "."
        if rcts_note := dict(statement.notes).get("rct"):
            line += f" {rcts_note}"
        if statement.reviews.total:
            reviews = _trial_clause(
                statement.reviews, *review_kind(statement.reviews), intervention
            )
            line += f" {first_upper(reviews)}."
        lines.append(line)
    return lines


def practical_interpretation(
    statements: Sequence[EvidenceStatement], intervention: str
) -> list[str]:
    """What the question statements mean for practice, one sentence each, from their verdicts;
    where the RCTs point one way and the systematic reviews the other, it says they disagree
    instead of following the RCTs alone."""
    return [
        (
            _outcome_practice(s, intervention)
            if s.by_outcome
            else _reviews_disagree(s, intervention)
            or _fill(
                _templates(s, intervention, _PRACTICE, _HEAD_TO_HEAD_PRACTICE), s, intervention
            )
        )
        + _untested_practice(s)
        for s in statements
        if s.has_evidence
    ]


def _untested_practice(statement: EvidenceStatement) -> str:
    """ " Neither RCT that finds a difference reports a statistical test for it." where the
    practice line weighs RCTs' differences and every one is in words only; "" otherwise (where
    only some are, the statement says which)."""
    if statement.verdict == "too-few":
        return ""
    overall = [v for v in statement.studies if v.subgroup is None]
    _, differing, untested = _differences(overall, (TRIAL_DESIGN,))
    if not differing or len(untested) < len(differing):
        return ""
    if len(differing) == 1:
        who = "The RCT that finds a difference reports no"
    elif len(differing) == 2:
        who = "Neither RCT that finds a difference reports a"
    else:
        who = f"None of the {len(differing)} RCTs that find a difference reports a"
    return f" {who} statistical test for it."


def _reviews_disagree(statement: EvidenceStatement, intervention: str) -> str:
    """ "For pain the RCTs favour B12, but 1 systematic review of 4 trials (363 participants)
    finds no difference: ..." where every review with a result says the opposite of the RCTs'
    verdict; "" otherwise (and for head-to-head questions, whose reviews compare no forms)."""
    reviews, verdict = statement.reviews, statement.verdict
    if statement.comparison != "controlled" or not reviews.decided:
        return ""
    null = reviews.no_difference + reviews.against
    if not (
        (verdict == "benefit" and not reviews.favour and null)
        or (verdict == "no-benefit" and reviews.favour and not null)
    ):
        return ""
    said = _trial_clause(reviews, *review_kind(reviews), intervention)
    which = "the review" if reviews.total == 1 else "the reviews"
    line = _fill(_REVIEWS_DISAGREE[verdict], statement, intervention)
    return line.replace("{reviews}", said).replace("{which}", which)


def _outcome_practice(statement: EvidenceStatement, intervention: str) -> str:
    """A head-to-head question whose outcomes disagree: on which outcomes one form or route did
    better, and on which the trials found none better."""
    better = [_lower_first(title) for title, tally in statement.by_outcome if tally.favour]
    alike = [_lower_first(title) for title, tally in statement.by_outcome if not tally.favour]
    line = f"One form or route of {intervention} did better only on {_and(better)}"
    if alike:
        line += f"; on {_and(alike)} the trials found none better"
    return line + ". The studies listed under the statement say which form or route."


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# (question statements, domain statements), as `evidence_statements` returns them.
WatchStatements = tuple[tuple[EvidenceStatement, ...], tuple[EvidenceStatement, ...]]


# How many times this process has computed a watch's statements: a run does once, for its
# digest and its summary both (tests/flows/test_delivery.py reads it).
computations = 0


def watch_statements(
    records: Sequence[tuple[Record, Classification | None]], watch: WatchInfo
) -> WatchStatements:
    """The watch's question and domain statements over its classified records; the association
    questions' statements come after the others (comparison "association")."""
    from litwatch.outputs.associations import association_statements  # builds on this module

    global computations
    computations += 1
    combinations = dict(watch.combinations)
    studies = [study_of(r, c, watch.populations, combinations) for r, c in records]
    questions, domains = evidence_statements(
        studies, watch.domains, watch.questions, watch.intervention, watch.populations
    )
    levels = stratum_populations(records, watch.strata)
    return (
        (
            *(within_strata(s, levels, watch.intervention) for s in questions),
            *association_statements(studies, watch),
        ),
        tuple(within_strata(s, levels, watch.intervention) for s in domains),
    )


def within_strata(
    statement: EvidenceStatement,
    levels: Sequence[tuple[str, str, frozenset[str]]],
    intervention: str,
) -> EvidenceStatement:
    """The statement with a line per stratum level of the watch ("In people with low B12: 2 of
    2 RCTs favour B12."), over its RCTs whose participants are all at that level; each line is
    also a statement of its own population in summary.json."""
    lines, within = list(statement.populations), list(statement.within)
    for population, title, pmids in levels:
        chosen = tuple(
            v
            for v in statement.studies
            if v.pmid in pmids and v.design == TRIAL_DESIGN and v.subgroup is None
        )
        if not chosen:
            continue
        kind = ("RCT", "RCTs")
        line = (
            f"{first_upper(title)}: "
            + _trial_clause(_tally(chosen), *kind, statement.favoured or intervention)
            + "."
        )
        lines.append(line)
        within.append((population, line, chosen))
    return replace(statement, populations=tuple(lines), within=tuple(within))


def statement_marks(statements: WatchStatements) -> list[StatementMark]:
    """The marks of a watch's statements, questions first, as a digest keeps them."""
    questions, domains = statements
    return [StatementMark.of(statement) for statement in (*questions, *domains)]
