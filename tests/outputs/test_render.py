"""The digest in every format: order, content, the empty week, and hostile input rendered inert."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import rispy
from litwatch.outputs.render import render_digest, write_digest_files
from litwatch.outputs.view import dose
from lxml import html as lxml_html
from outputs_samples import HOSTILE_TITLE, SAMPLE_CHANGES, WATCH, empty_digest, sample_digest

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "outputs/schema/digest.schema.json").read_text()
)


def test_gap_addressing_records_come_first_then_strongest_design():
    document = json.loads(render_digest(sample_digest(), WATCH).json)
    new = [item["pmid"] for item in document["items"] if item["kind"] == "new"]
    # head-to-head RCT addresses a gap; then meta-analysis, cohort, unclassified
    assert new == ["99000010", "99000011", "99000012", "99000014"]


def test_subject_gives_week_and_counts():
    assert render_digest(sample_digest(), WATCH).subject == (
        "B12 & DPN — week 48: 1 meta-analysis, 1 RCT, 1 cohort, 1 other, 1 revised, "
        "2 address a gap, 1 notice"
    )


def test_json_follows_its_schema_and_counts_the_digest():
    for digest in (sample_digest(), empty_digest()):
        document = json.loads(render_digest(digest, WATCH).json)
        jsonschema.validate(document, SCHEMA)
        assert document["schema_version"] == "1.3"
        assert document["counts"]["new"] == len(digest.new)
        assert document["counts"]["off_topic"] == digest.off_topic


def test_item_shows_design_attributes_gap_reasons_registry_and_doi():
    rendered = render_digest(sample_digest(), WATCH)
    page = lxml_html.fromstring(rendered.html)
    card = page.xpath(
        '//div[contains(@class,"card")][.//a[@href="https://pubmed.ncbi.nlm.nih.gov/99000013/"]]'
    )[0]
    text = " ".join(card.text_content().split())
    for expected in (
        "RCT", "91% · from the text", "n: 90", "follow-up: 52 weeks",
        "methylcobalamin, oral, 1,000 µg/day", "comparator: placebo",
        "Addresses gap: Stratified RCTs", "stratified by metformin use",
        "Partly addresses gap: Standard outcomes, longer follow-up", "status: In-Process → MEDLINE",
        "Found: Pain scores fell more with methylcobalamin than with placebo (p = 0.01).",
        "By outcome: pain: favours B12 · nerve conduction: no difference",
        "outcomes: nerve conduction, pain scales and quality of life",
    ):  # fmt: skip
        assert expected in text
    assert "Journal of Diabetes Research" in text and "2026-11" in text
    head_to_head = " ".join(rendered.text.split("* Mecobalamin")[1].split("\n\n")[0].split())
    assert "Registry: NCT01234567" in head_to_head and "DOI: 10.1000/h2h.1" in head_to_head


def test_notices_have_their_own_section_before_the_records():
    rendered = render_digest(sample_digest(), WATCH)
    for body, heading in (
        (rendered.text, "RETRACTIONS AND CORRECTIONS"),
        (rendered.markdown, "Retractions and corrections"),
    ):
        assert body.index(heading) < body.index("99000010")
        assert "20488910" in body.split(heading)[1]
    notices = lxml_html.fromstring(rendered.html).xpath('//div[@class="notices"]')
    assert "Retraction of PMID 20488910" in " ".join(notices[0].text_content().split())


def test_empty_week_still_says_so_with_the_off_topic_count():
    rendered = render_digest(empty_digest(), WATCH)
    assert rendered.subject == "B12 & DPN — week 49: no new records"
    for body in (rendered.text, rendered.markdown, rendered.html):
        assert "No new or revised records this week" in body
        assert "Off-topic records this week: 2" in body
    assert rendered.images == ()


def test_html_escapes_hostile_titles_and_links():
    rendered = render_digest(sample_digest(), WATCH)
    page = lxml_html.fromstring(rendered.html)
    assert page.xpath("//script") == []
    assert page.xpath("//img[@onerror]") == []
    assert all(
        not attribute.startswith("on")
        for element in page.iter()
        if isinstance(element.tag, str)
        for attribute in element.attrib
    )
    # the title is shown as text, exactly as the journal spelled it
    assert HOSTILE_TITLE in [link.text_content() for link in page.xpath("//a")]
    doi_link = page.xpath('//a[starts-with(@href,"https://doi.org/10.1/")]')[0]
    assert "<" not in doi_link.get("href") and '"' not in doi_link.get("href")


def test_markdown_shows_hostile_title_as_literal_text():
    markdown = render_digest(sample_digest(), WATCH).markdown
    assert "<" not in markdown
    assert '&lt;script&gt;alert("x")&lt;/script&gt; trial "&gt;&lt;img src=x' in markdown


def test_csv_defuses_formulas_and_keeps_values(tmp_path):
    paths = write_digest_files(sample_digest(), WATCH, tmp_path)
    rows = list(csv.DictReader(io.StringIO(paths.csv.read_bytes().decode("utf-8"), newline="")))
    assert len(rows) == 5
    by_pmid = {row["pmid"]: row for row in rows}
    assert by_pmid["99000012"]["title"] == HOSTILE_TITLE
    assert by_pmid["99000013"]["gaps"] == "stratified_rct (addresses); outcomes_followup (partly)"


def test_csv_formula_cells_get_a_quote_prefix():
    from litwatch.outputs.csvexport import records_to_csv
    from outputs_samples import record

    hostile = [
        (record("1", '=HYPERLINK("http://evil.example/","x")'), None),
        (record("2", "+1+1"), None),
        (record("3", "-2+3", journal="@SUM(A1)"), None),
        (record("4", "\tcmd"), None),
        (record("5", "\rcmd"), None),
    ]
    rows = list(csv.DictReader(io.StringIO(records_to_csv(hostile, WATCH))))
    assert [row["title"] for row in rows] == [
        '\'=HYPERLINK("http://evil.example/","x")',
        "'+1+1",
        "'-2+3",
        "'\tcmd",
        "'\rcmd",
    ]
    assert rows[2]["journal"] == "'@SUM(A1)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_ris_keeps_each_field_on_one_line(tmp_path):
    paths = write_digest_files(sample_digest(), WATCH, tmp_path)
    text = paths.ris.read_text(encoding="utf-8")
    entries = rispy.loads(text)
    assert len(entries) == 5
    hostile = next(entry for entry in entries if entry["accession_number"] == "99000012")
    # the abstract's injected "ER  -" / "TY  -" lines stay inside the abstract
    assert hostile["abstract"].startswith("METHODS: =HYPERLINK(")
    assert "ER  - TY  - JOUR" in hostile["abstract"]
    assert sum(1 for line in text.splitlines() if line.startswith("ER  -")) == 5


def test_every_format_is_written(tmp_path):
    paths = write_digest_files(
        sample_digest(),
        WATCH,
        tmp_path,
        sender="litwatch@example.org",
        recipients=("team@example.org",),
    )
    for path in (
        paths.html,
        paths.txt,
        paths.md,
        paths.json,
        paths.ris,
        paths.csv,
        paths.eml,
        *paths.images,
    ):
        assert path.stat().st_size > 0
    assert paths.images[0].read_bytes().startswith(b"\x89PNG")
    assert f'src="{paths.images[0].name}"' in paths.html.read_text(encoding="utf-8")


HOSTILE_PMID = "1<script>alert(9)</script>](javascript:alert(1))"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_every_markdown_and_text_field_of_a_hostile_pmid_stays_inert(tmp_path):
    """The parsers refuse such a PMID; the templates escape it all the same (defence in depth):
    no raw tag, and no link ended early by its '](' in summary.md's Sources."""
    from litwatch.outputs.summary import write_summary
    from outputs_samples import classification, record

    hostile = record(HOSTILE_PMID, "Metformin and B12", year=2025)
    plain = record("12345678", "Cyanocobalamin in neuropathy", year=2025)
    records = [(hostile, classification("rct")), (plain, classification("rct"))]
    paths = write_summary(tmp_path, WATCH, records, [sample_digest(), empty_digest()], NOW)
    summary = paths.markdown.read_text()
    sources = summary.partition("## Sources")[2].partition("## Provenance")[0]
    assert "PMID 12345678](https://pubmed.ncbi.nlm.nih.gov/12345678/)" in sources  # control
    assert "<script" not in summary
    assert re.search(r"(?<!\\)\]\(javascript:", summary) is None  # every "](" in it is escaped
    escaped = r"PMID 1&lt;script&gt;alert(9)&lt;/script&gt;\](javascript:alert(1))]("
    assert escaped + "https://pubmed.ncbi.nlm.nih.gov/1%3Cscript%3E" in sources


