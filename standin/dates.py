"""E-utilities date strings (YYYY, YYYY/MM, YYYY/MM/DD; ranges "a:b") as inclusive day ranges."""

from __future__ import annotations

import calendar
import re
from datetime import date

_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?\s*$")


def bound(text: str, *, end: bool) -> date:
    """The first (or, with end=True, last) day a date string covers; ValueError when unreadable."""
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"Invalid date '{text}': expected YYYY, YYYY/MM or YYYY/MM/DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if match.group(3):
        day = int(match.group(3))
    else:
        day = calendar.monthrange(year, month)[1] if end else 1
    return date(year, month, day)


def day_range(text: str) -> tuple[date, date]:
    """The inclusive days a date or a "from:to" range covers."""
    first, _, last = text.partition(":")
    return bound(first, end=False), bound(last or first, end=True)


def covered_days(partial_date: str) -> tuple[date, date] | None:
    """The days a record's partial ISO date ("2021", "2021-03", "2021-03-14") may mean."""
    try:
        return day_range(partial_date)
    except ValueError:
        return None
