"""What a reader sees of a digest: the plain, format-neutral values every template renders.

Formatting decisions (labels, units, ordering, counts) are taken here once, so the
HTML, text, Markdown and JSON renderings cannot disagree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING
from urllib.parse import quote

from litwatch.core.classification import Arm, Classification
from litwatch.core.digest import Digest, DigestItem, EvidenceChange, Notice
from litwatch.core.guidance import NOT_STATED
from litwatch.core.records import Record
from litwatch.core.review import initials
from litwatch.core.vocabulary import in_dose_unit
from litwatch.core.words import joined, length_words, word, words
from litwatch.outputs.order import design_label, design_rank, order_items
from litwatch.outputs.statements import (
    ONE_FORM,
    backed_by_a_test,
    combination_of,
    outcome_calls,
    study_of,
)
from litwatch.outputs.watch import WatchInfo

if TYPE_CHECKING:  # annotations only: statements.py builds the verdicts
    from litwatch.outputs.statements import StudyVerdict

NOTICE_LABELS = {
    "retraction": "Retraction",
    "retracted": "Retracted",
    "expression-of-concern": "Expression of concern",
    "erratum": "Erratum",
}


def iso_week_label(created) -> str:
    """ "2026-W48" for a datetime in ISO week 48 of 2026."""
    year, week, _ = created.isocalendar()
    return f"{year}-W{week:02d}"


def pubmed_url(pmid: str) -> str:
    """The record's PubMed page; the PMID is quoted, so no text can leave the path."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{quote(pmid, safe='')}/"


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


# The attributes a reader sees, in the order shown: (name, label). "treatment" joins the
# forms, routes and daily dose. The watch's populations and baseline (named in its
# [watch.summary]) come between the comparator and the outcomes.
SHOWN_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("n_participants", "n"),
    ("follow_up_weeks", "follow-up"),
    ("treatment", "treatment"),
    ("comparator", "comparator"),
    ("outcomes", "outcomes"),
)


def shown_attributes(watch: WatchInfo | None) -> tuple[tuple[str, str], ...]:
    """(name, label) of each attribute shown for a record of `watch`, in order."""
    flags = []
    if watch is not None:
        flags = [(f"population:{p.name}", "population") for p in watch.populations]
        if watch.words.baseline_stratum and watch.words.baseline_label:
            flags.append(("baseline", watch.words.baseline_label))
    return (*SHOWN_ATTRIBUTES[:4], *flags, *SHOWN_ATTRIBUTES[4:])


def dose(amount: float) -> str:
    """A dose as a reader writes it: whole units from 10 up ("143", "1,500"; a weekly 1,000 µg
    is 142.857… a day), two significant figures below ("2.4")."""
    amount = float(amount)
    return f"{round(amount):,}" if amount >= 10 else f"{amount:.2g}"


def reports_baseline(classification: Classification | None, stratum: str) -> bool:
    """Whether the strata reader states the record's participants' level on `stratum`
    (anything but not stated): the trial reports that baseline."""
    if classification is None or not stratum:
        return False
    return classification.stratum(stratum) not in ("", NOT_STATED)


