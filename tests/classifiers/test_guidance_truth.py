"""Recommendations and baseline strata against the truth read from the abstracts (issue #21).

`tests/data/guidance_truth.tsv` was written from the abstracts of the shipped on-topic set,
`ontopic_more.xml` and `guidance_records.xml` before the readers (tests/data/README.md). Every
record goes through the real Judge with the default watch; every row must be right, and a
recommendation the table does not hold is wrong too.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from litwatch.classifiers.judge import Judge
from litwatch.core.classification import Classification
from litwatch.pubmed.xml import parse_xml

from litwatch.config import load_watches

DATA = Path(__file__).resolve().parents[1] / "data"
_PLAIN = {"the", "a", "an", "and", "or", "of", "in", "for", "with", "who", "whose", "is"}


def truth_rows(name: str = "guidance_truth.tsv") -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def classified(corpus, shipped_model) -> dict[str, Classification]:
    records = [
        *parse_xml(corpus / "ontopic" / "ontopic.xml"),
        *parse_xml(DATA / "ontopic_more.xml"),
        *parse_xml(DATA / "guidance_records.xml"),
    ]
    watch = load_watches()[0]
    judge = Judge(watch.topic, watch.gaps, watch.findings_definition, design_model=shipped_model)
    return {c.pmid: c for c in judge.classify(records)}


@pytest.fixture(scope="module")
def classified_new(shipped_model) -> dict[str, Classification]:
    """The records written after the readers, in wordings they were not built on."""
    watch = load_watches()[0]
    judge = Judge(watch.topic, watch.gaps, watch.findings_definition, design_model=shipped_model)
    return {c.pmid: c for c in judge.classify([*parse_xml(DATA / "guidance_new_records.xml")])}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9-]+", text.lower())) - _PLAIN


def wrong_rows(rows: list[dict[str, str]], classified: dict[str, Classification]) -> list[str]:
    """Each row the machine gets wrong, and each recommendation it reads that no row holds."""
    wrong = []
    wanted: Counter[tuple[str, str, str, bool]] = Counter()
    for row in rows:
        what, pmid = row["what"], row["pmid"]
        if what.startswith("stratum:"):
            got = classified[pmid].stratum(what.removeprefix("stratum:"))
            if got != row["value"]:
                wrong.append(f"{pmid} {what}: {got or 'not read'}, not {row['value']}")
            continue
        issuer = what.removesuffix("-recommendation")
        against = row["value"] == "against"
        wanted[(pmid, issuer, row["action"], against)] += 1
        said = [
            r
            for r in classified[pmid].recommendations
            if (r.issuer, r.action, r.against) == (issuer, row["action"], against)
            and _words(row["population"]) <= _words(r.population)
        ]
        if not said:
            wrong.append(f"{pmid} {what} {row['action']} for {row['population']!r}: missing")
    made = Counter(
        (c.pmid, r.issuer, r.action, r.against)
        for c in classified.values()
        for r in c.recommendations
    )
    for key, count in (made - wanted).items():
        wrong.append(f"{key[0]} extra {key[1]} recommendation ({key[2]}) x{count}")
    return wrong


def test_every_recommendation_and_stratum_row_is_right(classified):
    rows = truth_rows()
    assert (
        len([r for r in rows if r["what"].startswith("stratum:")]) == 2 * 23
    )  # 23 trials (and a protocol), two strata each
    assert wrong_rows(rows, classified) == []


def test_the_comparison_catches_a_wrong_row(classified):
    """Control: a row flipped, and a recommendation removed from the table, are both caught."""
    rows = truth_rows()
    flipped = [dict(row) for row in rows]
    stratum = next(r for r in flipped if r["pmid"] == "99000002" and r["what"] == "stratum:b12")
    stratum["value"] = "normal"
    dropped = [r for r in flipped if r["pmid"] != "30615306"]
    wrong = wrong_rows(dropped, classified)
    assert "99000002 stratum:b12: low, not normal" in wrong
    assert any(line.startswith("30615306 extra authors recommendation") for line in wrong)


def test_a_new_guidelines_finding_is_its_recommendation(classified):
    """99000018 showed "Recommendations were graded ..." as its finding."""
    finding = classified["99000018"].key_finding
    assert finding.startswith("The panel recommends measuring B12 periodically in long-term users")


def test_strata_and_recommendations_survive_the_store_round_trip(classified):
    stored = Classification.from_json(classified["98100019"].to_json())
    assert stored.recommendations == classified["98100019"].recommendations
    assert Classification.from_json(classified["98300004"].to_json()).stratum("b12") == "normal"


def test_new_wordings_every_recommendation_and_stratum_row_is_right(classified_new):
    """Held-out wordings (tests/data/guidance_new_records.xml): "We suggest", "It is
    reasonable to", "Recommendation 3:", "discouraged", "recommends against", the people after
    the verb, "we advocate", "should prompt clinicians to"; a methods "graded using GRADE" and
    research wishes are no advice; B12 as a mean in pg/mL, an exclusion, a borderline range, an
    MMA criterion, a stratified randomisation; "biguanide therapy", "users were excluded"."""
    rows = truth_rows("guidance_new_truth.tsv")
    assert len(classified_new) == 13
    assert len([r for r in rows if r["what"].startswith("stratum:")]) == 2 * 7
    assert wrong_rows(rows, classified_new) == []
