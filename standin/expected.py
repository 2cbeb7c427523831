"""What a watch polling the stand-in must report, by the stand-in's own query evaluation: the
yardstick "nothing missed, nothing twice" of the crash tests and the soak (benchmarks/soak.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from litwatch.standin.corpus import Corpus
from litwatch.standin.query import parse


@dataclass(frozen=True)
class ExpectedReports:
    """The PMIDs digests must report as new, and how many times each must be reported revised."""

    new: frozenset[str]
    revised: Counter


def expected_reports(
    corpus: Corpus, query: str, runs: Sequence[datetime], since: datetime | None = None
) -> ExpectedReports:
    """What runs of a watch on `query` at the times `runs` must report between them.

    A record is new at the first run whose search finds it, and revised at each later run
    that finds a newer version than the last one reported (two versions served between the
    same two runs arrive as one). Records first served before `since` (the watch's start
    date) are not expected.
    """
    searched = parse(query)
    schedule = sorted(corpus.schedule, key=lambda version: version.available_from)
    before = {
        version.pmid
        for version in schedule
        if since is not None and version.number == 1 and version.available_from < since
    }
    reported: dict[str, int] = {}
    new: set[str] = set()
    revised: Counter = Counter()
    for run in sorted(runs):
        visible = {v.pmid: v.number for v in schedule if v.available_from <= run}
        for pmid in corpus.search(searched, run) - before:
            if pmid not in reported:
                new.add(pmid)
            elif visible[pmid] > reported[pmid]:
                revised[pmid] += 1
            reported[pmid] = visible[pmid]
    return ExpectedReports(frozenset(new), revised)
