"""search → fetch → parse → store: the tasks that bring a watch's records into the store, one
efetch batch at a time, so memory stays flat and a run that dies keeps every batch it stored."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from litwatch.core.crash import crash_point
from litwatch.core.records import Record
from litwatch.flows.live import LIVE_INPUTS
from litwatch.pubmed.xml import parse_xml
from prefect import task

from litwatch.config import Watch

if TYPE_CHECKING:  # annotations only: the flows get these live objects passed in
    from litwatch.pubmed.entrez import EntrezClient
    from litwatch.store.store import Store


@dataclass(frozen=True)
class IngestStats:
    """Counts of one run's ingestion, stored with the run."""

    windows: int = 0
    fetched: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    older: int = 0  # older than the version the watch has: kept as history only
    retries: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def __add__(self, other: IngestStats) -> IngestStats:
        return IngestStats(**{k: v + getattr(other, k) for k, v in asdict(self).items()})


def store_records(
    store, run_id: int, watch: Watch, records: list[Record], now: datetime
) -> IngestStats:
    """Upsert one batch; the store says which records are new, revised, unchanged or older."""
    changes = store.upsert_records(run_id, watch.name, records, now)
    kinds = [change.kind for change in changes]
    return IngestStats(
        fetched=len(records),
        new=kinds.count("new"),
        revised=kinds.count("revised"),
        unchanged=kinds.count("unchanged"),
        older=kinds.count("older"),
    )


def ingest_windows(
    client: EntrezClient, store: Store, run_id: int, watch: Watch, windows, now: datetime
) -> IngestStats:
    """Fetch every record of every search window and store it batch by batch."""
    retries_before = client.stats.faults_survived
    total = IngestStats(windows=len(windows))
    for _mindate, _maxdate, result in windows:
        for body in client.fetch_xml(result, batch_size=watch.batch_size):
            crash_point("fetch")
            records = list(parse_xml(body, source_name=f"efetch {watch.name}"))
            total = total + store_records(store, run_id, watch, records, now)
            crash_point("stored")
    return total + IngestStats(retries=client.stats.faults_survived - retries_before)


@task(name="search", **LIVE_INPUTS)
def search_task(client: EntrezClient, watch: Watch, window: tuple[date, date]):
    """esearch (history server) over the Entrez-date window, split past 9,999 hits, and over
    the modification-date window too when the watch tracks revisions: a record NLM indexes
    weeks after it appeared keeps its old Entrez date and only shows up by modification date."""
    windows = client.search_windows(watch.query, window[0], window[1])
    if watch.track_revisions:
        windows += client.search_windows(watch.query, window[0], window[1], datetype="mdat")
    crash_point("search")
    return windows


@task(name="fetch-parse-store", **LIVE_INPUTS)
def ingest_task(
    client: EntrezClient, store: Store, run_id: int, watch: Watch, windows, now: datetime
) -> IngestStats:
    """efetch in batches, parse, and upsert each batch as it arrives (kept if the run dies)."""
    return ingest_windows(client, store, run_id, watch, windows, now)