def attribute_texts(
    classification: Classification | None,
    *,
    readable: bool = False,
    watch: WatchInfo | None = None,
) -> dict[str, str]:
    """The shown attributes as text, by name; an attribute the classifiers did not find is
    absent, and so is a yes/no attribute `watch` does not name. `readable` puts vocabulary in
    words ("symptom scores and nerve conduction"), as people read it, where JSON and CSV keep
    the tokens."""
    if classification is None:
        return {}
    attributes = classification.attributes
    say = word if readable else str
    texts: dict[str, str] = {}
    if attributes.n_participants is not None:
        texts["n_participants"] = _number(attributes.n_participants)
    if attributes.follow_up_weeks is not None:
        texts["follow_up_weeks"] = length_words(attributes.follow_up_weeks)
    given = treatment_by_arm(classification, readable=readable, watch=watch)
    form = watch.form_title if watch and readable else say
    treatment = [", ".join(map(form, attributes.forms)), "/".join(attributes.routes)]
    if attributes.daily_dose is not None:
        amount = attributes.daily_dose
        unit = attributes.dose_unit or "µg"
        treatment.append(f"{dose(amount) if readable else _number(amount)} {unit}/day")
    if treatment_text := given or ", ".join(part for part in treatment if part):
        texts["treatment"] = treatment_text
    if attributes.comparator and attributes.comparator != "none":
        comparator = attributes.comparator
        readable_comparator = watch.comparator_words(comparator) if watch else word(comparator)
        texts["comparator"] = readable_comparator if readable else comparator
    for population in watch.populations if watch else ():
        if attributes.in_population(population.name):
            texts[f"population:{population.name}"] = population.label
    if watch and reports_baseline(classification, watch.words.baseline_stratum):
        texts["baseline"] = "reported"
    if attributes.outcomes:
        texts["outcomes"] = (
            _outcome_words(attributes.outcomes, watch)
            if readable
            else ", ".join(attributes.outcomes)
        )
    return texts


def treatment_by_arm(
    classification: Classification | None,
    *,
    readable: bool = True,
    doses: bool = True,
    watch: WatchInfo | None = None,
) -> str:
    """What each arm got, each form with its own route and dose ("oral form A 1,000 µg/day vs
    intramuscular form B 1,000 µg weekly vs placebo"), in the watch's unit, or "" where no arm
    of the intervention was read."""
    arms = classification.arms.arms if classification and classification.arms else ()
    if not any(arm.intervention for arm in arms):
        return ""
    parts = []
    for arm in arms:
        if not arm.intervention:
            plain = arm.control == "active" or not readable
            parts.append(arm.treatment if plain else word(arm.treatment))
            continue
        named = (
            " ".join(part for part in (arm.route, _form_words(arm.formulation, watch)) if part)
            or arm.words
        )
        if doses and (given := arm_dose(arm, watch, readable=readable)):
            named += f" {given}"
        if arm.add_on:
            named += f" + {arm.add_on}"
        parts.append(named)
    return " vs ".join(parts)


def _outcome_words(outcomes: Sequence[str], watch: WatchInfo | None) -> str:
    """The outcome domains a record measures, by the watch's titles ("symptom scores and nerve
    conduction")."""
    return joined([watch.domain_title(o) for o in outcomes]) if watch else words(outcomes)


def _form_words(form: str | None, watch: WatchInfo | None) -> str:
    if not form:
        return ""
    return watch.form_title(form) if watch else word(form)


def arm_dose(arm: Arm, watch: WatchInfo | None, *, readable: bool = True) -> str:
    """An intervention arm's dose as a prescriber writes it, in the watch's unit: per day
    ("1,000 µg/day"), or as given where it is given less often than daily ("1,000 µg weekly",
    not 143 µg/day); "" where no dose was read."""
    number = dose if readable else _number
    if arm.less_than_daily and arm.dose_ug is not None:
        amount, unit = in_unit(arm.dose_ug, watch)
        return f"{number(amount)} {unit} {arm.schedule}"
    if arm.daily_dose_ug is None:
        return ""
    amount, unit = in_unit(arm.daily_dose_ug, watch)
    return f"{number(amount)} {unit}/day"


def in_unit(micrograms: float, watch: WatchInfo | None) -> tuple[float, str]:
    """An arm's dose (read in µg) in the watch's dose unit, and the unit."""
    unit = watch.dose_unit if watch and watch.dose_unit else "µg"
    return in_dose_unit(micrograms, unit), unit


def attribute_pairs(
    classification: Classification | None,
    *,
    readable: bool = True,
    watch: WatchInfo | None = None,
) -> list[tuple[str, str]]:
    """The key attributes as (label, value) pairs, skipping what the classifiers did not find
    (`readable` and `watch` as in `attribute_texts`)."""
    texts = attribute_texts(classification, readable=readable, watch=watch)
    return [(label, texts[name]) for name, label in shown_attributes(watch) if name in texts]


