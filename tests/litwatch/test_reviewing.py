"""The review queue's order, one pure function (`review_order`): records that feed a statement
first, then those needing a re-check, then the least confident calls, then the newest."""

from __future__ import annotations

from datetime import date

from litwatch.reviewing import QueueEntry, review_order


def entry(pmid: str, feeds: bool, confidence: float, day: int, recheck: bool = False):
    return QueueEntry(
        pmid=pmid,
        title="",
        design="rct",
        confidence=confidence,
        feeds_statement=feeds,
        entrez_date=date(2026, 11, day),
        gaps=(),
        checked_fields=0,
        needs_recheck=recheck,
        reviewers=(),
    )


def test_statement_records_come_first_then_the_least_confident_then_the_newest():
    entries = [
        entry("1", feeds=False, confidence=0.1, day=1),
        entry("2", feeds=True, confidence=0.9, day=1),
        entry("3", feeds=True, confidence=0.4, day=1),
        entry("4", feeds=True, confidence=0.4, day=20),
        entry("5", feeds=False, confidence=0.9, day=2, recheck=True),
    ]
    assert [e.pmid for e in review_order(entries)] == ["4", "3", "2", "5", "1"]
