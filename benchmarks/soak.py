"""A year of weekly runs against a faulty PubMed and a mail server that goes down: is any record
missed, is any digest sent twice?

52 simulated Mondays over the shared corpus, replayed so that records arrive week by week and
40% of the MEDLINE records come back weeks later as newly indexed versions. The E-utilities
stand-in injects a fault into 20% of requests (every kind it knows: 429, 500/502/503, stalls,
dropped connections, truncated bodies, <ERROR> answers, expired WebEnv, HTML pages), is stopped
and started again on the same port in the middle of four runs' efetch (its history server,
and so every WebEnv, is lost), and the SMTP server (aiosmtpd on loopback) is down for two
weekly runs. Each run is the production flow: Bio.Entrez over HTTP, the SQLite store, Prefect
(a temporary local API), SMTP.

"Missed" compares the digests with what the stand-in's own query evaluation says each run must
find (standin/expected.py); "duplicates" counts messages the SMTP server received more than
once and records reported as new by more than one digest.

Run: .venv/bin/python benchmarks/soak.py [--weeks 52] [--fault-rate 0.2] [--corpus DIR]
It ends with the line `missed=N duplicates=N faults_survived=N`.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import logging
import os
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

START = datetime(2026, 1, 5, 7, 0)  # a Monday
QUERY = "diabetes[tiab] OR diabetic[tiab] OR cancer[tiab] OR patients[tiab] OR metformin[tiab]"
RESTART_WEEKS = (9, 22, 35, 48)  # the stand-in restarts in the middle of these runs' efetch
OUTAGE_WEEKS = (18, 19)  # SMTP is down for these runs
DOWNTIME = 1.0  # seconds the stand-in is away during a restart


class RestartableStandIn:
    """The E-utilities stand-in on a fixed loopback port that can be stopped and started again
    (same corpus, same simulated clock, a fresh history server and fault draw)."""

    def __init__(self, corpus, fault_rate: float, seed: int):
        self.corpus = corpus
        self.fault_rate = fault_rate
        self.seed = seed
        self.now = START
        self.port = 0
        self.generation = 0
        self.earlier_entries: list = []  # request logs of the stopped generations
        self._server = None
        self._thread = None
        self.standin = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/entrez/eutils/"

    def start(self) -> None:
        from litwatch.standin.server import StandIn, StandInOptions, start

        options = StandInOptions(
            now=self.now,
            fault_rate=self.fault_rate,
            fault_seed=self.seed + self.generation,
            stall_seconds=3.0,
        )
        self.standin = StandIn(self.corpus, options)
        self._server = start(self.standin, port=self.port)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.generation += 1

    def stop(self) -> None:
        self.standin.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.earlier_entries += self.standin.log.entries()
        self.standin = None

    def set_clock(self, now: datetime) -> None:
        self.now = now
        self.standin.clock.set(now)

    def entries(self) -> list:
        """Every request so far, across restarts."""
        running = self.standin
        return self.earlier_entries + (running.log.entries() if running else [])

    def restart_at_first_efetch(self, timeout: float = 120.0) -> threading.Thread:
        """In the background: wait (bounded) for the next efetch, then stop, wait, start again."""
        log = self.standin.log
        seen = len(log.entries())

        def watch() -> None:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if any(e.endpoint == "efetch" for e in log.entries()[seen:]):
                    self.stop()
                    time.sleep(DOWNTIME)
                    self.start()
                    return
                time.sleep(0.01)

        thread = threading.Thread(target=watch, name="restart", daemon=True)
        thread.start()
        return thread


class MailServer:
    """aiosmtpd on a fixed loopback port, keeping every message; stop() is an outage."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages: list = []
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        server = self

        class Keep:
            async def handle_DATA(self, smtp, session, envelope):
                server.messages.append(envelope.original_content)
                return "250 OK"

        self._controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
        self._controller = None


