"""Fixtures for the store tests: a real SQLite file in a temporary folder and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from litwatch.store import Store


@pytest.fixture
def now() -> datetime:
    """The time every store call in a test is told it is (the store reads no clock)."""
    return datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    """A fresh store file, closed after the test."""
    with Store.open(tmp_path / "store" / "litwatch.sqlite") as opened:
        yield opened
