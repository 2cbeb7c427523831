"""summary.json: the statements and records as data, valid against outputs/schema/summary.schema.json,
built here from records in new words classified by the real Judge with the shipped watch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from litwatch.classifiers.design import load_design_model
from litwatch.classifiers.judge import Judge
from litwatch.core.records import AbstractSection, Record
from litwatch.flows.digesting import watch_info
from litwatch.outputs.summary import write_summary

from litwatch.config import load_watches

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "outputs/schema/summary.schema.json").read_text()
)


def _record(pmid, title, methods, results, types=("Randomized Controlled Trial",)):
    return Record(
        pmid=pmid,
        title=title,
        publication_year=2025,
        publication_types=types,
        abstract=(
            AbstractSection(text=methods, label="METHODS"),
            AbstractSection(text=results, label="RESULTS"),
        ),
    )


RECORDS = [
    _record(
        "9100001",
        "Injected or oral cobalamin against placebo for painful diabetic neuropathy",
        "We randomly assigned 180 adults with type 2 diabetes and painful neuropathy to "
        "intramuscular methylcobalamin 1000 µg weekly, oral methylcobalamin 1500 µg daily or "
        "placebo for 24 weeks.",
        "Pain scores fell significantly more with methylcobalamin than with placebo. Nerve "
        "conduction velocity improved more with intramuscular than with oral methylcobalamin.",
    ),
    _record(
        "9100002",
        "Metformin and vitamin B12 in type 2 diabetes with neuropathy: a randomised trial",
        "We randomly assigned 300 people with type 2 diabetes and peripheral neuropathy to "
        "metformin 1000 mg daily or placebo for three years.",
        "Compared with placebo, metformin significantly lowered serum B12.",
    ),
    _record(
        "9100003",
        "B12 supplements for diabetic neuropathy: a meta-analysis of randomised trials",
        "We searched MEDLINE and Embase and pooled 9 randomised trials of B12 supplements "
        "against placebo in 700 adults with diabetic neuropathy.",
        "Pooled pain scores were significantly lower with B12 than with placebo.",
        types=("Meta-Analysis",),
    ),
    _record(
        "9100004",
        "Tablets or injections of cyanocobalamin in diabetic neuropathy: a randomised trial",
        "We randomised 120 adults with type 2 diabetes and neuropathy to oral cyanocobalamin "
        "1000 µg daily or intramuscular cyanocobalamin 1000 µg monthly for 16 weeks.",
        "Oral cyanocobalamin was non-inferior to injections for serum B12 levels at 16 weeks.",
    ),
]


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    watch = load_watches()[0]
    judge = Judge(
        watch.topic, watch.gaps, watch.findings_definition, design_model=load_design_model(None)
    )
    judged = judge.classify(RECORDS)
    out = tmp_path_factory.mktemp("summary")
    paths = write_summary(out, watch_info(watch), list(zip(RECORDS, judged, strict=True)), [], NOW)
    assert paths.json is not None
    return paths, json.loads(paths.json.read_text(encoding="utf-8"))


def _calls(document, key):
    [statement] = [s for s in document["statements"] if s["key"] == key]
    return statement, {s["pmid"]: (s["call"], s["better_arm"]) for s in statement["studies"]}


def test_summary_json_follows_its_schema_beside_the_markdown(summary):
    paths, document = summary
    jsonschema.validate(document, SCHEMA)
    assert paths.json.parent == paths.markdown.parent
    assert (paths.latest / "summary.json").exists()
    # Control: a call outside the vocabulary is caught by the same schema.
    broken = json.loads(json.dumps(document))
    broken["statements"][0]["studies"] = [{**_study(), "call": "favours-b12"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def _study():
    return {
        "pmid": "1",
        "design": "rct",
        "participants": None,
        "call": "unclear",
        "better_arm": None,
        "subgroup": None,
        "evidence": "",
        "checked": False,
    }


def test_a_three_arm_trial_counts_against_placebo_and_head_to_head_each_with_its_result(summary):
    _, document = summary
    pain, calls = _calls(document, "question:symptoms-pain")
    assert (pain["question"], pain["domain"], pain["comparison"]) == (
        "symptoms-pain",
        None,
        "controlled",
    )
    assert calls["9100001"] == ("favours-intervention", None)
    forms, calls = _calls(document, "question:formulation-route")
    assert forms["comparison"] == "head-to-head"
    assert calls["9100001"] == ("favours-one-form", "intramuscular methylcobalamin")
    # its nerve result is the two routes against each other, not B12 against placebo
    _, nerve = _calls(document, "question:objective-nerve")
    assert "9100001" not in nerve
    [record] = [r for r in document["records"] if r["pmid"] == "9100001"]
    assert [a["route"] for a in record["arms"]] == ["intramuscular", "oral", None]
    assert {c["kind"] for c in record["comparisons"]} == {"placebo-controlled", "head-to-head"}


def test_non_inferiority_between_forms_reads_as_no_difference(summary):
    _, document = summary
    _, calls = _calls(document, "question:formulation-route")
    assert calls["9100004"] == ("no-difference", None)


def test_a_pooled_review_counts_as_a_review_never_as_an_rct(summary):
    _, document = summary
    pain, calls = _calls(document, "question:symptoms-pain")
    assert calls["9100003"] == ("favours-intervention", None)
    assert "1 RCT" in pain["text"] and "1 meta-analysis of 9 trials" in pain["text"]


def test_a_trial_of_another_drug_counts_in_no_statement_of_the_intervention(summary):
    paths, document = summary
    assert all(
        "9100002" not in {s["pmid"] for s in statement["studies"]}
        for statement in document["statements"]
    )
    [record] = [r for r in document["records"] if r["pmid"] == "9100002"]
    assert record["tests_intervention"] is False
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "Of 2 trials" in markdown  # 9100001 and 9100004; not the trial of metformin


def test_the_per_domain_words_name_the_better_arm(summary):
    paths, _ = summary
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "intramuscular methylcobalamin better for nerve conduction" in markdown
    # the formulations table pairs each form with its own route
    assert "| cyanocobalamin | oral |" in markdown
    assert "| cyanocobalamin | intramuscular |" in markdown
    assert "| methylcobalamin | intramuscular |" in markdown


def test_the_effect_direction_plot_has_a_row_per_study_and_words_for_screen_readers(summary):
    from lxml import html as lxml_html

    paths, _ = summary
    page = lxml_html.fromstring(paths.html.read_bytes())
    [forms] = page.xpath('//table[@id="edp-question-formulation-route"]')
    rows = forms.xpath(".//tr")[1:]
    assert [row.xpath("./th//a/text()")[0] for row in rows] == ["PMID 9100001", "PMID 9100004"]
    headers = [th.text_content() for th in forms.xpath(".//tr[1]/th")[1:]]
    cells = dict(zip(headers, rows[0].xpath("./td"), strict=True))
    nerve = cells["nerve conduction"]
    shown = nerve.xpath('./span[@aria-hidden="true"]')[0].text_content()
    assert shown == "▲ intramuscular methylcobalamin"  # the better arm, for sighted readers
    assert nerve.xpath('./span[@class="sr-only"]/text()') == [
        "better with intramuscular methylcobalamin"
    ]
    # Columns are the domains some study reports on; the larger study comes first.
    assert "quality of life" not in headers
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "◄► no difference" in markdown


def test_associations_carry_exposure_domain_and_each_study_s_call_and_size(summary):
    """summary.json's `associations` (issue #21 item 7): the trial of metformin against placebo
    is in the metformin -> B12 statement with its call, in the schema's words."""
    _, document = summary
    jsonschema.validate(document, SCHEMA)
    by_question = {a["question"]: a for a in document["associations"]}
    b12 = by_question["metformin-b12-status"]
    assert (b12["exposure"], b12["domain"]) == ("metformin", "b12-status")
    [trial] = [s for s in b12["studies"] if s["pmid"] == "9100002"]
    assert (trial["design"], trial["call"], trial["versus"]) == ("rct", "decreased", "placebo")
    assert "size" in trial
    assert b12["text"].startswith("Metformin lowers B12: 1 RCT (300 participants")
    # Control: a call outside the association vocabulary is caught by the same schema.
    broken = json.loads(json.dumps(document))
    broken["associations"][0]["studies"] = [{**trial, "call": "lower"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_a_difference_stated_without_a_test_is_marked_in_the_json_and_the_lines(summary):
    # 9100001: "Pain scores fell significantly more with methylcobalamin than with placebo"
    # (a tested difference); "Nerve conduction velocity improved more with intramuscular than
    # with oral methylcobalamin" (a difference in words only).
    paths, document = summary
    pain, _ = _calls(document, "domain:pain")
    [trial] = [s for s in pain["studies"] if s["pmid"] == "9100001"]
    assert (trial["call"], trial["tested"]) == ("favours-intervention", True)
    forms, _ = _calls(document, "question:formulation-route")
    [trial] = [s for s in forms["studies"] if s["pmid"] == "9100001"]
    assert (trial["call"], trial["tested"]) == ("favours-one-form", False)
    [record] = [r for r in document["records"] if r["pmid"] == "9100001"]
    calls = {(c["domain"], c["comparison"]): c["tested"] for c in record["calls"]}
    assert calls[("nerve-conduction", "head-to-head")] is False
    assert calls[("pain", "controlled")] is True
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert (
        "**intramuscular methylcobalamin better for nerve conduction, no statistical test "
        "reported**"
    ) in markdown
    assert (
        "The RCT that finds a difference reports it without a statistical test." in (forms["text"])
    )
