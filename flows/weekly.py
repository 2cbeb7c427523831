"""The weekly watch flow: the pipeline of DESIGN.md in order, and nothing else.

search → fetch → parse → store → classify → digest → render → deliver. Each task calls
one plain function of the layer that owns the step; this module only knows the order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from litwatch.core.crash import arm as arm_crash_point
from litwatch.core.crash import crash_point
from litwatch.core.watermark import search_window
from litwatch.flows.ingest import IngestStats, ingest_windows
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from litwatch.config import Watch, find_watch, load_watches
from litwatch.settings import Settings

# Live objects (the Entrez client, the store) are passed between tasks in-process, so
# nothing is hashed for a cache key and no result is persisted.
_LIVE = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass(frozen=True)
class RunResult:
    """What one run of one watch did, for the CLI line and the tests."""

    watch: str
    run_id: int
    window: tuple[date, date]
    ingest: IngestStats
    digest_key: str | None
    new: int
    revised: int
    off_topic: int
    delivered: tuple[str, ...] = ()
    paths: dict[str, Path] = field(default_factory=dict)

    def summary_line(self) -> str:
        start, end = self.window
        text = (
            f"{self.watch}: {start:%Y-%m-%d}..{end:%Y-%m-%d}: {self.ingest.fetched} fetched, "
            f"{self.new} new, {self.revised} revised, {self.off_topic} off-topic"
        )
        if self.ingest.retries:
            text += f", {self.ingest.retries} retries"
        if self.digest_key:
            text += f"; digest {self.digest_key}"
        return text


def entrez_client(settings: Settings):
    """The production Entrez client, configured once from settings."""
    from litwatch.pubmed.entrez import EntrezClient, EntrezConfig

    return EntrezClient(
        EntrezConfig(
            email=settings.ncbi_email,
            tool=settings.ncbi_tool,
            api_key=settings.resolved_api_key(),
            base_url=settings.eutils_url,
            timeout=settings.entrez_timeout,
            max_attempts=settings.entrez_max_attempts,
            backoff_base=settings.entrez_backoff_base,
            max_response_bytes=settings.entrez_max_response_mb * 2**20,
        )
    )


@task(name="search", **_LIVE)
def search_task(client, watch: Watch, window: tuple[date, date]):
    """esearch (history server) over the Entrez-date window, split past 9,999 hits, and over
    the modification-date window too when the watch tracks revisions: a record NLM indexes
    weeks after it appeared keeps its old Entrez date and only shows up by modification date."""
    windows = client.search_windows(watch.query, window[0], window[1])
    if watch.track_revisions:
        windows += client.search_windows(watch.query, window[0], window[1], datetype="mdat")
    crash_point("search")
    return windows


@task(name="fetch-parse-store", **_LIVE)
def ingest_task(client, store, run_id: int, watch: Watch, windows, now: datetime) -> IngestStats:
    """efetch in batches, parse, and upsert each batch as it arrives (kept if the run dies)."""
    return ingest_windows(client, store, run_id, watch, windows, now)


@task(name="classify", **_LIVE)
def classify_task(store, watch: Watch) -> int:
    """Classify every record version of the watch not yet classified under its definitions."""
    from litwatch.flows.classifying import classify_pending

    classified = classify_pending(store, watch)
    crash_point("classify")
    return classified


@task(name="digest", **_LIVE)
def digest_task(store, watch: Watch, run_id: int, now: datetime):
    """Select what is new or revised since the last digest and record it (idempotency key)."""
    from litwatch.flows.digesting import make_digest

    digest = make_digest(store, watch, run_id, now)
    crash_point("digest")
    return digest


@task(name="render", **_LIVE)
def render_task(digest, watch: Watch, out_dir: Path, settings: Settings) -> dict[str, Path]:
    """Write the digest files: HTML, text, Markdown, JSON, RIS, CSV and the .eml message."""
    from litwatch.flows.digesting import render_outputs

    paths = render_outputs(digest, watch, out_dir, settings)
    crash_point("render")
    return paths


@task(name="artifacts", **_LIVE)
def artifacts_task(digest, paths: dict[str, Path], watch: Watch) -> None:
    """Publish the digest as a Markdown artifact and its records as a table artifact."""
    from litwatch.flows.digesting import digest_table
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    key = f"{watch.name}-digest"  # artifact keys: lower-case letters, digits and dashes
    markdown = paths["md"].read_text(encoding="utf-8")  # render_task wrote it
    create_markdown_artifact(markdown=markdown, key=key, description=f"Digest {digest.key}")
    create_table_artifact(
        table=digest_table(digest),
        key=f"{watch.name}-records",
        description=f"Records of {digest.key}",
    )


@task(name="summary", **_LIVE)
def summary_task(store, watch: Watch, out_dir: Path, now: datetime) -> dict[str, Path]:
    """Regenerate the living evidence summary from the store."""
    from litwatch.flows.digesting import update_summary

    return update_summary(store, watch, out_dir, now)


@task(name="deliver", **_LIVE)
def deliver_task(
    store, watch: Watch, settings: Settings, out_dir: Path, now: datetime
) -> tuple[str, ...]:
    """Send every recorded, undelivered digest of the watch: exactly once each."""
    from litwatch.flows.digesting import deliver_pending

    delivered = deliver_pending(store, watch, settings, out_dir, now, log=get_run_logger().warning)
    crash_point("delivered")
    return delivered


@task(name="settle-unsent", **_LIVE)
def settle_unsent_task(store, watch: Watch, digest, run_id: int, now: datetime) -> None:
    """Mark a backfill's own digest settled without sending it, so no later run mails the past.

    A weekly digest still waiting for its e-mail (make_digest may hand that one back) is left
    for the next run to send."""
    from litwatch.flows.digesting import digest_key

    if digest is not None and digest.key == digest_key(watch, run_id, now):
        store.mark_delivered(digest.key, now, "backfill-not-sent", "")


@flow(name="litwatch-watch", log_prints=True)
def watch_flow(
    watch_name: str,
    now: datetime | None = None,
    settings: Settings | None = None,
    since: date | None = None,
    deliver: bool = True,
) -> RunResult:
    """One run of one watch. `since` forces the window start (backfill); `deliver=False` records the digest without sending it."""
    from litwatch.store import Store
    from litwatch.store.locks import STALE_AFTER, this_process

    settings = settings or Settings()
    arm_crash_point(settings.crash_at)
    now = now or datetime.now().astimezone()
    watch = find_watch(load_watches(settings.watches_file), watch_name)[0]
    logger = get_run_logger()
    owner = this_process()
    client = entrez_client(settings)
    with Store.open(settings.db_path) as store:
        store.acquire_lock(watch.name, owner, now, stale_after=STALE_AFTER)
        try:
            if since is not None:
                window = (since, now.date())
            else:
                window = search_window(
                    store.watermark(watch.name),
                    now.date(),
                    overlap_days=watch.overlap_days,
                    start_date=watch.start_date,
                )
            run_id = store.begin_run(watch.name, window[0], window[1], now)
            windows = search_task(client, watch, window)
            stats = ingest_task(client, store, run_id, watch, windows, now)
            classify_task(store, watch)
            digest = digest_task(store, watch, run_id, now)
            out_dir = settings.out_dir / watch.name
            paths = {}
            if deliver:
                paths = render_task(digest, watch, out_dir, settings)
                paths |= summary_task(store, watch, out_dir, now)
                artifacts_task(digest, paths, watch)
                delivered = deliver_task(store, watch, settings, out_dir, now)
            else:
                delivered = ()
                settle_unsent_task(store, watch, digest, run_id, now)
            store.finish_run(run_id, window[1], now, stats.as_dict())
        finally:
            store.release_lock(watch.name, owner)
    result = RunResult(
        watch=watch.name,
        run_id=run_id,
        window=window,
        ingest=stats,
        digest_key=digest.key if digest else None,
        new=len(digest.new) if digest else 0,
        revised=len(digest.revised) if digest else 0,
        off_topic=digest.off_topic if digest else 0,
        delivered=delivered,
        paths=paths,
    )
    logger.info(result.summary_line())
    return result


def run_watches(
    settings: Settings, *, watch_name: str | None, now: datetime, **options
) -> Iterator[RunResult]:
    """Run the flow for one watch or each watch in turn."""
    for watch in find_watch(load_watches(settings.watches_file), watch_name):
        yield watch_flow(watch.name, now=now, settings=settings, **options)
