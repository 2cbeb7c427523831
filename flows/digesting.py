"""digest → render → deliver → summary: the tasks of a run after its records are classified,
and the glue they use between the store, the pure digest selection and outputs/."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from litwatch.core.crash import crash_point
from litwatch.core.digest import Digest, EvidenceChange, PendingItem, select_digest
from litwatch.flows.live import LIVE_INPUTS
from litwatch.outputs import delivery
from litwatch.outputs.render import digest_stem, write_digest_files
from litwatch.outputs.statements import WatchStatements, statement_changes, watch_statements
from litwatch.outputs.summary import write_summary
from litwatch.outputs.watch import Question, WatchInfo
from prefect import get_run_logger, task

from litwatch.config import Watch
from litwatch.settings import Settings
from litwatch.wiring import smtp_config

if TYPE_CHECKING:  # annotations only: the flows get these live objects passed in
    from litwatch.store.store import Store


def digest_key(watch: Watch, run_id: int, now: datetime) -> str:
    """The idempotency key of the digest a run builds: one e-mail per key, ever."""
    return f"{watch.name}-{now:%Y%m%d}-run{run_id}"


def pending_items(store: Store, watch: Watch) -> list[PendingItem]:
    """What the store holds for the watch that no digest has settled yet, with classifications."""
    changes = store.pending_changes(watch.name)
    versions = [(change.pmid, change.store_version) for change in changes]
    versions += [(c.pmid, c.previous_version) for c in changes if c.previous_version is not None]
    classifications = store.classifications(watch.name, versions)
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


def make_digest(store: Store, watch: Watch, run_id: int, now: datetime) -> Digest:
    """Select and record this run's digest (see `digest_with_statements`)."""
    return digest_with_statements(store, watch, run_id, now)[0]


def digest_with_statements(
    store, watch: Watch, run_id: int, now: datetime
) -> tuple[Digest, WatchStatements | None]:
    """Select and record this run's digest, with the summary's statements after it (computed
    once, for the digest's "what moved" and the summary both); recording settles every pending
    record version.

    When a crashed run left a digest recorded but unsent and nothing new is pending, that
    digest is this run's: an empty second digest for the same week would be noise. Its
    statements are then not known (None): the summary computes them.
    """
    pending = pending_items(store, watch)
    waiting = store.undelivered_digests(watch.name)
    if not pending and waiting and waiting[-1].payload:
        return Digest.from_dict(waiting[-1].payload), None
    key = digest_key(watch, run_id, now)
    digest = select_digest(watch.name, key, pending, store.digested_pmids(watch.name), now)
    changes, statements = moved_statements(store, watch, digest)
    digest = replace(digest, evidence_changes=changes)
    store.record_digest(watch.name, key, list(digest.covered), now, payload=digest.to_dict())
    return digest, statements


def moved_statements(
    store, watch: Watch, digest: Digest
) -> tuple[tuple[EvidenceChange, ...], WatchStatements]:
    """The summary statements this digest moves, and the statements after it: the summary's
    records before it, against the same with the digest's records added (new ones) or replaced
    (revised ones).

    The store already holds a revised record's new version, so the summary before the digest
    is read with the version it showed: the newest earlier one classified for the watch.

    The summary's records are read here, before the digest is recorded; the records after it
    are those `summary_records` reads once it is: the reported ones, on-topic or unclassified."""
    current = summary_records(store, watch)
    revised = {item.record.pmid: item.store_version for item in digest.revised}
    before = []
    for record, classification in current:
        if record.pmid in revised:
            shown = earlier_version(store, watch, record.pmid, revised[record.pmid])
            if shown is not None:
                before.append(shown)
        else:
            before.append((record, classification))
    listed = {item.record.pmid: (item.record, item.classification) for item in digest.items}
    after = [listed.pop(record.pmid, (record, c)) for record, c in current]
    after += listed.values()
    after = [pair for pair in after if pair[1] is None or pair[1].topic_relevant]
    info = watch_info(watch)
    old, new = watch_statements(before, info), watch_statements(after, info)
    return tuple(statement_changes((*old[0], *old[1]), (*new[0], *new[1]))), new


def earlier_version(store: Store, watch: Watch, pmid: str, revised_version: int) -> tuple | None:
    """The record as the summary showed it before `revised_version` (the digest's) arrived: the
    newest earlier version with a classification for the watch, if that one was on-topic.
    Versions are counted from the digest's, not the store's newest: another watch may have
    stored a later one since."""
    earlier = [v for v in store.record_versions(pmid) if v.store_version < revised_version]
    classified = store.classifications(watch.name, [(pmid, v.store_version) for v in earlier])
    for version in reversed(earlier):
        classification = classified.get((pmid, version.store_version))
        if classification is not None:
            return (version.record, classification) if classification.topic_relevant else None
    return None


def digest_folder(out_dir: Path, digest: Digest) -> Path:
    return out_dir / "digests" / digest_stem(digest)


