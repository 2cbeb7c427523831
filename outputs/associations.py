"""Association statements: what the studies say of an exposure's outcome, question by question
("Metformin lowers B12: 1 RCT (390 participants, 4.3 years: about a fifth lower than placebo),
2 meta-analyses and 3 observational studies agree; none disagrees.").

Pure: built from each study's answer to the watch's association questions (the classifiers'
`Association`), counting cohort, case-control and cross-sectional studies, meta-analyses and
systematic reviews, and trials whose arms set the exposure against its absence. The opening
words of each statement are the watch's (`claims`), never this module's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from litwatch.core.associations import Association
from litwatch.core.words import length_words
from litwatch.outputs.statements import (
    REVIEW_DESIGNS,
    EvidenceStatement,
    Study,
    StudyVerdict,
    Tally,
    checked_mark,
    review_kind,
    verdict_of,
)
from litwatch.outputs.view import plural, study_line
from litwatch.outputs.watch import Question, WatchInfo

ASSOCIATION = "association"  # an association statement's `comparison`
OBSERVATIONAL = ("cohort", "case-control", "cross-sectional")
TRIALS = ("rct", "non-randomized-trial")
INCREASED, DECREASED, NONE, UNCLEAR = "increased", "decreased", "no-association", "unclear"
_MORE = {INCREASED: "higher", DECREASED: "lower"}
# A size that says how much but not which way ("about a fifth", "22%") takes the direction.
_BARE_SIZE = re.compile(r"^(?:[^\d]*|\d+(?:\.\d+)?%)$")


def counts(study: Study, association: Association) -> bool:
    """Whether a study's answer counts: an observational design or a review, or a trial whose
    arms set the exposure against its absence (never a trial that only enrols the exposed). A
    study of the watch's intervention given to the exposed (a review of B12 trials in metformin
    users) counts only where it states the association itself."""
    if study.tests_intervention and association.call == UNCLEAR:
        return False
    if study.design in OBSERVATIONAL or study.design in REVIEW_DESIGNS:
        return True
    return study.design in TRIALS and association.trial_of_exposure


def association_statements(
    studies: Sequence[Study], watch: WatchInfo
) -> tuple[EvidenceStatement, ...]:
    """One statement per association question of the watch, in the order declared."""
    return tuple(
        association_statement(question, studies, watch)
        for question in watch.questions
        if question.exposure
    )


def association_statement(
    question: Question, studies: Sequence[Study], watch: WatchInfo
) -> EvidenceStatement:
    """The statement for one association question over the studies given."""
    verdicts = []
    for study in studies:
        answer = next((a for a in study.associations if a.question == question.key), None)
        if answer is None or not counts(study, answer):
            continue
        checked_by, needs_recheck = checked_mark(study, f"association:{question.key}")
        domain = answer.domain or (question.domains[0] if question.domains else "")
        verdicts.append(
            verdict_of(
                study,
                direction=answer.call,
                # the outcome as the study names it ("serum B12", "neuropathy"), else its domain
                outcomes=(answer.outcome or watch.domain_title(domain),),
                evidence=answer.evidence,
                better_arm=answer.versus,  # what the exposed were compared with, where said
                per_domain=((domain, answer.call, "", answer.evidence),),
                size=answer.size,
                checked_by=checked_by,
                needs_recheck=needs_recheck,
            )
        )
    verdicts.sort(key=_by_design_and_weight)
    trials = _tally(v for v in verdicts if v.design in TRIALS)
    reviews = _tally(v for v in verdicts if v.design in REVIEW_DESIGNS)
    observational = _tally(v for v in verdicts if v.design in OBSERVATIONAL)
    return EvidenceStatement(
        key=f"association:{question.key}",
        title=question.title,
        text=association_text(question, verdicts),
        rcts=trials,
        reviews=reviews,
        other=observational,
        studies=tuple(verdicts),
        favoured=question.exposure,
        comparison=ASSOCIATION,
        question=question.key,
        domain=question.domains[0] if question.domains else None,
    )


def _by_design_and_weight(verdict: StudyVerdict) -> tuple:
    """Trials first, then reviews, then observational studies; larger and newer first."""
    kind = 0 if verdict.design in TRIALS else 1 if verdict.design in REVIEW_DESIGNS else 2
    return (kind, -(verdict.participants or 0), -(verdict.year or 0), verdict.pmid)


def _tally(verdicts) -> Tally:
    """Counts by call, in the Tally's fields: `favour` increased, `against` decreased,
    `no_difference` no association; a statement moves when these do. A study that states no
    comparison moves nothing, so it is left out of the tally (it is listed all the same)."""
    found = [v for v in verdicts if v.direction != UNCLEAR]
    calls = Counter(v.direction for v in found)
    return Tally(
        favour=calls[INCREASED],
        no_difference=calls[NONE],
        against=calls[DECREASED],
        unclear=calls[UNCLEAR],
        participants=sum(v.participants or 0 for v in found),
        meta_analyses=sum(v.design == "meta-analysis" for v in found),
        included=sum(v.included_studies or 0 for v in found),
    )


def claim(question: Question, call: str) -> str:
    """How the statement opens when the studies point `call`'s way: the watch's words, else
    plain ones from the question's title."""
    said = dict(question.claims).get(call)
    if said:
        return said
    words = {INCREASED: "higher with", DECREASED: "lower with", NONE: "not associated with"}
    return f"{question.title}: {words.get(call, 'unclear with')} {question.exposure}"


