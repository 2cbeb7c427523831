"""`litwatch serve` against a real Prefect server on loopback: one deployment per watch on its
schedule, and triggered runs that complete through the E-utilities stand-in, whether served by
`litwatch serve` itself or put in a work pool and run by a Prefect worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from litwatch.standin.testing import running_standin
from litwatch.store import Store

# Long simulations (tens of seconds each): the `slow` marker, so a run can leave them out.
pytestmark = pytest.mark.slow

T = TypeVar("T")

BIN = Path(sys.executable).parent
QUERY_ALPHA = "metformin[tiab]"
QUERY_BETA = "neuropathy[tiab]"
SERVE_TZ = "America/New_York"  # the "local" zone of the serving process


@dataclass(frozen=True)
class PrefectServer:
    url: str  # its API, e.g. http://127.0.0.1:PORT/api
    home: Path  # PREFECT_HOME, holding server.log


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, logs: Sequence[Path]) -> T:
    """Poll `probe` until it returns something, or fail after `timeout` seconds showing the
    ends of the *.log files in the `logs` folders."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.3)
    tails = "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
        for folder in logs
        for log in folder.glob("*.log")
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


def start(command: list, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a command in its own session (so `stop` reaches its children), output to `log`."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=log.parent,  # not the checkout, whose litwatch/ folder would shadow the package
        )


def stop(process: subprocess.Popen) -> None:
    """Stop a process started by `start`, and everything it started."""
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


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    """A real `prefect server start` on a free loopback port with its own home."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    server = PrefectServer(f"http://127.0.0.1:{port}/api", home)
    process = start(
        [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        clean_env(PREFECT_HOME=home, PREFECT_UI_ENABLED="false"),
        home / "server.log",
    )
    try:

        def healthy() -> bool | None:
            if process.poll() is not None:
                pytest.fail(f"prefect server exited with {process.returncode}")
            try:
                return httpx.get(f"{server.url}/health", timeout=2).status_code == 200 or None
            except httpx.HTTPError:
                return None

        wait_for("the Prefect server", healthy, timeout=120, logs=[home])
        yield server
    finally:
        stop(process)


@pytest.fixture(scope="module")
def standin(corpus: Path):
    with running_standin([corpus / "ontopic" / "ontopic.xml"]) as running:
        yield running


@pytest.fixture
def client(prefect_server: PrefectServer):
    """A Prefect client of the loopback server."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: prefect_server.url}),
        get_client(sync_client=True) as client,
    ):
        yield client


def write_watches(folder: Path, *watches: str) -> Path:
    path = folder / "watches.toml"
    path.write_text("\n".join(watches), encoding="utf-8")
    return path


def watch(name: str, query: str, schedule: str = "") -> str:
    """One [[watch]] table; without `schedule`, the default (Monday 07:00 local)."""
    return f"""
[[watch]]
name = "{name}"
query = '''{query}'''
recipients = ["team@example.org"]
start_date = 2019-01-01
batch_size = 5
{f"schedule = {schedule}" if schedule else ""}
"""


def run_env(server: PrefectServer, standin_url: str, folder: Path, **more: str) -> dict[str, str]:
    """The environment of a process that runs flows: the loopback server, the stand-in."""
    return clean_env(
        PREFECT_API_URL=server.url,
        PREFECT_HOME=folder / "prefect-client",
        LITWATCH_EUTILS_URL=standin_url,
        LITWATCH_DATA_DIR=folder / "data",
        LITWATCH_NCBI_EMAIL="tests@example.org",
        LITWATCH_ENTREZ_BACKOFF_BASE="0.05",
        **more,
    )


def find_deployment(client, name: str, process: subprocess.Popen | None = None):
    """The deployment litwatch-watch/NAME, or None while it is not registered yet."""
    from prefect.exceptions import ObjectNotFound

    if process is not None and process.poll() is not None:
        pytest.fail(f"{process.args} exited with {process.returncode}")
    try:
        return client.read_deployment_by_name(f"litwatch-watch/{name}")
    except ObjectNotFound:
        return None


def final_state(client, run_id):
    state = client.read_flow_run(run_id).state
    return state if state is not None and state.is_final() else None


