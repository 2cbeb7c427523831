"""Broken and malicious export files through `litwatch classify` and `litwatch import`: each is
refused in one `litwatch:` line (or, for a record without a usable PMID, skipped with one
warning line), never a traceback, and a gzip bomb is stopped within bounded memory."""

from __future__ import annotations

import gzip
import json
import logging
import os
import sqlite3

import pytest
from helpers import one_line
from hostile_inputs import classify_peak, gzip_bomb
from litwatch.store import Store

ARTICLE = (
    "<PubmedArticle><MedlineCitation Status='Publisher' Owner='NLM'>{pmid}"
    "<Article><Journal><Title>J</Title></Journal><ArticleTitle>{title}</ArticleTitle>"
    "<Abstract><AbstractText>Metformin and diabetic neuropathy.</AbstractText></Abstract>"
    "<Language>eng</Language></Article>{mesh}</MedlineCitation><PubmedData><History>"
    "<PubMedPubDate PubStatus='entrez'><Year>2026</Year><Month>12</Month><Day>10</Day>"
    "</PubMedPubDate></History></PubmedData></PubmedArticle>"
)
MB = 2**20


def article(pmid: str | None, title: str = "Metformin and B12", version: str = "1", mesh=""):
    pmid_element = "" if pmid is None else f"<PMID Version='{version}'>{pmid}</PMID>"
    return ARTICLE.format(pmid=pmid_element, title=title, mesh=mesh)


def article_set(*articles: str) -> bytes:
    return f"<PubmedArticleSet>{''.join(articles)}</PubmedArticleSet>".encode()


# --- defect 6: parser failures are one line -------------------------------------------------


def test_a_pmid_version_that_is_not_a_number_is_one_line_in_classify_and_import(
    litwatch, data_dir, tmp_path
):
    path = tmp_path / "version.xml"
    path.write_bytes(article_set(article("92000001"), article("92000002", version="abc")))
    for args in (("classify", path), ("import", path, "--watch", "b12-dpn")):
        result = litwatch(*args)
        assert result.exit_code == 1, (args, result)
        assert one_line(result.stderr) == (
            f"litwatch: {path}: article 2: PMID Version 'abc' is not a positive integer"
        )
    # The import's run is marked failed with that line, not left 'running'.
    with sqlite3.connect(data_dir / "litwatch.sqlite") as db:
        runs = db.execute("SELECT status, error FROM runs").fetchall()
    assert runs == [("failed", f"{path}: article 2: PMID Version 'abc' is not a positive integer")]
    good = tmp_path / "good.xml"  # control: the same articles with a numeric version
    good.write_bytes(article_set(article("92000001"), article("92000002", version="3")))
    classified = litwatch("classify", good)
    assert classified.exit_code == 0, classified.stderr
    assert [json.loads(line)["pmid"] for line in classified.stdout.splitlines()] == [
        "92000001",
        "92000002",
    ]


