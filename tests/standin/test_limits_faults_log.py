"""NCBI's rate limit, injected faults, and the request log, as a client over HTTP meets them."""

from __future__ import annotations

import http.client
import json
import time
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest
from lxml import etree

SEARCH = "esearch.fcgi?db=pubmed&term=metformin"


def _get(running, query: str = SEARCH, timeout: float = 10) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET, HTTP errors included."""
    try:
        with urlopen(running.base_url + query, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_more_than_three_requests_a_second_get_429(make_standin):
    running = make_standin()
    started = time.monotonic()
    statuses = [_get(running)[0] for _ in range(10)]
    assert time.monotonic() - started < 1.0  # all within one window, so the count is exact
    assert statuses[:3] == [200, 200, 200] and statuses.count(429) == 7
    assert running.log.count("esearch", status=429) == 7
    assert running.log.esearch_calls() == 3  # a refusal by the limit is not a call


def test_429_says_why_and_when_to_retry(make_standin):
    running = make_standin()
    answers = [_get(running) for _ in range(4)]
    status, headers, body = answers[-1]
    assert status == 429 and headers["Retry-After"] == "1"
    assert json.loads(body) == {
        "error": "API rate limit exceeded",
        "api-key": "127.0.0.1",
        "count": "4",
        "limit": "3",
    }


def test_api_key_raises_the_limit_to_ten(make_standin):
    running = make_standin()
    started = time.monotonic()
    statuses = [_get(running, SEARCH + "&api_key=secret")[0] for _ in range(13)]
    assert time.monotonic() - started < 1.0
    assert statuses.count(429) == 3
    assert _get(running)[0] == 200  # the address without the key has its own budget


def test_the_limit_frees_up_after_a_second(make_standin):
    running = make_standin()
    assert [_get(running)[0] for _ in range(4)][-1] == 429
    time.sleep(1.05)
    assert _get(running)[0] == 200


@pytest.mark.parametrize("status", [500, 502, 503])
def test_forced_server_errors_send_ncbi_html_pages(make_standin, status):
    running = make_standin(rate_limit=False)
    running.faults.force(str(status))
    code, headers, body = _get(running)
    assert code == status and headers["Content-Type"] == "text/html"
    assert b"<html" in body
    assert _get(running)[0] == 200  # only the next request was faulted


def test_forced_429_refuses_a_polite_client(make_standin):
    running = make_standin(rate_limit=False)
    running.faults.force("429", count=2)
    assert [_get(running)[0] for _ in range(3)] == [429, 429, 200]
    assert running.log.faults() == ["429", "429"]


def test_stall_outlasts_a_client_timeout(make_standin):
    running = make_standin(rate_limit=False, stall_seconds=0.5)
    running.faults.force("stall")
    with pytest.raises((TimeoutError, URLError)):
        _get(running, timeout=0.1)
    running.faults.force("stall")
    started = time.monotonic()
    status, _, body = _get(running, timeout=5)
    assert status == 200 and time.monotonic() - started >= 0.5
    assert body == _get(running)[2]


def test_drop_closes_without_an_answer(make_standin):
    running = make_standin(rate_limit=False, stall_seconds=0.05)
    running.faults.force("drop")
    with pytest.raises((http.client.RemoteDisconnected, URLError, ConnectionError)):
        _get(running)
    assert running.log.entries()[-1].status == 0


def test_truncated_body_is_cut_mid_xml(make_standin):
    running = make_standin(rate_limit=False)
    whole = _get(running)[2]
    running.faults.force("truncate")
    status, headers, cut = _get(running)
    assert status == 200 and int(headers["Content-Length"]) == len(cut) < len(whole)
    assert whole.startswith(cut)
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(cut)


def test_error_elements_in_a_200_answer(make_standin, eutil):
    running = make_standin(rate_limit=False)
    running.faults.force("error")
    assert etree.fromstring(eutil(running, "esearch", term="metformin")).findtext("ERROR")
    running.faults.force("error")
    fetched = etree.fromstring(eutil(running, "efetch", id="99000012"))
    assert fetched.tag == "eFetchResult" and fetched.findtext("ERROR")


def test_expired_webenv_fault(make_standin, eutil, entrez_read):
    running = make_standin(rate_limit=False)
    search = entrez_read(eutil(running, "esearch", term="metformin", usehistory="y"))
    running.faults.force("expired-webenv")
    body = eutil(running, "efetch", WebEnv=search["WebEnv"], query_key=search["QueryKey"])
    assert etree.fromstring(body).findtext("ERROR") == "Unable to obtain query #1"
    again = eutil(running, "efetch", WebEnv=search["WebEnv"], query_key=search["QueryKey"])
    assert etree.fromstring(again).tag == "PubmedArticleSet"  # the history itself is intact


def test_html_instead_of_xml(make_standin):
    running = make_standin(rate_limit=False)
    running.faults.force("html")
    status, headers, body = _get(running)
    assert status == 200 and headers["Content-Type"] == "text/html" and b"<html" in body


def test_random_faults_repeat_for_the_same_seed_and_never_change_data(make_standin):
    def faults_and_bodies(seed: int) -> tuple[list[str | None], list[bytes]]:
        running = make_standin(
            rate_limit=False,
            fault_rate=0.4,
            fault_seed=seed,
            fault_kinds=("500", "503", "truncate", "html", "error"),
        )
        bodies = [
            _get(running, f"esearch.fcgi?db=pubmed&term=neuropathy&retstart={i}") for i in range(20)
        ]
        return [e.fault for e in running.log.entries()], [b for s, h, b in bodies if s == 200]

    first_faults, first_bodies = faults_and_bodies(seed=5)
    second_faults, _ = faults_and_bodies(seed=5)
    assert first_faults == second_faults and 3 <= sum(map(bool, first_faults)) <= 15
    clean = make_standin(rate_limit=False)
    for i, fault in enumerate(first_faults):
        if fault is None:
            expected = _get(clean, f"esearch.fcgi?db=pubmed&term=neuropathy&retstart={i}")[2]
            assert expected in first_bodies


def test_log_records_every_request_with_the_key_redacted(make_standin, eutil):
    running = make_standin(rate_limit=False)
    eutil(running, "esearch", term="metformin", api_key="very-secret")
    eutil(running, "efetch", id="99000012,99000013")
    running.faults.force("503")
    _get(running)
    with urlopen(running.base_url.replace("/entrez/eutils/", "/_log"), timeout=10) as answer:
        entries = json.load(answer)
    assert [e["endpoint"] for e in entries[:3]] == ["esearch", "efetch", "esearch"]
    assert entries[0]["params"]["api_key"] == "***" and "very-secret" not in json.dumps(entries)
    assert entries[1]["ids_returned"] == 2 and entries[1]["status"] == 200
    assert entries[2]["status"] == 503 and entries[2]["fault"] == "503"
    assert running.log.esearch_calls() == 2 and running.log.efetch_calls() == 1


def test_faults_can_be_forced_over_http(make_standin):
    running = make_standin(rate_limit=False)
    order = json.dumps({"kind": "502", "count": 1}).encode()
    with urlopen(running.control_request("faults", order), timeout=10):
        pass
    assert _get(running)[0] == 502
