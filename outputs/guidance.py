"""What guidelines recommend, what other studies' authors advise, and who benefits: the
summary's guidance sections, built from the classified records' recommendations, strata and
effect modifiers and from the statements (whose per-stratum lines `statements.within_strata`
adds). Pure: data in, words out."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from litwatch.core.classification import Classification
from litwatch.core.guidance import Recommendation
from litwatch.core.records import Record
from litwatch.core.words import first_upper, word
from litwatch.outputs.order import design_label
from litwatch.outputs.statements import FAVOURS, TRIAL_DESIGN, EvidenceStatement
from litwatch.outputs.view import plural, pubmed_url
from litwatch.outputs.watch import WatchInfo

Records = Sequence[tuple[Record, Classification | None]]

# The organisation a guideline's title names: "... recommendations of a joint working group".
_ISSUED_BY = re.compile(
    r"\b(?:guidelines?|statement|recommendations|consensus|report|advisory)\s+(?:of|from|by)\s+"
    r"(?:the\s+)?(?P<who>[^:;.]{3,90})",
    re.IGNORECASE,
)
# A treatment recommendation named by the sentences' own word where they share one.
_TREATMENT_NOUNS = (("supplement", "supplementation"), ("replac", "replacement"))


def _action_noun(action: str, texts: Sequence[str]) -> str:
    if action == "testing":
        return "testing"
    for stem, noun in _TREATMENT_NOUNS:
        if all(stem in text.lower() for text in texts):
            return noun
    return "treatment"


def _recommending(records: Records) -> list[tuple[Record, Classification]]:
    return [
        (record, classification)
        for record, classification in records
        if classification is not None and classification.recommendations
    ]


def source_of(record: Record) -> str:
    """ "Diabetic medicine; a joint working group of diabetologists and neurologists" """
    found = _ISSUED_BY.search(record.title or "")
    parts = [record.journal or record.journal_abbrev, found.group("who").strip() if found else ""]
    return "; ".join(part for part in parts if part)


def guideline_view(records: Records) -> list[dict]:
    """Each guideline, consensus or position statement with its recommendations, newest
    first, with source and year."""
    shown = []
    for record, classification in _recommending(records):
        issued = [r for r in classification.recommendations if r.issuer == "guideline"]
        if not issued:
            continue
        shown.append(
            {
                "pmid": record.pmid,
                "url": pubmed_url(record.pmid),
                "title": record.title or "(no title)",
                "year": record.publication_year,
                "source": source_of(record),
                "design_label": design_label(classification.design.label),
                "recommendations": [
                    {"text": r.text, "against": r.against, "population": r.population}
                    for r in issued
                ],
            }
        )
    return sorted(shown, key=lambda g: (-(g["year"] or 0), g["pmid"]))


def _frequency(words: Sequence[str]) -> str:
    """The most said of "routine", "periodic", "yearly" ... ("routinely" counts as "routine")."""
    normal = []
    for said in words:
        if not said or said.startswith("every"):
            continue
        if said.endswith("ically"):
            said = said[: -len("ally")]
        elif said.endswith("ly") and said not in ("yearly", "monthly", "weekly"):
            said = said[: -len("ly")]
        normal.append(said)
    counted = Counter(normal).most_common()
    return min(counted, key=lambda kv: (-kv[1], kv[0]))[0] if counted else ""


def authors_advice(records: Records) -> list[dict]:
    """The advice studies of other designs end with, counted apart from guidelines and grouped
    by what they recommend: "6 studies' authors recommend routine B12 testing in metformin
    users", with the studies behind each line."""
    groups: dict[tuple, list[tuple[Record, Classification, Recommendation]]] = {}
    for record, classification in _recommending(records):
        seen = set()
        for r in classification.recommendations:
            if r.issuer != "authors":
                continue
            key = (r.action, r.against, r.subject, r.users or r.population)
            if key in seen:
                continue  # one study counts once per kind of advice
            seen.add(key)
            groups.setdefault(key, []).append((record, classification, r))
    lines = []
    for (action, against, subject, whom), members in groups.items():
        frequency = _frequency([r.frequency for _, _, r in members])
        noun = _action_noun(action, [r.text for _, _, r in members])
        what = " ".join(part for part in (frequency, subject, noun) if part)
        count = len(members)
        who = f"{count} {'study' if count == 1 else 'studies'}'" + ("s" if count == 1 else "")
        text = f"{who} authors recommend {'against ' if against else ''}{what}"
        text += f" in {whom}." if whom else "."
        lines.append(
            {
                "text": text,
                "count": count,
                "studies": [
                    {
                        "pmid": record.pmid,
                        "url": pubmed_url(record.pmid),
                        "title": record.title or "(no title)",
                        "year": record.publication_year,
                        "design_label": design_label(classification.design.label),
                        "evidence": r.text,
                    }
                    for record, classification, r in sorted(
                        members, key=lambda m: (-(m[0].publication_year or 0), m[0].pmid)
                    )
                ],
            }
        )
    return sorted(lines, key=lambda line: (-line["count"], line["text"]))


