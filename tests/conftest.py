"""Shared fixtures: the corpus in ../shared/corpus (read from there, never copied), a real
SMTP server on loopback and a real (ephemeral) Prefect API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SmtpServer, corpus_path, needs_server, running_smtp_server


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-PubMed corpus folder."""
    path = corpus_path()
    if not path.is_dir():
        pytest.fail(f"corpus folder not found at {path} (set LITWATCH_CORPUS_DIR)")
    return path


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback for one test (see `running_smtp_server`)."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """A real Prefect API backed by a temporary database, for the whole session.

    Flow runs in this process send no heartbeats: Prefect's heartbeat thread sleeps in
    one-second steps and every flow run's end waits for it (about half a second a run, a
    minute over the suite); no test reads heartbeats, which only let a server mark a dead
    run crashed. Runs in child processes keep Prefect's default, as `litwatch run` has."""
    import prefect.settings
    from prefect.testing.utilities import prefect_test_harness

    no_heartbeat = {prefect.settings.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    with (
        prefect_test_harness(server_startup_timeout=120),
        prefect.settings.temporary_settings(updates=no_heartbeat),
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _quiet_prefect_server(tmp_path_factory) -> None:
    """No telemetry from the temporary Prefect server (it is offline and only logs failures)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need a server `server`, for the fast lane (`./dev check`) to skip;
    and run the modules that hold long simulations (`slow`) first, each module kept whole (its
    shared fixtures set up once), so that the two xdist workers share the short tests at the
    end instead of one worker finishing a minute-long simulation alone."""
    for item in items:
        if needs_server(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)
    long_modules = {item.module for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module not in long_modules)
