"""fetch → parse → store, one efetch batch at a time, so memory stays flat and a run that
dies keeps every batch it had already stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from litwatch.core.crash import crash_point
from litwatch.core.records import Record
from litwatch.pubmed.xml import parse_xml

from litwatch.config import Watch


@dataclass(frozen=True)
class IngestStats:
    """Counts of one run's ingestion, stored with the run."""

    windows: int = 0
    fetched: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    retries: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def __add__(self, other: IngestStats) -> IngestStats:
        return IngestStats(**{k: v + getattr(other, k) for k, v in asdict(self).items()})


def store_records(
    store, run_id: int, watch: Watch, records: list[Record], now: datetime
) -> IngestStats:
    """Upsert one batch; the store says which records are new, revised or unchanged."""
    changes = store.upsert_records(run_id, watch.name, records, now)
    kinds = [change.kind for change in changes]
    return IngestStats(
        fetched=len(records),
        new=kinds.count("new"),
        revised=kinds.count("revised"),
        unchanged=kinds.count("unchanged"),
    )


def ingest_windows(client, store, run_id: int, watch: Watch, windows, now: datetime) -> IngestStats:
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
