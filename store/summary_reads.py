"""What a digest and the evidence summary read from the store: the pending versions with their
classifications, the reported records at the version the watch has seen, and the version the
summary showed before a revision. Each in a fixed number of queries however many records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litwatch.core.classification import Classification
from litwatch.core.digest import PendingItem
from litwatch.core.records import Record
from litwatch.core.review import ReviewMode

if TYPE_CHECKING:  # annotations only: the callers hand the live store in
    from litwatch.store.store import Store

# A record as the summary shows it: with its classification, None when not classified (yet).
SummaryRecord = tuple[Record, Classification | None]


def pending_items(store: Store, watch: str, review: ReviewMode = "single") -> list[PendingItem]:
    """What the store holds for the watch that no digest has settled yet, with classifications
    (the values reviewers checked in place of the machine's, by the watch's `review` mode)."""
    changes = store.pending_changes(watch)
    versions = [(change.pmid, change.store_version) for change in changes]
    versions += [(c.pmid, c.previous_version) for c in changes if c.previous_version is not None]
    classifications = store.classifications(watch, versions, review)
    return [
        PendingItem(
            record=change.record,
            kind=change.kind,
            store_version=change.store_version,
            changes=tuple(change.changes),
            classification=classifications.get((change.pmid, change.store_version)),
            previous_classification=None  # a new record has no previous version
            if change.previous_version is None
            else classifications.get((change.pmid, change.previous_version)),
        )
        for change in changes
    ]


def summary_records(store: Store, watch: str, review: ReviewMode = "single") -> list[SummaryRecord]:
    """The reported records, each at the newest version the watch has seen with that version's
    classification, on-topic or unclassified."""
    reported = store.digested_pmids(watch)
    latest = [
        (version.record, version.store_version)
        for version in store.latest_versions(watch)
        if version.record.pmid in reported
    ]
    classifications = store.classifications(
        watch, [(record.pmid, store_version) for record, store_version in latest], review
    )
    records: list[SummaryRecord] = []
    for record, store_version in latest:
        classification = classifications.get((record.pmid, store_version))
        if classification is None or classification.topic_relevant:
            records.append((record, classification))
    return records


def earlier_version(
    store: Store, watch: str, pmid: str, revised_version: int, review: ReviewMode = "single"
) -> SummaryRecord | None:
    """The record as the summary showed it before `revised_version` arrived: the newest earlier
    version with a classification for the watch, if that one was on-topic. Versions are counted
    from the revised one, not the store's newest: another watch may have stored a later one."""
    earlier = [v for v in store.record_versions(pmid) if v.store_version < revised_version]
    classified = store.classifications(watch, [(pmid, v.store_version) for v in earlier], review)
    for version in reversed(earlier):
        classification = classified.get((pmid, version.store_version))
        if classification is not None:
            return (version.record, classification) if classification.topic_relevant else None
    return None