def test_what_this_changes_comes_before_the_records_in_every_format():
    rendered = render_digest(sample_digest(), WATCH, SAMPLE_CHANGES)
    for body, heading in (
        (rendered.html, "What this changes"),
        (rendered.text, "WHAT THIS CHANGES"),
        (rendered.markdown, "What this changes"),
    ):
        assert body.index(heading) < body.index("99000010")
        assert "both RCTs (150 participants) favour B12" in body
        assert "1 RCT (60 participants) favours B12" in body
    document = json.loads(rendered.json)
    assert document["evidence_changes"][0]["new_pmids"] == ["99000013"]
    # Control: a digest that moved nothing has no such block.
    assert "What this changes" not in render_digest(empty_digest(), WATCH).html
    assert "What this changes" not in render_digest(sample_digest(), WATCH).html


def test_an_uncertain_call_shows_a_possible_rct_with_its_probability():
    from dataclasses import replace

    digest = sample_digest()
    cohort = next(item for item in digest.items if item.design == "cohort")
    unsure = replace(
        cohort.classification,
        design=replace(cohort.classification.design, rct_probability=0.42, runner_up="rct"),
    )
    items = tuple(replace(i, classification=unsure) if i is cohort else i for i in digest.items)
    rendered = render_digest(replace(digest, items=items), WATCH)
    for body in (rendered.html, rendered.text, rendered.markdown):
        assert body.count("possible RCT 42%") == 1
    [item] = [i for i in json.loads(rendered.json)["items"] if i["pmid"] == cohort.record.pmid]
    assert (item["design"]["second_label"], item["design"]["second_probability"]) == ("rct", 0.42)
    # Control: without a runner-up nobody is told "possible RCT".
    assert "possible RCT" not in render_digest(sample_digest(), WATCH).html


