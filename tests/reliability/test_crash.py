"""Crash recovery: a weekly run killed (SIGKILL, in a real subprocess) at every kill point of
litwatch/crash.py, then the next run; nothing lost, nothing sent twice, the store consistent.

One simulation over the on-topic records replayed across twelve weeks: an uninterrupted first
run, then each week a `litwatch run` subprocess killed at the next point followed by a run
that completes, and a last clean week. Digests go to a real SMTP server on loopback.
"""

from __future__ import annotations

import email
import email.policy
import signal
import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from children import child_env, fork_server, litwatch_process
from helpers import loopback_settings
from litwatch.core.crash import CRASH_POINTS
from litwatch.core.digest import Digest
from litwatch.flows.weekly import watch_flow
from litwatch.outputs.mail import message_id_for
from litwatch.standin.corpus import Corpus, CorpusOptions, load_corpus
from litwatch.standin.expected import expected_reports
from litwatch.standin.indexed_versions import write_indexed_versions
from litwatch.standin.testing import running_standin
from litwatch.standin.timeline import Replay
from litwatch.store import Store

from litwatch.settings import Settings

# Long simulations (tens of seconds each): the `slow` marker, so a run can leave them out.
pytestmark = pytest.mark.slow

START = datetime(2026, 10, 5, 7, 0)  # a Monday
WEEKS = len(CRASH_POINTS) + 1  # one killed run per point, then a clean week
QUERY = "vitamin B12[tiab] OR cobalamin[tiab] OR methylcobalamin[tiab] OR metformin[tiab]"
WATCH_FILE = f"""
[[watch]]
name = "sim"
query = '''{QUERY}'''
recipients = ["team@example.org"]
start_date = 2000-01-01
overlap_days = 7
batch_size = 1
"""


@pytest.fixture(scope="module")
def ontopic_corpus(corpus: Path, tmp_path_factory) -> Corpus:
    """The 24 on-topic records arriving about two a week; three re-published as NLM-indexed
    versions (the demo's) during the weeks, which digests report as revised."""
    ontopic = corpus / "ontopic" / "ontopic.xml"
    replay = Replay(start=START, weeks=WEEKS, stream_from=date(2000, 1, 1), lead_in_weeks=1)
    indexed = tuple(write_indexed_versions(ontopic, tmp_path_factory.mktemp("indexed")))
    return load_corpus([ontopic], CorpusOptions(replay, version_files=indexed))


def killed_run(context, settings: Settings, now: datetime, point: str) -> int:
    """`litwatch run --watch sim` for the simulated time `now`, armed to die at `point`; its exit code."""
    argv = ["run", "--watch", "sim", "--now", now.isoformat()]
    process = litwatch_process(context, argv, child_env(settings, point))
    process.join(timeout=120)
    if process.exitcode is None:
        process.kill()
        process.join()
    return process.exitcode


def assert_consistent(db_path: Path, now: datetime) -> None:
    """What a completed run must leave, whatever the run before it died doing."""
    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("SELECT * FROM run_locks").fetchall() == []
        assert connection.execute("SELECT * FROM delivery_attempts").fetchall() == []
        statuses = [row[0] for row in connection.execute("SELECT status FROM runs ORDER BY run_id")]
    finally:
        connection.close()
    assert statuses[-1] == "committed" and "running" not in statuses
    with Store.open(db_path) as store:
        assert store.watermark("sim") == now.date()
        assert store.pending_changes("sim") == []
        assert store.undelivered_digests("sim") == []


def test_a_run_killed_at_any_point_is_recovered_by_the_next_without_loss_or_repeat(
    prefect_api, ontopic_corpus, smtp_server, tmp_path
):
    (tmp_path / "data").mkdir()
    watches = tmp_path / "watches.toml"
    watches.write_text(WATCH_FILE, encoding="utf-8")
    killed: dict[str, int] = {}
    context = fork_server()
    with running_standin(corpus=ontopic_corpus, now=START) as standin:
        settings = loopback_settings(standin.base_url, smtp_server, tmp_path / "data", watches)
        watch_flow("sim", now=START, settings=settings)
        for week, point in enumerate(CRASH_POINTS, start=1):
            now = START + timedelta(weeks=week)
            standin.clock.set(now)
            killed[point] = killed_run(context, settings, now, point)
            assert killed[point] == -signal.SIGKILL, (point, killed[point])
            watch_flow("sim", now=now, settings=settings)  # the next run, in this process
            assert_consistent(settings.db_path, now)
            if point == "summary":  # the half-written summary is whole again
                latest = settings.out_dir / "sim" / "summary" / "latest"
                assert (
                    (latest / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
                )
        last = START + timedelta(weeks=WEEKS)
        standin.clock.set(last)
        watch_flow("sim", now=last, settings=settings)
        assert_consistent(settings.db_path, last)
        with Store.open(settings.db_path) as store:
            entries = store.digests("sim")

    assert set(killed) == set(CRASH_POINTS)
    # every digest arrived exactly once, and nothing else did
    received = [
        email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        for envelope in smtp_server.messages
    ]
    sent_ids = Counter(message["Message-ID"] for message in received)
    assert max(sent_ids.values()) == 1, sent_ids
    assert set(sent_ids) == {message_id_for(entry.digest_key) for entry in entries}
    assert sorted(message["X-Litwatch-Digest-Key"] for message in received) == sorted(
        entry.digest_key for entry in entries
    )
    # the digest whose sending was cut after the server accepted it is marked unconfirmed
    channels = Counter(entry.deliveries[0].channel for entry in entries)
    assert channels == {"smtp": len(entries) - 1, "smtp-unconfirmed": 1}, channels
    # every matching record appears as new in exactly one digest, every revision once
    digests = [Digest.from_dict(entry.payload) for entry in entries]
    runs = [START + timedelta(weeks=week) for week in range(WEEKS + 1)]
    expected = expected_reports(ontopic_corpus, QUERY, runs)
    new = Counter(i.record.pmid for d in digests for i in d.items if i.kind == "new")
    revised = Counter(i.record.pmid for d in digests for i in d.items if i.kind == "revised")
    assert len(expected.new) >= 15 and len(expected.revised) >= 2  # not a trivial simulation
    assert set(new) == expected.new and max(new.values()) == 1
    assert revised == expected.revised
