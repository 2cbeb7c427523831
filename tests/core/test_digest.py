"""Digest selection over typed classifications: what a digest lists, counts, skips and stores."""

from __future__ import annotations

from datetime import UTC, datetime

from litwatch.core.classification import Classification, DesignCall, GapCall, Relevance
from litwatch.core.digest import Digest, PendingItem, select_digest
from litwatch.core.records import Record

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def judged(
    pmid: str, design: str = "rct", *, on_topic: bool = True, gap: Relevance = "no"
) -> Classification:
    return Classification(
        pmid=pmid,
        design=DesignCall(design, 0.9, "model", ("randomized",)),
        topic_relevant=on_topic,
        gaps={"head_to_head": GapCall(gap, 0.5, ("two forms compared",))},
    )


def pending(pmid: str, classification, *, revised=False, before=None, changes=()) -> PendingItem:
    return PendingItem(
        record=Record(pmid=pmid, title=f"Record {pmid}"),
        kind="revised" if revised else "new",
        store_version=2 if revised else 1,
        changes=changes,
        classification=classification,
        previous_classification=before,
    )


def listed(*items: PendingItem) -> tuple[list[str], int]:
    digest = select_digest("b12-dpn", "key", items, set(), NOW)
    return [item.record.pmid for item in digest.items], digest.off_topic


def test_off_topic_records_are_counted_not_listed_and_unclassified_ones_are_listed():
    assert listed(
        pending("1", judged("1")),
        pending("2", judged("2", on_topic=False)),
        pending("3", None),
    ) == (["1", "3"], 1)


def test_a_revision_is_listed_only_when_its_design_or_gap_calls_changed():
    same = pending("1", judged("1"), revised=True, before=judged("1"))
    new_design = pending("2", judged("2", "cohort"), revised=True, before=judged("2"))
    new_gap_call = pending("3", judged("3", gap="partly"), revised=True, before=judged("3"))
    first_judged = pending("4", judged("4"), revised=True, before=None)
    never_judged = pending("5", None, revised=True, before=None)
    assert listed(same, new_design, new_gap_call, first_judged, never_judged) == (
        ["2", "3", "4"],
        0,
    )
    # Control: the unchanged revision is listed once the store reports a visible change.
    status = pending("1", judged("1"), revised=True, before=judged("1"), changes=("status",))
    assert listed(status) == (["1"], 0)


def test_gaps_addressed_and_design_read_the_classification():
    digest = select_digest("w", "k", [pending("1", judged("1", gap="addresses"))], set(), NOW)
    item = digest.items[0]
    assert (item.design, item.gaps_addressed) == ("rct", ("head_to_head",))
    unclassified = select_digest("w", "k", [pending("2", None)], set(), NOW).items[0]
    assert (unclassified.design, unclassified.gaps_addressed) == ("other", ())


def test_a_stored_digest_reads_back_with_its_classifications():
    digest = select_digest(
        "w", "k", [pending("1", judged("1", gap="partly")), pending("2", None)], set(), NOW
    )
    again = Digest.from_dict(digest.to_dict())
    assert again == digest
    assert again.to_dict()["items"][0]["classification"] == judged("1", gap="partly").to_json()
