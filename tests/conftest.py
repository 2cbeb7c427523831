"""Shared fixtures: the corpus in ../shared/corpus is read from there, never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def corpus_path() -> Path:
    return Path(os.environ.get("LITWATCH_CORPUS", REPO.parent / "shared" / "corpus")).resolve()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-PubMed corpus folder."""
    path = corpus_path()
    if not path.is_dir():
        pytest.fail(f"corpus folder not found at {path} (set LITWATCH_CORPUS)")
    return path
