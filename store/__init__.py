"""Persistence: one SQLite file keeping every record version, runs and watermarks, classifications and digests."""

from store.digests import Delivery, DigestEntry, PendingChange
from store.records import RecordChange, RecordVersion
from store.runs import RunInfo
from store.store import Store, WatchCounts

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
