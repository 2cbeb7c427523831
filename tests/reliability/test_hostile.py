"""Hostile and broken input through the real entry points: each gets one clear line or inert
output, and the records already stored stay, with the same content.

Parser-level cases (XXE, entity bombs, cut-off files, non-PubMed bodies), renderer-level
escaping, CSV formulas, RIS line breaks and watch-file mistakes are tested in tests/pubmed,
tests/outputs and tests/litwatch; here the same kinds of input arrive through `litwatch
import/classify/run/standin/demo` and through the weekly flow over HTTP.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
import rispy
from helpers import fetch_one_batch, one_line, settings_for, store_rows, write_watch_file
from litwatch.core.errors import EntrezError, ParseError
from litwatch.flows.weekly import watch_flow
from litwatch.pubmed.entrez import EntrezClient, EntrezConfig
from litwatch.standin.testing import running_standin
from lxml import html as lxml_html

# Its tests start a stand-in, a Prefect flow or the CLI's flows themselves: the `server` lane.
pytestmark = pytest.mark.server

QUERY = "diabetes[tiab] OR diabetic[tiab] OR metformin[tiab] OR neuropathy[tiab]"
SEEDED = datetime(2026, 12, 7, 7, 0)  # every on-topic record is in by then
HOSTILE_RUN = datetime(2026, 12, 14, 7, 0)
MB = 2**20

ARTICLE = (
    '<PubmedArticle><MedlineCitation Status="Publisher" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
    '<Article PubModel="Print"><Journal><Title>{journal}</Title></Journal>'
    "<ArticleTitle>{title}</ArticleTitle><Abstract><AbstractText>{abstract}</AbstractText></Abstract>"
    '<Language>eng</Language><PublicationTypeList><PublicationType UI="D016428">Journal Article'
    "</PublicationType></PublicationTypeList></Article></MedlineCitation><PubmedData><History>"
    '<PubMedPubDate PubStatus="entrez"><Year>2026</Year><Month>12</Month><Day>10</Day>'
    "</PubMedPubDate></History></PubmedData></PubmedArticle>"
)


def article(
    pmid: str, title: str, abstract: str = "Diabetic neuropathy and metformin.", journal: str = "J"
) -> str:
    return ARTICLE.format(pmid=pmid, title=title, abstract=abstract, journal=journal)


def article_set(*articles: str, doctype: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype
        + "<PubmedArticleSet>"
        + "".join(articles)
        + "</PubmedArticleSet>\n"
    ).encode("utf-8")


# --- a store that already holds records -------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(prefect_api, corpus, tmp_path_factory) -> tuple[Path, Path]:
    """A data folder whose store holds the on-topic records, digested and delivered to the outbox."""
    folder = tmp_path_factory.mktemp("seeded")
    watches = write_watch_file(folder, QUERY)
    with running_standin([corpus / "ontopic" / "ontopic.xml"], now=SEEDED) as standin:
        settings = settings_for(standin.base_url, folder / "data", watches)
        watch_flow("sim", now=SEEDED, settings=settings, since=date(2000, 1, 1))
    return folder / "data", watches


@pytest.fixture
def data_dir(seeded, tmp_path) -> Path:
    """A private copy of the seeded data folder."""
    copy = tmp_path / "data"
    shutil.copytree(seeded[0], copy)
    return copy


def assert_records_kept(before: dict, after: dict) -> None:
    """Every record version and classification stored before is still there, unchanged
    (a run that succeeds may add rows and move the watermark)."""
    for table in ("record_versions", "classifications"):
        assert before[table] and set(before[table]) <= set(after[table]), table


def hostile_run(hostile_eutils, data_dir: Path, watches: Path, **overrides):
    settings = settings_for(
        hostile_eutils.base_url, data_dir, watches, entrez_max_attempts=2, **overrides
    )
    return watch_flow("sim", now=HOSTILE_RUN, settings=settings)


# --- 100 MB answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("framing", ["length", "close", "chunked"])
def test_a_100_mb_answer_is_refused_without_reading_it_into_memory(
    hostile_eutils, tmp_path, framing
):
    hostile_eutils.stream_bytes = 100 * MB
    hostile_eutils.framing = framing
    client = EntrezClient(
        EntrezConfig(
            email="tests@example.org",
            base_url=hostile_eutils.base_url,
            pace_dir=tmp_path,
            requests_per_second=100,
            max_response_bytes=8 * MB,
        )
    )
    tracemalloc.start()
    try:
        with pytest.raises(EntrezError) as refused:
            fetch_one_batch(client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert message.startswith("PubMed efetch answer is larger than 8,388,608 bytes")
    assert "batch_size" in message and "\n" not in message
    assert peak < 24 * MB, f"peak {peak / MB:.1f} MB while refusing"
    assert client.stats.requests == 1  # the same request would bring the same body: no retry


def test_the_default_limit_refuses_a_100_mb_answer(hostile_eutils, tmp_path):
    hostile_eutils.stream_bytes = 100 * MB
    config = EntrezConfig(
        email="t@example.org", base_url=hostile_eutils.base_url, pace_dir=tmp_path
    )
    assert config.max_response_bytes == 64 * MB
    with pytest.raises(
        EntrezError, match=r"larger than 67,108,864 bytes \(104,857,600 bytes announced\)"
    ):
        fetch_one_batch(EntrezClient(config))


def test_a_100_mb_answer_stops_the_weekly_run_and_the_store_keeps_its_records(
    hostile_eutils, data_dir, seeded
):
    hostile_eutils.stream_bytes = 100 * MB
    hostile_eutils.framing = "close"
    before = store_rows(data_dir / "litwatch.sqlite")
    with pytest.raises(EntrezError, match=r"^PubMed efetch answer is larger than 8,388,608 bytes"):
        hostile_run(hostile_eutils, data_dir, seeded[1], entrez_max_response_mb=8)
    assert store_rows(data_dir / "litwatch.sqlite") == before
    assert before["record_versions"]  # the seeded store was not empty


@pytest.mark.parametrize("count", ["abc", "-5", "1e3", "²", ""])
def test_an_esearch_count_that_is_not_a_number_is_one_clear_error(hostile_eutils, tmp_path, count):
    hostile_eutils.count = count
    client = EntrezClient(
        EntrezConfig(
            email="t@example.org",
            base_url=hostile_eutils.base_url,
            pace_dir=tmp_path,
            max_attempts=2,
            backoff_base=0.01,
        )
    )
    with pytest.raises(
        EntrezError,
        match=r"^PubMed esearch failed after 2 attempts: esearch answer whose Count is not a number",
    ):
        client.search("metformin", date(2026, 1, 1), date(2026, 1, 7))


# --- broken bytes in an efetch answer -----------------------------------------------------------


# The promise is the shape of the line (it names the efetch and says the XML is broken), not the
# sentence libxml2 chooses: lxml 6.2 (libxml2 2.14) reports bad bytes before the first record,
# where earlier releases read that record first.
BROKEN_EFETCH = (
    r"^efetch sim: (XML breaks off after \d+ records|not readable as PubMed XML) \([^\n]+\)$"
)


@pytest.mark.parametrize(
    "body",
    [
        article_set(article("91000001", "Fine"), article("91000002", "Bad ¤ bytes")).replace(
            "¤".encode(), b"\xff\xfe"
        ),
        article_set(article("91000003", "Bell \x07 and escape \x1b[2J")),
        article_set(article("91000004", "Reference &#27;[2J to a control character")),
    ],
    ids=["invalid-utf8", "control-characters", "control-character-reference"],
)
def test_broken_bytes_stop_the_run_with_one_line_and_lose_nothing(
    hostile_eutils, data_dir, seeded, body
):
    hostile_eutils.efetch = body
    before = store_rows(data_dir / "litwatch.sqlite")
    with pytest.raises(ParseError, match=BROKEN_EFETCH) as failed:
        hostile_run(hostile_eutils, data_dir, seeded[1])
    assert "\n" not in str(failed.value)
    assert store_rows(data_dir / "litwatch.sqlite") == before


def test_entity_tricks_in_an_efetch_answer_stay_inert_and_lose_nothing(
    hostile_eutils, data_dir, seeded, tmp_path
):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT")
    laughs = "".join(
        ['<!ENTITY a0 "lol">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)]
    )
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file://{secret}">{laughs}]>'
    hostile_eutils.efetch = article_set(
        article("91000010", "External &xxe; entity in diabetic neuropathy"),
        article("91000011", "Billion &a9; laughs in metformin users"),
        doctype=doctype,
    )
    before = store_rows(data_dir / "litwatch.sqlite")
    try:
        result = hostile_run(hostile_eutils, data_dir, seeded[1])
    except ParseError as error:  # refusing the document is as good as ignoring its entities
        assert "\n" not in str(error)
        assert store_rows(data_dir / "litwatch.sqlite") == before
        return
    assert result.new == 2
    assert_records_kept(before, store_rows(data_dir / "litwatch.sqlite"))
    everything = b"".join(path.read_bytes() for path in data_dir.rglob("*") if path.is_file())
    assert b"TOP-SECRET" not in everything and b"lollollol" not in everything


# --- HTML, scripts, formulas and line breaks in titles and abstracts ----------------------------

SCRIPT_TITLE = 'Metformin <script>alert("t")</script> and B12 "><img src=x onerror=alert(1)>'
FORMULA_TITLE = '=HYPERLINK("http://evil.example/","diabetic neuropathy")'
RIS_ABSTRACT = "Diabetic neuropathy. \nER  - \nTY  - JOUR\nTI  - injected"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _no_active_html(page: str) -> None:
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script | //iframe | //object | //embed")
    assert not [
        name
        for element in tree.iter()
        if isinstance(element.tag, str)
        for name in element.attrib
        if name.lower().startswith("on")
    ]
    assert not tree.xpath('//*[starts-with(normalize-space(@href), "javascript:")]')


def test_markup_formulas_and_line_breaks_in_records_come_out_inert(
    hostile_eutils, data_dir, seeded
):
    hostile_eutils.count = 2
    hostile_eutils.efetch = article_set(
        article(
            "91000020",
            _escape(SCRIPT_TITLE),
            abstract=_escape('<a href="javascript:x()">metformin</a>'),
        ),
        article(
            "91000021", _escape(FORMULA_TITLE), abstract=_escape(RIS_ABSTRACT), journal="@SUM(A1)"
        ),
    )
    before = store_rows(data_dir / "litwatch.sqlite")
    result = hostile_run(hostile_eutils, data_dir, seeded[1])
    assert result.new == 2
    assert_records_kept(before, store_rows(data_dir / "litwatch.sqlite"))

    paths = result.paths
    _no_active_html(paths["html"].read_text(encoding="utf-8"))
    _no_active_html(paths["summary_html"].read_text(encoding="utf-8"))
    message = email.message_from_bytes(paths["eml"].read_bytes(), policy=email.policy.default)
    _no_active_html(message.get_body(("html",)).get_content())
    assert (
        SCRIPT_TITLE
        in lxml_html.fromstring(paths["html"].read_text(encoding="utf-8")).text_content()
    )
    assert "<" not in paths["md"].read_text(encoding="utf-8")

    rows = list(csv.DictReader(io.StringIO(paths["csv"].read_text(encoding="utf-8"), newline="")))
    by_pmid = {row["pmid"]: row for row in rows}
    assert by_pmid["91000021"]["title"] == "'" + FORMULA_TITLE
    assert by_pmid["91000021"]["journal"] == "'@SUM(A1)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())

    ris_text = paths["ris"].read_text(encoding="utf-8")
    entries = rispy.loads(ris_text)
    assert sorted(entry["accession_number"] for entry in entries) == ["91000020", "91000021"]
    assert sum(line.startswith("ER  -") for line in ris_text.splitlines()) == 2

    items = {
        item["pmid"]: item
        for item in json.loads(paths["json"].read_text(encoding="utf-8"))["items"]
    }
    assert items["91000020"]["title"] == SCRIPT_TITLE  # kept as data, shown as text


# --- the command line: one line on stderr, exit 1, the store as it was --------------------------


@pytest.fixture
def cli_env(monkeypatch, tmp_path) -> Path:
    """LITWATCH_* pointing at a temporary data folder; the shipped watch file."""
    for name in list(os.environ):
        if name.startswith("LITWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _medline(title: str, abstract: str) -> bytes:
    return (
        "PMID- 92000001\nSTAT- Publisher\nDP  - 2026 Dec\n"
        f"TI  - {title}\nAB  - {abstract}\nPT  - Journal Article\nEDAT- 2026/12/10 00:00\n\n"
    ).encode()


def test_import_refuses_broken_files_in_one_line_and_keeps_the_store(
    litwatch, cli_env, corpus, tmp_path
):
    first = litwatch("import", corpus / "ontopic" / "ontopic.xml", "--watch", "b12-dpn")
    assert first.exit_code == 0, first.stderr
    before = store_rows(cli_env / "litwatch.sqlite")
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    cases = {
        "utf8.xml": (
            article_set(article("92000010", "Before ¤ after")).replace("¤".encode(), b"\xc3\x28"),
            "litwatch: utf8.xml: not readable as PubMed XML (Invalid bytes in character encoding",
        ),
        "control.xml": (
            article_set(article("92000011", "Bell \x07")),
            "litwatch: control.xml: not readable as PubMed XML (PCDATA invalid Char value 7",
        ),
        "cut.xml.gz": (b"\x1f\x8b\x08\x00garbage", "litwatch: cut.xml.gz: cannot be read ("),
        "notes.txt": (
            b"pmid,title\n1,=cmd\n",
            "litwatch: notes.txt: not PubMed XML or MEDLINE text",
        ),
    }
    for name, (content, expected) in cases.items():
        (hostile / name).write_bytes(content)
        result = litwatch("import", hostile / name, "--watch", "b12-dpn")
        assert result.exit_code == 1, name
        # The file named as it was given (here a full path), not by its last part alone.
        expected = expected.replace(f"litwatch: {name}:", f"litwatch: {hostile / name}:")
        assert one_line(result.stderr).startswith(expected), result.stderr
    folder = litwatch("import", hostile, "--watch", "b12-dpn")  # a folder given as a file
    assert folder.exit_code == 1
    assert one_line(folder.stderr) == f"litwatch: {hostile}: cannot be read (Is a directory)"
    dangling = hostile / "gone.xml"
    dangling.symlink_to(tmp_path / "nowhere.xml")
    gone = litwatch("import", dangling, "--watch", "b12-dpn")
    assert gone.exit_code == 1
    assert (
        one_line(gone.stderr) == f"litwatch: {dangling}: cannot be read (No such file or directory)"
    )
    assert store_rows(cli_env / "litwatch.sqlite") == before


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root reads a chmod 000 file anyway; the dangling link and folder cases above stand in",
)
def test_import_of_a_file_without_read_permission_is_one_line(litwatch, cli_env, tmp_path):
    locked = tmp_path / "locked.xml"
    locked.write_bytes(article_set(article("92000020", "Locked")))
    locked.chmod(0)
    result = litwatch("import", locked, "--watch", "b12-dpn")
    assert result.exit_code == 1
    assert one_line(result.stderr) == f"litwatch: {locked}: cannot be read (Permission denied)"


def test_imported_medline_loses_control_characters_and_classify_csv_is_defused(
    litwatch, cli_env, tmp_path
):
    path = tmp_path / "hostile.txt"
    path.write_bytes(
        _medline(
            "=1+2 Bell\x07 and \x1b[2J clear <script>x()</script>", "Metformin\x00 and B12\x9b."
        )
    )
    imported = litwatch("import", path, "--watch", "b12-dpn")
    assert imported.exit_code == 0, imported.stderr
    from litwatch.store import Store

    with Store.open(cli_env / "litwatch.sqlite") as store:
        (record,) = store.latest_records("b12-dpn")
    assert record.title == "=1+2 Bell and [2J clear <script>x()</script>"
    assert record.abstract_text == "Metformin and B12."
    table = litwatch("classify", path, "--format", "table")
    assert table.exit_code == 0 and "\x1b" not in table.stdout and "\x07" not in table.stdout
    formula = tmp_path / "formula.xml"
    formula.write_bytes(
        article_set(
            article("=HYPERLINK(1)", "Metformin and neuropathy"),
            article("92000030", "=HYPERLINK(2) metformin and neuropathy"),
        )
    )
    rows = list(csv.reader(io.StringIO(litwatch("classify", formula, "--format", "csv").stdout)))
    # A formula for a PMID is no PMID: that record is skipped (tests/reliability/test_hostile_files.py).
    assert [row[0] for row in rows[1:]] == ["92000030"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("watch_file", "expected"),
    [
        ("[[watch]\nname = 'x'", "invalid TOML: "),
        ("[[watch]]\nname = '../etc'\nquery = 'b12'", "watch '../etc': name: must be 1-64"),
        ("[[watch]]\nname = 'a/b'\nquery = 'b12'", "watch 'a/b': name: must be 1-64"),
        ("[[watch]]\nname = 'ok'\nquery = 'b12'\nshedule = 1", "watch 'ok': shedule: unknown key"),
        ("colour = 'red'\n[[watch]]\nname = 'ok'\nquery = 'b12'", "colour: unknown key"),
        (b"[[watch]]\nname = '\xff'\n", "watch file is not UTF-8 text"),
    ],
    ids=["broken-toml", "dotdot-name", "slash-name", "unknown-key", "unknown-top-key", "not-utf8"],
)
def test_run_and_import_refuse_a_bad_watch_file_in_one_line(
    litwatch, cli_env, tmp_path, watch_file, expected
):
    path = tmp_path / "watches.toml"
    path.write_bytes(watch_file if isinstance(watch_file, bytes) else watch_file.encode())
    for args in (("run", "--watches", path), ("import", path, "--watch", "x", "--watches", path)):
        result = litwatch(*args)
        assert result.exit_code == 1, (args, result)
        line = one_line(result.stderr)
        assert line.startswith(f"litwatch: {path}: ") and expected in line, line
    assert not cli_env.exists()  # refused before any store was opened


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "LITWATCH_SMTP_PORT",
            "SEKRET-port",
            "setting smtp_port (LITWATCH_SMTP_PORT): Input should be a valid integer",
        ),
        (
            "LITWATCH_ENTREZ_TIMEOUT",
            "-1",
            "setting entrez_timeout (LITWATCH_ENTREZ_TIMEOUT): Input should be greater than 0",
        ),
        ("settings.toml", b"smtp_port = [", "settings.toml: invalid TOML: "),
        (
            "settings.toml",
            b'smtp_host = "mail"\nsmtp_pasword = "SEKRET-typo"',
            "settings.toml: smtp_pasword: unknown key",
        ),
        ("settings.toml", b"smtp_host = '\xff'", "settings.toml: settings file is not UTF-8 text"),
    ],
    ids=[
        "env-not-an-int",
        "env-out-of-range",
        "file-broken-toml",
        "file-unknown-key",
        "file-not-utf8",
    ],
)
def test_bad_settings_are_one_line_without_their_value(
    litwatch, cli_env, monkeypatch, tmp_path, variable, value, expected
):
    if variable == "settings.toml":
        (tmp_path / "settings.toml").write_bytes(value)
        monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(tmp_path / "settings.toml"))
    else:
        monkeypatch.setenv(variable, value)
    for args in (
        ("run",),
        ("import", tmp_path / "any.xml", "--watch", "b12-dpn"),
        ("classify", tmp_path / "any.xml"),
    ):
        result = litwatch(*args)
        assert result.exit_code == 1, (args, result)
        line = one_line(result.stderr)
        assert line.startswith("litwatch: ") and expected in line and "SEKRET" not in line, line


@pytest.mark.parametrize("name", ["../b12-dpn", "b12-dpn/../../etc", "/etc/passwd"])
def test_a_watch_name_with_path_parts_is_unknown_not_a_path(litwatch, cli_env, name):
    result = litwatch("run", "--watch", name)
    assert result.exit_code == 1
    assert one_line(result.stderr) == f"litwatch: no watch named {name!r} (known: b12-dpn)"
    assert not cli_env.exists()


def test_a_missing_or_unreadable_corpus_is_one_line(litwatch, cli_env, tmp_path):
    missing = litwatch("standin", "--corpus", tmp_path / "absent", "--port", "0")
    assert missing.exit_code == 1
    assert one_line(missing.stderr) == f"litwatch: corpus path {tmp_path / 'absent'}: not found"
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "broken-link.xml").symlink_to(tmp_path / "moved-away.xml")
    unreadable = litwatch("standin", "--corpus", folder, "--port", "0")
    assert unreadable.exit_code == 1
    assert one_line(unreadable.stderr) == (
        f"litwatch: corpus file {folder / 'broken-link.xml'}: cannot be read (No such file or directory)"
    )
    not_a_folder = tmp_path / "corpus.txt"
    not_a_folder.write_text("a file where the corpus folder should be")
    demo = litwatch("demo", "--corpus", not_a_folder, "--weeks", "1", "--out", tmp_path / "demo")
    assert demo.exit_code == 1
    assert one_line(demo.stderr).startswith(
        f"litwatch: corpus not found at {not_a_folder / 'pubmed-xml'}"
    )


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root lists a chmod 000 folder anyway; the broken-link case above stands in",
)
def test_a_corpus_folder_without_permission_is_one_line(litwatch, cli_env, tmp_path):
    folder = tmp_path / "corpus" / "locked"
    folder.mkdir(parents=True)
    folder.chmod(0)
    try:
        result = litwatch("standin", "--corpus", tmp_path / "corpus", "--port", "0")
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1
    assert (
        one_line(result.stderr)
        == f"litwatch: corpus folder {folder}: cannot be read (Permission denied)"
    )


def test_a_failing_weekly_run_ends_stderr_with_one_line_and_no_traceback(
    hostile_eutils, data_dir, seeded
):
    """`litwatch run` as a user starts it, against the session's Prefect API: Prefect's own log
    lines stay, but the error is one `litwatch:` line and no traceback reaches the console."""
    from prefect.settings import PREFECT_API_URL

    hostile_eutils.efetch = article_set(article("93000001", "Bad ¤")).replace("¤".encode(), b"\xff")
    before = store_rows(data_dir / "litwatch.sqlite")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LITWATCH_", "PREFECT_"))
    } | {
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "LITWATCH_EUTILS_URL": hostile_eutils.base_url,
        "LITWATCH_DATA_DIR": str(data_dir),
        "LITWATCH_ENTREZ_MAX_ATTEMPTS": "1",
        "LITWATCH_NCBI_EMAIL": "tests@example.org",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "litwatch.cli",
            "run",
            "--watches",
            str(seeded[1]),
            "--watch",
            "sim",
        ],
        check=False,
        capture_output=True,
        text=True,
        env=environment,
        cwd=data_dir,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("litwatch:")] == [
        result.stderr.strip().splitlines()[-1]
    ]
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "litwatch: efetch sim: not readable as PubMed XML (Invalid bytes in character encoding"
        )
    )
    assert store_rows(data_dir / "litwatch.sqlite") == before