def schedules_of(deployment) -> list[tuple[str, str]]:
    return [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules]


def test_serve_schedules_each_watch_and_runs_complete_through_the_standin(
    prefect_server, client, standin, tmp_path
):
    from prefect.client.schemas.objects import StateType

    watches = write_watches(
        tmp_path,
        watch("alpha", QUERY_ALPHA, '{ cron = "30 6 * * 2", timezone = "Europe/Paris" }'),
        watch("beta", QUERY_BETA),
    )
    logs = [tmp_path, prefect_server.home]
    standin.log.clear()
    env = run_env(prefect_server, standin.base_url, tmp_path, TZ=SERVE_TZ)
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "1"
    serving = start([BIN / "litwatch", "serve", "--watches", watches], env, tmp_path / "serve.log")
    try:
        alpha = wait_for("alpha", partial(find_deployment, client, "alpha", serving), 60, logs)
        beta = wait_for("beta", partial(find_deployment, client, "beta", serving), 60, logs)
        assert schedules_of(alpha) == [("30 6 * * 2", "Europe/Paris")]
        assert schedules_of(beta) == [("0 7 * * 1", SERVE_TZ)]
        assert alpha.parameters == {"watch_name": "alpha"}
        assert alpha.work_pool_name is None  # served by litwatch serve itself

        # Both at once: two flow-run processes share NCBI's pace.
        runs = [client.create_flow_run_from_deployment(d.id) for d in (alpha, beta)]
        states = [
            wait_for(f"run {run.name}", partial(final_state, client, run.id), 90, logs)
            for run in runs
        ]
        assert [s.type for s in states] == [StateType.COMPLETED] * 2, states
    finally:
        stop(serving)

    searched = {e.params.get("term") for e in standin.log.entries() if e.endpoint == "esearch"}
    assert {QUERY_ALPHA, QUERY_BETA} <= searched
    assert standin.log.count("efetch", 200) >= 2
    assert standin.log.count(status=429) == 0, "the two runs together went past NCBI's rate"
    with Store.open(tmp_path / "data" / "litwatch.sqlite") as store:
        for name in ("alpha", "beta"):
            assert store.watermark(name) is not None, f"{name}'s run did not commit"
            assert len(store.digests(name)) == 1


def test_serve_into_a_work_pool_leaves_the_runs_to_a_prefect_worker(
    prefect_server, client, standin, tmp_path
):
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.client.schemas.objects import StateType
    from prefect.workers.process import ProcessWorker

    watches = write_watches(
        tmp_path, watch("gamma", QUERY_ALPHA, '{ cron = "0 5 * * *", timezone = "Asia/Tokyo" }')
    )
    logs = [tmp_path, prefect_server.home]
    env = run_env(prefect_server, standin.base_url, tmp_path)
    # What `prefect work-pool create litwatch-pool --type process` does, without its start-up.
    client.create_work_pool(
        WorkPoolCreate(
            name="litwatch-pool",
            type="process",
            base_job_template=ProcessWorker.get_default_base_job_template(),
        )
    )
    done = subprocess.run(
        [BIN / "litwatch", "serve", "--watches", watches, "--pool", "litwatch-pool"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "prefect worker start --pool litwatch-pool" in done.stdout.splitlines()[-1]
    gamma = find_deployment(client, "gamma")
    assert gamma.work_pool_name == "litwatch-pool"
    assert schedules_of(gamma) == [("0 5 * * *", "Asia/Tokyo")]
    # The worker's run reads the watch file named when the deployment was made.
    assert gamma.job_variables == {"env": {"LITWATCH_WATCHES_FILE": str(watches)}}

    run = client.create_flow_run_from_deployment(gamma.id)
    env["PREFECT_WORKER_QUERY_SECONDS"] = "1"
    worker = start(
        [BIN / "prefect", "worker", "start", "--pool", "litwatch-pool", "--type", "process"],
        env,
        tmp_path / "worker.log",
    )
    try:
        state = wait_for(f"run {run.name}", partial(final_state, client, run.id), 90, logs)
        assert state.type == StateType.COMPLETED, state
    finally:
        stop(worker)
    with Store.open(tmp_path / "data" / "litwatch.sqlite") as store:
        assert store.watermark("gamma") is not None
