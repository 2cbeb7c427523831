"""Recording a run's digest: select it from what the store holds pending, compute the summary's
statements once (for the digest's "what this changes" and the summary both), and record the
digest, the statements it moved and its change-log line in one transaction.

The statements before the digest are not computed again: they are the marks the watch's last
digest kept (`store.statement_marks`). Only a store whose last digest was recorded before the
marks were kept has them computed from its records, once, on that first run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from litwatch.core.digest import (
    Digest,
    DigestLog,
    EvidenceChange,
    digest_payload,
    payload_changes,
    select_digest,
    with_ranked_lower,
)
from litwatch.core.records import Record
from litwatch.outputs.render import digest_folder, write_digest_files
from litwatch.outputs.statements import (
    StatementMark,
    WatchStatements,
    statement_changes,
    statement_marks,
    watch_statements,
)
from litwatch.outputs.summary import write_summary
from litwatch.outputs.watch import WatchInfo
from litwatch.store.summary_reads import (
    SummaryRecord,
    earlier_version,
    pending_items,
    summary_records,
)

if TYPE_CHECKING:  # annotations only: the flow hands the live store in
    from litwatch.store.store import Store


@dataclass(frozen=True)
class RecordedDigest:
    """A run's digest as recorded, the summary statements it moved, and the statements after it
    (None for a digest a crashed run recorded and this run hands back: the summary computes them)."""

    digest: Digest
    changes: tuple[EvidenceChange, ...] = ()
    statements: WatchStatements | None = None


def record_digest(
    store: Store,
    watch: WatchInfo,
    key: str,
    now: datetime,
    ranked_lower: Callable[[Sequence[Record]], set[str]] | None = None,
) -> RecordedDigest:
    """Select and record this run's digest under `key`; recording settles every pending version.

    When a crashed run left a digest recorded but unsent and nothing new is pending, that
    digest is this run's: an empty second digest for the same week would be noise.
    `ranked_lower` names the records the watch's relevance model lists after the others (each
    saying so; none is left out)."""
    pending = pending_items(store, watch.name, watch.review)
    waiting = store.undelivered_digests(watch.name)
    if not pending and waiting and waiting[-1].payload:
        payload = waiting[-1].payload
        return RecordedDigest(Digest.from_dict(payload), payload_changes(payload))
    digest = select_digest(watch.name, key, pending, store.digested_pmids(watch.name), now)
    if ranked_lower is not None and digest.items:
        digest = with_ranked_lower(digest, ranked_lower([item.record for item in digest.items]))
    current = summary_records(store, watch.name, watch.review)
    statements = watch_statements(records_after(current, digest), watch)
    changes = tuple(
        statement_changes(_marks_before(store, watch, current, digest), _all(statements))
    )
    marks = statement_marks(statements)
    store.record_digest(
        watch.name,
        key,
        list(digest.covered),
        now,
        payload=digest_payload(digest, changes),
        log=DigestLog.of(digest, changes),
        statements=[mark.to_json() for mark in marks],
    )
    return RecordedDigest(digest, changes, statements)


def records_after(current: Sequence[SummaryRecord], digest: Digest) -> list[SummaryRecord]:
    """The summary's records once the digest is recorded: `current` (read before it) with the
    digest's records added (new ones) or replaced (revised ones), on-topic or unclassified."""
    listed = {item.record.pmid: (item.record, item.classification) for item in digest.items}
    after = [listed.pop(record.pmid, (record, c)) for record, c in current]
    after += listed.values()
    return [pair for pair in after if pair[1] is None or pair[1].topic_relevant]


def _marks_before(
    store: Store, watch: WatchInfo, current: Sequence[SummaryRecord], digest: Digest
) -> Sequence[StatementMark]:
    """The statements the summary showed before the digest: the marks the last digest kept."""
    kept = store.statement_marks(watch.name)
    if kept is not None:
        return [StatementMark.from_json(mark) for mark in kept]
    # The last digest predates the marks: the summary before this digest, computed from its
    # records, with each revised one at the version the summary showed.
    revised = {item.record.pmid: item.store_version for item in digest.revised}
    before = []
    for record, classification in current:
        if record.pmid in revised:
            shown = earlier_version(
                store, watch.name, record.pmid, revised[record.pmid], watch.review
            )
            if shown is not None:
                before.append(shown)
        else:
            before.append((record, classification))
    return statement_marks(watch_statements(before, watch))


def _all(statements: WatchStatements):
    questions, domains = statements
    return (*questions, *domains)


def update_summary(
    store: Store,
    watch: WatchInfo,
    out_dir: Path,
    now: datetime,
    statements: WatchStatements | None = None,
) -> dict[str, Path]:
    """Regenerate the living evidence summary (Markdown, HTML, JSON, charts) from the store's
    records, with the values reviewers checked, and its digest logs; with the statements the
    run's digest computed (None: computed by the summary)."""
    records = summary_records(store, watch.name, watch.review)
    paths = write_summary(out_dir, watch, records, store.digest_logs(watch.name), now, statements)
    written = {"summary_md": paths.markdown, "summary_html": paths.html}
    if paths.json is not None:
        written["summary_json"] = paths.json
    return written


def render_recorded(
    recorded: RecordedDigest, watch: WatchInfo, out_dir: Path, sender: str, recipients
) -> dict[str, Path]:
    """Write a recorded digest's files (HTML, text, Markdown, JSON, RIS, CSV and the .eml
    message) into its folder under `out_dir`, with the statements it moved; paths by format."""
    digest = recorded.digest
    return write_digest_files(
        digest,
        watch,
        digest_folder(out_dir, digest),
        sender=sender,
        recipients=recipients,
        changes=recorded.changes,
    ).by_format()
