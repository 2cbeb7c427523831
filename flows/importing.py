"""`litwatch import`: PubMed files a user already has (efetch XML, MEDLINE text) into a watch's
store, as one run, so the records reach the next digest like any fetched ones.

parse → store → classify. Unlike the other pipelines this one is not a Prefect flow: it reaches
no network, so it has nothing to retry, and a local import should not wait for a Prefect API
to start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from litwatch.core.records import Record
from litwatch.flows.ingest import IngestStats, store_records

from litwatch.config import Watch, find_watch, load_watches
from litwatch.settings import Settings


def import_files(settings: Settings, watch_name: str, files: list[Path], now: datetime) -> str:
    """Store every record of `files` for the watch, classify them; returns a one-line summary."""
    from litwatch.classifiers.design import load_design_model
    from litwatch.flows.classifying import classify_pending
    from litwatch.store import Store
    from litwatch.store.session import run_session

    design_model = load_design_model(settings.design_model)  # the one doctor names
    watch = find_watch(load_watches(settings.watches_file), watch_name)[0]
    # An import is not a search: no window, so the watch's Entrez-date watermark stays put.
    with (
        Store.open(settings.db_path) as store,
        run_session(store, watch.name, (None, None), now) as run,
    ):
        stats = ingest_files(store, run.run_id, watch, files, now)
        classified = classify_pending(
            store, watch, design_model, findings_model=settings.findings_model
        )
        run.stats = stats.as_dict()
    older = f", {stats.older} older than the version held (kept as history)" if stats.older else ""
    return (
        f"{watch.name}: imported {stats.fetched} records from {len(files)} file(s): "
        f"{stats.new} new, {stats.revised} revised, {stats.unchanged} unchanged{older}; "
        f"{classified} classified"
    )


def ingest_files(
    store, run_id: int, watch: Watch, paths: Iterable[Path], now: datetime, batch: int = 500
) -> IngestStats:
    """Store the records of PubMed files a user already has (efetch XML or MEDLINE text)."""
    from litwatch.pubmed.formats import parse_file

    total = IngestStats()
    for path in paths:
        pending: list[Record] = []
        for record in parse_file(path):
            pending.append(record)
            if len(pending) >= batch:
                total = total + store_records(store, run_id, watch, pending, now)
                pending = []
        if pending:
            total = total + store_records(store, run_id, watch, pending, now)
    return total
