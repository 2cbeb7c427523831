"""Which Entrez-date window a run asks PubMed about, given where the last committed run stopped."""

from __future__ import annotations

from datetime import date, timedelta

# PubMed's own earliest Entrez dates are in the 1940s-60s; a first run with no start
# date set looks back one year, as a PubMed saved search's first e-mail would not.
_FIRST_RUN_LOOKBACK = timedelta(days=365)


def search_window(
    watermark: date | None,
    today: date,
    *,
    overlap_days: int,
    start_date: date | None = None,
) -> tuple[date, date]:
    """The inclusive (mindate, maxdate) for a run on `today`.

    The window reaches `overlap_days` back past the watermark because PubMed assigns
    some Entrez dates late (records appear with an Entrez date a few days in the past);
    records seen again in the overlap are recognised by the store as unchanged.
    """
    if watermark is None:
        start = start_date or (today - _FIRST_RUN_LOOKBACK)
    else:
        start = watermark - timedelta(days=overlap_days)
        if start_date is not None:
            start = max(start, start_date)
    return min(start, today), today
