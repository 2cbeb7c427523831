"""The living evidence summary: regenerated at each run from the watch's classified records and its digests.

Written as Markdown and a static HTML page into a versioned folder (summary/2026-W48/)
and into summary/latest/; earlier versions are kept and linked.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from litwatch.core.classification import Attributes, Classification, Relevance
from litwatch.core.crash import crash_point
from litwatch.core.digest import Digest, DigestLog
from litwatch.core.files import is_temporary, write_file
from litwatch.core.findings import Harms
from litwatch.core.records import Record
from litwatch.core.words import joined, word
from litwatch.outputs import charts
from litwatch.outputs.associations import (
    ASSOCIATION,
    UNCLEAR,
    association_json,
    association_views,
)
from litwatch.outputs.guidance import (
    authors_advice,
    guideline_view,
    recommendations_json,
    who_benefits,
)
from litwatch.outputs.order import DESIGNS, design_label, design_rank
from litwatch.outputs.render import render_html, render_text
from litwatch.outputs.statements import (
    NO_DIFFERENCE,
    ONE_FORM,
    REVIEW_DESIGNS,
    EvidenceStatement,
    StudyVerdict,
    WatchStatements,
    backed_by_a_test,
    bottom_line,
    practical_interpretation,
    study_of,
    watch_statements,
)
from litwatch.outputs.view import (
    arm_dose,
    direction_words,
    dose,
    in_unit,
    iso_week_label,
    plural,
    pubmed_url,
    record_view,
    study_line,
    treatment_by_arm,
    untested_words,
)
from litwatch.outputs.watch import WatchInfo

TRIALS = ("rct", "non-randomized-trial")
_VERSION_PREFIX = "20"  # versioned folders are ISO weeks, e.g. 2026-W48


@dataclass(frozen=True)
class SummaryPaths:
    """The files of one summary version, and the folder that mirrors the latest one."""

    folder: Path
    markdown: Path
    html: Path
    charts: tuple[Path, ...]
    latest: Path
    json: Path | None = None  # summary.json: the statements and records as data


_UNCLASSIFIED = Attributes()


def _attributes(classification: Classification | None) -> Attributes:
    return classification.attributes if classification else _UNCLASSIFIED


def _addresses(classification: Classification | None, gap: str) -> Relevance | None:
    """ "addresses" or "partly" when the record counts for `gap`, else None."""
    call = classification.gaps.get(gap) if classification else None
    return call.relevance if call is not None and call.addresses_gap else None


def _design(classification: Classification | None) -> str:
    return classification.design.label if classification else "other"


def _harms(classification: Classification | None) -> Harms | None:
    return None if classification is None else classification.harms


_HARMS_WORDS = {
    "none-occurred": "no adverse events occurred",
    "no-difference": "adverse events did not differ between arms",
    "events-reported": "adverse events reported",
    "well-tolerated": "described as well tolerated",
}


def harms_line(harms: Harms | None) -> str:
    """A record's harms in a few words: "no serious adverse events occurred", "adverse events
    reported: nausea (2), skin rash (1)"."""
    if harms is None:
        return ""
    line = _HARMS_WORDS.get(harms.statement, harms.statement)
    if harms.serious_only:
        line = line.replace("adverse", "serious adverse")
    if harms.events:
        named = ", ".join(
            event.name if event.count is None else f"{event.name} ({event.count})"
            for event in harms.events
        )
        line += f": {named}"
    return line


def harms_statement(reports: Sequence[Harms | None]) -> str:
    """ "Of 6 trials, 2 report harms: in 1, no adverse events occurred; in 1, adverse events did
    not differ between arms." from each trial's harms, or "" when none reports any."""
    said = [harms for harms in reports if harms is not None]
    if not said:
        return ""
    counts = Counter(harms_line(replace(h, events=())) for h in said)
    parts = "; ".join(f"in {count}, {line}" for line, count in counts.most_common())
    verb = "reports" if len(said) == 1 else "report"
    return f"Of {plural(len(reports), 'trial')}, {len(said)} {verb} harms: {parts}."


