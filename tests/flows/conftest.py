"""Fixtures for flow tests: a real (ephemeral) Prefect API, a stand-in, settings pointing at both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from litwatch.settings import Settings


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """A real Prefect API backed by a temporary database, for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def write_watch_file(
    folder: Path, query: str, names: tuple[str, ...] = ("sim",), **extra: str
) -> Path:
    """A watch file with one watch per name, all on `query`, no topic filter and no gaps."""
    lines = []
    for name in names:
        lines += [
            "[[watch]]",
            f'name = "{name}"',
            f"query = '''{query}'''",
            'recipients = ["team@example.org"]',
            "overlap_days = 7",
            "batch_size = 50",
            *(f"{key} = {value}" for key, value in extra.items()),
            "",
        ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "watches.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def settings_for(standin_url: str, data_dir: Path, watches_file: Path, **overrides) -> Settings:
    """Settings for a test run: the stand-in as E-utilities, a temp data folder, fast back-off."""
    values = {
        "eutils_url": standin_url,
        "data_dir": data_dir,
        "watches_file": watches_file,
        "ncbi_email": "tests@example.org",
        "ncbi_api_key": "test-key-not-secret",
        "entrez_timeout": 2.0,
        "entrez_max_attempts": 8,
        "entrez_backoff_base": 0.05,
        "smtp_host": "",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session", autouse=True)
def _quiet_prefect_server(tmp_path_factory) -> None:
    """No telemetry from the temporary Prefect server (it is offline and only logs failures)."""
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
