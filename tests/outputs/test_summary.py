"""The living evidence summary: its counts match its input, versions are kept, the page fits a phone."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from litwatch.outputs.order import design_label
from litwatch.outputs.summary import write_summary
from lxml import html as lxml_html
from outputs_samples import WATCH, classification, empty_digest, record, sample_digest

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _records():
    digest = sample_digest()
    earlier_trial = record(
        "99000001", "Oral cyanocobalamin versus placebo", year=2021,
    )  # fmt: skip
    earlier = classification(
        "rct",
        gaps={"head_to_head": {"relevance": "addresses", "score": 1.0, "reasons": ["routes"]}},
    )
    return [
        (earlier_trial, earlier),
        *((item.record, item.classification) for item in digest.items),
    ]


def test_counts_by_design_match_the_input(tmp_path):
    records = _records()
    paths = write_summary(tmp_path, WATCH, records, [sample_digest(), empty_digest()], NOW)
    page = lxml_html.fromstring(paths.html.read_bytes())
    table = page.xpath('//table[@id="counts-by-design"]//tr')[1:]
    shown = {row[0].text_content(): int(row[1].text_content()) for row in table}
    expected = Counter(design_label(c.design.label if c else "other") for _, c in records)
    assert shown == {**expected, "Total": len(records)}
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "| RCT | 3 |" in markdown and "| **Total** | **6** |" in markdown
    assert "Randomized controlled trials (3, 210 participants)" in markdown


def test_change_log_says_what_each_run_added_and_when_a_gap_last_moved(tmp_path):
    paths = write_summary(tmp_path, WATCH, _records(), [sample_digest(), empty_digest()], NOW)
    items = [
        " ".join(li.text_content().split())
        for li in lxml_html.fromstring(paths.html.read_bytes()).xpath(
            '//h2[.="Change log"]/following-sibling::ul[1]/li'
        )
    ]
    assert items[0] == "2026-W49: no new records (2 off-topic)"
    assert items[1].startswith(
        "2026-W48: +1 meta-analysis, +1 RCT, +1 cohort, +1 other, 1 revised, 1 notice"
    )
    assert "Head-to-head formulations and routes gap: first trial since 2021" in items[1]
    assert "Stratified RCTs gap: first trial;" in items[1]


def test_gap_sections_list_the_records_that_address_each_gap(tmp_path):
    paths = write_summary(tmp_path, WATCH, _records(), [sample_digest()], NOW)
    markdown = paths.markdown.read_text(encoding="utf-8")
    # Gaps are headed by their titles, as a reader names them, not their tokens.
    head_to_head = markdown.split("### Head-to-head formulations and routes (2)")[1].split("##")[0]
    assert "99000010" in head_to_head and "99000001" in head_to_head


def test_earlier_versions_are_kept_and_linked(tmp_path):
    first = write_summary(tmp_path, WATCH, _records()[:2], [], NOW)
    second = write_summary(
        tmp_path, WATCH, _records(), [sample_digest()], datetime(2026, 12, 7, tzinfo=UTC)
    )
    assert first.folder.name == "2026-W49" and second.folder.name == "2026-W50"
    assert "2 records" in first.markdown.read_text(encoding="utf-8")
    latest = (second.latest / "index.html").read_text(encoding="utf-8")
    assert 'href="../2026-W49/index.html"' in latest
    assert (second.latest / "records-per-year.png").read_bytes().startswith(b"\x89PNG")
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in second.charts)


def test_hostile_titles_are_inert_in_the_summary(tmp_path):
    paths = write_summary(tmp_path, WATCH, _records(), [sample_digest()], NOW)
    page = lxml_html.fromstring(paths.html.read_bytes())
    assert page.xpath("//script") == [] and page.xpath("//img[@onerror]") == []
    assert (
        "<"
        not in paths.markdown.read_text(encoding="utf-8")
        .split("## Sources")[1]
        .split("## Provenance")[0]
    )


def test_an_empty_watch_still_gets_a_summary(tmp_path):
    paths = write_summary(tmp_path, WATCH, [], [], NOW)
    text = paths.markdown.read_text(encoding="utf-8")
    assert "0 records" in text and "No digests yet." in text


@pytest.mark.parametrize("width", [1280, 375])
def test_summary_page_fits_the_screen_without_errors(chromium, tmp_path, width):
    paths = write_summary(tmp_path, WATCH, _records(), [sample_digest(), empty_digest()], NOW)
    page = chromium(paths.html, width, tmp_path / f"summary-{width}.png")
    assert page.scroll_width <= page.client_width, f"horizontal overflow at {width}px"
    assert page.console_errors == []


def test_every_markdown_list_item_is_a_line_of_its_own(tmp_path):
    """A conditional at a line's end must not eat its newline (Jinja's trim_blocks): the
    biology list and the change log once ran their items together on one line."""
    paths = write_summary(tmp_path, WATCH, _records(), [sample_digest(), empty_digest()], NOW)
    lines = paths.markdown.read_text(encoding="utf-8").splitlines()
    log = [line for line in lines if "**2026-W4" in line]
    assert len(log) == 2 and all(line.startswith("- **2026-W4") for line in log)
    assert "(2 off-topic)" in log[0]
    for line in lines:
        links = line.count("](https://pubmed.ncbi.nlm.nih.gov/")
        assert links <= 1 or line.startswith("|"), line


def test_the_dose_line_gives_daily_doses_per_day_and_the_rest_as_prescribed():
    from litwatch.outputs.summary import dose_line

    trials = [([1000.0], set()), ([1500.0], {"1,000 µg weekly"}), ([], {"1,000 µg weekly"})]
    assert dose_line(trials, WATCH) == (
        "Daily doses in trials range from 1,000 to 1,500 µg; given less often than daily: "
        "1,000 µg weekly (2 trials)."
    )
    assert dose_line([([1000.0], set())], WATCH) == "Daily doses in trials are 1,000 µg."
    assert dose_line([([], {"500 µg three times a week"})], WATCH) == (
        "No trial reports a daily dose yet; given less often than daily: "
        "500 µg three times a week (1 trial)."
    )
    assert dose_line([], WATCH) == "No trial reports a daily dose yet."