def test_an_empty_mesh_heading_is_passed_over_not_a_traceback(litwatch, data_dir, tmp_path):
    mesh = (
        "<MeshHeadingList><MeshHeading/><MeshHeading><DescriptorName UI='D008687'>Metformin"
        "</DescriptorName></MeshHeading></MeshHeadingList>"
    )
    path = tmp_path / "mesh.xml"
    path.write_bytes(article_set(article("92000003", mesh=mesh)))
    result = litwatch("classify", path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["pmid"] == "92000003"


def test_a_json_quoted_export_with_a_bad_utf8_byte_is_one_line(litwatch, data_dir, tmp_path):
    quoted = json.dumps(article_set(article("92000004")).decode()).encode()
    path = tmp_path / "quoted.xml"
    path.write_bytes(quoted.replace(b"Metformin and B12", b"Metformin \xff B12"))
    result = litwatch("classify", path)
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith(f"litwatch: {path}: not UTF-8 text (byte ")
    path.write_bytes(quoted)  # control: the same file, valid UTF-8, is read
    assert json.loads(litwatch("classify", path).stdout)["pmid"] == "92000004"


# --- defect 7: a PMID is a positive integer --------------------------------------------------


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_records_without_a_positive_integer_pmid_are_skipped_with_one_warning_each(
    litwatch, data_dir, tmp_path
):
    path = tmp_path / "pmids.xml"
    path.write_bytes(
        article_set(
            article("1&lt;script&gt;alert(9)&lt;/script&gt;"),
            article(None, title="First without a PMID"),
            article("92000005", title="The one good record"),
            article(None, title="Second without a PMID"),
            article("0"),
        )
    )
    # On the logger itself: Prefect's logging set-up may stop litwatch's records short of root.
    kept, logger = _Kept(), logging.getLogger("litwatch.pubmed.formats")
    logger.addHandler(kept)
    try:
        imported = litwatch("import", path, "--watch", "b12-dpn")
    finally:
        logger.removeHandler(kept)
    assert imported.exit_code == 0, imported.stderr
    with Store.open(data_dir / "litwatch.sqlite") as store:
        stored = [record.pmid for record in store.latest_records("b12-dpn")]
    assert stored == ["92000005"]  # control: the valid record is stored
    assert kept.messages == [
        f"{path}: record 1 skipped: its PMID '1<script>alert(9)</script>' is not a positive integer",
        f"{path}: record 2 skipped: it has no PMID",
        f"{path}: record 4 skipped: it has no PMID",
        f"{path}: record 5 skipped: its PMID '0' is not a positive integer",
    ]


def test_a_medline_record_with_a_bad_pmid_is_skipped_with_one_warning(
    litwatch, data_dir, tmp_path, caplog
):
    path = tmp_path / "export.txt"
    path.write_text(
        "PMID- 12a\nTI  - Metformin and B12\n\nPMID- 92000006\nTI  - Metformin and B12\n\n"
    )
    caplog.set_level(logging.WARNING, logger="litwatch.pubmed.formats")
    result = litwatch("classify", path)
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["pmid"] for line in result.stdout.splitlines()] == ["92000006"]
    assert [r.getMessage() for r in caplog.records if r.name == "litwatch.pubmed.formats"] == [
        f"{path}: record 1 skipped: its PMID '12a' is not a positive integer"
    ]


# --- defect 3: decompression is bounded ------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "filler", "expected"),
    [
        # The corpus quirk read whole to unquote it: its own, smaller bound stops it first.
        (b'"<PubmedArticleSet>', b" ", "a JSON-quoted export larger than 16 MB is not read"),
        # Comments the parser drops as it goes: only the decompression bound can stop this.
        (
            b"<PubmedArticleSet>",
            b"<!-- -->",
            "decompresses to more than 100 times its size (a gzip bomb?); not read",
        ),
        (
            b"PMID- 1\nAB  - ",
            b" ",
            "decompresses to more than 100 times its size (a gzip bomb?); not read",
        ),
    ],
    ids=["json-quoted", "xml", "medline"],
)
def test_a_gzip_bomb_is_refused_in_one_line_within_bounded_memory(
    data_dir, tmp_path, first, filler, expected
):
    bomb = gzip_bomb(tmp_path / "bomb.gz", 1024, first, filler)
    assert bomb.stat().st_size < 2 * MB
    code, peak, error = classify_peak(bomb, env=os.environ | {"LITWATCH_DATA_DIR": str(data_dir)})
    assert code == 1
    assert error == f"litwatch: {bomb}: {expected}"
    assert peak <= 400


def test_a_gzipped_export_of_ordinary_size_is_read_whole(litwatch, data_dir, corpus, tmp_path):
    """Control for the bomb: a real export compresses about tenfold and is read to its end."""
    source = corpus / "ontopic" / "ontopic.xml"
    packed = tmp_path / "ontopic.xml.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    plain = litwatch("classify", source)
    assert litwatch("classify", packed).stdout == plain.stdout != ""