def association_text(question: Question, verdicts: Sequence[StudyVerdict]) -> str:
    """ "Metformin lowers B12: 1 RCT (...), 2 meta-analyses and 3 observational studies agree;
    none disagrees; 2 more state no comparison." """
    decided = [v for v in verdicts if v.direction != UNCLEAR]
    unclear = len(verdicts) - len(decided)
    if not decided:
        if unclear:
            return (
                f"{question.title}: {plural(unclear, 'study', 'studies')} name "
                f"{question.exposure} and this outcome; none states a comparison yet."
            )
        return f"{question.title}: no study in the summary reports this yet."
    ranked = Counter(v.direction for v in decided).most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        parts = [f"{count} {_finds(call, count)}" for call, count in ranked]
        text = f"{question.title}: the studies disagree: " + "; ".join(parts)
    else:
        leading = ranked[0][0]
        agree = [v for v in decided if v.direction == leading]
        others = [v for v in decided if v.direction != leading]
        verb = "agree" if len(agree) > 1 else "shows this"
        text = f"{claim(question, leading)}: {_kinds(agree, leading)} {verb}; "
        if others:
            reasons = Counter(v.direction for v in others)
            verb = "disagrees" if len(others) == 1 else "disagree"
            if len(reasons) == 1:
                why = _finds(next(iter(reasons)), len(others))
            else:
                why = ", ".join(f"{n} {_finds(call, n)}" for call, n in reasons.items())
            text += f"{len(others)} {verb} ({why})"
        else:
            text += "none disagrees"
    if unclear:
        text += f"; {unclear} more {'states' if unclear == 1 else 'state'} no comparison"
    return text + "."


def _finds(call: str, count: int) -> str:
    one = {
        INCREASED: "finds it higher",
        DECREASED: "finds it lower",
        NONE: "finds no association",
    }[call]
    return one if count == 1 else one.replace("finds", "find")


def _kinds(agree: Sequence[StudyVerdict], call: str) -> str:
    """ "1 RCT (390 participants, 4.3 years: about a fifth lower than placebo), 2 meta-analyses
    and 3 observational studies" """
    trials = [v for v in agree if v.design in TRIALS]
    reviews = [v for v in agree if v.design in REVIEW_DESIGNS]
    observational = [v for v in agree if v.design in OBSERVATIONAL]
    parts = []
    if trials:
        parts.append(plural(len(trials), "RCT") + _trial_detail(trials, call))
    if reviews:
        tally = _tally(reviews)
        one, many = review_kind(tally)
        parts.append(f"1 {one}" if len(reviews) == 1 else f"{len(reviews)} {many}")
    if observational:
        people = sum(v.participants or 0 for v in observational)
        named = plural(len(observational), "observational study", "observational studies")
        parts.append(named + (f" ({people:,} participants)" if people else ""))
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _trial_detail(trials: Sequence[StudyVerdict], call: str) -> str:
    """One trial: its people, its length and its size ("390 participants, 4.3 years: about a
    fifth lower than placebo"); several: their people."""
    if len(trials) > 1:
        people = sum(v.participants or 0 for v in trials)
        return f" ({people:,} participants)" if people else ""
    trial = trials[0]
    facts = []
    if trial.participants:
        facts.append(f"{trial.participants:,} participants")
    if trial.follow_up_weeks:
        facts.append(length_words(trial.follow_up_weeks))
    detail = ", ".join(facts)
    if trial.size:
        detail += (": " if detail else "") + size_words(trial, call)
    return f" ({detail})" if detail else ""


def size_words(verdict: StudyVerdict, call: str) -> str:
    """ "about a fifth lower than placebo", "19% lower than sitagliptin", "HR 1.6 (...)" """
    size = verdict.size
    if _BARE_SIZE.match(size) and call in _MORE:
        size = f"{size} {_MORE[call]}"
    if verdict.better_arm and size.split()[-1] in _MORE.values():
        size += f" than {verdict.better_arm}"
    return size


_CALL_WORDS = {
    INCREASED: "higher with {exposure}",
    DECREASED: "lower with {exposure}",
    NONE: "no association",
    UNCLEAR: "no comparison stated",
}


def association_views(statements: Sequence[EvidenceStatement], watch: WatchInfo) -> list[dict]:
    """The association statements grouped by the summary section the watch puts them in, each
    with its studies as the other statements list theirs."""
    sections: dict[str, list[dict]] = {}
    asked = {q.key: q for q in watch.questions}
    for statement in statements:
        question = asked.get(statement.question or "")
        title = (question.section if question else "") or statement.title
        sections.setdefault(title, []).append(_statement_view(statement, watch))
    return [{"title": title, "statements": views} for title, views in sections.items()]


def _statement_view(statement: EvidenceStatement, watch: WatchInfo) -> dict:
    studies = []
    for study in statement.studies:
        said = _CALL_WORDS[study.direction].format(exposure=statement.favoured)
        studies.append(
            study_line(
                study,
                f"{said} ({study.size})" if study.size else said,
                # a study that states no comparison has no outcome result to name
                "" if study.direction == UNCLEAR else ", ".join(study.outcomes),
            )
        )
    return {
        "key": statement.key,
        "title": statement.title,
        "text": statement.text,
        "checked": statement.checked_line,
        "populations": [],
        "studies": studies,
    }


def association_json(statement: EvidenceStatement) -> dict:
    """One association statement as data (summary.json's `associations`)."""
    return {
        "key": statement.key,
        "question": statement.question,
        "exposure": statement.favoured,
        "domain": statement.domain,
        "title": statement.title,
        "text": statement.text,
        "studies": [
            {
                "pmid": study.pmid,
                "design": study.design,
                "participants": study.participants,
                "call": study.direction,
                "size": study.size or None,
                "versus": study.better_arm or None,
                "evidence": study.evidence,
                "checked": bool(study.checked_by),
            }
            for study in statement.studies
        ],
    }
