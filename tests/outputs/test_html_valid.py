"""The digest e-mail and the summary page are valid HTML (html-validate's recommended rules),
apart from what e-mail HTML needs: inline styles everywhere, table layout attributes in mail."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litwatch.outputs.render import write_digest_files
from litwatch.outputs.summary import write_summary
from outputs_samples import (
    SAMPLE_CHANGES,
    WATCH,
    classification,
    empty_digest,
    record,
    sample_digest,
)

HERE = Path(__file__).resolve().parents[1] / "support" / "html"
VALIDATOR = HERE / "node_modules" / ".bin" / "html-validate"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def problems(page: Path, config: str) -> list[str]:
    """html-validate's complaints about one page, as "line:column rule message"."""
    if not VALIDATOR.exists():
        pytest.skip("html-validate is not installed (./dev test installs it with npm)")
    done = subprocess.run(
        [str(VALIDATOR), "--config", str(HERE / config), "--formatter", "json", str(page)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    results = json.loads(done.stdout or "[]")
    return [
        f"{m['line']}:{m['column']} {m['ruleId']} {m['message']}"
        for result in results
        for m in result["messages"]
    ]


def test_digest_email_html_is_valid(tmp_path):
    paths = write_digest_files(sample_digest(), WATCH, tmp_path, changes=SAMPLE_CHANGES)
    assert problems(paths.html, "email.htmlvalidate.json") == []


def test_summary_page_is_valid(tmp_path):
    earlier = record("99000001", "Oral cyanocobalamin versus placebo", year=2021)
    records = [
        (earlier, classification("rct")),
        *((item.record, item.classification) for item in sample_digest().items),
    ]
    paths = write_summary(tmp_path, WATCH, records, [sample_digest(), empty_digest()], NOW)
    assert problems(paths.html, "page.htmlvalidate.json") == []


def test_the_validator_finds_what_a_broken_page_gets_wrong(tmp_path):
    """A control: headers without scope, a stray end tag and a duplicate id must be reported."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
        "<table><tr><th>Design</th><th>Records</th></tr><tr><th>Total</th><td>2</td></tr></table>"
        '<p id="a">one</p><p id="a">two</p></div>'
        "</body></html>",
        encoding="utf-8",
    )
    found = " ".join(problems(page, "page.htmlvalidate.json"))
    assert "wcag/h63" in found and "no-dup-id" in found and "close-order" in found
