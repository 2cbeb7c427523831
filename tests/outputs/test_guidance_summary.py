"""The summary's guidance (issue #21): "What guidelines recommend", the authors' advice
counted apart, per-stratum statements and "Who benefits", written by `write_summary` (the
summary step of the weekly flow) over the shipped on-topic set, `ontopic_more.xml` and
`guidance_records.xml` classified by the real Judge; and summary.json with them, valid."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from default_judge import default_judge, on_topic
from default_judge import judged as judge_files
from litwatch.flows.digesting import watch_info
from litwatch.outputs.guidance import authors_advice
from litwatch.outputs.summary import write_summary
from litwatch.pubmed.xml import parse_xml

from litwatch.classify_command import run_classify

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "outputs/schema/summary.schema.json").read_text()
)
# The shipped studies whose authors end by recommending B12 testing in metformin users.
SHIPPED_ADVICE = {"20488910", "27130885", "30615306", "20134380", "31518991", "99000014"}


@pytest.fixture(scope="module")
def judged(corpus):
    shipped = corpus / "ontopic" / "ontopic.xml"
    watch, pairs = judge_files([shipped, DATA / "ontopic_more.xml", DATA / "guidance_records.xml"])
    return watch, on_topic(pairs), {r.pmid for r in parse_xml(shipped)}


@pytest.fixture(scope="module")
def summary(judged, tmp_path_factory):
    watch, kept, _ = judged
    paths = write_summary(tmp_path_factory.mktemp("guidance"), watch_info(watch), kept, [], NOW)
    assert paths.json is not None
    return (
        json.loads(paths.json.read_text(encoding="utf-8")),
        paths.markdown.read_text(encoding="utf-8"),
        paths.html.read_text(encoding="utf-8"),
    )


def truth(what: str) -> list[dict[str, str]]:
    with (DATA / "guidance_truth.tsv").open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle, delimiter="\t") if r["what"] == what]


def test_summary_json_lists_every_recommendation_and_stays_valid(summary):
    document, _, _ = summary
    jsonschema.validate(document, SCHEMA)
    listed = {
        (r["pmid"], r["issuer"], r["action"], r["against"]) for r in document["recommendations"]
    }
    for what in ("guideline-recommendation", "authors-recommendation"):
        for row in truth(what):
            key = (row["pmid"], what.split("-")[0], row["action"], row["value"] == "against")
            assert key in listed, row
    [guideline] = [r for r in document["recommendations"] if r["pmid"] == "99000018"]
    assert guideline["text"].startswith("The panel recommends measuring B12 periodically")
    assert guideline["population"].startswith("long-term users")
    assert (guideline["design"], guideline["year"]) == ("guideline", 2026)
    # Control: a recommendation without its text is caught by the same schema.
    broken = json.loads(json.dumps(document))
    del broken["recommendations"][0]["text"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_statements_per_stratum_count_only_trials_at_that_level(summary):
    document, _, _ = summary
    by_key = {s["key"]: s for s in document["statements"]}
    low = by_key["question:symptoms-pain:low-b12"]
    normal = by_key["question:symptoms-pain:normal-b12"]
    assert (low["population"], normal["population"]) == ("low-b12", "normal-b12")
    low_trials = {r["pmid"] for r in truth("stratum:b12") if r["value"] == "low"}
    assert {s["pmid"] for s in low["studies"]} <= low_trials
    assert {"99000002", "98100016", "98300003"} <= {s["pmid"] for s in low["studies"]}
    assert [(s["pmid"], s["call"]) for s in normal["studies"]] == [("98300004", "no-difference")]
    overall = by_key["question:symptoms-pain"]
    assert overall["population"] == "all" and len(overall["studies"]) > len(low["studies"])


def test_the_summary_says_what_guidelines_recommend_with_source_and_year(summary):
    _, markdown, html = summary
    section = markdown.split("## What guidelines recommend", 1)[1].split("## Practical", 1)[0]
    assert "Endocrine practice, 2026" in section
    assert "The panel recommends measuring B12 periodically in long-term users" in section
    assert (
        "Diabetic medicine; a joint working group of diabetologists and neurologists, 2026"
        in section
    )
    assert "Against: We suggest against B12 supplements" in section
    assert ">What guidelines recommend</h2>" in html and ">Who benefits</h3>" in html


def test_an_advice_against_names_its_people_without_reading_as_for(summary):
    """ "Against: ... (for: people whose B12 is normal)" read as advice in their favour: the
    people are named as "for whom"."""
    _, markdown, html = summary
    [line] = [x for x in markdown.splitlines() if "Against: We suggest against B12" in x]
    assert line.endswith("(for whom: people whose B12 is normal)")
    assert "(for: " not in markdown
    assert "(for whom: <bdi>people whose B12 is normal</bdi>)" in html


def test_authors_advice_is_counted_apart_in_the_sentences_own_words(judged, summary):
    _, kept, shipped = judged
    lines = authors_advice([(r, c) for r, c in kept if r.pmid in shipped])
    assert [line["text"] for line in lines] == [
        "6 studies' authors recommend routine B12 testing in metformin users."
    ]
    assert {s["pmid"] for s in lines[0]["studies"]} == SHIPPED_ADVICE
    _, markdown, _ = summary
    assert "7 studies' authors recommend routine B12 testing in metformin users." in markdown
    assert (
        "1 study's authors recommend against routine B12 supplementation in people whose B12 is normal."
        in markdown
    )
    # a guideline is never among the authors
    advice = markdown.split("### What other studies' authors recommend", 1)[1].split(
        "## Practical"
    )[0]
    assert "99000018" not in advice and "98100019" not in advice


def test_who_benefits_is_built_from_the_strata_and_the_effect_modifiers(summary):
    _, markdown, _ = summary
    section = markdown.split("### Who benefits", 1)[1].split("## Formulations", 1)[0]
    assert "Baseline B12 of the 19 RCTs of B12: 7 low, 1 normal, 2 mixed, 9 not stated." in section
    assert "In people with low B12:\n\n- Neuropathy symptoms and pain: all 4 RCTs" in section
    assert (
        "In people with normal B12:\n\n- Neuropathy symptoms and pain: 1 RCT (168 participants) finds no difference."
        in section
    )
    assert (
        "Controlled RCTs favouring B12 on at least one question: 4 of 4 in people with low B12, 0 of 1 in people with normal B12."
        in section
    )
    assert "Effect modifiers: 2 studies report how the effect differs:" in section
    # "The benefit was concentrated in participants in the lowest tertile of baseline B12"
    assert "- A larger effect in the lowest tertile of baseline B12 (Diabetologia 2026)." in section
    assert (
        "- A larger effect in participants with baseline B12 below 300 pmol/L (Diabetes care 2026)."
        in section
    )


def test_classify_shows_a_guidelines_recommendation_as_its_finding(tmp_path):
    """The user's path: `litwatch classify` on the new records, as JSON lines."""
    _, judge = default_judge()
    out = io.StringIO()
    run_classify([DATA / "guidance_records.xml"], False, "jsonl", out, judge=judge)
    rows = {row["pmid"]: row for row in map(json.loads, out.getvalue().splitlines())}
    assert rows["98300001"]["key_finding"].startswith("The panel recommends checking serum B12")
    assert {s["stratum"]: s["level"] for s in rows["98300004"]["strata"]} == {
        "b12": "normal",
        "metformin": "non-users",
    }
    assert [r["issuer"] for r in rows["98300006"]["recommendations"]] == ["authors"]


