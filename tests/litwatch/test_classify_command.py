"""`litwatch classify`: one row per record of the files given, in JSON lines, CSV or a table."""

from __future__ import annotations

import csv
import io
import json

import pytest
from litwatch.classifiers.design import load_design_model
from litwatch.classifiers.judge import Judge
from litwatch.core.classification import Classification
from litwatch.core.errors import ParseError
from litwatch.pubmed.formats import parse_file

from litwatch.classify_command import run_classify
from litwatch.config import load_watches

WATCH = load_watches()[0]
JUDGE = Judge(
    WATCH.topic, WATCH.gaps, WATCH.findings_definition, design_model=load_design_model(None)
)


def test_classify_writes_one_json_object_per_record(corpus):
    out = io.StringIO()
    path = corpus / "pubmed-xml" / "xizhou__pubMR__pubmed_result.xml"
    count = run_classify([path], text_only=False, fmt="jsonl", out=out, judge=JUDGE)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == count == len(list(parse_file(path)))
    assert {
        "pmid",
        "design",
        "design_confidence",
        "design_source",
        "design_evidence",
        "topic_relevant",
        "attributes",
        "gaps",
    } <= set(rows[0])
    assert set(rows[0]["gaps"]) == {"stratified_rct", "outcomes_followup", "head_to_head"}
    assert {row["design_source"] for row in rows} <= {"publication_type", "model"}


def test_classify_csv_and_table_formats(corpus):
    path = corpus / "medline" / "biopython__biopython__Tests__Medline__pubmed_result2.txt"
    out = io.StringIO()
    run_classify([path], text_only=True, fmt="csv", out=out, judge=JUDGE)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows and all(row["design_source"] == "model" for row in rows)
    table = io.StringIO()
    run_classify([path], text_only=True, fmt="table", out=table, judge=JUDGE)
    assert len(table.getvalue().splitlines()) == len(rows)


def test_classify_refuses_a_file_that_is_not_pubmed_with_its_name(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just some notes\n")
    with pytest.raises(ParseError, match="notes.txt"):
        run_classify([bogus], text_only=False, fmt="jsonl", out=io.StringIO(), judge=JUDGE)


def test_a_classify_row_reads_back_as_the_classification_it_was_printed_from(corpus):
    path = corpus / "ontopic" / "ontopic.xml"
    records = list(parse_file(path))[:20]
    out = io.StringIO()
    run_classify([path], text_only=False, fmt="jsonl", out=out, judge=JUDGE)
    rows = [json.loads(line) for line in out.getvalue().splitlines()][:20]
    assert [Classification.from_json(row) for row in rows] == JUDGE.classify(records)
    assert [Classification.from_json(row).to_json() for row in rows] == rows
    # Control: the comparison sees a changed row.
    rows[0]["design"] = "protocol" if rows[0]["design"] != "protocol" else "rct"
    assert Classification.from_json(rows[0]) != JUDGE.classify(records[:1])[0]
