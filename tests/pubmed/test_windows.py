"""Date-window planning: every planned window fits the paging limit, and the plan covers the span."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from litwatch.core.errors import EntrezError
from litwatch.pubmed.windows import DateWindow, plan_windows


@dataclass(frozen=True)
class Hits:
    count: int


def counting_search(per_day: dict[date, int], searched: list[DateWindow]):
    """A search over fixed per-day counts that remembers which windows it was asked."""

    def search(window: DateWindow) -> Hits:
        searched.append(window)
        days = (window.first + timedelta(days=n) for n in range(window.days))
        return Hits(sum(per_day.get(day, 0) for day in days))

    return search


def test_halves_split_on_a_day_boundary_and_cover_the_window():
    earlier, later = DateWindow(date(2024, 1, 1), date(2024, 1, 31)).halves()
    assert earlier == DateWindow(date(2024, 1, 1), date(2024, 1, 15))
    assert later == DateWindow(date(2024, 1, 16), date(2024, 1, 31))
    assert earlier.days + later.days == 31


def test_a_one_day_window_cannot_be_halved():
    with pytest.raises(ValueError):
        DateWindow(date(2024, 1, 1), date(2024, 1, 1)).halves()


def test_a_window_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        DateWindow(date(2024, 2, 1), date(2024, 1, 1))


def test_window_reads_as_esearch_dates():
    assert str(DateWindow(date(2024, 1, 2), date(2024, 3, 4))) == "2024/01/02-2024/03/04"


def test_a_span_within_the_limit_is_searched_once():
    searched: list[DateWindow] = []
    span = DateWindow(date(2024, 1, 1), date(2024, 12, 31))
    plan = plan_windows(span, counting_search({date(2024, 5, 5): 9999}, searched))
    assert plan == [(span, Hits(9999))]
    assert searched == [span]


def test_a_span_over_the_limit_is_split_until_every_window_fits_in_date_order():
    per_day = {date(2024, 1, 1) + timedelta(days=n): 300 for n in range(60)}  # 18,000 in all
    searched: list[DateWindow] = []
    span = DateWindow(date(2024, 1, 1), date(2024, 2, 29))
    plan = plan_windows(span, counting_search(per_day, searched), limit=5000)

    windows = [window for window, _ in plan]
    assert all(hits.count <= 5000 for _, hits in plan)
    assert sum(hits.count for _, hits in plan) == 18000
    assert windows[0].first == span.first and windows[-1].last == span.last
    for earlier, later in itertools.pairwise(windows):
        assert later.first == earlier.last + timedelta(days=1)
    # 60 days -> 30+30 -> 15 x4 (4,500 each): one search for the span, two, then four.
    assert len(windows) == 4
    assert len(searched) == 7


def test_an_empty_span_is_one_empty_window():
    span = DateWindow(date(2024, 1, 1), date(2024, 1, 7))
    assert plan_windows(span, counting_search({}, [])) == [(span, Hits(0))]


def test_a_single_day_over_the_limit_is_a_clear_error():
    per_day = {date(2024, 3, 10): 12000, date(2024, 3, 11): 10}
    span = DateWindow(date(2024, 3, 1), date(2024, 3, 31))
    with pytest.raises(EntrezError, match=r"12,000 records entered on 2024/03/10 alone"):
        plan_windows(span, counting_search(per_day, []))


def test_fixed_windows_cover_the_span_in_order_without_gaps_or_overlaps():
    from litwatch.pubmed.windows import fixed_windows

    windows = fixed_windows(DateWindow(date(2020, 1, 1), date(2020, 3, 5)), 30)
    assert [(w.first, w.last) for w in windows] == [
        (date(2020, 1, 1), date(2020, 1, 30)),
        (date(2020, 1, 31), date(2020, 2, 29)),
        (date(2020, 3, 1), date(2020, 3, 5)),
    ]
    assert fixed_windows(DateWindow(date(2020, 1, 1), date(2020, 1, 1)), 365) == [
        DateWindow(date(2020, 1, 1), date(2020, 1, 1))
    ]
