"""The Entrez edge over real HTTP: what is asked, what comes back whole, and which faults are
survived with the same data as a fault-free fetch."""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import ContainedServer, fetch_one_batch
from litwatch.core.errors import ConfigError, EntrezError
from litwatch.pubmed.entrez import EntrezClient, EntrezConfig

API_KEY = "k3y-that-must-never-show"
ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
# A record's own PMID, not those of the articles it cites or comments on.
PMID = re.compile(rb"<(?:MedlineCitation|BookDocument)[^>]*>\s*<PMID[^>]*>(\d+)</PMID>")
SET_HEAD = b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n'
SET_TAIL = b"</PubmedArticleSet>\n"
ESEARCH = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
    "<eSearchResult><Count>{count}</Count><RetMax>0</RetMax><RetStart>0</RetStart>"
    "<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv><IdList/><TranslationSet/>"
    "<QueryTranslation>{term} AND {mindate}:{maxdate}[Date - Entry]</QueryTranslation>"
    "</eSearchResult>"
)


class CannedEutils(ContainedServer):
    """A tiny E-utilities over real PubMed articles, with faults queued per request."""

    def __init__(self, articles: list[bytes]):
        super().__init__(("127.0.0.1", 0), CannedHandler)
        self.articles = articles
        self.faults: list[str] = []
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.generation = 1  # the history server's current WebEnv; older ones are expired
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/entrez/eutils/"


class CannedHandler(BaseHTTPRequestHandler):
    server: CannedEutils

    def log_message(self, *args) -> None:  # keep pytest output quiet
        pass

    def do_GET(self) -> None:
        self.answer(urlsplit(self.path).query)

    def do_POST(self) -> None:
        self.answer(self.rfile.read(int(self.headers["Content-Length"])).decode())

    def answer(self, query: str) -> None:
        utility = urlsplit(self.path).path.rsplit("/", 1)[-1].removesuffix(".fcgi")
        params = {key: values[0] for key, values in parse_qs(query).items()}
        with self.server.lock:
            self.server.log.append((self.command, utility, params))
            fault = self.server.faults.pop(0) if self.server.faults else None
            if fault == "expire":
                self.server.generation += 1
        if fault == "stall":
            time.sleep(1.5)
        if fault == "429":
            return self.send(429, b"Too Many Requests", {"Retry-After": "1"})
        if fault in ("500", "502", "503"):
            return self.send(int(fault), b"<html><body>Backend down</body></html>")
        if fault == "400":
            return self.send(400, b"<eFetchResult><ERROR>Invalid id list</ERROR></eFetchResult>")
        if fault == "html":
            return self.send(200, b"<!DOCTYPE html><html><body>Service busy</body></html>")
        if fault == "past-paging-limit":
            return self.send(
                200,
                b"<eFetchResult><ERROR>Search Backend failed: Exception:\n"
                b"&apos;retstart&apos; cannot be larger than 9998.</ERROR></eFetchResult>",
            )
        if fault == "error":
            return self.send(
                200, b"<eFetchResult><ERROR>Search Backend failed</ERROR></eFetchResult>"
            )
        body = self.esearch(params) if utility == "esearch" else self.efetch(params)
        self.send(200, body[: len(body) // 2] if fault == "truncated" else body)

    def esearch(self, params: dict[str, str]) -> bytes:
        count = 0 if "nothing" in params["term"] else len(self.server.articles)
        webenv = f"MCID_{self.server.generation}"
        return ESEARCH.format(count=count, webenv=webenv, **params).encode()

    def efetch(self, params: dict[str, str]) -> bytes:
        if "WebEnv" in params:
            if params["WebEnv"] != f"MCID_{self.server.generation}":
                return b"<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>"
            start, size = int(params["retstart"]), int(params["retmax"])
            chosen = self.server.articles[start : start + size]
        else:
            wanted = set(params["id"].split(","))
            chosen = [a for a in self.server.articles if PMID.search(a).group(1).decode() in wanted]
        return SET_HEAD + b"\n".join(chosen) + SET_TAIL

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml" if body.startswith(b"<") else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def articles(corpus: Path) -> list[bytes]:
    folder = corpus / "pubmed-xml" / "metapub_pmid_xml"
    return [
        ARTICLE.search(path.read_bytes()).group(0) for path in sorted(folder.glob("*.xml"))[:23]
    ]


@contextmanager
def canned_eutils(articles: list[bytes]) -> Iterator[CannedEutils]:
    server = CannedEutils(articles)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def eutils(articles) -> Iterator[CannedEutils]:
    with canned_eutils(articles) as server:
        yield server


def client_for(server: CannedEutils, tmp_path: Path, **overrides) -> EntrezClient:
    settings = {
        "email": "watcher@example.org",
        "api_key": API_KEY,
        "requests_per_second": 50,  # the canned server enforces no pace; the stand-in does
        "base_url": server.base_url,
        "timeout": 1.0,
        "max_attempts": 4,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "batch_size": 5,
        "pace_dir": tmp_path,
    }
    return EntrezClient(EntrezConfig(**(settings | overrides)))


def pmids(bodies: list[bytes]) -> list[str]:
    return [pmid.decode() for body in bodies for pmid in PMID.findall(body)]


def utilities(server: CannedEutils) -> list[str]:
    return [utility for _, utility, _ in server.log]


def test_search_asks_for_an_entrez_date_window_on_the_history_server(eutils, tmp_path):
    client = client_for(eutils, tmp_path)
    found = client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))

    assert (found.count, found.webenv, found.query_key) == (23, "MCID_1", "1")
    assert found.query_translation == "vitamin b12 AND 2024/01/01:2024/01/31[Date - Entry]"
    ((method, utility, params),) = eutils.log
    assert (method, utility) == ("GET", "esearch")
    assert params["usehistory"] == "y" and params["datetype"] == "edat"
    assert (params["mindate"], params["maxdate"]) == ("2024/01/01", "2024/01/31")
    assert params["retmax"] == "0"
    assert (params["tool"], params["email"], params["api_key"]) == (
        "litwatch",
        "watcher@example.org",
        API_KEY,
    )


