"""`litwatch standin`'s start options (issue #18, item 16): a clock start serves searches, and
a start it cannot make is one line on stderr, never a traceback."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from helpers import one_line

LITWATCH = Path(sys.executable).parent / "litwatch"


@pytest.mark.parametrize("now", ["2026-09-07", "2026-09-07T09:30:00+02:00"])
def test_a_clock_start_serves_searches_and_the_printed_token_steers_it(
    corpus, cli_env, tmp_path, now
):
    standin = subprocess.Popen(
        [LITWATCH, "standin", "--corpus", corpus / "ontopic", "--port", "0", "--now", now],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    hung = threading.Timer(60, standin.kill)  # readline below ends, should the output not come
    hung.start()
    try:
        assert standin.stdout is not None
        url = standin.stdout.readline().split()[3]
        with urlopen(url + "esearch.fcgi?db=pubmed&term=metformin&retmax=0", timeout=30) as found:
            assert found.status == 200 and b"<Count>" in found.read()
        token = standin.stdout.readline().rsplit(" ", 1)[1].strip()
        clock = Request(
            url.replace("/entrez/eutils/", "/_control/clock"), headers={"X-Standin-Token": token}
        )
        with urlopen(clock, timeout=10) as answer:
            shown = "2026-09-07T00:00:00" if now == "2026-09-07" else "2026-09-07T07:30:00"
            assert json.load(answer) == {"now": shown}  # UTC, as NCBI's dates are
    finally:
        hung.cancel()
        standin.send_signal(signal.SIGINT)
        _, errors = standin.communicate(timeout=30)
    assert standin.returncode == 0 and "Traceback" not in errors, errors


def test_a_clock_start_that_is_not_a_date_is_one_line(litwatch, cli_env, corpus):
    result = litwatch("standin", "--corpus", corpus / "ontopic", "--port", "0", "--now", "garbage")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "litwatch: --now 'garbage': not an ISO date or time (e.g. 2026-09-07)"
    )
    result = litwatch(
        "standin", "--corpus", corpus / "ontopic", "--port", "0", "--now", "0001-01-01"
    )
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "litwatch: stand-in clock start: 0001-01-01T00:00:00 is outside 1700 to 3000"
    )


def test_a_port_that_is_not_one_or_is_taken_is_one_line(litwatch, cli_env, corpus):
    result = litwatch("standin", "--corpus", corpus / "ontopic", "--port", "99999")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "litwatch: stand-in port 99999: not a port (0 to 65535; 0 picks a free one)"
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = litwatch("standin", "--corpus", corpus / "ontopic", "--port", str(port))
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        f"litwatch: stand-in cannot listen on 127.0.0.1:{port} (Address already in use)"
    )


def test_a_corpus_without_records_is_one_line(litwatch, cli_env, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "empty.xml").write_text("<PubmedArticleSet></PubmedArticleSet>\n")
    result = litwatch("standin", "--corpus", folder, "--port", "0")
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        f"litwatch: corpus {folder}: no PubMed records with an entrez date to serve"
    )


# Runs the command with SIGINT ignored and blocked, as a parent (a supervisor, a thread that
# blocks signals, `nohup`) can leave it: both are inherited across exec.
IGNORING_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}); os.execv(sys.argv[1], sys.argv[1:])"
)


def test_ctrl_c_stops_the_standin_whatever_sigint_state_it_inherits(corpus, cli_env, tmp_path):
    """`litwatch standin` serves until interrupted. Started by a parent that ignored or blocked
    SIGINT, Python keeps it so and the stand-in never stopped (seen once in a test run: it
    outlived a SIGINT by 30 s). It now takes SIGINT as an interrupt itself."""
    command = [LITWATCH, "standin", "--corpus", corpus / "ontopic", "--port", "0"]
    standin = subprocess.Popen(
        [sys.executable, "-c", IGNORING_SIGINT, *map(str, command)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    hung = threading.Timer(60, standin.kill)
    hung.start()
    try:
        assert standin.stdout is not None
        url = standin.stdout.readline().split()[3]
        with urlopen(url + "esearch.fcgi?db=pubmed&term=metformin&retmax=0", timeout=30) as found:
            assert found.status == 200
        standin.stdout.readline()  # the control token: it is serving
    finally:
        hung.cancel()
        standin.send_signal(signal.SIGINT)
    try:
        _, errors = standin.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        standin.kill()
        standin.communicate()
        raise AssertionError("the stand-in ignored SIGINT") from None
    assert standin.returncode == 0 and "Traceback" not in errors, errors
