"""The weekly watch flow: the pipeline of ARCHITECTURE.md (Data flow) in order, and nothing else.

search → fetch → parse → store → classify → digest → render → deliver. Each task calls
one plain function of the layer that owns the step; this module only knows the order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from litwatch.core.crash import arm as arm_crash_point
from litwatch.core.errors import LitwatchError
from litwatch.core.watermark import search_window
from litwatch.flows.classifying import classify_task
from litwatch.flows.digesting import (
    artifacts_task,
    deliver_task,
    digest_task,
    render_task,
    settle_unsent_task,
    summary_task,
)
from litwatch.flows.ingest import IngestStats, ingest_task, search_task
from litwatch.flows.live import as_is
from prefect import flow, get_run_logger

from litwatch.config import find_watch, load_watches
from litwatch.settings import Settings
from litwatch.wiring import check_plain_login, entrez_client


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


@flow(name="litwatch-watch", log_prints=True)
def watch_flow(
    watch_name: str,
    now: datetime | None = None,
    settings: Settings | None = None,
    since: date | None = None,
    deliver: bool = True,
) -> RunResult:
    """One run of one watch. `since` forces the window start (backfill); `deliver=False` records the digest without sending it."""
    from litwatch.classifiers.design import load_design_model
    from litwatch.store import Store
    from litwatch.store.session import recorded_run, watch_lock

    settings = settings or Settings()
    design_model = load_design_model(settings.design_model)  # the one doctor names
    arm_crash_point(settings.crash_at)
    now = now or datetime.now().astimezone()
    watch = find_watch(load_watches(settings.watches_file), watch_name)[0]
    client = entrez_client(settings)
    if deliver:
        check_plain_login(settings)  # before any work, not when the digest is ready to send
    with Store.open(settings.db_path) as store, watch_lock(store, watch.name, now):
        # The window is read under the lock: a run that commits meanwhile would move it.
        if since is not None:
            window = (since, now.date())
        else:
            window = search_window(
                store.watermark(watch.name),
                now.date(),
                overlap_days=watch.overlap_days,
                start_date=watch.start_date,
            )
        with recorded_run(store, watch.name, window, now) as run:
            windows = search_task(client, as_is(watch), window)
            stats = ingest_task(client, store, run.run_id, as_is(watch), windows, now)
            classify_task(store, as_is(watch), design_model, settings.findings_model)
            recorded = digest_task(store, as_is(watch), run.run_id, now)
            digest = recorded.digest
            out_dir = settings.out_dir / watch.name
            paths = {}
            if deliver:
                paths = render_task(as_is(recorded), as_is(watch), out_dir, settings)
                paths |= summary_task(store, as_is(watch), out_dir, now, as_is(recorded.statements))
                artifacts_task(as_is(digest), paths, as_is(watch))
                delivered = deliver_task(store, as_is(watch), settings, out_dir, now)
            else:
                delivered = ()
                settle_unsent_task(store, as_is(watch), as_is(digest), run.run_id, now)
            run.stats = stats.as_dict()
    result = RunResult(
        watch=watch.name,
        run_id=run.run_id,
        window=window,
        ingest=stats,
        digest_key=digest.key if digest else None,
        new=len(digest.new) if digest else 0,
        revised=len(digest.revised) if digest else 0,
        off_topic=digest.off_topic if digest else 0,
        delivered=delivered,
        paths=paths,
    )
    get_run_logger().info(result.summary_line())
    return result


def run_watches(
    settings: Settings, *, watch_name: str | None, now: datetime, **options
) -> Iterator[RunResult]:
    """Run the flow for one watch, or for each watch in turn. One watch failing does not stop
    the others: once every watch has run, a LitwatchError names the ones that failed, and why."""
    from litwatch.store.session import failure_reason

    watches = find_watch(load_watches(settings.watches_file), watch_name)
    failed: list[str] = []
    for watch in watches:
        try:
            result = watch_flow(watch.name, now=now, settings=settings, **options)
        except Exception as error:
            if len(watches) == 1:
                raise  # the one watch asked for: its own error is the command's
            failed.append(f"{watch.name} ({failure_reason(error)})")
            continue
        yield result
    if failed:
        raise LitwatchError(f"{len(failed)} of {len(watches)} watches failed: {'; '.join(failed)}")