def test_doses_read_as_a_prescriber_writes_them():
    assert dose(1000 / 7) == "143"  # a weekly 1,000 µg, per day
    assert dose(1500) == "1,500"
    assert dose(2.4) == "2.4"  # the daily allowance keeps its decimal
    assert dose(10.4) == "10"


def test_a_weekly_dose_per_day_reads_as_a_prescriber_writes_it_and_json_keeps_it_exact():
    # The reader's formats round to whole micrograms; the JSON, read by programs, does not.
    from dataclasses import replace

    digest = sample_digest()
    first = digest.items[0]
    weekly = replace(
        first.classification,
        attributes=replace(first.classification.attributes, daily_dose=1000 / 7),
    )
    items = (replace(first, classification=weekly), *digest.items[1:])
    rendered = render_digest(replace(digest, items=items), WATCH)
    for body in (rendered.html, rendered.text, rendered.markdown):
        assert "143 µg/day" in body and "142.8" not in body
    [item] = [i for i in json.loads(rendered.json)["items"] if i["pmid"] == first.record.pmid]
    assert "142.857" in item["attributes"]["treatment"]


def test_the_treatment_line_pairs_each_form_with_its_own_route_and_dose_per_arm():
    from dataclasses import replace

    from litwatch.core.classification import Arm, Arms

    digest = sample_digest()
    first = digest.items[0]
    three = Arms(
        arms=(
            Arm("oral cyanocobalamin", True, "cyanocobalamin", "oral", 1000.0),
            Arm("injected hydroxocobalamin", True, "hydroxocobalamin", "intramuscular", 1000 / 7),
            Arm("placebo", False, control="placebo"),
        ),
        tests_intervention=True,
    )
    crossed = replace(
        first.classification,
        attributes=replace(
            first.classification.attributes,
            forms=("cyanocobalamin", "hydroxocobalamin"),
            routes=("oral", "intramuscular"),
        ),
        arms=three,
    )
    items = (replace(first, classification=crossed), *digest.items[1:])
    rendered = render_digest(replace(digest, items=items), WATCH)
    line = (
        "oral cyanocobalamin 1,000 µg/day vs intramuscular hydroxocobalamin 143 µg/day vs placebo"
    )
    for body in (rendered.html, rendered.text, rendered.markdown):
        assert line in body.replace("\\", "")
        assert "hydroxocobalamin, oral" not in body and "cyanocobalamin, intramuscular" not in body


def test_an_arm_given_weekly_reads_as_prescribed_in_the_digest_and_the_summary(tmp_path):
    # "1 mg weekly" was shown as "143 µg/day", a figure nobody prescribes and that reads as
    # a seventh of the dose beside a daily oral arm.
    from dataclasses import replace

    from litwatch.core.classification import Arm, Arms
    from litwatch.outputs.summary import write_summary

    digest = sample_digest()
    first = digest.items[0]
    arms = Arms(
        arms=(
            Arm("oral cyanocobalamin", True, "cyanocobalamin", "oral", 1000.0, "daily",
                dose_ug=1000.0),
            Arm("hydroxocobalamin 1 mg weekly", True, "hydroxocobalamin", "intramuscular",
                round(1000 / 7, 2), "weekly", dose_ug=1000.0),
        ),
        tests_intervention=True,
    )  # fmt: skip
    items = (
        replace(first, classification=replace(first.classification, arms=arms)),
        *digest.items[1:],
    )
    changed = replace(digest, items=items)
    line = "oral cyanocobalamin 1,000 µg/day vs intramuscular hydroxocobalamin 1,000 µg weekly"
    rendered = render_digest(changed, WATCH)
    for body in (rendered.html, rendered.text, rendered.markdown):
        assert line in body.replace("\\", "")
        assert "143" not in body
    [item] = [i for i in json.loads(rendered.json)["items"] if i["pmid"] == first.record.pmid]
    assert item["attributes"]["treatment"] == line
    records = [(item.record, item.classification) for item in changed.items]
    paths = write_summary(tmp_path, WATCH, records, [changed], datetime(2026, 11, 30, tzinfo=UTC))
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "| 1,000 µg/day vs 1,000 µg weekly |" in markdown and "143" not in markdown
    [arm] = [
        a
        for r in json.loads(paths.json.read_text(encoding="utf-8"))["records"]
        if r["pmid"] == first.record.pmid
        for a in r["arms"]
        if a["schedule"] == "weekly"
    ]
    assert (arm["dose_ug"], arm["daily_dose_ug"]) == (1000.0, 142.86)


