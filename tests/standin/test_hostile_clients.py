"""The stand-in against careless and hostile clients (issue #18, item 6): a body too big to
hold, a request trickled in, control orders it cannot follow, and another local user who wants
to move its clock. Each is answered with a 4xx and a JSON error, or cut off in time, and the
stand-in goes on serving with its clock where it was and no traceback printed."""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import time
from datetime import datetime
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from litwatch.standin.server import MAX_BODY

SET_TO = datetime(2026, 10, 1, 12)


def address(running) -> tuple[str, int]:
    parts = urlsplit(running.base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def exchange(running, request: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes and read until the stand-in closes the connection."""
    with socket.create_connection(address(running), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def status_and_json(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def control_post(running, endpoint: str, body: bytes, length: str | None = None) -> bytes:
    """A POST to /_control/ENDPOINT with the token, its Content-Length as given or true."""
    declared = str(len(body)) if length is None else length
    return exchange(
        running,
        f"POST /_control/{endpoint} HTTP/1.1\r\nHost: x\r\nX-Standin-Token: "
        f"{running.control_token}\r\nContent-Length: {declared}\r\n\r\n".encode()
        + body,
    )


def still_serves(running) -> None:
    with urlopen(running.base_url + "einfo.fcgi?db=pubmed", timeout=10) as answer:
        assert answer.status == 200


@pytest.fixture
def running(make_standin):
    running = make_standin(rate_limit=False, now=SET_TO, read_timeout=0.5)
    yield running
    still_serves(running)


def test_a_body_over_the_cap_is_refused_before_it_is_read(running, capsys):
    # Only the headers are sent: the stand-in answers without waiting for 300 MB.
    started = time.monotonic()
    answer = exchange(
        running,
        b"POST /entrez/eutils/efetch.fcgi HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 300000000\r\n\r\nid=1",
    )
    status, payload = status_and_json(answer)
    assert status == 413 and str(MAX_BODY) in payload["error"]
    assert time.monotonic() - started < 5
    assert "Traceback" not in capsys.readouterr().err


def test_a_long_id_list_as_bio_entrez_posts_it_is_still_served(running):
    ids = ",".join(str(99_000_000 + n) for n in range(10_000))  # about 90 KB, as NCBI takes
    request = Request(running.base_url + "efetch.fcgi", data=f"db=pubmed&id={ids}".encode())
    with urlopen(request, timeout=60) as answer:
        assert answer.status == 200 and b"<PubmedArticleSet" in answer.read()


def test_a_client_that_trickles_its_headers_is_cut_off(running):
    started = time.monotonic()
    with socket.create_connection(address(running), timeout=10) as connection:
        connection.sendall(b"GET /entrez/eutils/einfo.fcgi HTTP/1.1\r\n")
        closed = False
        while not closed and time.monotonic() - started < 5:
            try:
                connection.sendall(b"X-Slow: 1\r\n")  # one header line each 0.1 s, for ever
            except OSError:
                closed = True
                break
            readable, _, _ = select.select([connection], [], [], 0.1)
            closed = bool(readable)
    assert closed, "the stand-in waited more than 5 s for a request's headers"
    assert time.monotonic() - started < 3


def test_a_body_that_stops_short_is_answered_408(running):
    started = time.monotonic()
    answer = control_post(running, "clock", b'{"now": "20', length="40")
    assert status_and_json(answer)[0] == 408
    assert time.monotonic() - started < 3
    assert running.clock.now() == SET_TO


@pytest.mark.parametrize(
    ("body", "length"),
    [
        (b'{"advance_days": 1e10}', None),
        (b'{"advance_days": 1e400}', None),  # infinity
        (b'{"advance_days": NaN}', None),
        (b'{"advance_days": "7"}', None),
        (b'{"advance_days": 99999999999999999999999999999999999999}', None),
        (b'{"now": 5}', None),
        (b'{"now": "0001-01-01"}', None),
        (b'{"now": "9999-12-31T23:59:59-12:00"}', None),
        (b"[1, 2]", None),
        (b"\xff\xfe", None),
        (b"{" * 100_000, None),
        (b"now=", None),
        (b"2026-10-08", "abc"),
        (b"2026-10-08", "-5"),
        (b"2026-10-08", "1e3"),
    ],
)
def test_a_bad_clock_order_gets_400_and_leaves_the_clock(running, capsys, body, length):
    status, payload = status_and_json(control_post(running, "clock", body, length))
    assert status == 400 and payload["error"]
    assert running.clock.now() == SET_TO
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "order",
    [
        {"kind": "nonsense"},
        {"kind": ["502"]},
        {"kind": "502", "count": "x"},
        {"kind": "502", "count": 1.5},
        {"kind": "502", "count": 10**30},
        {"kind": "502", "count": -1},
        {"count": 1},
    ],
)
def test_a_bad_fault_order_gets_400_and_forces_nothing(running, capsys, order):
    status, payload = status_and_json(control_post(running, "faults", json.dumps(order).encode()))
    assert status == 400 and payload["error"].startswith("bad fault order")
    assert running.faults.draw(uses_history=False) is None
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("token", [None, "", "guess", "x" * 10_000])
def test_control_without_the_token_is_refused(running, token):
    for endpoint, body in (("clock", b"2030-01-01"), ("faults", b'{"kind": "503"}')):
        url = running.base_url.replace("/entrez/eutils/", f"/_control/{endpoint}")
        headers = {} if token is None else {"X-Standin-Token": token}
        with pytest.raises(HTTPError) as refused:
            urlopen(Request(url, data=body, headers=headers), timeout=10)
        assert refused.value.code == 403
    with pytest.raises(HTTPError) as read:  # reading the clock needs it too
        urlopen(running.base_url.replace("/entrez/eutils/", "/_control/clock"), timeout=10)
    assert read.value.code == 403
    assert running.clock.now() == SET_TO
    assert running.faults.draw(uses_history=False) is None
    with urlopen(running.control_request("clock"), timeout=10) as answer:  # control: the token
        assert json.load(answer) == {"now": SET_TO.isoformat()}


# As another local user (root runs the stand-in, `nobody` the attack), as in test_pace_file.
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
SYSTEM_PYTHON = "/usr/bin/python3"
MOVE_CLOCK = """
import sys, urllib.request, urllib.error
request = urllib.request.Request(sys.argv[1], data=b'{"advance_days": 3650}')
try:
    print(urllib.request.urlopen(request, timeout=10).status)
except urllib.error.HTTPError as error:
    print(error.code)
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="two real users need root (to become `nobody` through setpriv)",
)
def test_another_local_user_cannot_move_the_clock(running):
    control = running.base_url.replace("/entrez/eutils/", "/_control/clock")
    attack = subprocess.run(
        [*AS_NOBODY, SYSTEM_PYTHON, "-c", MOVE_CLOCK, control],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert attack.stdout.strip() == "403"
    assert running.clock.now() == SET_TO
