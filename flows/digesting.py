"""digest → render → deliver → summary: the tasks of a run after its records are classified.
Each calls the plain functions of the room that owns its step: recording the digest and its
statements (outputs/recording.py), rendering (outputs/render.py), the summary's store reads
(store/summary_reads.py) and delivery (outputs/delivery.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from litwatch.core.crash import crash_point
from litwatch.core.digest import Digest, digest_key
from litwatch.flows.live import LIVE_INPUTS
from litwatch.outputs import delivery
from litwatch.outputs.recording import (
    RecordedDigest,
    record_digest,
    render_recorded,
    update_summary,
)
from litwatch.outputs.render import digest_message
from litwatch.outputs.statements import WatchStatements
from litwatch.outputs.view import digest_table
from prefect import get_run_logger, task

from litwatch.config import Watch
from litwatch.relevance import digest_ranking
from litwatch.settings import Settings
from litwatch.wiring import smtp_config, watch_info

if TYPE_CHECKING:  # annotations only: the flows get these live objects passed in
    from litwatch.store.store import Store


@task(name="digest", **LIVE_INPUTS)
def digest_task(store: Store, watch: Watch, run_id: int, now: datetime) -> RecordedDigest:
    """Select what is new or revised since the last digest and record it (idempotency key),
    with the statements it moved; the summary's statements after it go to the summary task."""
    recorded = record_digest(
        store,
        watch_info(watch),
        digest_key(watch.name, run_id, now),
        now,
        ranked_lower=digest_ranking(store, watch.name),
    )
    crash_point("digest")
    return recorded


@task(name="render", **LIVE_INPUTS)
def render_task(
    recorded: RecordedDigest, watch: Watch, out_dir: Path, settings: Settings
) -> dict[str, Path]:
    """Write the digest files: HTML, text, Markdown, JSON, RIS, CSV and the .eml message."""
    paths = render_recorded(
        recorded, watch_info(watch), out_dir, settings.mail_from, watch.recipients
    )
    crash_point("render")
    return paths


@task(name="artifacts", **LIVE_INPUTS)
def artifacts_task(digest: Digest, paths: dict[str, Path], watch: Watch) -> None:
    """Publish the digest as a Markdown artifact and its records as a table artifact."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    key = f"{watch.name}-digest"  # artifact keys: lower-case letters, digits and dashes
    markdown = paths["md"].read_text(encoding="utf-8")  # render_task wrote it
    create_markdown_artifact(markdown=markdown, key=key, description=f"Digest {digest.key}")
    create_table_artifact(
        table=digest_table(digest),
        key=f"{watch.name}-records",
        description=f"Records of {digest.key}",
    )


@task(name="summary", **LIVE_INPUTS)
def summary_task(
    store: Store,
    watch: Watch,
    out_dir: Path,
    now: datetime,
    statements: WatchStatements | None = None,
) -> dict[str, Path]:
    """Regenerate the living evidence summary (Markdown, HTML, JSON, charts) from the store's
    records and digest logs, with the statements the run's digest computed (None: computed
    by the summary)."""
    return update_summary(store, watch_info(watch), out_dir, now, statements)


@task(name="deliver", **LIVE_INPUTS)
def deliver_task(
    store: Store, watch: Watch, settings: Settings, out_dir: Path, now: datetime
) -> tuple[str, ...]:
    """Send every recorded, undelivered digest of the watch: exactly once each (record before
    send, outputs/delivery.py), by the SMTP server and to the outbox folder the settings name."""
    delivered = delivery.deliver_pending(
        store,
        watch.name,
        smtp_config(settings),
        settings.outbox_dir / watch.name,
        lambda digest, changes: digest_message(
            digest, changes, watch_info(watch), out_dir, settings.mail_from, watch.recipients
        ),
        now,
        send_empty=watch.send_empty,
        log=get_run_logger().warning,
    )
    crash_point("delivered")
    return delivered


@task(name="settle-unsent", **LIVE_INPUTS)
def settle_unsent_task(
    store: Store, watch: Watch, digest: Digest, run_id: int, now: datetime
) -> None:
    """Mark a backfill's own digest settled without sending it, so no later run mails the past.

    A weekly digest still waiting for its e-mail (record_digest may hand that one back) is left
    for the next run to send."""
    if digest is not None and digest.key == digest_key(watch.name, run_id, now):
        store.mark_delivered(digest.key, now, "backfill-not-sent", "")
