"""Plan Entrez-date windows small enough to page through: PubMed serves at most 9,999 records
of one search, so a larger span is halved by days until every window fits.

Pure: the search is passed in as a function, so the plan is tested without a network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, TypeVar

from litwatch.core.errors import EntrezError, LitwatchError

# PubMed's history server pages esearch/efetch only up to retstart 9,998.
PUBMED_PAGING_LIMIT = 9999
# PubMed's Entrez dates go back to its oldest citations, of the 1800s; earlier ones E-utilities
# cannot read. One backfill slice may hold the whole of that span (the demo back-fills its
# history since 1900 as one slice); a longer one is a typo.
EARLIEST_ENTREZ_DATE = date(1800, 1, 1)
MAX_SLICE_DAYS = 100_000


@dataclass(frozen=True)
class DateWindow:
    """An inclusive span of Entrez dates, as esearch's mindate/maxdate take it."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"date window ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def halves(self) -> tuple[DateWindow, DateWindow]:
        """The earlier and the later half, split on a day boundary (earlier half the shorter)."""
        if self.days < 2:
            raise ValueError(f"a one-day window ({self.first}) cannot be split")
        split = self.first + timedelta(days=self.days // 2)
        return DateWindow(self.first, split - timedelta(days=1)), DateWindow(split, self.last)

    def __str__(self) -> str:
        return f"{self.first:%Y/%m/%d}-{self.last:%Y/%m/%d}"


class Counted(Protocol):
    """What a window's search returns: at least how many records it matched."""

    @property
    def count(self) -> int: ...


Result = TypeVar("Result", bound=Counted)


def plan_windows(
    span: DateWindow,
    search: Callable[[DateWindow], Result],
    limit: int = PUBMED_PAGING_LIMIT,
) -> list[tuple[DateWindow, Result]]:
    """Windows covering `span` in date order, each with its search result, each within `limit`.

    A window over the limit is halved and both halves searched again; its own result is
    dropped, so every search whose result is returned is one a fetch can page through.
    """
    planned: list[tuple[DateWindow, Result]] = []
    # Depth-first, later half pushed first, so windows come out in date order.
    pending = [span]
    while pending:
        window = pending.pop()
        result = search(window)
        if result.count <= limit:
            planned.append((window, result))
            continue
        if window.days == 1:
            raise EntrezError(
                f"PubMed has {result.count:,} records entered on {window.first:%Y/%m/%d} alone, "
                f"more than the {limit:,} one search can page through; narrow the query"
            )
        earlier, later = window.halves()
        pending.extend((later, earlier))
    return planned


def fixed_windows(span: DateWindow, days: int) -> list[DateWindow]:
    """`span` cut into consecutive windows of `days` days from its first day (the last may be
    shorter): the same `span` and `days` always give the same windows, so a backfill that
    stopped can tell which of them it had finished."""
    if days < 1:
        raise ValueError(f"a window needs at least one day, got {days}")
    windows = []
    first = span.first
    while first <= span.last:
        last = min(first + timedelta(days=days - 1), span.last)
        windows.append(DateWindow(first, last))
        first = last + timedelta(days=1)
    return windows


def backfill_span(since: date, until: date | None, today: date, slice_days: int) -> DateWindow:
    """The Entrez dates a backfill covers (`until` None: to `today`), checked before any work:
    each date PubMed cannot hold, or a slice length out of bounds, is one LitwatchError line."""
    last = today if until is None else until
    for flag, day in (("--since", since), ("--until", last)):
        if day < EARLIEST_ENTREZ_DATE:
            raise LitwatchError(
                f"{flag} {day.isoformat()}: PubMed's Entrez dates start in "
                f"{EARLIEST_ENTREZ_DATE.year}"
            )
        if day > today:
            raise LitwatchError(f"{flag} {day.isoformat()}: after today ({today.isoformat()})")
    if last < since:
        raise LitwatchError(f"--until {last.isoformat()} is before --since {since.isoformat()}")
    if not 1 <= slice_days <= MAX_SLICE_DAYS:
        raise LitwatchError(f"--slice-days: expected 1 to {MAX_SLICE_DAYS} days, got {slice_days}")
    return DateWindow(since, last)


def slices_to_do(
    span: DateWindow, slice_days: int, done: list[tuple[date, date]]
) -> tuple[list[DateWindow], int]:
    """The slices of `span` still to fetch, and how many a stopped backfill had finished.

    A slice counts as done when a finished slice covers it, so a backfill resumed on a later
    day (whose last slice ends later) still skips everything it had finished."""
    slices = fixed_windows(span, slice_days)
    todo = [s for s in slices if not any(f <= s.first and s.last <= last for f, last in done)]
    return todo, len(slices) - len(todo)
