"""`litwatch findings`: answers per prompt (or findings per record), one warning line for PMIDs
not in the files, one error line naming file and line for a malformed prompts CSV."""

from __future__ import annotations

import json

import pytest
from helpers import litwatch_cli

HEADER = "prompt_id,pmid,outcome,intervention,comparator\n"


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    return litwatch_cli(monkeypatch, capsys, "findings", *args)


@pytest.fixture
def ontopic(corpus):
    return str(corpus / "ontopic" / "ontopic.xml")


def test_prompts_are_answered_one_line_each(monkeypatch, capsys, tmp_path, ontopic):
    prompts = tmp_path / "prompts.csv"
    prompts.write_text(
        HEADER + "a,99000016,nerve conduction,B-complex tablet,placebo\n"
        "b,99000016,symptom scores,B-complex tablet,placebo\n",
        encoding="utf-8",
    )
    code, out, err = run(monkeypatch, capsys, ontopic, "--prompts", str(prompts))
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and err == ""
    assert [(a["prompt_id"], a["label"]) for a in answers] == [
        ("a", "no-difference"),
        ("b", "decreased"),
    ]
    assert set(answers[0]) == {"prompt_id", "pmid", "label", "evidence", "confidence"}
    assert "nerve conduction did not differ" in answers[0]["evidence"]


def test_a_pmid_not_in_the_files_is_not_reported_with_one_warning(
    monkeypatch, capsys, tmp_path, ontopic
):
    prompts = tmp_path / "prompts.csv"
    prompts.write_text(
        HEADER + "a,123,pain,B12,placebo\nb,456,pain,B12,placebo\nc,99000016,pain,B12,placebo\n",
        encoding="utf-8",
    )
    code, out, err = run(monkeypatch, capsys, ontopic, "--prompts", str(prompts), "-f", "csv")
    rows = out.splitlines()
    assert code == 0 and rows[0] == "prompt_id,pmid,label,confidence,evidence"
    assert [row.split(",")[2] for row in rows[1:3]] == ["not-reported", "not-reported"]
    assert err.count("\n") == 1 and "2 prompt(s) name a PMID not in the files" in err


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEADER + 'a,99000016,"pain,B12,placebo\n', 2),  # unclosed quote runs to the end
        (HEADER + "a,99000016,pain,B12,placebo\nb,99000016,pain\n", 3),  # too few fields
        ("prompt_id,pmid,outcome\na,1,pain\n", 1),  # header lacks columns
        (HEADER + "a,99000016,pain,B12,placebo\na,99000016,pain,B12,placebo\n", 3),  # id twice
        (HEADER.strip() + ",outcome\na,99000016,pain,B12,placebo,QoL\n", 1),  # column twice
        (HEADER + ",99000016,pain,B12,placebo\n", 2),  # no prompt_id to answer by
    ],
)
def test_a_malformed_prompts_csv_is_one_line_naming_file_and_line(
    monkeypatch, capsys, tmp_path, ontopic, text, line
):
    prompts = tmp_path / "prompts.csv"
    prompts.write_text(text, encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, ontopic, "--prompts", str(prompts))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and f"{prompts}: line {line}:" in err


def test_without_prompts_each_record_gets_its_key_finding_and_findings(
    monkeypatch, capsys, ontopic
):
    code, out, _ = run(monkeypatch, capsys, ontopic)
    records = {row["pmid"]: row for row in map(json.loads, out.splitlines())}
    assert code == 0
    trial = records["99000016"]
    assert trial["key_finding"] == "A B-complex tablet modestly reduced symptoms over 12 weeks."
    assert {f["domain"] for f in trial["findings"]} == {"symptom-score", "nerve-conduction"}
    code, out, _ = run(monkeypatch, capsys, ontopic, "--format", "table")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["pmid", "key_finding", "domain"]


def test_an_unknown_format_is_a_one_line_error(monkeypatch, capsys, ontopic):
    code, _, err = run(monkeypatch, capsys, ontopic, "--format", "xml")
    assert code == 1 and err.count("\n") == 1 and "--format" in err