def gap_calls(classification: Classification | None, watch: WatchInfo) -> list[dict]:
    """The gaps a record addresses or partly addresses, with the question and the reasons."""
    gaps = classification.gaps if classification else {}
    calls = [
        {
            "name": name,
            "title": watch.gap_title(name),
            "question": watch.gap_question(name),
            "relevance": call.relevance,
            "score": call.score,
            "reasons": without_repeats([str(reason) for reason in call.reasons]),
        }
        for name, call in gaps.items()
        if call.addresses_gap
    ]
    return sorted(calls, key=lambda call: (call["relevance"] != "addresses", call["name"]))


def without_repeats(reasons: Sequence[str]) -> list[str]:
    """A gap's reasons without those an earlier one already says in the same words:
    "randomized" after "randomized trial or its protocol", "follow-up of a year or more: 104
    weeks of follow-up" after "follow-up of a year or more, or ...: 104 weeks of follow-up". A
    watch may require a choice and prefer each of its sides, which repeated them."""
    kept: list[str] = []
    for reason in reasons:
        label, _, evidence = reason.partition(": ")
        said = "; ".join(kept)
        if _says(said, label) and (not evidence or _says(said, evidence)):
            continue
        kept.append(reason)
    return kept


def _says(text: str, words: str) -> bool:
    return bool(words) and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def record_date(record: Record) -> str:
    """The publication date as precise as PubMed has it."""
    if record.publication_date:
        return record.publication_date
    return str(record.publication_year or "")


# Said of a difference its sentence states without a statistical test.
UNTESTED = "no statistical test reported"


def untested_words(tested: bool) -> str:
    """ ", no statistical test reported" after a call's words where no test backs it."""
    return "" if tested else f", {UNTESTED}"


def direction_words(
    direction: str, watch: WatchInfo, favoured: str = "", combination: str = ""
) -> str:
    """ "favours B12", "no difference", "favours the comparator", "unclear"; `favoured` names
    what a statement about head-to-head trials credits instead ("one form or route"), and
    `combination` what a trial gave besides the intervention ("favours B12 with other B
    vitamins (B-complex)")."""
    if direction == "favours-intervention":
        alone = not favoured or favoured == watch.intervention
        given = f" with {combination}" if combination and alone else ""
        return f"favours {favoured or watch.intervention}{given}"
    return word(direction)


def finding_views(classification: Classification | None, watch: WatchInfo) -> list[dict]:
    """What the record found, outcome domain by outcome domain, in the watch's order."""
    if classification is None:
        return []
    order = {name: index for index, (name, _) in enumerate(watch.domains)}
    found = sorted(classification.findings, key=lambda f: (order.get(f.domain, 99), f.domain))
    combination = combination_of(classification, dict(watch.combinations))
    views = []
    for finding in found:
        tested = backed_by_a_test(finding.direction, finding.tested)
        said = direction_words(finding.direction, watch, combination=combination)
        views.append(
            {
                "domain": finding.domain,
                "domain_title": watch.domain_title(finding.domain),
                "outcome": finding.outcome,
                "effect": finding.effect,
                "direction": finding.direction,
                "direction_words": said + untested_words(tested),
                "evidence": finding.evidence,
                "confidence": round(finding.confidence, 2),
                "tested": tested,
            }
        )
    return views


def outcome_call_views(
    record: Record, classification: Classification | None, watch: WatchInfo
) -> list[dict]:
    """The record's call per outcome domain as its statements count it (one per domain; a
    head-to-head trial's names the better arm), in the watch's order of domains."""
    if classification is None:
        return []
    order = {name: index for index, (name, _) in enumerate(watch.domains)}
    study = study_of(record, classification, combinations=dict(watch.combinations))
    calls = sorted(outcome_calls(study), key=lambda call: (order.get(call[0], 99), call[0]))
    return [
        {
            "domain": domain,
            "domain_title": watch.domain_title(domain),
            "direction": direction,
            "direction_words": (
                f"{better} better"
                if direction == ONE_FORM and better
                else direction_words(direction, watch, combination=study.combination)
            )
            + untested_words(tested),
        }
        for domain, direction, better, tested in calls
    ]


