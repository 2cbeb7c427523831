"""The association statements against the truth read from the abstracts (issue #21, items 1 and 2).

`tests/data/association_truth.tsv` holds, for the shipped on-topic set, the records of
`tests/data/ontopic_more.xml` and the fictional observational studies of
`tests/data/association_records.xml`, one row per study and association question of the default
watch: whether the study counts in that question's statement (`counts`), and if it does, its call
(the outcome in the exposed against the unexposed) and the size as the abstract states it. The
table was written from the abstracts (tests/data/README.md). Every record goes through the real
Judge, and the statements are built as the summary builds them (`watch_statements`).

Every row must be right, and the metformin -> B12 statement must list no study the table does not.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from default_judge import judged, on_topic
from litwatch.flows.digesting import watch_info
from litwatch.outputs.associations import ASSOCIATION, association_views
from litwatch.outputs.statements import EvidenceStatement, watch_statements

from litwatch.config import load_watches

DATA = Path(__file__).resolve().parents[1] / "data"
COMPLETE = "metformin-b12-status"  # the question whose every listed study has a row


@dataclass(frozen=True)
class Row:
    pmid: str
    design: str
    question: str
    call: str
    counts: str
    size: str
    justification: str


def truth() -> list[Row]:
    with (DATA / "association_truth.tsv").open(encoding="utf-8") as handle:
        return [Row(**row) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.fixture(scope="module")
def statements(corpus) -> dict[str, EvidenceStatement]:
    watch, pairs = judged(
        [
            corpus / "ontopic" / "ontopic.xml",
            DATA / "ontopic_more.xml",
            DATA / "association_records.xml",
            DATA / "association_heldout.xml",
        ]
    )
    questions, _ = watch_statements(on_topic(pairs), watch_info(watch))
    return {s.question or "": s for s in questions if s.comparison == ASSOCIATION}


def test_the_default_watch_asks_three_association_questions(statements):
    assert list(statements) == [
        "metformin-b12-status",
        "metformin-neuropathy",
        "low-b12-neuropathy",
    ]


def test_every_truth_row_is_right(statements):
    wrong = {}
    for row in truth():
        listed = {s.pmid: s for s in statements[row.question].studies}
        study = listed.get(row.pmid)
        name = f"{row.pmid} {row.question}"
        if row.counts == "no":
            if study is not None:
                wrong[name] = f"listed ({study.direction}), but does not count: {row.justification}"
            continue
        if study is None:
            wrong[name] = f"missing; the abstract says {row.call}: {row.justification}"
        elif (study.design, study.direction, study.size) != (row.design, row.call, row.size):
            wrong[name] = (
                f"said {study.design} {study.direction} {study.size!r}, "
                f"truth {row.design} {row.call} {row.size!r}"
            )
    assert wrong == {}


def test_the_metformin_b12_statement_lists_no_study_without_a_row(statements):
    rows = {row.pmid for row in truth() if row.question == COMPLETE and row.counts == "yes"}
    listed = {study.pmid for study in statements[COMPLETE].studies}
    assert listed - rows == set()
    assert len(rows) >= 10  # control: the table covers the question


def test_the_statement_counts_what_the_rows_say(statements):
    """The sentence's numbers follow from the table: the studies that point the leading way,
    by kind, and those that do not."""
    rows = [r for r in truth() if r.question == COMPLETE and r.counts == "yes"]
    calls = Counter(r.call for r in rows if r.call != "unclear")
    leading, _ = calls.most_common(1)[0]
    agree = Counter(r.design for r in rows if r.call == leading)
    text = statements[COMPLETE].text
    assert text.startswith("Metformin lowers B12: ")  # the watch's claim for "decreased"
    assert f"{agree['rct']} RCTs" in text
    assert f"{agree['meta-analysis']} meta-analyses" in text
    observational = agree["cohort"] + agree["case-control"] + agree["cross-sectional"]
    assert f"{observational} observational studies" in text
    others = sum(calls.values()) - calls[leading]
    assert f"{others} disagrees" in text if others == 1 else f"{others} disagree" in text
    unclear = sum(r.call == "unclear" for r in rows)
    assert f"{unclear} more state no comparison" in text


def test_each_study_line_names_its_outcome_the_way_it_went(statements):
    """A clinician reads "higher with metformin (nerve conduction)" as the velocity rising: a
    study whose outcome runs the other way from the question's says which way it went."""
    (watch,) = [w for w in load_watches() if w.name == "b12-dpn"]
    lines = {
        (view["key"], study["pmid"]): (study["direction_words"], study["outcomes"])
        for section in association_views(list(statements.values()), watch_info(watch))
        for view in section["statements"]
        for study in view["studies"]
    }
    # 98500009: nerve conduction velocity lower in metformin users
    assert lines["association:metformin-neuropathy", "98500009"] == (
        "higher with metformin (mean difference -2.1 m/s, 95% CI -3.4 to -0.8)",
        "worse nerve conduction",
    )
    # control: an outcome that runs the question's way keeps its own words
    assert lines["association:low-b12-neuropathy", "98500003"] == (
        "higher with low B12 (mean difference 4.2 V, 95% CI 2.1 to 6.3)",
        "vibration perception",
    )
