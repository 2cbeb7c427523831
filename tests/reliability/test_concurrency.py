"""Two `litwatch run` processes of the same watch at once: the second stops with one clear line
while the first holds the store's run lock; no digest twice, no update lost."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import socket
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from children import child_env, fork_server, litwatch_process
from helpers import loopback_settings
from litwatch.standin.testing import running_standin
from litwatch.store import Store

# Long simulations (tens of seconds each): the `slow` marker, so a run can leave them out.
pytestmark = pytest.mark.slow

T = datetime(2026, 11, 23, 7, 0)  # a Monday after every on-topic record's Entrez date
WATCH_FILE = """
[[watch]]
name = "sim"
query = '''vitamin B12[tiab] OR cobalamin[tiab] OR metformin[tiab]'''
recipients = ["team@example.org"]
start_date = 2000-01-01
batch_size = 1
"""


class Run:
    """`litwatch run --watch sim --now NOW` in its own process (forked from the warm server),
    with what it prints kept in a file."""

    def __init__(self, context, env: dict[str, str], now: datetime, output: Path):
        self.output = output
        argv = ["run", "--watch", "sim", "--now", now.isoformat()]
        self.process = litwatch_process(context, argv, env, output)
        self.pid = self.process.pid

    def finish(self, timeout: float = 120.0) -> tuple[int | None, str]:
        """Wait (bounded) for the exit; its code and everything it printed."""
        self.process.join(timeout)
        return self.process.exitcode, self.output.read_text(encoding="utf-8", errors="replace")

    def end(self) -> None:
        """Make sure it is gone (a failed test must not leave a stopped child behind)."""
        if self.process.exitcode is None:
            os.kill(self.pid, signal.SIGCONT)
            self.process.kill()
            self.process.join()


def wait_until_stopped(run: Run, timeout: float = 90.0) -> None:
    """Wait (bounded) until the run has SIGSTOPped itself at its armed point."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert run.process.exitcode is None, run.finish(0)
        state = Path(f"/proc/{run.pid}/stat").read_text().rpartition(")")[2].split()[0]
        if state == "T":
            return
        time.sleep(0.05)
    raise AssertionError(f"run {run.pid} never reached its stop point")


def user_lines(printed: str) -> list[str]:
    """What a run printed that is not Prefect's run log ("HH:MM:SS.mmm | LEVEL | ..."),
    asserting that no traceback reached the user."""
    assert "Traceback" not in printed, printed
    prefect_log = re.compile(r"\d\d:\d\d:\d\d\.\d{3} \| [A-Z]+ +\| ")
    return [line for line in printed.splitlines() if not prefect_log.match(line)]


def received(smtp_server) -> Counter:
    """How many times each digest key arrived at the SMTP server."""
    return Counter(
        email.message_from_bytes(envelope.original_content, policy=email.policy.default)[
            "X-Litwatch-Digest-Key"
        ]
        for envelope in smtp_server.messages
    )


def reported_once(db_path: Path) -> list[str]:
    """The PMIDs the watch's digests report, asserting that none is reported twice."""
    with Store.open(db_path) as store:
        entries = store.digests("sim")
        pending = store.pending_changes("sim")
    assert pending == []
    pmids = [pmid for entry in entries for pmid, _version in entry.items]
    assert len(pmids) == len(set(pmids)), Counter(pmids).most_common(3)
    return pmids


@pytest.fixture
def setup(prefect_api, corpus: Path, smtp_server, tmp_path):
    """A stand-in over the on-topic records at T, settings for the watch "sim", and `start`,
    which starts a run for a simulated time (optionally armed to pause or die)."""
    watches = tmp_path / "watches.toml"
    watches.write_text(WATCH_FILE, encoding="utf-8")
    (tmp_path / "data").mkdir()
    context = fork_server()
    started: list[Run] = []
    with running_standin([corpus / "ontopic" / "ontopic.xml"], now=T) as standin:
        settings = loopback_settings(standin.base_url, smtp_server, tmp_path / "data", watches)

        def start(now: datetime, crash_at: str = "") -> Run:
            output = tmp_path / f"run-{len(started)}.log"
            started.append(Run(context, child_env(settings, crash_at), now, output))
            return started[-1]

        try:
            yield standin, settings, start
        finally:
            for run in started:
                run.end()


def test_a_second_run_of_a_held_watch_stops_with_one_line_and_loses_nothing(setup, smtp_server):
    _, settings, start = setup
    first = start(T, crash_at="stored:stop")  # pauses holding the lock, mid-ingest
    wait_until_stopped(first)
    code, refusal = start(T).finish()
    assert code == 1
    pattern = (
        r"litwatch: watch 'sim' is already running \(run 1 started 2026-11-23 07:00 by "
        + re.escape(f"{socket.gethostname()}:{first.pid}")
        + r"\); wait for it to finish, or if that process is gone .*"
    )
    [line] = user_lines(refusal)
    assert re.fullmatch(pattern, line), refusal
    os.kill(first.pid, signal.SIGCONT)
    code, output = first.finish()
    assert code == 0, output[-2000:]
    code, output = start(T + timedelta(hours=1)).finish()
    assert code == 0, output[-2000:]

    with Store.open(settings.db_path) as store:
        runs = store.runs("sim")
        watermark = store.watermark("sim")
        counts = store.counts("sim")
    # the refused run began nothing; both real runs committed, none abandoned
    assert [(run.run_id, run.status) for run in runs] == [(1, "committed"), (2, "committed")]
    assert watermark == T.date()
    pmids = reported_once(settings.db_path)
    assert len(pmids) == counts.versions > 10  # everything stored was reported, once
    assert set(received(smtp_server).values()) == {1} and counts.undelivered == 0


def test_two_runs_started_together_report_every_record_once(setup, smtp_server):
    standin, settings, start = setup
    results = [run.finish() for run in [start(T), start(T)]]
    codes = sorted(code for code, _ in results)
    # either one finished before the other took the lock, or the later one was refused
    assert codes in ([0, 0], [0, 1]), results
    for code, printed in results:
        if code == 1:
            [line] = user_lines(printed)
            assert line.startswith("litwatch: watch 'sim' is already running (run "), printed
    standin.clock.set(T + timedelta(weeks=1))
    code, output = start(T + timedelta(weeks=1)).finish()
    assert code == 0, output[-2000:]

    pmids = reported_once(settings.db_path)
    with Store.open(settings.db_path) as store:
        counts = store.counts("sim")
        statuses = [run.status for run in store.runs("sim")]
    assert len(pmids) == counts.versions > 10 and counts.undelivered == 0
    assert statuses.count("committed") == len(statuses)
    assert set(received(smtp_server).values()) == {1}
