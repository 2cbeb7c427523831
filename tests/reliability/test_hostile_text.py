"""Invisible and active text in records and input files (issue #18, security 3 and 5): bidi and
format characters never reach an output, record text is isolated in HTML, Markdown shows a
record's text literally (no strikethrough, no autolinks), and no table cell steers a terminal."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import settings_for, write_watch_file
from litwatch.flows.weekly import watch_flow
from litwatch.pubmed.ovid import read_ovid
from lxml import html as lxml_html
from markdown_it import MarkdownIt

RUN_AT = datetime(2026, 12, 14, 7, 0)
RLO, ZWSP, ZWJ, LRI, BOM = "\u202e", "\u200b", "\u200d", "\u2066", "\ufeff"
# A title whose right-to-left override, left open, would reverse the rest of its line, the
# summary's own words after it included ("favours B12" read as "21B sruovaf").
TITLE = f"Methyl{ZWSP}cobalamin in diabetic neuropathy {RLO}a trial{LRI} of{BOM} B12"
SHOWN_TITLE = "Methylcobalamin in diabetic neuropathy a trial of B12"
# What GFM would strike through or turn into links, were it not escaped.
ACTIVE = (
    "~~withdrawn~~ see https://evil.example/x or www.evil.example, write to someone@evil.example"
)

ARTICLE = (
    '<PubmedArticle><MedlineCitation Status="Publisher" Owner="NLM"><PMID Version="1">{pmid}'
    '</PMID><Article PubModel="Print"><Journal><Title>{journal}</Title></Journal>'
    "<ArticleTitle>{title}</ArticleTitle><Abstract><AbstractText>{abstract}</AbstractText>"
    '</Abstract><Language>eng</Language><PublicationTypeList><PublicationType UI="D016449">'
    "Randomized Controlled Trial</PublicationType></PublicationTypeList></Article>"
    '</MedlineCitation><PubmedData><History><PubMedPubDate PubStatus="entrez"><Year>2026</Year>'
    "<Month>12</Month><Day>10</Day></PubMedPubDate></History></PubmedData></PubmedArticle>"
)


def invisible(text: str) -> list[str]:
    """The control and format characters in `text` (line ends and tabs aside), by name."""
    return sorted(
        {
            unicodedata.name(c, hex(ord(c)))
            for c in text
            if unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n\r"
        }
    )


def hostile_xml() -> bytes:
    article = ARTICLE.format(
        pmid="93000001",
        # Characters as raw text and as character references: both are the same to XML.
        title=TITLE.replace(BOM, "&#xFEFF;"),
        journal=f"J {ACTIVE}",
        abstract=f"Metformin users with diabetic neuropathy{ZWJ} took B12. {ACTIVE}.",
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>{article}</PubmedArticleSet>'.encode()


def test_bidi_and_zero_width_characters_reach_no_output_of_a_run(
    prefect_api, hostile_eutils, tmp_path
):
    hostile_eutils.efetch = hostile_xml()
    watches = write_watch_file(tmp_path, "metformin[tiab]")
    settings = settings_for(hostile_eutils.base_url, tmp_path / "data", watches)
    result = watch_flow("sim", now=RUN_AT, settings=settings, since=date(2026, 1, 1))
    assert result.new == 1

    outputs = {name: path for name, path in result.paths.items() if Path(path).suffix != ".png"}
    assert {"html", "txt", "md", "json", "csv", "ris", "eml", "summary_html"} <= set(outputs)
    for name, path in outputs.items():
        text = Path(path).read_text(encoding="utf-8")
        assert invisible(text) == [], name  # before the fix: RIGHT-TO-LEFT OVERRIDE, ...
    assert json.loads(Path(outputs["json"]).read_text())["items"][0]["title"] == SHOWN_TITLE

    # In HTML, record text sits in <bdi>: a direction mark in an old stored record, or one
    # the parser does not know, cannot reorder the words after it.
    for name in ("html", "summary_html"):
        page = lxml_html.fromstring(Path(outputs[name]).read_text(encoding="utf-8"))
        isolated = [element.text_content() for element in page.iter("bdi")]
        assert SHOWN_TITLE in isolated, name


def test_markdown_shows_record_text_without_strikethrough_or_autolinks(
    prefect_api, hostile_eutils, tmp_path
):
    hostile_eutils.efetch = hostile_xml()
    watches = write_watch_file(tmp_path, "metformin[tiab]")
    settings = settings_for(hostile_eutils.base_url, tmp_path / "data", watches)
    result = watch_flow("sim", now=RUN_AT, settings=settings, since=date(2026, 1, 1))

    for name in ("md", "summary_md"):
        markdown = Path(result.paths[name]).read_text(encoding="utf-8")
        rendered = MarkdownIt("commonmark").enable(["strikethrough", "table"]).render(markdown)
        assert "<s>" not in rendered and "<del>" not in rendered, name
        page = lxml_html.fromstring(rendered)
        assert "~~withdrawn~~" in page.text_content(), name  # shown as written
        links = [a.get("href") for a in page.iter("a")]
        assert not any("evil" in (href or "") for href in links), name
        # GFM's extended autolinks (which markdown-it leaves to a plug-in): a scheme's "://",
        # a "www." and an address's "@" must each be broken by an escape.
        assert not re.search(r"(?i)\b(?:https?|ftp)://(?!pubmed\.|doi\.org)", markdown), name
        assert not re.search(r"(?i)\bwww\.", markdown), name
        assert not re.search(r"[\w.+-]@[\w-]+\.", markdown), name


def test_the_markdown_check_finds_what_an_unescaped_title_would_make():
    """Control: the same renderer strikes through and the same patterns match unescaped text."""
    rendered = MarkdownIt("commonmark").enable(["strikethrough"]).render(ACTIVE)
    assert "<s>withdrawn</s>" in rendered
    assert re.search(r"(?i)\b(?:https?|ftp)://(?!pubmed\.|doi\.org)", ACTIVE)
    assert re.search(r"(?i)\bwww\.", ACTIVE) and re.search(r"[\w.+-]@[\w-]+\.", ACTIVE)


MEDLINE = (
    f"PMID- 93000002\nSTAT- Publisher\nDP  - 2026 Dec\nTI  - {TITLE}\n"
    f"AB  - Metformin{ZWJ} and B12 in diabetic neuropathy.\nPT  - Journal Article\n"
    "EDAT- 2026/12/10 00:00\n\n"
)


@pytest.mark.parametrize("form", ["xml", "medline"])
def test_classify_prints_record_text_without_invisible_characters(litwatch, tmp_path, form):
    path = tmp_path / f"hostile.{'xml' if form == 'xml' else 'nbib'}"
    path.write_text(hostile_xml().decode() if form == "xml" else MEDLINE, encoding="utf-8")
    result = litwatch("classify", path, "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert invisible(result.stdout) == []

    from litwatch.pubmed.formats import parse_file

    (record,) = parse_file(path)
    assert record.title == SHOWN_TITLE
    assert invisible(json.dumps(record.to_dict(), ensure_ascii=False)) == []


def test_an_ovid_export_loses_its_invisible_characters(tmp_path):
    path = tmp_path / "ovid.txt"
    path.write_text(
        f"VN  - Ovid Technologies\nTI  - {TITLE}\nAB  - Metformin{ZWJ} and B12.\n"
        "XL  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=medl&AN=93000003\n",
        encoding="utf-8",
    )
    (record,) = read_ovid(path)
    assert record.title == SHOWN_TITLE
    assert record.abstract[0].text == "Metformin and B12."


# --- 5. no table cell steers the terminal ------------------------------------------------------

ESCAPES = "\x1b]0;owned\x07\x1b[2J"


def test_findings_table_prints_no_terminal_escape_from_a_prompt_id(litwatch, corpus, tmp_path):
    prompts = tmp_path / "prompts.csv"
    prompts.write_text(
        "prompt_id,pmid,outcome,intervention,comparator\n"
        f"a{ESCAPES}b,99000016,nerve conduction,B-complex tablet,placebo\n",
        encoding="utf-8",
    )
    ontopic = corpus / "ontopic" / "ontopic.xml"
    for fmt in ("table", "csv"):
        result = litwatch("findings", ontopic, "--prompts", prompts, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, fmt
        assert invisible(result.stdout) == [], fmt
        assert "a]0;owned[2Jb" in result.stdout, fmt  # the id's visible characters, kept


def test_control_the_json_lines_keep_the_prompt_id_escaped_not_raw(litwatch, corpus, tmp_path):
    """Control: JSON escapes the same characters itself, and keeps them as data."""
    prompts = tmp_path / "prompts.csv"
    prompts.write_text(
        "prompt_id,pmid,outcome,intervention,comparator\n"
        f"a{ESCAPES}b,99000016,nerve conduction,B-complex tablet,placebo\n",
        encoding="utf-8",
    )
    result = litwatch("findings", corpus / "ontopic" / "ontopic.xml", "--prompts", prompts)
    assert "\x1b" not in result.stdout
    assert json.loads(result.stdout.splitlines()[0])["prompt_id"] == f"a{ESCAPES}b"


def test_a_terminal_cell_keeps_only_visible_characters():
    """The filter every table cell (classify's and findings') passes through."""
    from litwatch.core.text import terminal_cell

    assert terminal_cell(f"12{ESCAPES}34\n5\u202e6") == "12]0;owned[2J34 56"