def test_a_gzipped_export_damaged_inside_its_compressed_data_is_one_line(
    litwatch, corpus, tmp_path
):
    """Bytes overwritten in the middle of the deflate stream (a bad disk, a bad copy): the
    decompressor's own error, which is not an OSError, was a traceback."""
    packed = gzip.compress((corpus / "ontopic" / "ontopic.xml").read_bytes())
    middle = len(packed) // 2
    damaged = tmp_path / "damaged.xml.gz"
    damaged.write_bytes(packed[:middle] + b"\x00" * 64 + packed[middle + 64 :])
    for command in (("classify", damaged), ("import", "--watch", "b12-dpn", damaged)):
        result = litwatch(*command)
        assert result.exit_code == 1
        assert one_line(result.stderr).startswith(f"litwatch: {damaged}: damaged gzip data (")
    intact = tmp_path / "intact.xml.gz"
    intact.write_bytes(packed)  # control: the same export undamaged is read
    assert litwatch("classify", intact).exit_code == 0


# --- defects 4, 5, 8, 10, 12: the watch file and the settings are checked at load -------------

WATCH = """
[[watch]]
name = "b12"
query = "metformin[tiab] AND (b12 OR cobalamin)"
recipients = ["team@example.org"]
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('name = "b12"', 'name = "b12\\n"'),
            "watch 'b12\\n': name: must be 1-64 lower-case letters, digits, '-' or '_' (it names files and folders)",
        ),
        (
            ('"team@example.org"', '"team@example.org\\n"'),
            "watch 'b12': recipients: 'team@example.org\\n' is not one e-mail address (it holds a line break)",
        ),
        (
            ('"team@example.org"', '"a,evil@example.com"'),
            "watch 'b12': recipients: 'a,evil@example.com' is not one e-mail address",
        ),
        (
            ('"team@example.org"', '"a(comment)evil@example.com"'),
            "watch 'b12': recipients: 'a(comment)evil@example.com' is not one e-mail address",
        ),
        (
            ("(b12 OR cobalamin)", ")b12 OR cobalamin("),
            "watch 'b12': query: has a ')' before its '(' (unbalanced parentheses)",
        ),
        (("recipients =", 'subject = "{week}"\nrecipients ='), "watch 'b12': subject: unknown key"),
    ],
    ids=["name-newline", "recipient-newline", "two-recipients", "comment", "nesting", "subject"],
)
def test_run_refuses_a_watch_file_it_could_not_deliver_in_one_line(
    litwatch, data_dir, tmp_path, change, expected
):
    path = tmp_path / "watches.toml"
    path.write_text(WATCH)
    control = litwatch("run", "--watches", path, "--watch", "nope")
    assert one_line(control.stderr) == "litwatch: no watch named 'nope' (known: b12)"  # loads
    path.write_text(WATCH.replace(*change))
    result = litwatch("run", "--watches", path)
    assert result.exit_code == 1
    assert one_line(result.stderr) == f"litwatch: {path}: {expected}"
    assert not data_dir.exists()  # refused before any store was opened


def test_a_mail_from_with_a_line_break_is_refused_at_load_without_its_value(
    litwatch, data_dir, monkeypatch, tmp_path
):
    monkeypatch.setenv("LITWATCH_MAIL_FROM", "litwatch@example.org\r\nBcc: SEKRET@example.com")
    result = litwatch("run", "--watches", tmp_path / "absent.toml")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "litwatch: setting mail_from (LITWATCH_MAIL_FROM): "
        "Value error, is not one e-mail address (it holds a line break)"
    )
    monkeypatch.setenv("LITWATCH_MAIL_FROM", "Team <team@example.org>")  # control: one address
    accepted = litwatch("run", "--watches", tmp_path / "absent.toml")
    assert "cannot read watch file" in one_line(accepted.stderr)