def render_outputs(
    digest: Digest, watch: Watch, out_dir: Path, settings: Settings
) -> dict[str, Path]:
    """Write the digest files (HTML, text, Markdown, JSON, RIS, CSV, .eml); return their paths."""
    paths = write_digest_files(
        digest,
        watch_info(watch),
        digest_folder(out_dir, digest),
        sender=settings.mail_from,
        recipients=watch.recipients,
    )
    return {
        name: getattr(paths, name) for name in ("html", "txt", "md", "json", "ris", "csv", "eml")
    }


def digest_table(digest: Digest) -> list[dict]:
    """One row per listed record: what the Prefect table artifact shows."""
    rows = []
    for item in digest.items:
        attributes = item.classification.attributes if item.classification else None
        rows.append(
            {
                "pmid": item.record.pmid,
                "kind": item.kind,
                "design": item.design,
                "gaps": ", ".join(item.gaps_addressed),
                "n": attributes.n_participants if attributes else None,
                "follow_up_weeks": attributes.follow_up_weeks if attributes else None,
                "title": item.record.title,
                "journal": item.record.journal,
            }
        )
    return rows


def summary_records(store: Store, watch: Watch) -> list[tuple]:
    """The reported records, each at the newest version the watch has seen with that version's
    classification, on-topic or unclassified; a fixed number of queries however many records."""
    reported = store.digested_pmids(watch.name)
    latest = [
        (version.record, version.store_version)
        for version in store.latest_versions(watch.name)
        if version.record.pmid in reported
    ]
    classifications = store.classifications(
        watch.name, [(record.pmid, store_version) for record, store_version in latest]
    )
    records = []
    for record, store_version in latest:
        classification = classifications.get((record.pmid, store_version))
        if classification is None or classification.topic_relevant:
            records.append((record, classification))
    return records


def summary_inputs(store: Store, watch: Watch) -> tuple[list[tuple], list[Digest]]:
    """The summary's records (`summary_records`) and every digest so far."""
    records = summary_records(store, watch)
    digests = [
        Digest.from_dict(entry.payload) for entry in store.digests(watch.name) if entry.payload
    ]
    return records, digests


def update_summary(
    store, watch: Watch, out_dir: Path, now: datetime, statements: WatchStatements | None = None
) -> dict[str, Path]:
    """Regenerate the living evidence summary (Markdown, HTML, JSON, charts) from the store,
    with the statements the run's digest computed (None: computed here)."""
    records, digests = summary_inputs(store, watch)
    paths = write_summary(out_dir, watch_info(watch), records, digests, now, statements)
    written = {"summary_md": paths.markdown, "summary_html": paths.html}
    if paths.json is not None:
        written["summary_json"] = paths.json
    return written


def digest_message(digest: Digest, watch: Watch, out_dir: Path, settings: Settings) -> Path:
    """The digest's .eml in its folder, rendered first (with the other files) if it is missing."""
    eml = digest_folder(out_dir, digest) / f"{digest_stem(digest)}.eml"
    if not eml.exists():
        eml = render_outputs(digest, watch, out_dir, settings)["eml"]
    return eml


def watch_info(watch: Watch) -> WatchInfo:
    """What the renderers need of a watch."""
    gaps = tuple((gap.name, gap.question) for gap in watch.gaps)
    return WatchInfo(
        name=watch.name,
        title=watch.title,
        query=watch.query,
        gaps=gaps,
        gap_titles=tuple((gap.name, gap.title) for gap in watch.gaps if gap.title),
        intervention=watch.findings.label,
        domains=tuple((d.name, d.title or d.name) for d in watch.findings.domains),
        harms_domain=next((d.name for d in watch.findings.domains if d.harms), ""),
        questions=tuple(
            Question(
                key=q.name,
                title=q.title,
                domains=q.domains,
                population=q.population,
                head_to_head_only=q.comparison == "head-to-head",
            )
            for q in watch.questions
        ),
        populations=tuple(p.population() for p in watch.summary.populations),
        words=watch.summary.words(),
    )


@task(name="digest", **LIVE_INPUTS)
def digest_task(
    store, watch: Watch, run_id: int, now: datetime
) -> tuple[Digest, WatchStatements | None]:
    """Select what is new or revised since the last digest and record it (idempotency key);
    with it, the summary's statements after it, for the summary task."""
    digest, statements = digest_with_statements(store, watch, run_id, now)
    crash_point("digest")
    return digest, statements


@task(name="render", **LIVE_INPUTS)
def render_task(digest: Digest, watch: Watch, out_dir: Path, settings: Settings) -> dict[str, Path]:
    """Write the digest files: HTML, text, Markdown, JSON, RIS, CSV and the .eml message."""
    paths = render_outputs(digest, watch, out_dir, settings)
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
    store, watch: Watch, out_dir: Path, now: datetime, statements: WatchStatements | None = None
) -> dict[str, Path]:
    """Regenerate the living evidence summary from the store, with the run's statements."""
    return update_summary(store, watch, out_dir, now, statements)


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
        lambda digest: digest_message(digest, watch, out_dir, settings),
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

    A weekly digest still waiting for its e-mail (make_digest may hand that one back) is left
    for the next run to send."""
    if digest is not None and digest.key == digest_key(watch, run_id, now):
        store.mark_delivered(digest.key, now, "backfill-not-sent", "")
