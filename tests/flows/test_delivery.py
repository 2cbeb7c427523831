"""Weekly digests through the flow to a real SMTP server on loopback: one message per watch per
week, an outage delays a digest to the next run and nothing goes twice; the evidence summary
agrees with the store and its change log with the digests."""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from litwatch.core.digest import Digest, payload_changes
from litwatch.flows.demo import DEMO_START
from litwatch.flows.weekly import watch_flow
from litwatch.outputs import statements
from litwatch.outputs.summary import iso_week_label
from litwatch.standin.indexed_versions import write_indexed_versions
from litwatch.standin.testing import running_standin
from litwatch.store import Store

from litwatch.config import load_watches
from litwatch.settings import Settings

WEEKS = 5
OUTAGE_WEEK = 3
WATCH = "b12-dpn"  # the shipped default watch
# How many times each run of `weekly_run` (the backfill, then each week) computed the watch's
# statements, from the counter outputs/statements.py keeps.
STATEMENT_COMPUTATIONS: list[int] = []


def _received(server) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        for envelope in server.messages
    ]


@pytest.fixture(scope="module")
def weekly_run(prefect_api, corpus: Path, tmp_path_factory):
    """Back-fill to the demo's start, then five Monday runs with SMTP refusing in week 3.

    Yields (settings, server, messages received after each week, run results, and the PMIDs
    whose NLM-indexed version the stand-in served by the last run)."""
    from helpers import loopback_settings, running_smtp_server

    scratch = tmp_path_factory.mktemp("delivery")
    ontopic = corpus / "ontopic" / "ontopic.xml"
    versions = tuple(write_indexed_versions(ontopic, scratch))
    with (
        running_smtp_server() as server,
        running_standin([ontopic], now=DEMO_START, version_files=versions) as standin,
    ):
        settings = loopback_settings(standin.base_url, server, scratch / "data")
        STATEMENT_COMPUTATIONS.clear()
        counted = statements.computations
        watch_flow(WATCH, now=DEMO_START, settings=settings, since=date(1900, 1, 1), deliver=False)
        STATEMENT_COMPUTATIONS.append(statements.computations - counted)
        after_week, results = [], []
        for week in range(1, WEEKS + 1):
            now = DEMO_START + timedelta(weeks=week)
            standin.clock.set(now)
            server.refuse = week == OUTAGE_WEEK
            counted = statements.computations
            results.append(watch_flow(WATCH, now=now, settings=settings))
            STATEMENT_COMPUTATIONS.append(statements.computations - counted)
            after_week.append(len(server.messages))
        last_run = DEMO_START + timedelta(weeks=WEEKS)
        indexed_by_then = {
            v.path.stem.removeprefix("indexed-") for v in versions if v.available_from <= last_run
        }
        yield settings, server, after_week, results, indexed_by_then


def test_one_message_per_week_and_the_outage_week_goes_with_the_next_run(weekly_run):
    _, server, after_week, results, _ = weekly_run
    assert after_week == [1, 2, 2, 4, 5]
    assert results[OUTAGE_WEEK - 1].delivered == ()
    assert results[OUTAGE_WEEK].delivered == (
        results[OUTAGE_WEEK - 1].digest_key,
        results[OUTAGE_WEEK].digest_key,
    )
    keys = [m["X-Litwatch-Digest-Key"] for m in _received(server)]
    assert keys == [result.digest_key for result in results]  # in order, each once
    assert len({m["Message-ID"] for m in _received(server)}) == WEEKS