def findings_line(calls: list[dict]) -> str:
    """ "pain: favours B12 · nerve conduction: no difference" """
    return " · ".join(f"{c['domain_title']}: {c['direction_words']}" for c in calls)


def checked_words(reviewer: str, needs_recheck: bool = False) -> str:
    """ "checked (AL)", "checked (AL), needs re-check" or "machine-read" """
    if not reviewer:
        return "machine-read"
    said = f"checked ({initials(reviewer)})"
    return f"{said}, needs re-check" if needs_recheck else said


def record_checked(classification: Classification | None) -> str:
    """Whether a reviewer checked any of the record's calls, in the words of `checked_words`."""
    marks = classification.checked if classification else {}
    reviewers = "+".join(dict.fromkeys(mark.reviewer for mark in marks.values()))
    return checked_words(reviewers, any(mark.needs_recheck for mark in marks.values()))


def record_view(record: Record, classification: Classification | None, watch: WatchInfo) -> dict:
    """One record as every format shows it."""
    design_call = classification.design if classification else None
    design = design_call.label if design_call else "other"
    findings = finding_views(classification, watch)
    calls = outcome_call_views(record, classification, watch)
    return {
        "pmid": record.pmid,
        "url": pubmed_url(record.pmid),
        "title": record.title or "(no title)",
        "journal": record.journal or record.journal_abbrev,
        "date": record_date(record),
        "year": record.publication_year,
        "design": design,
        "design_label": design_label(design),
        "design_rank": design_rank(design),
        "design_confidence": round(float(design_call.confidence), 2) if design_call else None,
        "design_source": design_call.source if design_call else "",
        "design_source_words": word(design_call.source) if design_call else "",
        # "possible RCT (62%)" when the text model is unsure and an RCT is a material chance.
        "possible_rct": (
            round(design_call.rct_probability, 2)
            if design_call
            and design_call.runner_up == "rct"
            and design_call.rct_probability is not None
            and design != "rct"
            else None
        ),
        "design_evidence": [str(e) for e in design_call.evidence] if design_call else [],
        "attributes": attribute_pairs(classification, watch=watch),
        "attribute_tokens": attribute_pairs(classification, readable=False, watch=watch),
        "gaps": gap_calls(classification, watch),
        "key_finding": classification.key_finding if classification else "",
        "findings": findings,
        "outcome_calls": calls,
        # Whom a result favours means something only where the study tests the intervention
        # (a case-control study of metformin users compares no treatments).
        "findings_line": (
            findings_line(calls)
            if classification and classification.attributes.names_a_treatment
            else ""
        ),
        "checked": record_checked(classification),
        "registry_ids": list(record.registry_ids),
        "doi": record.doi,
        "doi_url": f"https://doi.org/{quote(record.doi, safe='/:;()._-')}" if record.doi else "",
        "classified": classification is not None,
    }


def item_view(item: DigestItem, watch: WatchInfo) -> dict:
    """A digest item: the record plus whether it is new or revised and what changed."""
    return {
        **record_view(item.record, item.classification, watch),
        "kind": item.kind,
        "version": item.store_version,
        "changes": list(item.changes),
        "ranked_lower": item.ranked_lower,
    }


def notice_view(notice: Notice) -> dict:
    return {
        "kind": notice.kind,
        "label": NOTICE_LABELS.get(notice.kind, notice.kind),
        "about_pmid": notice.about_pmid,
        "about_url": pubmed_url(notice.about_pmid),
        "notice_pmid": notice.notice_pmid,
        "notice_url": pubmed_url(notice.notice_pmid) if notice.notice_pmid else "",
        "title": notice.title,
    }


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 RCT", "2 RCTs"."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def design_counts(items: Iterable[DigestItem]) -> list[tuple[str, int]]:
    """(design label, count) for the given items, strongest design first."""
    counts = Counter(item.design for item in items)
    return [
        (design_label(design), count)
        for design, count in sorted(counts.items(), key=lambda kv: (design_rank(kv[0]), kv[0]))
    ]