def test_a_head_to_head_trial_s_outcome_line_says_what_its_statements_say():
    """99000013 compares three B12 regimens: the digest said "B12 status markers: unclear ·
    B12 status markers: unclear" (two raw results, one domain) while the summary credited
    intramuscular hydroxocobalamin. The line now gives one call per domain, from the same
    reading the statements count."""
    from default_judge import judged
    from litwatch.flows.digesting import watch_info
    from litwatch.outputs.view import record_view

    shipped = Path(__file__).resolve().parents[3] / "shared/corpus/ontopic/ontopic.xml"
    watch, pairs = judged([shipped])
    record, classification = next(pair for pair in pairs if pair[0].pmid == "99000013")
    line = record_view(record, classification, watch_info(watch))["findings_line"]
    assert line.count("B12 status markers") == 1, line
    assert "B12 status markers: intramuscular hydroxocobalamin better" in line, line
    assert "symptom scores: no difference" in line, line


def test_a_gap_reason_an_earlier_one_already_says_is_not_repeated():
    # The default watch requires "follow-up of a year or more, or ... outcomes together" and
    # also prefers each side, so a digest said "104 weeks of follow-up" twice.
    from litwatch.outputs.view import without_repeats

    reasons = [
        "randomized trial or its protocol",
        "randomized",
        "follow-up of a year or more, or full outcomes together: 104 weeks of follow-up",
        "follow-up of a year or more: 104 weeks of follow-up",
        "full outcomes: measures pain and quality of life",
        "not met — randomized",
    ]
    assert without_repeats(reasons) == [
        "randomized trial or its protocol",
        "follow-up of a year or more, or full outcomes together: 104 weeks of follow-up",
        "full outcomes: measures pain and quality of life",
        "not met — randomized",
    ]
    # Controls: a reason with evidence of its own stays, and so does a label said only inside
    # a longer word.
    assert without_repeats(["dose stated: 1 mg", "dose: 2 mg"]) == [
        "dose stated: 1 mg",
        "dose: 2 mg",
    ]
    assert without_repeats(["randomizedly allocated", "randomized"]) == [
        "randomizedly allocated",
        "randomized",
    ]


def test_a_result_of_a_combination_product_says_what_was_given_besides_the_intervention():
    # "favours B12" of a tablet of thiamine, pyridoxine and cyanocobalamin credits B12 with
    # what the combination did.
    from dataclasses import replace

    from litwatch.core.classification import Arm, Arms
    from litwatch.outputs.view import direction_words, outcome_call_views
    from outputs_samples import RCT_GAP, record

    watch = replace(WATCH, combinations=(("b-complex", "other B vitamins (B-complex)"),))
    tablet = Arms(
        arms=(
            Arm("a B-complex tablet", True, "b-complex", "oral"),
            Arm("placebo", False, control="placebo"),
        ),
        tests_intervention=True,
    )
    combined = replace(RCT_GAP, arms=tablet)
    [pain] = [c for c in outcome_call_views(record("99100005", "A tablet"), combined, watch)
              if c["domain"] == "pain"]  # fmt: skip
    assert pain["direction_words"] == "favours B12 with other B vitamins (B-complex)"
    # Controls: the same trial given one form alone, and a head-to-head wording.
    alone = replace(tablet, arms=(Arm("methylcobalamin", True, "methylcobalamin", "oral"),
                                  tablet.arms[1]))  # fmt: skip
    [plain] = [c for c in outcome_call_views(record("99100006", "A tablet"),
                                             replace(RCT_GAP, arms=alone), watch)
               if c["domain"] == "pain"]  # fmt: skip
    assert plain["direction_words"] == "favours B12"
    head = direction_words("favours-intervention", watch, "one form or route", "other B vitamins")
    assert head == "favours one form or route"
    # A statement of controlled trials names the intervention as what it favours: the summary's
    # study line then says it too.
    line = direction_words("favours-intervention", watch, "B12", "other B vitamins (B-complex)")
    assert line == "favours B12 with other B vitamins (B-complex)"