def _trial_row(record: Record, classification: Classification | None, watch: WatchInfo) -> dict:
    view = record_view(record, classification, watch)
    attributes = _attributes(classification)
    amount, unit = attributes.daily_dose, attributes.dose_unit or "µg"
    return {
        **view,
        "kind": "",
        "changes": [],
        "n": attributes.n_participants,
        "follow_up_weeks": attributes.follow_up_weeks,
        "formulation": treatment_by_arm(classification, doses=False, watch=watch)
        or ", ".join([*map(watch.form_title, attributes.forms), *attributes.routes]),
        "dose": _arm_doses(classification, watch)
        or ("" if amount is None else f"{dose(amount)} {unit}/day"),
        "comparator": watch.comparator_words(attributes.comparator) if classification else "",
        "outcomes": joined([watch.domain_title(o) for o in attributes.outcomes]),
    }


def _arm_doses(classification: Classification | None, watch: WatchInfo) -> str:
    """Each intervention arm's dose as prescribed, in the arms' order ("1,000 µg/day vs
    1,000 µg/day vs 1,000 µg weekly"), or the one dose every arm got; "" unless each arm says
    one."""
    arms = classification.arms.arms if classification and classification.arms else ()
    doses = [arm_dose(arm, watch) for arm in arms if arm.intervention]
    if not doses or "" in doses:
        return ""
    return doses[0] if len(set(doses)) == 1 else " vs ".join(doses)


def _trial_doses(
    classification: Classification | None, attributes: Attributes, watch: WatchInfo
) -> tuple[list[float], set[str]]:
    """A trial's doses for the summary's dose line: the doses per day of arms given daily or
    more often, in the watch's unit, and the doses of arms given less often, as prescribed
    ("1,000 µg weekly"). A trial whose arms were not read gives its one daily dose."""
    arms = classification.arms.arms if classification and classification.arms else ()
    given = [arm for arm in arms if arm.intervention]
    if not given:
        return ([] if attributes.daily_dose is None else [attributes.daily_dose]), set()
    daily = [
        in_unit(arm.daily_dose_ug, watch)[0]
        for arm in given
        if arm.daily_dose_ug is not None and not arm.less_than_daily
    ]
    return daily, {arm_dose(arm, watch) for arm in given if arm.less_than_daily}


def dose_line(trials: Sequence[tuple[list[float], set[str]]], watch: WatchInfo) -> str:
    """ "Daily doses in trials range from 1,000 to 1,500 µg; given less often than daily:
    1,000 µg weekly (2 trials) and 500 µg three times a week (1 trial)." """
    unit = watch.dose_unit or "µg"
    daily = [amount for amounts, _ in trials for amount in amounts]
    less_often = Counter(given for _, doses in trials for given in doses)
    if not daily:
        line = "No trial reports a daily dose yet"
    elif min(daily) == max(daily):
        line = f"Daily doses in trials are {dose(daily[0])} {unit}"
    else:
        line = f"Daily doses in trials range from {dose(min(daily))} to {dose(max(daily))} {unit}"
    if less_often:
        ranked = sorted(less_often.items(), key=lambda kv: (-kv[1], kv[0]))
        line += "; given less often than daily: " + joined(
            f"{given} ({plural(count, 'trial')})" for given, count in ranked
        )
    return line + "."


def _change_line(
    digest: DigestLog, later_pmids: set[str], rows: Sequence[dict], watch: WatchInfo
) -> str:
    """ "+1 RCT, +2 cohort; head_to_head gap: first trial since 2021" for one digest."""
    counts = Counter(item.design for item in digest.new)
    parts = [
        f"+{count} {design_label(design) if design == 'rct' else design_label(design).lower()}"
        for design, count in sorted(counts.items(), key=lambda kv: design_rank(kv[0]))
    ]
    if digest.revised:
        parts.append(f"{len(digest.revised)} revised")
    if digest.notices:
        parts.append(plural(digest.notices, "notice"))
    gap_notes = []
    for gap, _question in watch.gaps:
        here = [item for item in digest.items if gap in item.gaps]
        if not here:
            continue
        earlier_trials = [
            row["year"]
            for row in rows
            if row["pmid"] not in later_pmids
            and row["design"] in TRIALS
            and _addresses(row["classification"], gap)
            and row["year"]
        ]
        if any(item.design in TRIALS for item in here):
            note = f"first trial since {max(earlier_trials)}" if earlier_trials else "first trial"
        else:
            note = f"+{plural(len(here), 'record')}"
        gap_notes.append(f"{watch.gap_title(gap)} gap: {note}")
    text = ", ".join(parts) or "no new records"
    if digest.moved:
        gap_notes.append("moved: " + ", ".join(digest.moved))
    return "; ".join([text, *gap_notes])