def headline(digest: Digest) -> str:
    """The counts in one phrase: "2 RCTs, 1 cohort, 1 addresses a gap"."""
    if digest.is_empty:
        return "no new records"
    parts = [
        plural(count, label) if label.isupper() else plural(count, label.lower())
        for label, count in design_counts(digest.new)
    ]
    if digest.revised:
        parts.append(f"{len(digest.revised)} revised")
    addressing = sum(1 for item in digest.items if item.gaps_addressed)
    if addressing:
        parts.append(f"{addressing} {'addresses' if addressing == 1 else 'address'} a gap")
    if digest.notices:
        parts.append(plural(len(digest.notices), "notice"))
    return ", ".join(parts)


def subject(digest: Digest, watch: WatchInfo) -> str:
    """The e-mail subject, e.g. "B12 & DPN — week 48: 2 RCTs, 1 addresses a gap"."""
    week = digest.created.isocalendar()[1]
    return f"{watch.title or watch.name} — week {week}: {headline(digest)}"


def digest_view(digest: Digest, watch: WatchInfo, changes: Sequence[EvidenceChange] = ()) -> dict:
    """Everything a digest template needs, already ordered and formatted; `changes` are the
    summary statements the digest moved (outputs/recording.py)."""
    return {
        "watch": {"name": watch.name, "title": watch.title or watch.name, "query": watch.query},
        "gap_questions": [
            {"name": n, "title": watch.gap_title(n), "question": q} for n, q in watch.gaps
        ],
        "evidence_changes": [asdict(change) for change in changes],
        "key": digest.key,
        "created": digest.created.isoformat(timespec="minutes"),
        "week": iso_week_label(digest.created),
        "subject": subject(digest, watch),
        "headline": headline(digest),
        "is_empty": digest.is_empty,
        "new": [item_view(item, watch) for item in order_items(digest.new)],
        "revised": [item_view(item, watch) for item in order_items(digest.revised)],
        "notices": [notice_view(notice) for notice in digest.notices],
        "off_topic": digest.off_topic,
        "design_counts": design_counts(digest.new),
    }


def digest_table(digest: Digest) -> list[dict]:
    """One row per listed record: what the Prefect table artifact shows."""
    rows = []
    for item in digest.items:
        attributes = item.classification.attributes if item.classification else None
        rows.append(
            {
                "pmid": item.record.pmid,
                "kind": item.kind,
                "design": item.design,
                "gaps": ", ".join(item.gaps_addressed),
                "n": attributes.n_participants if attributes else None,
                "follow_up_weeks": attributes.follow_up_weeks if attributes else None,
                "title": item.record.title,
                "journal": item.record.journal,
            }
        )
    return rows


def study_line(
    study: StudyVerdict, direction_words: str, outcomes: str, untested: bool = False
) -> dict:
    """One study under a statement, as the templates list it: its reference, size and year,
    what it found in the statement's words (with its outcomes, and "no statistical test
    reported" where `untested`: its difference is in words only), the sentence that says so,
    and who checked it."""
    if untested:
        outcomes = "; ".join(part for part in (outcomes, UNTESTED) if part)
    return {
        "pmid": study.pmid,
        "url": pubmed_url(study.pmid),
        "title": study.title or "(no title)",
        "year": study.year,
        "design_label": design_label(study.design),
        "participants": study.participants,
        "follow_up_weeks": study.follow_up_weeks,
        "direction": study.direction,
        "direction_words": direction_words,
        "outcomes": outcomes,
        "evidence": study.evidence,
        "checked": checked_words(study.checked_by, study.needs_recheck),
    }
