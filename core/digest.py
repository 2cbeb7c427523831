"""Digest selection: from what the store holds pending for a watch, decide what one digest reports.

Pure: no database, no clock. The flow reads pending changes from the store, passes
them in with the current time, and records the returned digest before delivering it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Literal

from litwatch.core.classification import Classification
from litwatch.core.records import Record

ChangeKind = Literal["new", "revised"]
NoticeKind = Literal["retraction", "expression-of-concern", "erratum", "retracted"]

# CommentsCorrections RefTypes that point from a notice to the record it is about.
_NOTICE_REF_TYPES: dict[str, NoticeKind] = {
    "RetractionOf": "retraction",
    "ExpressionOfConcernFor": "expression-of-concern",
    "ErratumFor": "erratum",
}
# RefTypes a record gains when something is published about it.
_FLAG_REF_TYPES: dict[str, NoticeKind] = {
    "RetractionIn": "retracted",
    "ExpressionOfConcernIn": "expression-of-concern",
    "ErratumIn": "erratum",
}


@dataclass(frozen=True)
class PendingItem:
    """One record version the store holds for a watch and no digest has reported yet."""

    record: Record
    kind: ChangeKind
    store_version: int
    changes: tuple[str, ...] = ()  # for revised records: what changed, in words
    classification: Classification | None = None  # None: not classified (yet)
    previous_classification: Classification | None = None  # for revised records


# What a record the watch's relevance model put after the others says, in the digest and the
# review queue (classifiers/relevance.py).
RANKED_LOWER = "ranked lower: resembles records reviewers marked not relevant"


def with_ranked_lower(digest: Digest, pmids: set[str]) -> Digest:
    """The digest with these records marked ranked lower (listed last, saying so)."""
    if not pmids:
        return digest
    items = tuple(
        replace(item, ranked_lower=RANKED_LOWER) if item.record.pmid in pmids else item
        for item in digest.items
    )
    return replace(digest, items=items)


@dataclass(frozen=True)
class DigestItem:
    """A record as one digest reports it, with why it is there."""

    record: Record
    kind: ChangeKind
    store_version: int
    changes: tuple[str, ...] = ()
    classification: Classification | None = None
    # Why the watch's relevance model listed it after the others (RANKED_LOWER), or "".
    ranked_lower: str = ""

    @property
    def design(self) -> str:
        """The design label, "other" for a record not classified."""
        return self.classification.design.label if self.classification else "other"

    @property
    def gaps_addressed(self) -> tuple[str, ...]:
        return self.classification.gaps_addressed if self.classification else ()


@dataclass(frozen=True)
class Notice:
    """A retraction, expression of concern or erratum about a record already in the summary."""

    kind: NoticeKind
    about_pmid: str
    notice_pmid: str
    title: str


@dataclass(frozen=True)
class EvidenceChange:
    """An evidence statement whose numbers a digest's records moved: its text before and after,
    and the records of the digest behind the move."""

    key: str
    title: str
    before: str
    after: str
    new_pmids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Digest:
    """What one run reports for one watch."""

    watch: str
    key: str  # idempotency key: one e-mail per key, ever
    created: datetime
    items: tuple[DigestItem, ...] = ()
    notices: tuple[Notice, ...] = ()
    off_topic: int = 0  # records matched by the query but judged off-topic: counted, not listed
    covered: tuple[tuple[str, int], ...] = field(default=())  # every (pmid, version) it settles

    @property
    def new(self) -> tuple[DigestItem, ...]:
        return tuple(item for item in self.items if item.kind == "new")

    @property
    def revised(self) -> tuple[DigestItem, ...]:
        return tuple(item for item in self.items if item.kind == "revised")

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.notices

    def to_dict(self) -> dict:
        """A JSON-ready dict, stored with the digest so it can be re-rendered and re-sent."""
        return {
            "watch": self.watch,
            "key": self.key,
            "created": self.created.isoformat(),
            "items": [
                {
                    "record": item.record.to_dict(),
                    "kind": item.kind,
                    "store_version": item.store_version,
                    "changes": list(item.changes),
                    "ranked_lower": item.ranked_lower,
                    "classification": (
                        item.classification.to_json() if item.classification is not None else None
                    ),
                }
                for item in self.items
            ],
            "notices": [asdict(notice) for notice in self.notices],
            "off_topic": self.off_topic,
            "covered": [list(pair) for pair in self.covered],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Digest:
        """The inverse of `to_dict`."""
        return cls(
            watch=data["watch"],
            key=data["key"],
            created=datetime.fromisoformat(data["created"]),
            items=tuple(
                DigestItem(
                    record=Record.from_dict(item["record"]),
                    kind=item["kind"],
                    store_version=item["store_version"],
                    changes=tuple(item["changes"]),
                    ranked_lower=str(item.get("ranked_lower") or ""),
                    classification=(
                        Classification.from_json(item["classification"])
                        if item["classification"]
                        else None
                    ),
                )
                for item in data["items"]
            ),
            notices=tuple(Notice(**notice) for notice in data["notices"]),
            off_topic=data["off_topic"],
            covered=tuple((pmid, version) for pmid, version in data["covered"]),
        )


def digest_key(watch: str, run_id: int, now: datetime) -> str:
    """The idempotency key of the digest a run builds: one e-mail per key, ever."""
    return f"{watch}-{now:%Y%m%d}-run{run_id}"


def digest_payload(digest: Digest, changes: Sequence[EvidenceChange]) -> dict:
    """What the store keeps of a recorded digest: the digest and the statements it moved, so
    that a digest rendered again (after a crash) says what the first rendering said."""
    return {**digest.to_dict(), "evidence_changes": [asdict(change) for change in changes]}


def payload_changes(payload: dict) -> tuple[EvidenceChange, ...]:
    """The statements a stored digest moved (`digest_payload`); none for an older payload."""
    return tuple(
        EvidenceChange(**{**change, "new_pmids": tuple(change.get("new_pmids", ()))})
        for change in payload.get("evidence_changes", ())
    )


@dataclass(frozen=True)
class LoggedItem:
    """A listed record as the change log needs it: no record text, no classification."""

    pmid: str
    kind: ChangeKind
    design: str
    gaps: tuple[str, ...] = ()  # the gaps it addresses, fully or partly


@dataclass(frozen=True)
class DigestLog:
    """The few facts of a recorded digest the summary's change log prints, stored beside the
    digest so the change log never decodes a digest's full payload: its cost stays with the
    number of digests, not with what they carried."""

    key: str
    created: datetime
    items: tuple[LoggedItem, ...] = ()
    notices: int = 0
    off_topic: int = 0
    moved: tuple[str, ...] = ()  # the titles of the statements it moved

    @property
    def new(self) -> tuple[LoggedItem, ...]:
        return tuple(item for item in self.items if item.kind == "new")

    @property
    def revised(self) -> tuple[LoggedItem, ...]:
        return tuple(item for item in self.items if item.kind == "revised")

    @classmethod
    def of(cls, digest: Digest, changes: Sequence[EvidenceChange] = ()) -> DigestLog:
        """The log of a digest and the statements it moved."""
        return cls(
            key=digest.key,
            created=digest.created,
            items=tuple(
                LoggedItem(item.record.pmid, item.kind, item.design, item.gaps_addressed)
                for item in digest.items
            ),
            notices=len(digest.notices),
            off_topic=digest.off_topic,
            moved=tuple(change.title for change in changes),
        )

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "created": self.created.isoformat(),
            "items": [[i.pmid, i.kind, i.design, list(i.gaps)] for i in self.items],
            "notices": self.notices,
            "off_topic": self.off_topic,
            "moved": list(self.moved),
        }

    @classmethod
    def from_dict(cls, data: dict) -> DigestLog:
        """The inverse of `to_dict`."""
        return cls(
            key=data["key"],
            created=datetime.fromisoformat(data["created"]),
            items=tuple(
                LoggedItem(pmid, kind, design, tuple(gaps))
                for pmid, kind, design, gaps in data["items"]
            ),
            notices=data["notices"],
            off_topic=data["off_topic"],
            moved=tuple(data["moved"]),
        )


def _is_on_topic(item: PendingItem) -> bool:
    # Unclassified records are listed: hiding a record because a classifier did not run
    # would be a silent miss.
    if item.classification is None:
        return True
    return item.classification.topic_relevant


def _visible_revision(item: PendingItem) -> bool:
    """A revision is worth a line when the reader would see it: status, types, design or gaps."""
    if item.changes:
        return True
    before, after = item.previous_classification, item.classification
    if before is None or after is None:
        return before is not after
    return before.design.label != after.design.label or dict(before.gaps) != dict(after.gaps)


def notices_for(records: Iterable[Record], known_pmids: set[str]) -> list[Notice]:
    """Retractions, concerns and errata among `records` that concern a record in `known_pmids`."""
    notices: list[Notice] = []
    for record in records:
        for link in record.comments_corrections:
            if link.ref_type in _NOTICE_REF_TYPES and link.pmid in known_pmids:
                notices.append(
                    Notice(_NOTICE_REF_TYPES[link.ref_type], link.pmid, record.pmid, record.title)
                )
            elif link.ref_type in _FLAG_REF_TYPES and record.pmid in known_pmids:
                notices.append(
                    Notice(_FLAG_REF_TYPES[link.ref_type], record.pmid, link.pmid, record.title)
                )
        if "Retracted Publication" in record.publication_types and record.pmid in known_pmids:
            notices.append(Notice("retracted", record.pmid, "", record.title))
    unique = {(n.kind, n.about_pmid, n.notice_pmid): n for n in notices}
    return sorted(unique.values(), key=lambda n: (n.about_pmid, n.kind, n.notice_pmid))


def select_digest(
    watch: str,
    key: str,
    pending: Sequence[PendingItem],
    known_pmids: set[str],
    now: datetime,
) -> Digest:
    """Build the digest that settles every pending item.

    `known_pmids` are the records already reported in an earlier digest (the evidence
    summary); notices are only raised about those. Every pending (pmid, version) is
    covered by the digest, listed or not, so nothing stays pending forever and nothing
    is reported twice.
    """
    items: list[DigestItem] = []
    off_topic = 0
    for entry in pending:
        if not _is_on_topic(entry):
            off_topic += 1
            continue
        if entry.kind == "revised" and not _visible_revision(entry):
            continue
        items.append(
            DigestItem(
                record=entry.record,
                kind=entry.kind,
                store_version=entry.store_version,
                changes=entry.changes,
                classification=entry.classification,
            )
        )
    items.sort(key=lambda item: (item.kind != "new", item.record.pmid))
    notices = notices_for((entry.record for entry in pending), known_pmids)
    covered = tuple(sorted((entry.record.pmid, entry.store_version) for entry in pending))
    return Digest(
        watch=watch,
        key=key,
        created=now,
        items=tuple(items),
        notices=tuple(notices),
        off_topic=off_topic,
        covered=covered,
    )