def change_log(
    digests: Sequence[DigestLog],
    records: Sequence[tuple[Record, Classification | None]],
    watch: WatchInfo,
) -> list[dict]:
    """One line per digest, newest first, saying what each run added: read from each digest's
    log (`DigestLog`), never its payload."""
    rows = [
        {
            "pmid": record.pmid,
            "year": record.publication_year,
            "design": _design(c),
            "classification": c,
        }
        for record, c in records
    ]
    ordered = sorted(digests, key=lambda digest: digest.created)
    entries = []
    for index, digest in enumerate(ordered):
        later = {item.pmid for d in ordered[index:] for item in d.items}
        entries.append(
            {
                "week": iso_week_label(digest.created),
                "created": digest.created.isoformat(timespec="minutes"),
                "key": digest.key,
                "text": _change_line(digest, later, rows, watch),
                "off_topic": digest.off_topic,
            }
        )
    return entries[::-1]


def _tests_intervention(classification: Classification | None) -> bool:
    return classification is not None and classification.tests_intervention


def _arm_treatments(classification: Classification | None) -> set[tuple[str, str]]:
    """(form, route) of each arm that got the intervention, each form with its own route; a
    record read before arms were falls back on every form crossed with every route."""
    arms = classification.arms.arms if classification and classification.arms else ()
    given = [arm for arm in arms if arm.intervention]
    if given:
        return {(arm.formulation or "unspecified", arm.route or "unspecified") for arm in given}
    attributes = _attributes(classification)
    return {
        (formulation, route)
        for formulation in attributes.forms or ["unspecified"]
        for route in attributes.routes or ["unspecified"]
    }


def population_sections(
    rows: Sequence[dict], attributes: dict[str, Attributes], watch: WatchInfo
) -> list[dict]:
    """Per population the watch names, in its words: its records and, of them, its trials."""
    sections = []
    for population in watch.populations:
        members = [row for row in rows if attributes[row["pmid"]].in_population(population.name)]
        sections.append(
            {
                "name": population.name,
                "trials_heading": population.trials_heading,
                "section": population.section,
                "section_text": population.section_text,
                "trials": [row for row in members if row["design"] in TRIALS],
                "records": members,
            }
        )
    return sections


