"""Persistence: one SQLite file keeping every record version, runs and watermarks, classifications and digests."""

from litwatch.store.digests import Delivery, DigestEntry, PendingChange
from litwatch.store.records import RecordChange, RecordVersion
from litwatch.store.runs import RunInfo
from litwatch.store.store import Store, WatchCounts

__all__ = [
    "Delivery",
    "DigestEntry",
    "PendingChange",
    "RecordChange",
    "RecordVersion",
    "RunInfo",
    "Store",
    "WatchCounts",
]