def test_each_message_has_the_recipients_subject_alternatives_and_inline_images(weekly_run):
    settings, server, _, results, _ = weekly_run
    recipients = load_watches(settings.watches_file)[0].recipients
    # every conversation logs in, the refused one of the outage week too
    assert server.logins == ["digest"] * (WEEKS + 1)
    for envelope, message, result in zip(server.messages, _received(server), results, strict=True):
        assert envelope.rcpt_tos == list(recipients)
        assert message["To"] == ", ".join(recipients)
        # "B12 & DPN — week 41: 2 RCTs, 1 addresses a gap"
        assert re.match(r"B12 & DPN — week \d+: ", message["Subject"]), message["Subject"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "Digest " in text and "<table" in html and "<script" not in html
        for item in Digest.from_dict(_payload(settings, result.digest_key)).items:
            assert (
                item.record.pmid in text and f"pubmed.ncbi.nlm.nih.gov/{item.record.pmid}" in html
            )
        images = [part for part in message.walk() if part.get_content_type() == "image/png"]
        for image in images:
            assert f"cid:{image['Content-ID'].strip('<>')}" in html
        if result.new:
            assert images, "a week with records carries its chart inline"


def test_new_and_revised_records_are_each_mailed_once(weekly_run):
    settings, server, _, _, indexed = weekly_run
    with Store.open(settings.db_path) as store:
        entries = {entry.digest_key: entry for entry in store.digests(WATCH)}
    mailed = [
        Digest.from_dict(entries[m["X-Litwatch-Digest-Key"]].payload) for m in _received(server)
    ]
    new = Counter(item.record.pmid for digest in mailed for item in digest.new)
    revised = Counter(item.record.pmid for digest in mailed for item in digest.revised)
    assert new and max(new.values()) == 1
    # the demo's late-indexed versions served so far, each reported once after its record was new
    assert len(indexed) >= 2 and set(revised) == indexed
    assert max(revised.values()) == 1 and set(revised) <= set(new)


def test_summary_counts_match_the_store(weekly_run):
    settings, _, _, results, _ = weekly_run
    with Store.open(settings.db_path) as store:
        reported = store.digested_pmids(WATCH)
        designs = Counter()
        for record in store.latest_records(WATCH):
            if record.pmid not in reported:
                continue
            version = store.record_versions(record.pmid)[-1].store_version
            classification = store.classification(record.pmid, version, WATCH)
            if classification.topic_relevant:
                designs[classification.design.label] += 1
    markdown = Path(results[-1].paths["summary_md"]).read_text(encoding="utf-8")
    table = markdown.split("## Counts by design", 1)[1].split("![", 1)[0]
    shown = {
        label.strip(): int(count)
        for label, count in re.findall(r"^\| ([^|*]+) \| (\d+) \|$", table, re.MULTILINE)
    }
    from litwatch.outputs.order import design_label

    assert shown == {design_label(design): count for design, count in designs.items()}
    assert f"**Total** | **{sum(designs.values())}**" in table


def test_change_log_of_each_week_lists_exactly_that_weeks_digest(weekly_run):
    settings, _, _, results, _ = weekly_run
    with Store.open(settings.db_path) as store:
        digests = {
            entry.digest_key: Digest.from_dict(entry.payload) for entry in store.digests(WATCH)
        }
    markdown = Path(results[-1].paths["summary_md"]).read_text(encoding="utf-8")
    log = markdown.split("## Change log", 1)[1].split("## Sources", 1)[0]
    lines = [line for line in log.splitlines() if line.startswith("- **")]
    weekly = [digests[result.digest_key] for result in results]
    # one line per digest, newest first, the backfill's record-only digest last
    assert len(lines) == len(digests)
    for line, digest in zip(lines, weekly[::-1], strict=False):
        assert line.startswith(f"- **{iso_week_label(digest.created)}**: ")
        counts = Counter(item.design for item in digest.new)
        listed = sum(int(n) for n in re.findall(r"\+(\d+) ", line.split(";")[0]))
        assert listed == sum(counts.values()), (line, counts)
        if digest.revised:
            assert f"{len(digest.revised)} revised" in line


def test_each_run_computes_its_statements_once_for_the_digest_and_the_summary(weekly_run):
    """A run computes the statements after its digest once: its "what this changes" compares
    them with the marks the last digest kept, and its summary shows the same statements."""
    settings, _, _, results, _ = weekly_run
    assert STATEMENT_COMPUTATIONS == [1] * (WEEKS + 1)  # the backfill, then each week
    moved = 0
    for result in results:
        summary = Path(result.paths["summary_md"]).read_text(encoding="utf-8")
        words = " ".join(summary.replace("\\", "").split())  # Markdown escapes punctuation
        for change in payload_changes(_payload(settings, result.digest_key)):
            assert " ".join(change.after.split()) in words, (result.digest_key, change.after)
            moved += 1
    assert moved, "some week's records moved a statement: the comparison was made"


def _payload(settings: Settings, digest_key: str) -> dict:
    with Store.open(settings.db_path) as store:
        return next(e.payload for e in store.digests(WATCH) if e.digest_key == digest_key)


def test_each_run_publishes_its_digest_as_markdown_and_table_artifacts(weekly_run):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    _, _, _, results, _ = weekly_run
    with get_client(sync_client=True) as client:
        markdown = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"{WATCH}-digest"]))
        )
        tables = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"{WATCH}-records"]))
        )
    # one of each per run (other test modules in the session may add runs of their own)
    assert len(markdown) >= WEEKS and len(tables) >= WEEKS
    last = results[-1]
    newest_markdown = max(markdown, key=lambda artifact: artifact.created)
    assert newest_markdown.data == Path(last.paths["md"]).read_text(encoding="utf-8")
    newest_table = max(tables, key=lambda artifact: artifact.created)
    rows = newest_table.data if isinstance(newest_table.data, list) else None
    if rows is None:
        import json

        rows = json.loads(newest_table.data)
    assert sorted(row["pmid"] for row in rows) == sorted(
        item.record.pmid
        for item in Digest.from_dict(_payload(weekly_run[0], last.digest_key)).items
    )