def summary_view(
    watch: WatchInfo,
    records: Sequence[tuple[Record, Classification | None]],
    digests: Sequence[DigestLog],
    now: datetime,
    statements: WatchStatements | None = None,
) -> dict:
    """Everything the summary templates show, computed from the records and digests alone
    (and the run's statements, when the run computed them already)."""
    rows = sorted(
        (_trial_row(record, classification, watch) for record, classification in records),
        key=lambda row: (design_rank(row["design"]), -(row["year"] or 0), row["pmid"]),
    )
    classifications = {record.pmid: classification for record, classification in records}
    by_design = Counter(row["design"] for row in rows)
    trials = [row for row in rows if row["design"] in TRIALS]
    attributes = {pmid: _attributes(c) for pmid, c in classifications.items()}
    # Harms as each record reports them (none occurred, no difference, named events).
    safety = [
        {**row, "harms": harms_line(harms)}
        for row in rows
        if (harms := _harms(classifications[row["pmid"]])) is not None
    ]
    # The "Of N trials" lines and the formulations count trials of the intervention only.
    tested = [row for row in trials if _tests_intervention(classifications[row["pmid"]])]
    formulations = Counter(
        pair for row in tested for pair in _arm_treatments(classifications[row["pmid"]])
    )
    dosing = dose_line(
        [
            _trial_doses(classifications[row["pmid"]], attributes[row["pmid"]], watch)
            for row in tested
        ],
        watch,
    )
    gaps = []
    for name, question in watch.gaps:
        addressing = [
            {**row, "relevance": _addresses(classifications[row["pmid"]], name)}
            for row in rows
            if _addresses(classifications[row["pmid"]], name)
        ]
        gaps.append(
            {
                "name": name,
                "title": watch.gap_title(name),
                "question": question,
                "records": addressing,
            }
        )
    participants = sum(row["n"] or 0 for row in trials if row["design"] == "rct")
    asked, domains = statements or watch_statements(records, watch)
    # Association statements (outputs/associations.py) stand in their own sections.
    questions = [s for s in asked if s.comparison != ASSOCIATION]
    associations = [s for s in asked if s.comparison == ASSOCIATION]
    bottom = bottom_line(questions, watch.intervention)
    return {
        "associations": association_views(associations, watch),
        "intervention": watch.intervention,
        "questions": [statement_view(s, watch) for s in questions],
        "domains": [statement_view(s, watch) for s in domains if s.has_evidence],
        "domains_without_evidence": [s.title for s in domains if not s.has_evidence],
        "safety_statement": next(
            (
                s.text
                for s in domains
                if watch.harms_domain and s.key == f"domain:{watch.harms_domain}"
                if s.has_evidence
            ),
            harms_statement([_harms(classifications[row["pmid"]]) for row in tested]),
        ),
        "bottom_line": bottom,
        # At a glance: the bottom line, then what the association statements find (the
        # metformin and B12 section's first lines), where a study states a comparison.
        "glance": [
            *bottom,
            *(
                s.text
                for s in associations
                if any(study.direction != UNCLEAR for study in s.studies)
            ),
        ],
        "effect_plots": effect_direction_plots(questions, watch),
        "practice": practical_interpretation(questions, watch.intervention),
        # What guidelines recommend, authors' advice counted apart, and who benefits.
        "guidelines": guideline_view(records),
        "authors_advice": authors_advice(records),
        "who_benefits": who_benefits(questions, records, watch),
        "watch": {"name": watch.name, "title": watch.title or watch.name, "query": watch.query},
        "week": iso_week_label(now),
        "generated": now.isoformat(timespec="minutes"),
        "total": len(rows),
        "classified": sum(1 for _, c in records if c is not None),
        "digest_count": len(digests),
        "by_design": [(design_label(d), by_design[d]) for d in DESIGNS if by_design[d]],
        "biology": [row for row in rows if row["design"] in ("preclinical", "narrative-review")],
        "reviews": [row for row in rows if row["design"] in REVIEW_DESIGNS],
        "rcts": [row for row in trials if row["design"] == "rct"],
        "populations": population_sections(rows, attributes, watch),
        "words": watch.words,
        "trials": tested,
        "trials_long_follow_up": sum(1 for row in tested if (row["follow_up_weeks"] or 0) >= 52),
        "formulations": [
            {"formulation": watch.form_title(f), "route": word(r), "trials": count}
            for (f, r), count in sorted(formulations.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "dose_line": dosing,
        "safety": safety,
        "gaps": gaps,
        "rct_participants": participants,
        "sources": sorted(rows, key=lambda row: (-(row["year"] or 0), row["pmid"])),
        "change_log": change_log(digests, records, watch),
    }


def study_words(study: StudyVerdict, statement: EvidenceStatement, watch: WatchInfo) -> str:
    """How a study's result reads under a statement: "favours B12", or for a head-to-head
    study, outcome by outcome, "intramuscular methylcobalamin better for nerve conduction; no
    difference in symptom scores"."""
    if statement.comparison != "head-to-head":
        said = direction_words(study.direction, watch, statement.favoured, study.combination)
        if not study.subgroup:
            return said
        # the reader keeps the part as the abstract words it: "In the 97 participants ..."
        part = re.sub(r"^(?:in|among|within|for)\s+", "", study.subgroup, flags=re.IGNORECASE)
        return f"in {part} only: {said}"
    parts = []
    for domain, call, better, _evidence in study.per_domain:
        title = watch.domain_title(domain)
        if call == ONE_FORM and better:
            tested = domain not in study.untested_domains
            parts.append(f"{better} better for {title}{untested_words(tested)}")
        elif call == NO_DIFFERENCE:
            parts.append(f"no difference in {title}")
        else:
            parts.append(f"unclear for {title}")
    return "; ".join(dict.fromkeys(parts)) or word(study.direction)


def statement_view(statement: EvidenceStatement, watch: WatchInfo) -> dict:
    """One evidence statement with the studies behind its numbers, as the templates show it."""
    return {
        "key": statement.key,
        "title": statement.title,
        "text": statement.text,
        "populations": list(statement.populations),
        "checked": statement.checked_line,
        "studies": [
            study_line(
                study,
                study_words(study, statement, watch),
                # a head-to-head study's words name its outcomes, and which is untested, already
                "" if statement.comparison == "head-to-head" else ", ".join(study.outcomes),
                untested=study.untested and statement.comparison != "head-to-head",
            )
            for study in statement.studies
        ],
    }


# An effect direction plot's marks (SWiM): better, worse, no difference, unclear.
_ARROWS = {
    "favours-intervention": "▲",
    ONE_FORM: "▲",
    "favours-comparator": "▼",
    NO_DIFFERENCE: "◄►",
    "unclear": "?",
}


def _cell(entries: list[tuple[str, str, str, str]], statement: EvidenceStatement, watch) -> dict:
    """One study's mark for one domain, with the words a screen reader reads instead."""
    if not entries:
        return {"arrow": "", "words": "not reported", "direction": "", "shown": ""}
    better = {b for _, call, b, _ in entries if call == ONE_FORM}
    calls = {call for _, call, _, _ in entries}
    if len(better) > 1 or {"favours-intervention", "favours-comparator"} <= calls:
        call = "unclear"
    else:
        call = next(
            (c for c in ("favours-intervention", ONE_FORM, "favours-comparator", NO_DIFFERENCE)
             if c in calls),
            "unclear",
        )  # fmt: skip
    shown = ""
    if call == ONE_FORM:
        shown = next(iter(better))
        words = f"better with {shown}"
    elif call == "favours-intervention":
        words = f"better with {watch.intervention}"
    elif call == "favours-comparator":
        words = "better with the comparator"
    else:
        words = word(call)
    # `shown`: what a sighted reader needs beside the arrow, the better arm of two forms
    return {"arrow": _ARROWS[call], "words": words, "direction": call, "shown": shown}


def effect_direction_plots(statements: Sequence[EvidenceStatement], watch: WatchInfo) -> list[dict]:
    """Per question, the effect direction plot of evidence synthesis without meta-analysis
    (SWiM): a row per study, larger and longer first, a column per outcome domain of the
    question, each cell the direction of that study's result on it."""
    asked = {f"question:{q.key}": q for q in watch.questions}
    plots = []
    for statement in statements:
        question = asked.get(statement.key)
        if question is None or not statement.has_evidence:
            continue
        # the question's domains some study reports on: an empty column says nothing
        reported = {entry[0] for study in statement.studies for entry in study.per_domain}
        domains = [domain for domain in question.domains if domain in reported]
        rows = []
        for study in statement.studies:
            rows.append(
                {
                    "pmid": study.pmid,
                    "url": pubmed_url(study.pmid),
                    "title": study.title or "(no title)",
                    "design_label": design_label(study.design),
                    "participants": study.participants,
                    "subgroup": study.subgroup,
                    "cells": [
                        _cell([e for e in study.per_domain if e[0] == domain], statement, watch)
                        for domain in domains
                    ],
                }
            )
        plots.append(
            {
                "key": statement.key,
                "title": statement.title,
                "columns": [watch.domain_title(domain) for domain in domains],
                "rows": rows,
            }
        )
    return plots


# 1.1: recommendations, strata; 1.2: associations; 1.3: dose_ug; 1.4: tested
SUMMARY_SCHEMA_VERSION = "1.4"


def _statement_json(
    statement: EvidenceStatement,
    population: str | None = None,
    text: str | None = None,
    studies: Sequence[StudyVerdict] | None = None,
) -> dict:
    """One statement as data; with `population`, the statement's line for that population."""
    return {
        "key": statement.key if population is None else f"{statement.key}:{population}",
        "question": statement.question,
        "domain": statement.domain,
        "comparison": statement.comparison,
        "population": population or statement.population,
        "title": statement.title,
        "text": text or statement.text,
        "studies": [
            {
                "pmid": study.pmid,
                "design": study.design,
                "participants": study.participants,
                "call": study.direction,
                "better_arm": study.better_arm or None,
                "subgroup": study.subgroup,
                "outcomes": list(study.outcomes),
                "evidence": study.evidence,
                "checked": bool(study.checked_by),
                "tested": not study.untested,
            }
            for study in (statement.studies if studies is None else studies)
        ],
    }


def _record_json(record: Record, classification: Classification | None) -> dict:
    study = study_of(record, classification)
    arms = classification.arms if classification and classification.arms else None
    calls = [
        {
            "domain": f.domain,
            "comparison": "controlled",
            "call": f.direction,
            "better_arm": None,
            "subgroup": f.subgroup,
            "evidence": f.evidence,
            "tested": backed_by_a_test(f.direction, f.tested),
        }
        for f in (study.findings if study.against_control else ())
    ]
    calls += [
        {
            "domain": f.domain,
            "comparison": "head-to-head",
            "call": f.direction,
            "better_arm": f.better or None,
            "subgroup": f.subgroup,
            "evidence": f.evidence,
            "tested": backed_by_a_test(f.direction, f.tested),
        }
        for f in study.head_to_head_results()
    ]
    return {
        "pmid": record.pmid,
        "title": record.title,
        "year": record.publication_year,
        "design": study.design,
        "participants": study.participants,
        "tests_intervention": study.tests_intervention,
        "arms": [arm.to_json() for arm in arms.arms] if arms else [],
        "comparisons": [c.to_json() for c in arms.comparisons] if arms else [],
        "calls": calls,
        "checked": bool(classification and classification.checked),
    }


def summary_json(
    view: dict,
    statements: WatchStatements,
    records: Sequence[tuple[Record, Classification | None]],
) -> dict:
    """The summary's statements and records as data, following outputs/schema/summary.schema.json."""
    asked, domains = statements
    questions = [s for s in asked if s.comparison != ASSOCIATION]
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "watch": {"name": view["watch"]["name"], "title": view["watch"]["title"]},
        "week": view["week"],
        "generated": view["generated"],
        "intervention": view["intervention"],
        "statements": [
            entry
            for s in (*questions, *domains)
            for entry in (
                _statement_json(s),
                *(_statement_json(s, *population) for population in s.within),
            )
        ],
        "recommendations": recommendations_json(records),
        "associations": [association_json(s) for s in asked if s.comparison == ASSOCIATION],
        "records": [
            _record_json(record, classification)
            for record, classification in sorted(records, key=lambda pair: pair[0].pmid)
        ],
    }


def _chart_images(view: dict, watch: WatchInfo, records) -> dict[str, bytes]:
    designs_by_year = [
        (record.publication_year, _design(c)) for record, c in records if record.publication_year
    ]
    cells = Counter((gap["name"], row["design"]) for gap in view["gaps"] for row in gap["records"])
    return {
        "records-per-year.png": charts.records_per_year(designs_by_year),
        "gap-evidence-map.png": charts.gap_evidence_map(watch.gap_names, DESIGNS, dict(cells)),
    }


def write_summary(
    out_dir: Path,
    watch_info: WatchInfo,
    records_with_classifications: Sequence[tuple[Record, Classification | None]],
    digests_history: Sequence[DigestLog | Digest],
    now: datetime,
    statements: WatchStatements | None = None,
) -> SummaryPaths:
    """Write this run's summary into out_dir/summary/<ISO week>/ and mirror it into summary/latest/;
    `digests_history` are the digests so far, as their logs (a Digest is logged here);
    `statements` are the run's, when it computed them already (outputs/recording.py)."""
    records = records_with_classifications
    statements = statements or watch_statements(records, watch_info)
    logs = [d if isinstance(d, DigestLog) else DigestLog.of(d) for d in digests_history]
    view = summary_view(watch_info, records, logs, now, statements)
    root = Path(out_dir) / "summary"
    folder = root / view["week"]
    folder.mkdir(parents=True, exist_ok=True)
    earlier = sorted(
        (p.name for p in root.iterdir() if p.is_dir() and p.name.startswith(_VERSION_PREFIX) and p.name != view["week"]),
        reverse=True,
    )  # fmt: skip
    images = _chart_images(view, watch_info, records_with_classifications)
    chart_paths = []
    for name, png in images.items():
        write_file(folder / name, png)
        chart_paths.append(folder / name)
    context = {**view, "earlier_versions": earlier, "charts": list(images)}
    markdown = folder / "summary.md"
    html = folder / "index.html"
    write_file(markdown, render_text("summary.md.j2", context))
    crash_point("summary")
    write_file(html, render_html("summary.html.j2", context))
    data = summary_json(view, statements, records)
    as_json = folder / "summary.json"
    write_file(as_json, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    latest = root / "latest"
    # latest/ sits beside the versions, so the same relative links work from both; copied file
    # by file through write_file, as a copy into a folder would follow a link planted there.
    latest.mkdir(exist_ok=True)
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink() and not is_temporary(path):
            write_file(latest / path.name, path.read_bytes())
    return SummaryPaths(folder, markdown, html, tuple(chart_paths), latest, as_json)