def test_classify_reads_advice_and_strata_in_new_words():
    """The user's path on wordings the readers were not built on (guidance_new_records.xml):
    a numbered consensus recommendation with the people after the verb, one that discourages,
    an exclusion below a cut-off, a counted share of metformin users, and a review whose only
    "recommendations" are the guidelines' it appraised."""
    _, judge = default_judge()
    out = io.StringIO()
    run_classify([DATA / "guidance_new_records.xml"], False, "jsonl", out, judge=judge)
    rows = {row["pmid"]: row for row in map(json.loads, out.getvalue().splitlines())}
    consensus = rows["98600002"]["recommendations"]
    assert [(r["action"], r["against"], r["population"]) for r in consensus] == [
        ("testing", False, "all metformin-treated adults with diabetic neuropathy"),
        ("treatment", False, "adults with deficiency who can absorb it"),
        ("treatment", True, "patients with painful neuropathy whose B12 levels are normal"),
    ]
    assert rows["98600002"]["key_finding"].startswith("Recommendation 1: We recommend offering")
    levels = {pmid: {s["stratum"]: s["level"] for s in rows[pmid]["strata"]} for pmid in rows}
    assert levels["98600009"] == {"b12": "normal", "metformin": "users"}
    assert levels["98600007"] == {"b12": "normal", "metformin": "mixed"}
    assert rows["98600004"]["recommendations"] == []
    assert rows["98600008"]["recommendations"] == []  # "Further trials are recommended"


def test_the_follow_up_line_counts_the_trials_of_the_intervention_it_names(summary):
    """It counts trials of B12 (not the metformin trials beside them) and says so, so that its
    number can be read against "Baseline B12 of the N RCTs of B12" above it."""
    _, markdown, _ = summary
    # 19 RCTs and one open-label trial of B12; a year or more: 99000002 and 98100005 (52 weeks).
    assert (
        "Of 20 trials of B12, 2 follow participants for a year or more. Read effect claims"
        in markdown
    )


def test_a_head_to_head_table_stays_in_its_scroll_box_on_a_phone(summary, chromium, tmp_path):
    """The arm names a screen reader hears ("better with intramuscular hydroxocobalamin") are
    placed absolutely; outside a positioned box they widened the whole page past 375 px."""
    _, _, html = summary
    page = tmp_path / "index.html"
    page.write_text(html, encoding="utf-8")
    assert "better with intramuscular" in html  # the head-to-head table is on the page
    check = chromium(page, 375, tmp_path / "summary-375.png")
    assert check.scroll_width <= check.client_width, "horizontal overflow at 375px"


def test_at_a_glance_says_what_the_association_statements_find(summary):
    """A clinician reading only the top of the page learns that metformin lowers B12, from
    the same statement the "Metformin and B12" section opens with."""
    _, markdown, html = summary
    glance = markdown.split("## At a glance", 1)[1].split("\n## ", 1)[0]
    section = markdown.split("## Metformin and B12", 1)[1]
    opening = next(line for line in section.splitlines() if line.startswith("**Metformin lowers"))
    statement = opening.strip("*").split("**")[0]
    assert statement.startswith("Metformin lowers B12: ")
    assert f"- {statement}" in glance
    assert "Metformin lowers B12: " in html.split("At a glance", 1)[1].split("</div>", 1)[0]
