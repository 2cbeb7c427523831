"""`litwatch backfill`'s dates and slice length are checked before any work: each one PubMed
cannot hold is one line naming the flag, not a traceback or six retries of E-utilities."""

from __future__ import annotations

import socket
import sys
from datetime import date, timedelta

import pytest
from litwatch.core.errors import LitwatchError
from litwatch.pubmed.windows import (
    EARLIEST_ENTREZ_DATE,
    MAX_SLICE_DAYS,
    backfill_span,
    fixed_windows,
)

from litwatch.cli import main


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--since", "2021-01-01", "--until", "2020-01-01"], "--until 2020-01-01 is before"),
        (["--since", "2020-01-01", "--until", "9999-12-31"], "--until 9999-12-31: after today"),
        (["--since", "2999-01-01"], "--since 2999-01-01: after today"),
        (["--since", "0001-01-01"], "--since 0001-01-01: PubMed's Entrez dates start in 1800"),
        (
            ["--since", "2020-01-01", "--slice-days", "99999999999"],
            f"--slice-days: expected 1 to {MAX_SLICE_DAYS} days, got 99999999999",
        ),
        (["--since", "2020-02-30"], "--since: expected a date YYYY-MM-DD, got '2020-02-30'"),
    ],
    ids=[
        "until-before-since",
        "until-far-future",
        "since-future",
        "since-year-1",
        "huge-slice",
        "no-date",
    ],
)
def test_backfill_refuses_dates_pubmed_cannot_hold_in_one_line_before_any_request(
    monkeypatch, capsys, tmp_path, arguments, message
):
    (tmp_path / "settings.toml").write_text("")  # a named settings file must exist
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    # Nobody listens here: a request, or its retries, would show as an EntrezError instead.
    monkeypatch.setenv("LITWATCH_EUTILS_URL", f"http://127.0.0.1:{closed_port()}/")
    monkeypatch.setattr(sys, "argv", ["litwatch", "backfill", "--watch", "b12", *arguments])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    assert exit_.value.code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"litwatch: {message}")
    assert not (tmp_path / "data").exists()  # no store opened, no run recorded


def test_a_span_within_pubmeds_dates_is_cut_into_its_slices():
    """Control: the bounds themselves are accepted, and the longest slice makes one window."""
    today = date(2026, 12, 6)
    span = backfill_span(EARLIEST_ENTREZ_DATE, None, today, MAX_SLICE_DAYS)
    assert (span.first, span.last) == (EARLIEST_ENTREZ_DATE, today)
    assert len(fixed_windows(span, MAX_SLICE_DAYS)) == 1  # the longest slice holds all of PubMed
    assert len(fixed_windows(span, 36_525)) == 3  # 1800..1899, 1900..1999, 2000..
    one_day = backfill_span(today, today, today, 1)
    assert fixed_windows(one_day, 1) == [one_day]
    with pytest.raises(LitwatchError, match="after today"):
        backfill_span(today, today + timedelta(days=1), today, 1)
