"""Property-based fuzzing of the stand-in's control endpoints (issue #18): whatever body, method
and Content-Length arrive at /_control/clock or /_control/faults, the answer is the order's
result or one JSON error with a 4xx status, the clock stays in its range, and the stand-in
goes on serving, with no traceback printed.

Derandomized with a fixed example budget, as tests/pubmed/test_fuzz.py is; raise FUZZ_EXAMPLES
locally to search longer."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from fuzzing import FUZZ
from hypothesis import example, given
from hypothesis import strategies as st
from litwatch.standin.clock import EARLIEST, LATEST

KEYS = ["now", "advance_days", "kind", "count", "clear"]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2026-09-07", "2026-09-07T12:00:00+05:00", "0001-01-01", "503", "drop"]),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
)
ORDERS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4).map(
    lambda order: json.dumps(order).encode()
)
BODIES = st.one_of(
    ORDERS,
    st.binary(max_size=64),
    st.text(max_size=40).map(str.encode),
    st.sampled_from([b"", b"now=", b"now=2026-09-07", b"{", b"[]", b"null", b"{" * 5000]),
)
# A Content-Length as sent: the true one (None), or one that is not a byte count, or too big.
LENGTHS = st.one_of(
    st.none(),
    st.sampled_from(["abc", "-5", "", "+3", "1e3", "0x10", "\u0663", "3 3", "99999999999999999"]),
)


def answer_to(running, method: str, endpoint: str, body: bytes, length: str | None) -> bytes:
    parts = urlsplit(running.base_url)
    declared = str(len(body)) if length is None else length
    head = (
        f"{method} /_control/{endpoint} HTTP/1.1\r\nHost: x\r\n"
        f"X-Standin-Token: {running.control_token}\r\n"
        + (f"Content-Length: {declared}\r\n" if method == "POST" else "")
        + "\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(head.encode("utf-8") + (body if method == "POST" else b""))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.fixture
def running(make_standin):
    return make_standin(rate_limit=False, read_timeout=0.5)


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST"]),
    endpoint=st.sampled_from(["clock", "faults"]),
    body=BODIES,
    length=LENGTHS,
)
@example(method="POST", endpoint="clock", body=b'{"advance_days": 1e10}', length=None)
@example(method="POST", endpoint="clock", body=b"2026-09-07", length="-5")
def test_any_control_request_gets_its_result_or_one_json_error(
    running, capsys, method, endpoint, body, length
):
    answer = answer_to(running, method, endpoint, body, length)
    head, _, payload = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    result = json.loads(payload)
    if status == 200:
        assert set(result) in ({"now"}, {"forced"})
    else:
        assert status in (400, 404, 413) and list(result) == ["error"], (status, result)
        assert "\n" not in result["error"]
    assert EARLIEST <= running.clock.now() <= LATEST
    running.faults.clear()
    with urlopen(running.base_url + "einfo.fcgi?db=pubmed", timeout=10) as served:
        assert served.status == 200
    assert "Traceback" not in capsys.readouterr().err
