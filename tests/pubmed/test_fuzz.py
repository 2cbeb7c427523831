"""Property-based fuzzing of the four readers of outside files: the XML parser, the MEDLINE
parser, the watch-file loader and the settings reader. Whatever bytes or text arrive, each gives records (watches)
or one litwatch error, never another exception, within a time and memory bound per input.

Derandomized with a fixed example budget, so the suite runs the same inputs every time in a
few seconds; raise FUZZ_EXAMPLES locally to search longer."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from fuzzing import FUZZ, within_bounds
from hypothesis import example, given
from hypothesis import strategies as st
from litwatch.pubmed.medline import parse_medline
from litwatch.pubmed.xml import parse_xml

from litwatch.config import load_watches
from litwatch.settings import Settings, read_settings

# Pieces of real efetch XML, including the ones that once raised tracebacks (a Version that is
# not a number, an empty MeshHeading), for the fuzzer to put together in any order.
XML_PIECES = [
    '<?xml version="1.0"?>',
    "<!DOCTYPE PubmedArticleSet>",
    "<PubmedArticleSet>",
    "</PubmedArticleSet>",
    "<PubmedArticle>",
    "</PubmedArticle>",
    "<PubmedBookArticle><BookDocument>",
    "</BookDocument></PubmedBookArticle>",
    '<MedlineCitation Status="MEDLINE">',
    "</MedlineCitation>",
    '<PMID Version="1">',
    '<PMID Version="abc">',
    '<PMID Version="-1">',
    "</PMID>",
    "12345678",
    "0",
    "<Article><ArticleTitle>",
    "</ArticleTitle></Article>",
    "<Abstract><AbstractText Label='X'>",
    "</AbstractText></Abstract>",
    "<MeshHeadingList>",
    "<MeshHeading/>",
    "<MeshHeading><DescriptorName MajorTopicYN='Y'>Metformin</DescriptorName></MeshHeading>",
    "<QualifierName MajorTopicYN='Y'>therapy</QualifierName>",
    "</MeshHeadingList>",
    "<DateCompleted><Year>2024</Year><Month>Feb</Month><Day>31</Day></DateCompleted>",
    "<PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>",
    "<AuthorList><Author><LastName>X</LastName><AffiliationInfo/></Author></AuthorList>",
    "<PubmedData><History><PubMedPubDate PubStatus='entrez'><Year>99999</Year>",
    "</PubMedPubDate></History></PubmedData>",
    "<CommentsCorrectionsList><CommentsCorrections RefType='ErratumIn'/>",
    "</CommentsCorrectionsList>",
    "<![CDATA[ x ]]>",
    "&amp;",
    "&undefined;",
    '<!ENTITY a "aaaa">',
    "\x00",
    "é",
    '"',
]
MEDLINE_PIECES = [
    "PMID- 12345678\n",
    "PMID- 0\n",
    "PMID- 12a\n",
    "PMID- \n",
    "TI  - Metformin and B12\n",
    "      continued line\n",
    "AB  - BACKGROUND: text. METHODS: more.\n",
    "DP  - 2019 Jan 2\n",
    "DP  - 1998 Dec-1999 Jan\n",
    "EDAT- 2026/13/45 00:00\n",
    "LR  - 20241231\n",
    "MH  - *Metformin/therapeutic use\n",
    "FAU - Doe, Jane\n",
    "AD  - Somewhere\n",
    "AID - 10.1/x [doi]\n",
    "SI  - ClinicalTrials.gov/NCT01234567\n",
    "EIN - Ann Med. 2020;1:1. PMID: \n",
    "\n",
    "\x1b[2J",
    "\ufeff",
]
WATCH_PIECES = [
    "[[watch]]\n",
    "[watch]\n",
    'name = "b12"\n',
    'name = "B12\\n"\n',
    "name = 1\n",
    'query = "metformin[tiab] AND (b12 OR cobalamin)"\n',
    'query = ")metformin("\n',
    'query = ""\n',
    'recipients = ["team@example.org"]\n',
    'recipients = ["a,evil@example.com", "x(y)z@w.org"]\n',
    "recipients = 3\n",
    'schedule = { cron = "0 7 * * 1", timezone = "Europe/Paris" }\n',
    'schedule = { cron = "61 * * * *" }\n',
    "overlap_days = -1\n",
    "start_date = 2026-02-30\n",
    'subject = "{week}"\n',
    "[[watch.gaps]]\n",
    'name = "g"\n',
    "[watch.topic]\n",
    "any = [1, 2]\n",
    "= broken\n",
    '"\n',
    # issue #18: each of these once passed the loader and crashed or misled every run
    '[[watch.gaps.require]]\nphrases = ["*"]\n',
    'question = "Any?"\n',
    '[watch.topic]\nrule = "((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))"\n',
    '[watch.topic.concepts]\na = ["b12"]\n',
    '[[watch.questions]]\nname = "q"\ntitle = "Q"\ndomains = ["pain"]\n',
    '[watch.findings]\ncomparator = ["placebo"]\n',
    '[[watch.findings.domains]]\nname = "pain"\npolarity = "lower-is-better"\nterms = ["pain"]\n',
    "x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
]
SETTINGS_PIECES = [
    'smtp_host = "mail.example.org"\n',
    "smtp_port = 587\n",
    "smtp_port = 70000\n",
    'smtp_port = "x"\n',
    'smtp_security = "tls"\n',
    'smtp_pasword = "typo"\n',
    'data_dir = ""\n',
    'data_dir = "/tmp/litwatch-fuzz"\n',
    "output_dir = 3\n",
    'mail_from = "a@example.org\\r\\nBcc: c@example.org"\n',
    'mail_from = "litwatch <a@example.org>"\n',
    "entrez_timeout = -1\n",
    "entrez_max_attempts = 99\n",
    'ncbi_api_key = "k"\n',
    'prefect_analytics = "maybe"\n',
    "prefect_analytics = true\n",
    "[table]\n",
    "x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    "= broken\n",
    '"\n',
]


def _pieces(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=40).map("".join)


def _text_or_mixed(pieces: list[str]) -> st.SearchStrategy[str]:
    noise = st.text(max_size=200)
    return st.one_of(_pieces(pieces), noise, st.tuples(_pieces(pieces), noise).map("".join))


def _encoded(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """The text as UTF-8, sometimes gzipped, sometimes JSON-quoted as a corpus file was."""
    plain = texts.map(lambda text: text.encode("utf-8", "surrogatepass"))
    return st.one_of(
        plain,
        plain.map(gzip.compress),
        plain.map(lambda data: b'"' + data.replace(b'"', b'\\"') + b'"'),
        st.binary(max_size=500),
    )


@FUZZ
@given(data=_encoded(_text_or_mixed(XML_PIECES)))
@example(data=b"\x1f\x8b")  # found by a longer run: a cut-off gzip header raised EOFError
def test_any_bytes_give_xml_records_or_one_parse_error(data):
    for record in within_bounds(lambda: parse_xml(data)):
        assert record.pmid.isdigit() and record.pmid.isascii() and int(record.pmid) > 0


@FUZZ
@given(data=_encoded(_text_or_mixed(MEDLINE_PIECES)))
@example(data=b"      continued line\n")  # found: KeyError inside Bio.Medline
def test_any_bytes_give_medline_records_or_one_parse_error(data):
    for record in within_bounds(lambda: parse_medline(data)):
        assert record.pmid.isdigit() and record.pmid.isascii() and int(record.pmid) > 0


@pytest.fixture(scope="module")
def watch_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "watches.toml"


@FUZZ
@given(data=_encoded(_text_or_mixed(WATCH_PIECES)))
@example(data=b"x = " + b"[" * 500 + b"]" * 500)  # issue #18: RecursionError
def test_any_watch_file_gives_watches_or_one_config_error(watch_path, data):
    watch_path.write_bytes(data)
    for watch in within_bounds(lambda: load_watches(watch_path)):
        assert "\n" not in watch.name and watch.query


@pytest.fixture
def settings_path(tmp_path_factory, monkeypatch) -> Path:
    """A settings file the reader is pointed at, and no other LITWATCH_* variable."""
    for name in list(os.environ):
        if name.startswith("LITWATCH_"):
            monkeypatch.delenv(name)
    path = tmp_path_factory.mktemp("fuzz") / "settings.toml"
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(path))
    return path


@FUZZ
@given(data=_encoded(_text_or_mixed(SETTINGS_PIECES)))
@example(data=b"smtp_port = " + b"[" * 500 + b"]" * 500)  # issue #18: RecursionError
def test_any_settings_file_gives_settings_or_one_config_error(settings_path, data):
    settings_path.write_bytes(data)
    for read in within_bounds(lambda: [read_settings()]):
        assert isinstance(read, Settings) and 1 <= read.smtp_port <= 65535
        assert str(read.data_dir) not in ("", ".")


def test_the_fuzzers_would_report_another_exception():
    """Control: the bound checker lets a non-litwatch exception through, so a parser bug fails."""

    def broken():
        raise IndexError("list index out of range")

    with pytest.raises(IndexError):
        within_bounds(broken)
