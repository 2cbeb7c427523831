"""`litwatch serve` against a real Prefect server on loopback: one deployment per watch on its
schedule, and triggered runs that complete through the E-utilities stand-in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from standin.testing import running_standin
from store import Store

T = TypeVar("T")

BIN = Path(sys.executable).parent
QUERY_ALPHA = "metformin[tiab]"
QUERY_BETA = "neuropathy[tiab]"
SERVE_TZ = "America/New_York"  # the "local" zone of the serving process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, logs: Path) -> T:
    """Poll `probe` until it returns something, or fail after `timeout` seconds with the logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.3)
    tails = "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs.glob("*.log")
    )
    pytest.fail(f"timed out after {timeout:g} s waiting for {what}\n{tails}")


def clean_env(**values: str | Path) -> dict[str, str]:
    """This process's environment without Prefect or litwatch settings, plus `values`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "LITWATCH_"))
    }
    env.update({key: str(value) for key, value in values.items()})
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return env


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "logs"
    folder.mkdir()
    return folder


@pytest.fixture
def prefect_server(tmp_path: Path, logs: Path) -> Iterator[str]:
    """A real `prefect server start` on a free loopback port with its own home; its API URL."""
    port = free_port()
    env = clean_env(PREFECT_HOME=tmp_path / "prefect-server", PREFECT_UI_ENABLED="false")
    with open(logs / "server.log", "wb") as log:
        process = subprocess.Popen(
            [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/api"
    try:

        def healthy() -> bool | None:
            if process.poll() is not None:
                pytest.fail(f"prefect server exited with {process.returncode}")
            try:
                return httpx.get(f"{url}/health", timeout=2).status_code == 200 or None
            except httpx.HTTPError:
                return None

        wait_for("the Prefect server", healthy, timeout=120, logs=logs)
        yield url
    finally:
        stop(process)


def write_watches(folder: Path) -> Path:
    """Two watches: one with its own schedule, one on the default (Monday 07:00 local)."""
    path = folder / "watches.toml"
    path.write_text(
        f"""
[[watch]]
name = "alpha"
query = '''{QUERY_ALPHA}'''
recipients = ["team@example.org"]
start_date = 2019-01-01
batch_size = 5
schedule = {{ cron = "30 6 * * 2", timezone = "Europe/Paris" }}

[[watch]]
name = "beta"
query = '''{QUERY_BETA}'''
recipients = ["team@example.org"]
start_date = 2019-01-01
batch_size = 5
""",
        encoding="utf-8",
    )
    return path


def test_serve_schedules_each_watch_and_runs_complete_through_the_standin(
    prefect_server: str, corpus: Path, tmp_path: Path, logs: Path
):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    watches = write_watches(tmp_path)
    data_dir = tmp_path / "data"
    with running_standin([corpus / "ontopic" / "ontopic.xml"]) as standin:
        env = clean_env(
            PREFECT_API_URL=prefect_server,
            PREFECT_HOME=tmp_path / "prefect-client",
            PREFECT_RUNNER_POLL_FREQUENCY="1",
            LITWATCH_EUTILS_URL=standin.base_url,
            LITWATCH_DATA_DIR=data_dir,
            LITWATCH_NCBI_EMAIL="tests@example.org",
            LITWATCH_ENTREZ_BACKOFF_BASE="0.05",
            TZ=SERVE_TZ,
        )
        with open(logs / "serve.log", "wb") as log:
            serving = subprocess.Popen(
                [BIN / "litwatch", "serve", "--watches", watches],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            with (
                temporary_settings(updates={PREFECT_API_URL: prefect_server}),
                get_client(sync_client=True) as client,
            ):

                def deployment(name: str):
                    if serving.poll() is not None:
                        pytest.fail(f"litwatch serve exited with {serving.returncode}")
                    try:
                        return client.read_deployment_by_name(f"litwatch-watch/{name}")
                    except ObjectNotFound:  # until serve has registered it
                        return None

                alpha = wait_for("deployment alpha", lambda: deployment("alpha"), 60, logs)
                beta = wait_for("deployment beta", lambda: deployment("beta"), 60, logs)
                schedules = {
                    d.name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]
                    for d in (alpha, beta)
                }
                assert schedules == {
                    "alpha": [("30 6 * * 2", "Europe/Paris")],
                    "beta": [("0 7 * * 1", SERVE_TZ)],
                }
                assert alpha.parameters == {"watch_name": "alpha"}

                # Both at once: two flow-run processes share NCBI's pace.
                runs = [client.create_flow_run_from_deployment(d.id) for d in (alpha, beta)]

                def finished(run_id):
                    state = client.read_flow_run(run_id).state
                    return state if state is not None and state.is_final() else None

                states = [
                    wait_for(f"run {run.name}", partial(finished, run.id), 90, logs) for run in runs
                ]
                assert [s.type for s in states] == [StateType.COMPLETED] * 2, states
        finally:
            stop(serving)
        requests = standin.log.entries()

    searched = {entry.params.get("term") for entry in requests if entry.endpoint == "esearch"}
    assert {QUERY_ALPHA, QUERY_BETA} <= searched
    assert standin.log.count("efetch", 200) >= 2
    assert standin.log.count(status=429) == 0, "the two runs together went past NCBI's rate"
    with Store.open(data_dir / "litwatch.sqlite") as store:
        for name in ("alpha", "beta"):
            assert store.watermark(name) is not None, f"{name}'s run did not commit"
            assert len(store.digests(name)) == 1
