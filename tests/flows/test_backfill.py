"""`litwatch backfill` through the installed command: slices, resume after SIGKILL, no mail."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import settings_for
from litwatch.flows.backfill import backfill_flow
from litwatch.pubmed.windows import DateWindow, fixed_windows, slices_to_do
from litwatch.standin.testing import running_standin

# Its tests start a stand-in, a Prefect flow or the CLI's flows themselves: the `server` lane.
pytestmark = pytest.mark.server

QUERY = "diabetes[tiab] OR diabetic[tiab] OR cancer[tiab] OR patients[tiab] OR metformin[tiab]"
SINCE, UNTIL = date(2000, 1, 1), date(2026, 11, 23)
SLICE_DAYS = 1000  # 10 slices, each holding some of the corpus's records
SLICES = 10


def test_slices_finished_before_are_skipped_even_when_the_span_grew():
    span = DateWindow(date(2020, 1, 1), date(2020, 12, 31))
    todo, done = slices_to_do(span, 100, [(date(2020, 1, 1), date(2020, 4, 9))])
    assert done == 1
    assert [(w.first, w.last) for w in todo] == [
        (date(2020, 4, 10), date(2020, 7, 18)),
        (date(2020, 7, 19), date(2020, 10, 26)),
        (date(2020, 10, 27), date(2020, 12, 31)),
    ]
    # resumed a day later: the old last slice (to 12-31) still covers the new one's days
    later = DateWindow(date(2020, 1, 1), date(2021, 1, 1))
    finished = [(w.first, w.last) for w in fixed_windows(span, 100)]
    todo, done = slices_to_do(later, 100, finished)
    assert done == 3 and [(w.first, w.last) for w in todo] == [
        (date(2020, 10, 27), date(2021, 1, 1))
    ]


@pytest.mark.slow
def test_a_killed_backfill_resumes_to_the_same_store_as_an_uninterrupted_one(
    prefect_api, corpus, tmp_path
):
    from prefect.settings import PREFECT_API_URL

    watches = tmp_path / "watches.toml"
    watches.write_text(
        f'[[watch]]\nname = "sim"\nquery = """{QUERY}"""\n'
        'recipients = ["team@example.org"]\nbatch_size = 500\n',
        encoding="utf-8",
    )
    files = [corpus / "pubmed-xml", corpus / "ontopic" / "ontopic.xml"]
    with running_standin(files, now=datetime(2026, 11, 23, 7, 0)) as standin:
        env = os.environ | {
            "PREFECT_API_URL": PREFECT_API_URL.value(),
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "LITWATCH_EUTILS_URL": standin.base_url,
            "LITWATCH_WATCHES_FILE": str(watches),
            "LITWATCH_NCBI_EMAIL": "tests@example.org",
            "LITWATCH_NCBI_API_KEY": "test-key-not-secret",
            "LITWATCH_ENTREZ_TIMEOUT": "2",
            "LITWATCH_ENTREZ_MAX_ATTEMPTS": "8",
            "LITWATCH_ENTREZ_BACKOFF_BASE": "0.05",
            "LITWATCH_SMTP_HOST": "",
        }
        # The uninterrupted backfill runs in this process (one subprocess start less).
        whole = tmp_path / "whole"
        finished = backfill_flow(
            "sim", since=SINCE, until=UNTIL, slice_days=SLICE_DAYS,
            settings=settings_for(standin.base_url, whole, watches),
        )  # fmt: skip
        assert (finished.slices, finished.already_done) == (SLICES, 0)
        assert "recorded, not sent" in finished.summary_line() and not finished.delivered

        resumed = tmp_path / "resumed"
        done_when_killed = kill_after_slices(env | {"LITWATCH_DATA_DIR": str(resumed)}, 3)
        assert 3 <= done_when_killed < SLICES
        again = backfill(env | {"LITWATCH_DATA_DIR": str(resumed)})
        assert again.returncode == 0, again.stderr
        assert f"({done_when_killed} done before)" in again.stdout

    expected = canonical_dump(whole / "litwatch.sqlite")
    assert canonical_dump(resumed / "litwatch.sqlite") == expected
    # The dump compared is not trivial: the history is in, classified, and settled unsent.
    assert len(expected["record_versions"]) > 300
    assert len(expected["classifications"]) == len(expected["watch_records"])
    assert expected["digests"] == [(len(expected["watch_records"]), ("backfill-not-sent",))]
    assert expected["watermark"] == UNTIL.isoformat()
    assert not (whole / "outbox").exists() and not (resumed / "outbox").exists()


def backfill(env: dict[str, str], **popen) -> subprocess.CompletedProcess | subprocess.Popen:
    """`litwatch backfill` of the watch over SINCE..UNTIL in a subprocess: run to its end, or
    started and returned (with `popen` options) for the caller to stop."""
    command = [
        sys.executable, "-P", "-m", "litwatch.cli", "backfill", "--watch", "sim",
        "--since", SINCE.isoformat(), "--until", UNTIL.isoformat(),
        "--slice-days", str(SLICE_DAYS),
    ]  # fmt: skip
    if popen:
        return subprocess.Popen(command, env=env, **popen)
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=240, check=False
    )


def kill_after_slices(env: dict[str, str], slices: int) -> int:
    """Start a backfill, SIGKILL it (and any process it started) once the store shows `slices`
    slices done; return how many were done when it died."""
    db = Path(env["LITWATCH_DATA_DIR"]) / "litwatch.sqlite"
    process = backfill(
        env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 240
        while completed_slices(db) < slices:
            assert process.poll() is None, "the backfill ended before it could be killed"
            assert time.monotonic() < deadline, "the backfill made no progress"
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the process and its children
        process.wait()
    assert process.returncode == -signal.SIGKILL
    return completed_slices(db)


def completed_slices(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=10) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM backfill_slices").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0


def canonical_dump(db: Path) -> dict:
    """What a store holds for its watch, without what differs by run: run ids, clock readings
    and digest keys (they name a run), since a resumed backfill has more runs by design."""
    conn = sqlite3.connect(db)
    try:

        def rows(sql: str) -> list[tuple]:
            return sorted(conn.execute(sql).fetchall())

        digests = [
            (
                conn.execute(
                    "SELECT COUNT(*) FROM watch_records WHERE digest_id = ?", (digest_id,)
                ).fetchone()[0],
                tuple(
                    channel
                    for (channel,) in conn.execute(
                        "SELECT channel FROM deliveries WHERE digest_id = ? ORDER BY channel",
                        (digest_id,),
                    )
                ),
            )
            for (digest_id,) in conn.execute("SELECT digest_id FROM digests ORDER BY digest_id")
        ]
        return {
            "record_versions": rows(
                "SELECT pmid, store_version, pubmed_version, content_hash, status,"
                " publication_types, record FROM record_versions"
            ),
            "watch_records": rows(
                "SELECT watch, pmid, store_version, kind, previous_version, changes,"
                " digest_id IS NOT NULL FROM watch_records"
            ),
            "classifications": [
                (*row[:-1], json.loads(row[-1]))
                for row in rows(
                    "SELECT pmid, store_version, watch, definitions_hash, design,"
                    " design_confidence, design_source, topic_relevant, payload"
                    " FROM classifications"
                )
            ],
            "slices": rows("SELECT watch, first_day, last_day FROM backfill_slices"),
            "watermark": conn.execute("SELECT watermark FROM watermarks").fetchone()[0],
            "digests": digests,
        }
    finally:
        conn.close()