def test_fetch_pages_the_history_in_batches_and_yields_whole_article_sets(
    eutils, articles, tmp_path
):
    client = client_for(eutils, tmp_path)
    found = client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))
    bodies = list(client.fetch_xml(found))

    assert utilities(eutils) == ["esearch"] + ["efetch"] * math.ceil(23 / 5)
    assert [params["retstart"] for _, _, params in eutils.log[1:]] == ["0", "5", "10", "15", "20"]
    assert all(body.rstrip().endswith(b"</PubmedArticleSet>") for body in bodies)
    assert pmids(bodies) == pmids(articles)
    assert client.stats.requests == 6 and client.stats.faults_survived == 0


def test_an_empty_search_is_an_empty_fetch(eutils, tmp_path):
    client = client_for(eutils, tmp_path)
    found = client.search("nothing at all", date(2024, 1, 1), date(2024, 1, 31))
    assert found.count == 0
    assert list(client.fetch_xml(found)) == []
    assert utilities(eutils) == ["esearch"]


FAULTS = ["429", "500", "502", "503", "stall", "truncated", "error", "html"]
FAULT_KINDS = {
    "429": "http-429",
    "500": "http-500",
    "502": "http-502",
    "503": "http-503",
    "stall": "timeout",
    "truncated": "truncated",
    "error": "error-element",
    "html": "not-xml",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_is_survived_with_the_same_records(fault, eutils, articles, tmp_path):
    client = client_for(eutils, tmp_path, batch_size=10)
    found = client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))
    eutils.faults = ["ok", fault]  # the second efetch fails once
    bodies = list(client.fetch_xml(found))

    assert pmids(bodies) == pmids(articles)
    assert dict(client.stats.retries) == {FAULT_KINDS[fault]: 1}
    assert utilities(eutils) == ["esearch"] + ["efetch"] * 4


def test_a_faulty_search_is_retried_too(eutils, tmp_path):
    client = client_for(eutils, tmp_path)
    eutils.faults = ["503", "truncated", "error"]
    assert client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31)).count == 23
    assert dict(client.stats.retries) == {"http-503": 1, "truncated": 1, "error-element": 1}


