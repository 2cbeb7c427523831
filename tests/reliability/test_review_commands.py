"""`litwatch review --export/--import/--add-reviewer/--host` and `litwatch summary`, as a user
calls them: checked values rule the summary, reclassifying leaves them, a bad spreadsheet row is
one line that names it and applies nothing, and other hosts need accounts."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys

import pytest
from helpers import one_line
from review_store import build_review_store, statement_of, write_csv

VIBRATION = "domain:vibration-perception"
OPEN_LABEL = "99000004"  # a 24-week open-label methylcobalamin trial, vibration read "unclear"


@pytest.fixture
def reviewed(data_dir, corpus):
    data_dir.mkdir(parents=True, exist_ok=True)
    return build_review_store(data_dir / "litwatch.sqlite", corpus)


def decisions_in(data_dir) -> list[tuple]:
    with sqlite3.connect(data_dir / "litwatch.sqlite") as conn:
        return conn.execute("SELECT pmid, field, reviewer_value FROM review_decisions").fetchall()


def summary_json(out) -> dict:
    return json.loads((out / "b12-dpn" / "summary" / "latest" / "summary.json").read_text())


def test_checked_values_rule_the_summary_and_survive_reclassifying(
    litwatch, data_dir, reviewed, tmp_path
):
    out = tmp_path / "out"
    assert litwatch("summary", "--out", out).exit_code == 0
    before = statement_of(summary_json(out), VIBRATION)
    assert not any(study["checked"] for study in before["studies"])  # control
    sheet = write_csv(
        tmp_path / "fix.csv",
        [
            [
                OPEN_LABEL,
                "finding:vibration-perception",
                "favours-intervention",
                "Ann Lee",
                "p<.05",
            ],
            [OPEN_LABEL, "design", "rct", "Ann Lee", ""],
        ],
    )
    imported = litwatch("review", "--import", sheet)
    assert imported.exit_code == 0, imported.stderr
    assert litwatch("summary", "--out", out).exit_code == 0
    after = statement_of(summary_json(out), VIBRATION)
    assert after["text"] != before["text"]
    study = next(s for s in after["studies"] if s["pmid"] == OPEN_LABEL)
    assert study["call"] == "favours-intervention" and study["checked"] is True
    markdown = (out / "b12-dpn" / "summary" / "latest" / "summary.md").read_text()
    assert "checked (AL)" in markdown and "machine-read" in markdown
    assert f"1 of {len(after['studies'])} checked" in markdown

    # A new model (or FINDINGS_VERSION, or gap definitions) reclassifies every record...
    from litwatch.classifiers.design import load_design_model
    from litwatch.flows.classifying import classify_pending
    from litwatch.store import Store

    with Store.open(data_dir / "litwatch.sqlite") as store:
        store._conn.execute("UPDATE classifications SET definitions_hash = 'an older model'")
        assert classify_pending(store, reviewed, load_design_model(None)) > 0
    assert litwatch("summary", "--out", out).exit_code == 0
    again = statement_of(summary_json(out), VIBRATION)
    assert again["text"] == after["text"]  # ...and the checked values stand


@pytest.mark.parametrize(
    ("row", "named"),
    [
        (["123", "design", "rct", "ann", ""], "unknown PMID '123'"),
        ([OPEN_LABEL, "colour", "red", "ann", ""], "unknown field 'colour'"),
        ([OPEN_LABEL, "design", "randomised", "ann", ""], "design cannot be 'randomised'"),
        ([OPEN_LABEL, "participants", "-4", "ann", ""], "participants cannot be '-4'"),
        ([OPEN_LABEL, "design", "rct", "=HYPERLINK(1)", ""], "reviewer name '=HYPERLINK(1)'"),
    ],
)
def test_a_bad_row_is_one_line_naming_it_and_nothing_is_applied(
    litwatch, data_dir, reviewed, tmp_path, row, named
):
    good = [OPEN_LABEL, "design", "rct", "ann", ""]
    sheet = write_csv(tmp_path / "sheet.csv", [good, row])
    result = litwatch("review", "--import", sheet)
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "sheet.csv line 3" in line and named in line, line
    assert decisions_in(data_dir) == []  # not even the good row


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"pmid,field,value\n1,design,rct\n", "lacks column(s) reviewer, note"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'pmid,field,value,reviewer,note\n"1,design', "line"),
    ],
)
def test_a_file_that_is_no_decisions_sheet_is_one_line(
    litwatch, data_dir, reviewed, tmp_path, content, named
):
    sheet = tmp_path / "odd.csv"
    sheet.write_bytes(content)
    result = litwatch("review", "--import", sheet)
    assert result.exit_code == 1 and named in one_line(result.stderr)
    assert decisions_in(data_dir) == []


def test_an_exported_sheet_imports_back_as_only_the_changes(litwatch, data_dir, reviewed, tmp_path):
    sheet = tmp_path / "calls.csv"
    assert litwatch("review", "--export", sheet).exit_code == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    assert rows[0] == ["pmid", "field", "value", "reviewer", "note"]
    assert litwatch("review", "--import", sheet).exit_code == 0
    assert decisions_in(data_dir) == []  # unchanged rows without a reviewer decide nothing
    for row in rows:
        if row[:2] == [OPEN_LABEL, "participants"]:
            row[2:5] = ["46", "bo", "two dropped out before baseline"]
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    assert litwatch("review", "--import", sheet).exit_code == 0
    assert decisions_in(data_dir) == [(OPEN_LABEL, "participants", "46")]
    assert litwatch("review", "--import", sheet).exit_code == 0  # importing twice decides once
    assert len(decisions_in(data_dir)) == 1


def test_another_host_without_accounts_refuses_to_start(litwatch, data_dir, reviewed, monkeypatch):
    result = litwatch("review", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 1
    assert "--add-reviewer" in one_line(result.stderr)
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n" * 2))
    added = litwatch("review", "--add-reviewer", "Ann Lee")
    assert added.exit_code == 0, added.stderr
    accounts = (data_dir / "reviewers.json").read_text()
    assert "correct horse" not in accounts and '"Ann Lee": "scrypt$' in accounts
    assert (data_dir / "reviewers.json").stat().st_mode & 0o077 == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\nshort\n"))
    refused = litwatch("review", "--add-reviewer", "Bo")
    # (getpass warns that it cannot hide input without a terminal: the test has none)
    last = refused.stderr.strip().splitlines()[-1]
    assert refused.exit_code == 1 and last == "litwatch: password for Bo: at least 10 characters"


def test_an_export_that_cannot_be_written_is_one_line(litwatch, data_dir, reviewed, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    for target, said in ((folder, "a folder"), (blocked / "x.csv", "cannot be written")):
        result = litwatch("review", "--export", target)
        assert result.exit_code == 1 and said in one_line(result.stderr)


def test_without_a_store_review_and_summary_say_so_in_one_line(litwatch, data_dir):
    for command in (("summary",), ("review", "--export", "x.csv"), ("review",)):
        result = litwatch(*command)
        assert result.exit_code == 1
        assert "no store at" in one_line(result.stderr) and "litwatch run" in result.stderr


def test_review_serves_on_loopback_until_stopped(data_dir, reviewed, tmp_path):
    """`litwatch review` as a user starts it: the app answers on 127.0.0.1 and stops on SIGINT."""
    import os
    import signal
    import socket
    import subprocess
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "litwatch", "review", "--port", str(port)]
    child = subprocess.Popen(
        command, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        page = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                if child.poll() is not None:
                    break
                time.sleep(0.1)
        assert page is not None and 'name="csrf"' in page, (
            child.stderr.read() if child.poll() else ""
        )
    finally:
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err