def recommendations_json(records: Records) -> list[dict]:
    """summary.json's `recommendations`: one entry per recommendation sentence."""
    return [
        {
            "pmid": record.pmid,
            "design": classification.design.label,
            "year": record.publication_year,
            "text": r.text,
            "population": r.population,
            "issuer": r.issuer,
            "action": r.action,
            "against": r.against,
        }
        for record, classification in sorted(_recommending(records), key=lambda p: p[0].pmid)
        for r in classification.recommendations
    ]


def who_benefits(
    questions: Sequence[EvidenceStatement], records: Records, watch: WatchInfo
) -> list[dict]:
    """The "Who benefits" paragraph, as lines each with the items listed under it: per
    stratum, how the tested RCTs' participants stood at baseline, each level's question
    statements, how many controlled RCTs favour the intervention at each level, and the
    effect modifiers trials report."""
    lines: list[dict] = []
    classified = [(r, c) for r, c in records if c is not None and c.tests_intervention]
    trials = [c for _, c in classified if c.design.label == TRIAL_DESIGN]
    for stratum in watch.strata:
        if not stratum.populations or not trials:
            continue
        counts = Counter(c.stratum(stratum.name) or "not-stated" for c in trials)
        levels = [
            f"{counts[level]} {word(level)}"
            for level in (*(level for level, _ in stratum.populations), "mixed", "not-stated")
            if counts[level]
        ]
        lines.append(
            _line(
                f"{first_upper(stratum.title)} of the {plural(len(trials), 'RCT')} of "
                f"{watch.intervention}: " + ", ".join(levels) + "."
            )
        )
        favouring = []
        for level, population in stratum.populations:
            title = stratum.level_title(level)
            said = [
                f"{s.title}: {line.split(': ', 1)[1]}"
                for s in questions
                for name, line, _ in s.within
                if name == population
            ]
            if not counts[level]:
                lines.append(
                    _line(f"No RCT of {watch.intervention} has enrolled only {title} yet.")
                )
                continue
            lines.append(_line(f"In {title}:", said))
            # against a control only: a head-to-head trial says which form is better
            compared = [
                v
                for s in questions
                if s.comparison == "controlled"
                for name, _, studies in s.within
                if name == population
                for v in studies
            ]
            favour = {v.pmid for v in compared if v.direction == FAVOURS}
            if compared:
                pmids = {v.pmid for v in compared}
                favouring.append(f"{len(favour)} of {len(pmids)} in {title}")
        if favouring:
            lines.append(
                _line(
                    f"Controlled RCTs favouring {watch.intervention} on at least one question: "
                    + ", ".join(favouring)
                    + "."
                )
            )
    modifiers = [
        (record, modifier)
        for record, classification in classified
        for modifier in classification.effect_modifiers
    ]
    if modifiers:
        said = [
            f"{_modification(m.modification)} {m.characteristic} "
            f"({record.journal or 'PMID ' + record.pmid}"
            + (f" {record.publication_year})" if record.publication_year else ")")
            for record, m in modifiers
        ]
        studies = len({r.pmid for r, _ in modifiers})
        verb = "reports" if studies == 1 else "report"
        lines.append(
            _line(
                f"Effect modifiers: {plural(studies, 'study', 'studies')} {verb} how the effect "
                "differs:",
                [first_upper(item) + "." for item in said],
            )
        )
    return lines


def _line(text: str, items: Sequence[str] = ()) -> dict:
    return {"text": text, "items": list(items)}


def _modification(how: str) -> str:
    return {
        "larger": "a larger effect in",
        "smaller": "a smaller effect in",
        "only": "an effect only in",
        "no-difference": "no difference by",
        "differs": "an effect that differs by",
    }.get(how, "an effect that differs by")