def test_429_waits_as_long_as_retry_after_says(eutils, tmp_path):
    client = client_for(eutils, tmp_path)
    eutils.faults = ["429"]
    started = time.monotonic()
    client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))
    assert time.monotonic() - started >= 1.0


def test_an_expired_history_is_searched_again_and_fetched_on_from_the_same_record(
    eutils, articles, tmp_path
):
    client = client_for(eutils, tmp_path)
    found = client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))
    eutils.faults = ["ok", "ok", "expire"]  # the history is gone before the third batch
    bodies = list(client.fetch_xml(found))

    assert pmids(bodies) == pmids(articles)
    asked = [
        (utility, params.get("retstart"), params.get("WebEnv")) for _, utility, params in eutils.log
    ]
    assert asked[3:6] == [
        ("efetch", "10", "MCID_1"),
        ("esearch", None, None),
        ("efetch", "10", "MCID_2"),
    ]
    assert client.stats.webenv_renewals == 1


def test_retries_run_out_in_one_readable_line_without_the_key(eutils, tmp_path, caplog):
    client = client_for(eutils, tmp_path, max_attempts=3)
    eutils.faults = ["503", "503", "503"]
    with caplog.at_level(logging.DEBUG), pytest.raises(EntrezError) as failure:
        client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))

    message = str(failure.value)
    assert message == (
        "PubMed esearch failed after 3 attempts: HTTP 503 Service Unavailable (last of 3 errors)"
    )
    assert len(caplog.records) == 2  # one warning per retry
    assert API_KEY not in caplog.text + repr(client.config) + str(client.config)


def test_mixed_faults_are_named_in_the_failure_line(eutils, tmp_path):
    client = client_for(eutils, tmp_path, max_attempts=3)
    eutils.faults = ["503", "stall", "html"]
    with pytest.raises(
        EntrezError,
        match=r"after 3 attempts: an HTML page instead of XML "
        r"\(last of 3 errors: 1 http-503, 1 timeout, 1 not-xml\)$",
    ):
        client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))


def test_no_retry_starts_past_the_time_bound(eutils, tmp_path):
    client = client_for(eutils, tmp_path, max_retry_seconds=0.5)
    eutils.faults = ["429"]  # Retry-After: 1 s, past the 0.5 s bound
    started = time.monotonic()
    with pytest.raises(
        EntrezError, match=r"after 1 attempt: HTTP 429 Too Many Requests \(last of 1 error\)$"
    ):
        client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))
    assert time.monotonic() - started < 0.5


def test_paging_past_pubmeds_limit_is_not_retried(eutils, tmp_path):
    client = client_for(eutils, tmp_path)
    found = client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))
    eutils.faults = ["past-paging-limit"]
    with pytest.raises(EntrezError, match=r"at most 9,999 records of one search; search in date"):
        list(client.fetch_xml(found))
    assert utilities(eutils) == ["esearch", "efetch"]


def test_a_bad_request_is_not_retried(eutils, tmp_path):
    client = client_for(eutils, tmp_path)
    eutils.faults = ["400"]
    with pytest.raises(
        EntrezError,
        match=r"^PubMed efetch refused the request: HTTP 400 Bad Request: Invalid id list$",
    ):
        fetch_one_batch(client)
    assert len(eutils.log) == 1


def test_without_a_key_no_key_is_sent_and_the_pace_is_three_a_second(eutils, tmp_path):
    client = client_for(eutils, tmp_path, api_key=None, requests_per_second=None)
    client.search("vitamin b12", date(2024, 1, 1), date(2024, 1, 31))
    assert "api_key" not in eutils.log[0][2]
    assert client.config.rate == 3.0


def test_the_constructor_touches_no_network(tmp_path):
    client = EntrezClient(
        EntrezConfig(email="w@example.org", base_url="http://127.0.0.1:9/", pace_dir=tmp_path)
    )
    assert client.stats.requests == 0


def test_a_config_without_an_email_is_refused():
    with pytest.raises(ConfigError, match="email"):
        EntrezConfig(email=" ")
