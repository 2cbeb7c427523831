"""When each record enters the stand-in's PubMed: real entrez dates, or a compressed replay of them.

A replay keeps every record whose real entrez date is before `stream_from` as a backlog that is
in PubMed before the simulation starts, and spreads the rest, in their real order, evenly from
`lead_in_weeks` before `start` to `weeks` weeks after it. The lead-in records are there for a
backfill at `start`, and their indexing revisions (weeks after entry) land in the first weeks,
so every simulated week brings new records and revised ones. The served XML carries the
simulated dates (PubMedPubDate entrez/pubmed, and DateRevised), so a client sees one story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


@dataclass(frozen=True)
class Replay:
    """A compressed timeline: the backlog before `start`, the stream over `weeks` weeks from it."""

    start: datetime
    weeks: int
    stream_from: date
    lead_in_weeks: int = 6

    @property
    def stream_start(self) -> datetime:
        return self.start - timedelta(weeks=self.lead_in_weeks)

    def __post_init__(self) -> None:
        if self.weeks < 1:
            raise ValueError("a replay needs at least one week")


def midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def entrez_times(real_dates: dict[str, date], replay: Replay | None) -> dict[str, datetime]:
    """Each PMID's entrez time on the served timeline."""
    if replay is None:
        return {pmid: midnight(day) for pmid, day in real_dates.items()}
    in_order = sorted(real_dates, key=lambda pmid: (real_dates[pmid], int(pmid)))
    backlog = [pmid for pmid in in_order if real_dates[pmid] < replay.stream_from]
    stream = [pmid for pmid in in_order if real_dates[pmid] >= replay.stream_from]
    times: dict[str, datetime] = {}
    # Shift the whole backlog back just enough that all of it comes before the stream.
    shift = timedelta(0)
    if backlog:
        latest = midnight(real_dates[backlog[-1]])
        shift = max(timedelta(0), latest - (replay.stream_start - timedelta(days=1)))
    for pmid in backlog:
        times[pmid] = midnight(real_dates[pmid]) - shift
    end = replay.start + timedelta(weeks=replay.weeks)
    times.update(zip(stream, spread(len(stream), replay.stream_start, end), strict=True))
    return times


def spread(count: int, first: datetime, last: datetime) -> list[datetime]:
    """`count` times evenly spread from `first` to `last`, at whole minutes."""
    if count <= 0:
        return []
    step = (last - first) / count
    return [(first + step * (i + 0.5)).replace(second=0, microsecond=0) for i in range(count)]
