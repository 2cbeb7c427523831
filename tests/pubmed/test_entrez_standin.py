"""The Entrez edge against the E-utilities stand-in over real HTTP: NCBI's rate limit enforced,
every fault kind injected, and result sets past PubMed's 9,999 paging limit."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from litwatch.core.errors import EntrezError
from litwatch.pubmed.entrez import EntrezClient, EntrezConfig, SearchResult
from litwatch.standin.corpus import Corpus, CorpusOptions, load_corpus
from litwatch.standin.testing import RunningStandIn, running_standin

# Its tests start a stand-in, a Prefect flow or the CLI's flows themselves: the `server` lane.
pytestmark = pytest.mark.server

EVERYTHING = "1900:2100[edat]"  # matches every record; the edat window does the choosing
YEAR_2023 = (date(2023, 1, 1), date(2023, 12, 31))  # 33 records of the small corpus
YEAR_2021 = (date(2021, 1, 1), date(2021, 12, 31))  # 15 records: two batches of 10
# A record's own PMID, not those of the articles it cites or comments on.
PMID = re.compile(rb"<(?:MedlineCitation|BookDocument)[^>]*>\s*<PMID[^>]*>(\d+)</PMID>")


@pytest.fixture(scope="module")
def small_corpus(corpus: Path) -> Corpus:
    """163 real records in the current DTD, entered 1973-2025."""
    return load_corpus([corpus / "pubmed-xml" / "metapub_pmid_xml"])


@pytest.fixture(scope="module")
def standin(small_corpus: Corpus) -> Iterator[RunningStandIn]:
    """A stand-in with NCBI's rate limit; a stall outlasts the tests' 1 s client timeout."""
    with running_standin(corpus=small_corpus, stall_seconds=1.2) as running:
        yield running


@pytest.fixture(scope="module")
def pace_dir(tmp_path_factory) -> Path:
    """One pace file for every client of the module, as one machine has: the stand-in's limit
    counts requests of consecutive tests together."""
    return tmp_path_factory.mktemp("pace")


@pytest.fixture(scope="module")
def fault_free_2021(standin, pace_dir) -> list[bytes]:
    """Both batches of 2021 as a fetch without faults gets them."""
    client = client_for(standin, pace_dir)
    return fetch_all(client, client.search(EVERYTHING, *YEAR_2021))


@pytest.fixture(autouse=True)
def fresh_standin(request) -> None:
    if "standin" in request.fixturenames:
        running = request.getfixturevalue("standin")
        running.faults.clear()
        running.log.clear()


def client_for(running: RunningStandIn, pace_dir: Path, **overrides) -> EntrezClient:
    settings = {
        "email": "watcher@example.org",
        "api_key": "test-key",  # NCBI's keyed pace, 10 requests a second
        "base_url": running.base_url,
        "timeout": 1.0,
        "max_attempts": 5,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "batch_size": 10,
        "pace_dir": pace_dir,
    }
    return EntrezClient(EntrezConfig(**(settings | overrides)))


def pmids(bodies: list[bytes]) -> list[str]:
    return [pmid.decode() for body in bodies for pmid in PMID.findall(body)]


def faults_met(running: RunningStandIn, expected: int) -> list[str]:
    """The faults the stand-in logged; a stalled answer is logged only when the stall ends."""
    deadline = time.monotonic() + 5
    while len(running.log.faults()) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return running.log.faults()


def fetch_all(client: EntrezClient, found: SearchResult) -> list[bytes]:
    return list(client.fetch_xml(found))


def test_one_search_and_one_fetch_per_batch_for_a_window(standin, pace_dir):
    client = client_for(standin, pace_dir)
    found = client.search(EVERYTHING, *YEAR_2023)
    bodies = fetch_all(client, found)

    assert found.count == 33
    assert standin.log.esearch_calls() == 1
    assert standin.log.efetch_calls() == math.ceil(33 / 10)
    assert len(pmids(bodies)) == len(set(pmids(bodies))) == 33
    assert client.stats.faults_survived == 0


def test_windows_over_the_limit_are_split_and_fetched_whole(standin, pace_dir):
    client = client_for(standin, pace_dir)
    span = (date(2020, 1, 1), date(2024, 12, 31))
    whole = client.search(EVERYTHING, *span)
    standin.log.clear()

    windows = client.search_windows(EVERYTHING, *span, limit=40)
    bodies = [body for _, _, found in windows for body in client.fetch_xml(found, 25)]

    assert len(windows) > 1 and all(found.count <= 40 for _, _, found in windows)
    assert (windows[0][0], windows[-1][1]) == span
    # Every split searches both halves: a plan of n windows took 2n - 1 searches.
    assert standin.log.esearch_calls() == 2 * len(windows) - 1
    batches = sum(math.ceil(found.count / 25) for _, _, found in windows)
    assert standin.log.efetch_calls() == batches
    assert len(pmids(bodies)) == len(set(pmids(bodies))) == whole.count


def test_an_empty_window_is_one_search_and_no_fetch(standin, pace_dir):
    client = client_for(standin, pace_dir)
    found = client.search(EVERYTHING, date(1950, 1, 1), date(1950, 12, 31))
    assert found.count == 0 and fetch_all(client, found) == []
    assert standin.log.count() == 1


SURVIVED_AS = {
    "429": "http-429",
    "500": "http-500",
    "502": "http-502",
    "503": "http-503",
    "stall": "timeout",
    "drop": "timeout",  # the connection closes only after the client's timeout
    "truncate": "truncated",
    "error": "error-element",
    "expired-webenv": "webenv-expired",
    "html": "not-xml",
}


@pytest.mark.parametrize("fault", sorted(SURVIVED_AS))
def test_a_fault_mid_fetch_is_survived_with_the_same_data(
    fault, standin, pace_dir, fault_free_2021
):
    client = client_for(standin, pace_dir)
    found = client.search(EVERYTHING, *YEAR_2021)
    batches = client.fetch_xml(found)
    first = next(batches)
    standin.faults.force(fault)  # the second batch's request meets it
    survived = [first, *batches]

    assert survived == fault_free_2021
    assert dict(client.stats.retries) == {SURVIVED_AS[fault]: 1}
    assert faults_met(standin, 1) == [fault]


def test_faults_on_the_search_are_survived_too(standin, pace_dir):
    client = client_for(standin, pace_dir)
    for fault in ("503", "truncate", "error", "html"):
        standin.faults.force(fault)
    assert client.search(EVERYTHING, *YEAR_2023).count == 33
    assert client.stats.faults_survived == 4


def test_retries_run_out_in_one_line(standin, pace_dir):
    client = client_for(standin, pace_dir, max_attempts=3)
    standin.faults.force("503", count=3)
    with pytest.raises(EntrezError) as failure:
        client.search(EVERYTHING, *YEAR_2023)
    assert str(failure.value) == (
        "PubMed esearch failed after 3 attempts: HTTP 503 Service Unavailable (last of 3 errors)"
    )
    assert standin.log.count(status=503) == 3


@pytest.mark.parametrize("api_key, requests_each", [("test-key", 5), (None, 2)])
def test_four_clients_in_four_threads_keep_ncbis_pace(api_key, requests_each, standin, pace_dir):
    fetched: list[list[str]] = []
    lock = threading.Lock()

    def watch() -> None:
        client = client_for(standin, pace_dir, api_key=api_key)
        found = client.search(EVERYTHING, *YEAR_2023)
        # 1 search, then 4 fetches of 10 (keyed) or 1 fetch of 40 (3 requests a second)
        bodies = (
            fetch_all(client, found) if requests_each == 5 else list(client.fetch_xml(found, 40))
        )
        with lock:
            fetched.append(pmids(bodies))
        assert client.stats.faults_survived == 0

    threads = [threading.Thread(target=watch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert standin.log.count() == 4 * requests_each
    assert standin.log.count(status=429) == 0
    assert len(fetched) == 4 and all(sorted(p) == sorted(fetched[0]) for p in fetched)


def test_more_than_9999_records_are_split_into_windows_and_fetched_whole(corpus, pace_dir):
    # Clones of the small on-topic records keep 10,500 records to 18 MB of XML.
    big = load_corpus([corpus / "ontopic" / "ontopic.xml"], CorpusOptions(expand_to=10_500))
    with running_standin(corpus=big) as running:
        client = client_for(running, pace_dir, batch_size=5000)
        windows = client.search_windows(EVERYTHING, date(2000, 1, 1), date(2030, 12, 31))
        bodies = [body for _, _, found in windows for body in fetch_all(client, found)]

    assert len(windows) >= 2 and all(found.count <= 9999 for _, _, found in windows)
    assert len(pmids(bodies)) == len(set(pmids(bodies))) == 10_500


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("metformin AND", "Operator AND has no right-hand term"),
        ("metformin[tiab", "Unterminated field tag at position 9"),
        ("b12 AND ((neuropathy)", "Missing closing parenthesis"),
    ],
)
def test_a_query_pubmed_cannot_read_fails_at_once_not_after_retries(
    standin, pace_dir, query, reason
):
    client = client_for(standin, pace_dir, max_attempts=5)
    with pytest.raises(EntrezError) as failure:
        client.search(query, *YEAR_2023)
    assert str(failure.value) == f"PubMed cannot read the watch's query: {reason}"
    assert standin.log.esearch_calls() == 1


def test_a_backend_error_on_the_search_is_still_retried(standin, pace_dir):
    """Control: an ERROR element that says the backend is down for now is worth a retry."""
    client = client_for(standin, pace_dir, max_attempts=5)
    standin.faults.force("error", count=2)
    assert client.search(EVERYTHING, *YEAR_2023).count == 33
    assert standin.log.esearch_calls() == 3