class RetryCount(logging.Handler):
    """Counts the Entrez client's retries and history renewals from its warnings."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.retries = 0
        self.renewals = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.msg:
            self.retries += 1
        elif "history expired" in record.msg:
            self.renewals += 1


def watch_file(folder: Path, since: date) -> Path:
    path = folder / "watches.toml"
    path.write_text(
        "[[watch]]\n"
        'name = "soak"\n'
        f"query = '''{QUERY}'''\n"
        'recipients = ["team@example.org"]\n'
        f"start_date = {since.isoformat()}\n"
        "overlap_days = 7\n"
        "batch_size = 50\n",
        encoding="utf-8",
    )
    return path


def soak(corpus_dir: Path, weeks: int, fault_rate: float, seed: int, out) -> dict:
    """Run the simulation; print its report to `out` and return the figures."""
    from litwatch.core.digest import Digest
    from litwatch.core.errors import LitwatchError
    from litwatch.flows.weekly import watch_flow
    from litwatch.standin.corpus import CorpusOptions, load_corpus
    from litwatch.standin.expected import expected_reports
    from litwatch.standin.faults import FAULT_KINDS
    from litwatch.standin.timeline import Replay
    from litwatch.standin.versions import IndexingRevisions
    from litwatch.store import Store

    from litwatch.settings import Settings

    replay = Replay(start=START, weeks=weeks, stream_from=date(2015, 1, 1))
    indexing = IndexingRevisions(fraction=0.4, seed=11, lag_days=(8, 30))
    corpus = load_corpus(
        [corpus_dir / "pubmed-xml", corpus_dir / "ontopic" / "ontopic.xml"],
        CorpusOptions(replay, indexing),
    )
    since = replay.stream_start
    standin = RestartableStandIn(corpus, fault_rate, seed)
    standin.start()
    mail = MailServer()
    mail.start()
    retries = RetryCount()
    entrez_log = logging.getLogger("litwatch.pubmed.entrez")
    entrez_log.addHandler(retries)
    entrez_log.propagate = False  # counted here, not printed
    scratch = Path(tempfile.mkdtemp(prefix="litwatch-soak-"))
    settings = Settings(
        eutils_url=standin.base_url,
        data_dir=scratch / "data",
        watches_file=watch_file(scratch, since.date()),
        ncbi_email="soak@example.org",
        ncbi_api_key="soak-key-not-secret",
        entrez_timeout=2.0,
        entrez_max_attempts=8,
        entrez_backoff_base=0.05,
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        smtp_security="none",
    )
    print(
        f"soak: {weeks} weeks from {START:%Y-%m-%d}, {len(corpus.schedule)} record versions served, "
        f"fault rate {fault_rate:.0%}, stand-in restarts in weeks {RESTART_WEEKS}, "
        f"SMTP down in weeks {OUTAGE_WEEKS}; store in {scratch}",
        file=out,
        flush=True,
    )
    completed: list[datetime] = []
    failed: list[tuple[int, str]] = []
    survived: Counter = Counter()
    started = time.monotonic()
    for week in range(1, weeks + 1):
        now = START + timedelta(weeks=week)
        standin.set_clock(now)
        if week in OUTAGE_WEEKS and week - 1 not in OUTAGE_WEEKS:
            mail.stop()
        if week - 1 in OUTAGE_WEEKS and week not in OUTAGE_WEEKS:
            mail.start()
        restart = standin.restart_at_first_efetch() if week in RESTART_WEEKS else None
        seen = len(standin.entries())
        try:
            result = watch_flow("soak", now=now, settings=settings)
        except LitwatchError as error:
            failed.append((week, str(error)))
            line = f"FAILED: {error}"
        else:
            completed.append(now)
            line = result.summary_line()
            survived.update(e.fault for e in standin.entries()[seen:] if e.fault)
            if restart is not None:
                survived["standin-restart"] += 1
            if week in OUTAGE_WEEKS:
                survived["smtp-outage"] += 1
            line += f"; {len(result.delivered)} sent"
        if restart is not None:
            restart.join(timeout=DOWNTIME + 30)
        print(f"week {week:>2} {now:%Y-%m-%d} {line}", file=out, flush=True)
    elapsed = time.monotonic() - started
    standin.stop()
    mail.stop()

    with Store.open(settings.db_path) as store:
        entries = store.digests("soak")
        runs = store.runs("soak")
    digests = [Digest.from_dict(entry.payload) for entry in entries if entry.payload]
    expected = expected_reports(corpus, QUERY, completed, since=since)
    new = Counter(i.record.pmid for d in digests for i in d.items if i.kind == "new")
    revised = Counter(i.record.pmid for d in digests for i in d.items if i.kind == "revised")
    received = Counter(
        email.message_from_bytes(raw, policy=email.policy.default)["X-Litwatch-Digest-Key"]
        for raw in mail.messages
    )
    missed_new = sorted(expected.new - set(new))
    missed_revisions = sum((expected.revised - revised).values())
    duplicate_messages = sum(count - 1 for count in received.values())
    duplicate_records = sum(count - 1 for count in new.values())
    undelivered = [entry.digest_key for entry in entries if not entry.delivered]
    not_received = [entry.digest_key for entry in entries if entry.digest_key not in received]
    injected = Counter(e.fault for e in standin.entries() if e.fault)
    figures = {
        "missed": len(missed_new) + missed_revisions + len(not_received),
        "duplicates": duplicate_messages + duplicate_records,
        "faults_survived": sum(survived.values()),
    }
    statuses = Counter(run.status for run in runs)
    requests = sum(1 for e in standin.entries() if e.endpoint in ("esearch", "efetch", "einfo"))
    classes = [*FAULT_KINDS, "standin-restart", "smtp-outage"]
    print(f"time: {elapsed:.0f} s for {weeks} weekly runs", file=out)
    print(
        f"runs: {len(completed)} completed, {len(failed)} failed"
        f" (store: {dict(statuses)})" + "".join(f"\n  week {w}: {e}" for w, e in failed),
        file=out,
    )
    print(
        f"requests: {requests} E-utilities requests, {sum(injected.values())} faults injected;"
        f" client retries {retries.retries}, search-history renewals {retries.renewals}",
        file=out,
    )
    print("faults survived by class (injected):", file=out)
    for kind in classes:
        print(f"  {kind:<16} {survived[kind]:>4}  ({injected.get(kind, survived[kind])})", file=out)
    print(
        f"every class survived at least once: {all(survived[kind] for kind in classes)}", file=out
    )
    print(
        f"records: {len(expected.new)} expected new, {len(set(new))} reported new"
        f" ({len(set(new) - expected.new)} more: records first served before the watch's start"
        f" and found by modification date); {sum(expected.revised.values())} expected revisions,"
        f" {sum(revised.values())} reported",
        file=out,
    )
    print(
        f"digests: {len(entries)} recorded, {len(entries) - len(undelivered)} delivered,"
        f" {len(mail.messages)} messages received ({len(received)} distinct);"
        f" undelivered {undelivered}; never received {not_received}",
        file=out,
    )
    print(
        f"missed: {len(missed_new)} new records {missed_new[:10]}, {missed_revisions} revisions,"
        f" {len(not_received)} digests; duplicates: {duplicate_messages} messages,"
        f" {duplicate_records} records",
        file=out,
    )
    print(
        f"missed={figures['missed']} duplicates={figures['duplicates']}"
        f" faults_survived={figures['faults_survived']}",
        file=out,
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    options = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        figures = soak(options.corpus, options.weeks, options.fault_rate, options.seed, sys.stdout)
    sys.exit(0 if figures["missed"] == 0 and figures["duplicates"] == 0 else 1)


if __name__ == "__main__":
    main()
