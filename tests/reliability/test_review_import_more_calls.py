"""`litwatch review --import` with the arms, strata and association calls (issue #22): each row
is validated against the field's values (a stratum's levels from the watch, a better arm from the
record's arms), one bad row is one line naming it and applies nothing, and good rows rule the
summary that `litwatch summary` writes."""

from __future__ import annotations

import json
import sqlite3

from helpers import one_line
from review_store import build_review_store, statement_of, write_csv

PLACEBO_TRIAL = "99000016"
HEAD_TO_HEAD_TRIAL = "99000021"
CASE_CONTROL = "99000017"
GOOD = [
    [PLACEBO_TRIAL, "comparator", "head-to-head", "Ann Lee", "two forms, no placebo"],
    [PLACEBO_TRIAL, "stratum:b12", "low", "Ann Lee", ""],
    [CASE_CONTROL, "association:metformin-b12-status", "decreased", "Ann Lee", ""],
    [HEAD_TO_HEAD_TRIAL, "stratum:metformin", "users", "Ann Lee", ""],
]
BAD = [
    ([PLACEBO_TRIAL, "comparator", "sham", "Ann Lee", ""], "comparator cannot be 'sham'"),
    ([PLACEBO_TRIAL, "stratum:b12", "users", "Ann Lee", ""], "stratum:b12 cannot be 'users'"),
    ([PLACEBO_TRIAL, "stratum:renal", "low", "Ann Lee", ""], "unknown field 'stratum:renal'"),
    (
        [CASE_CONTROL, "association:metformin-b12-status", "lower", "Ann Lee", ""],
        "association:metformin-b12-status cannot be 'lower'",
    ),
    (
        [CASE_CONTROL, "association:metformin-gout", "decreased", "Ann Lee", ""],
        "unknown field 'association:metformin-gout'",
    ),
    (
        [HEAD_TO_HEAD_TRIAL, "better_arm", "oral cyanocobalamin 5 mg", "Ann Lee", ""],
        "better_arm cannot be 'oral cyanocobalamin 5 mg'",
    ),
]


def test_new_fields_import_row_by_row_and_one_bad_row_applies_nothing(
    litwatch, data_dir, corpus, tmp_path
):
    data_dir.mkdir(parents=True, exist_ok=True)
    build_review_store(data_dir / "litwatch.sqlite", corpus)

    def decisions():
        with sqlite3.connect(data_dir / "litwatch.sqlite") as conn:
            return conn.execute(
                "SELECT pmid, field, reviewer_value FROM review_decisions"
            ).fetchall()

    for row, named in BAD:
        sheet = write_csv(tmp_path / "sheet.csv", [*GOOD, row])
        result = litwatch("review", "--import", sheet)
        assert result.exit_code == 1
        line = one_line(result.stderr)
        assert f"sheet.csv line {len(GOOD) + 2}" in line and named in line, line
        assert decisions() == []  # not even the good rows

    # control: the good rows alone are applied, and rule the summary
    out = tmp_path / "out"
    assert litwatch("review", "--import", write_csv(tmp_path / "good.csv", GOOD)).exit_code == 0
    assert len(decisions()) == len(GOOD)
    assert litwatch("summary", "--out", out).exit_code == 0
    summary = json.loads((out / "b12-dpn" / "summary" / "latest" / "summary.json").read_text())
    head_to_head = statement_of(summary, "question:formulation-route")
    assert PLACEBO_TRIAL in {s["pmid"] for s in head_to_head["studies"]}
    association = next(
        a for a in summary["associations"] if a["key"] == "association:metformin-b12-status"
    )
    case_control = next(s for s in association["studies"] if s["pmid"] == CASE_CONTROL)
    assert case_control["call"] == "decreased" and case_control["checked"] is True
    # an exported sheet, unread calls and all, imports back as no change
    exported = tmp_path / "calls.csv"
    assert litwatch("review", "--export", exported).exit_code == 0
    assert ",better_arm,," in exported.read_text()  # a trial whose arms the machine did not compare
    assert litwatch("review", "--import", exported).exit_code == 0
    assert len(decisions()) == len(GOOD)
