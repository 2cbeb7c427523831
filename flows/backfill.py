"""`litwatch backfill`: a watch's whole history, one Entrez-date slice at a time, then one digest.

Each slice is its own committed run (search, split past 9,999 hits by the Entrez client →
fetch → parse → store → classify), and the store notes the slice done when it commits, so a
backfill that is killed resumes after its last finished slice. The past is then settled by
one digest, which is only sent when asked (`deliver=True`); the evidence summary is always
written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from litwatch.classifiers.design import DesignModel
from litwatch.flows.classifying import classify_task
from litwatch.flows.digesting import (
    artifacts_task,
    deliver_task,
    digest_task,
    render_task,
    settle_unsent_task,
    summary_task,
)
from litwatch.flows.ingest import IngestStats, ingest_windows
from litwatch.flows.live import LIVE_INPUTS, as_is
from litwatch.pubmed.windows import DateWindow, backfill_span, slices_to_do
from prefect import flow, get_run_logger, task

from litwatch.config import Watch, find_watch, load_watches
from litwatch.settings import Settings
from litwatch.wiring import entrez_client

if TYPE_CHECKING:  # annotations only: the flows get these live objects passed in
    from litwatch.pubmed.entrez import EntrezClient
    from litwatch.store.store import Store


DEFAULT_SLICE_DAYS = 365

# Called after each slice: (slices done, slices in the backfill, the slice, its counts).
SliceProgress = Callable[[int, int, DateWindow, IngestStats], None]


@dataclass(frozen=True)
class BackfillResult:
    """What one backfill of one watch did, for the CLI line and the tests."""

    watch: str
    span: DateWindow
    slices: int
    already_done: int
    ingest: IngestStats
    digest_key: str | None
    delivered: tuple[str, ...] = ()
    paths: dict[str, Path] = field(default_factory=dict)

    def summary_line(self) -> str:
        done = f" ({self.already_done} done before)" if self.already_done else ""
        text = (
            f"{self.watch}: backfill {self.span.first:%Y-%m-%d}..{self.span.last:%Y-%m-%d}: "
            f"{self.slices} slices{done}, {self.ingest.fetched} fetched, "
            f"{self.ingest.new} new, {self.ingest.revised} revised"
        )
        if self.ingest.retries:
            text += f", {self.ingest.retries} retries"
        if self.digest_key:
            sent = "sent" if self.delivered else "recorded, not sent"
            text += f"; digest {self.digest_key} ({sent})"
        return text


def backfill_slice(
    client: EntrezClient,
    store: Store,
    watch: Watch,
    window: DateWindow,
    now: datetime,
    design_model: DesignModel,
    findings_model: Path | None = None,
) -> IngestStats:
    """Search, fetch, store and classify one slice as one committed run, then note it done.

    Only the Entrez date is searched: fetching a record today brings its current version, so
    the modification-date search of the weekly run would only fetch the same records again.
    A kill between the run's commit and the progress note redoes the slice, which stores
    nothing new (unchanged records are not versioned again).
    """
    from litwatch.flows.classifying import classify_pending
    from litwatch.store.session import recorded_run

    with recorded_run(store, watch.name, (window.first, window.last), now) as run:
        windows = client.search_windows(watch.query, window.first, window.last)
        stats = ingest_windows(client, store, run.run_id, watch, windows, now)
        classify_pending(store, watch, design_model, findings_model=findings_model)
        run.stats = stats.as_dict()
    store.complete_slice(watch.name, window.first, window.last, run.run_id, now, run.stats)
    return stats


@task(name="backfill-slice", **LIVE_INPUTS)
def slice_task(
    client: EntrezClient,
    store: Store,
    watch: Watch,
    window: DateWindow,
    now: datetime,
    design_model: DesignModel,
    findings_model: Path | None = None,
) -> IngestStats:
    """One slice of the watch's history into the store, as its own committed run."""
    return backfill_slice(client, store, watch, window, now, design_model, findings_model)


@flow(name="litwatch-backfill", log_prints=True)
def backfill_flow(
    watch_name: str,
    since: date,
    until: date | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
    deliver: bool = False,
    slice_days: int = DEFAULT_SLICE_DAYS,
    progress: SliceProgress | None = None,
) -> BackfillResult:
    """Build a watch's store and evidence summary from `since` to `until` (default today)."""
    from litwatch.classifiers.design import load_design_model
    from litwatch.store import Store
    from litwatch.store.session import recorded_run, watch_lock

    settings = settings or Settings()
    design_model = load_design_model(settings.design_model)  # the one doctor names
    now = now or datetime.now().astimezone()
    span = backfill_span(since, until, now.date(), slice_days)
    watch = find_watch(load_watches(settings.watches_file), watch_name)[0]
    client = entrez_client(settings)
    total = IngestStats()
    with Store.open(settings.db_path) as store, watch_lock(store, watch.name, now) as lock:
        todo, already_done = slices_to_do(span, slice_days, store.completed_slices(watch.name))
        slices = already_done + len(todo)
        for number, window in enumerate(todo, start=already_done + 1):
            # A long history takes hours: keep the lock fresh so no run on another
            # machine takes it over as stale while this one is still going.
            lock.refresh(datetime.now().astimezone())
            stats = slice_task(
                client, store, as_is(watch), window, now, design_model, settings.findings_model
            )
            total = total + stats
            if progress:
                progress(number, slices, window, stats)
        with recorded_run(store, watch.name, (span.first, span.last), now) as run:
            classify_task(store, as_is(watch), design_model, settings.findings_model)
            recorded = digest_task(store, as_is(watch), run.run_id, now)
            digest = recorded.digest
            out_dir = settings.out_dir / watch.name
            # as_is(): a digest of the whole history is large (seconds for Prefect to walk).
            paths = summary_task(store, as_is(watch), out_dir, now, as_is(recorded.statements))
            delivered: tuple[str, ...] = ()
            if deliver:
                paths |= render_task(as_is(recorded), as_is(watch), out_dir, settings)
                artifacts_task(as_is(digest), paths, as_is(watch))
                delivered = deliver_task(store, as_is(watch), settings, out_dir, now)
            else:
                settle_unsent_task(store, as_is(watch), as_is(digest), run.run_id, now)
            run.stats = total.as_dict()
    result = BackfillResult(
        watch=watch.name,
        span=span,
        slices=slices,
        already_done=already_done,
        ingest=total,
        digest_key=digest.key if digest else None,
        delivered=delivered,
        paths=paths,
    )
    get_run_logger().info(result.summary_line())
    return result
