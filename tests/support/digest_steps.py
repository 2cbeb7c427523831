"""The digest steps as the flow's tasks take them (flows/digesting.py), without Prefect: record
a run's digest, write its files, rebuild the summary. For tests that drive a store by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from litwatch.core.digest import digest_key
from litwatch.outputs.recording import (
    RecordedDigest,
    record_digest,
    render_recorded,
    update_summary,
)

from litwatch.relevance import digest_ranking
from litwatch.wiring import watch_info


def make_digest(store, watch, run: int, now: datetime) -> RecordedDigest:
    """Record the run's digest as the flow's digest task does."""
    return record_digest(
        store,
        watch_info(watch),
        digest_key(watch.name, run, now),
        now,
        ranked_lower=digest_ranking(store, watch.name),
    )


def render_digest(recorded: RecordedDigest, watch, out_dir: Path, settings) -> dict[str, Path]:
    """Write the digest's files into its folder under `out_dir` as the render task does."""
    return render_recorded(
        recorded, watch_info(watch), out_dir, settings.mail_from, watch.recipients
    )


def rebuild_summary(store, watch, out_dir: Path, now: datetime, statements=None) -> dict:
    """Write the summary as the summary task does, from the store's records and digest logs."""
    return update_summary(store, watch_info(watch), out_dir, now, statements)
