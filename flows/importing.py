"""`litwatch import`: PubMed files a user already has (efetch XML, MEDLINE text) into a watch's store,
as one run, so the records reach the next digest like any fetched ones."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from litwatch.core.errors import LitwatchError
from litwatch.flows.ingest import ingest_files

from litwatch.config import find_watch, load_watches
from litwatch.settings import Settings


def import_files(settings: Settings, watch_name: str, files: list[Path], now: datetime) -> str:
    """Store every record of `files` for the watch, classify them; returns a one-line summary."""
    from litwatch.flows.classifying import classify_pending
    from litwatch.store import Store
    from litwatch.store.locks import STALE_AFTER, this_process

    watch = find_watch(load_watches(settings.watches_file), watch_name)[0]
    owner = this_process()
    with Store.open(settings.db_path) as store:
        store.acquire_lock(watch.name, owner, now, stale_after=STALE_AFTER)
        try:
            run_id = store.begin_run(watch.name, None, None, now)
            try:
                stats = ingest_files(store, run_id, watch, files, now)
            except LitwatchError as error:
                store.fail_run(run_id, str(error), now)
                raise
            classified = classify_pending(store, watch)
            # An import is not a search: it must not move the watch's Entrez-date watermark.
            store.finish_run(run_id, None, now, stats.as_dict())
        finally:
            store.release_lock(watch.name, owner)
    return (
        f"{watch.name}: imported {stats.fetched} records from {len(files)} file(s): "
        f"{stats.new} new, {stats.revised} revised, {stats.unchanged} unchanged; {classified} classified"
    )
