"""A run killed with SIGKILL takes its temporary Prefect API with it (issue #14, "also seen"):
Prefect stops that uvicorn child only from an atexit hook, which a killed process never runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from helpers import write_watch_file
from litwatch.standin.testing import running_standin

# Its tests start a stand-in, a Prefect flow or the CLI's flows themselves: the `server` lane.
pytestmark = pytest.mark.server

LITWATCH = Path(sys.executable).parent / "litwatch"


def processes_marked(mark: str) -> list[int]:
    """The processes whose environment holds MARK=`mark`: the run and the children it started."""
    return list(environments_marked(mark))


def environments_marked(mark: str) -> dict[int, dict[str, str]]:
    """{pid: environment} of the processes marked `mark` (see `processes_marked`)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
            status = (entry / "stat").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        zombie = status.rpartition(")")[2].split()[0] == "Z"
        variables = environment.split(b"\0")
        if f"TEST_MARK_OF_RUN={mark}".encode() in variables and not zombie:
            found[int(entry.name)] = dict(
                item.decode(errors="replace").partition("=")[::2] for item in variables if item
            )
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.slow
def test_a_run_killed_with_sigkill_leaves_no_prefect_api_server_behind(corpus, tmp_path):
    """Also: that API sends Prefect no usage analytics, though nothing in the environment says
    so (issue #18, 28: Prefect's default is on, and offline it logs "Failed to send telemetry")."""
    mark = uuid.uuid4().hex
    watches = write_watch_file(tmp_path, "metformin[tiab] OR neuropathy[tiab]")
    with running_standin([corpus / "ontopic" / "ontopic.xml"]) as standin:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("LITWATCH_", "PREFECT_"))
        } | {
            "TEST_MARK_OF_RUN": mark,
            "LITWATCH_EUTILS_URL": standin.base_url,
            "LITWATCH_DATA_DIR": str(tmp_path / "data"),
            "LITWATCH_WATCHES_FILE": str(watches),
            "LITWATCH_NCBI_EMAIL": "tests@example.org",
            "LITWATCH_CRASH_AT": "search:stop",  # hold the run mid-way, its API up
            "PREFECT_HOME": str(tmp_path / "prefect"),  # no API URL: the temporary one starts
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        }
        run = subprocess.Popen(
            [LITWATCH, "run"],
            env=environment,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            stopped = wait_for(lambda: _state(run.pid) == "T", 240)
            assert stopped, "the run never reached its search"
            children = {
                pid: environment
                for pid, environment in environments_marked(mark).items()
                if pid != run.pid
            }
            assert children, "control: the temporary API is found while the run lives"
            sent = {
                environment.get("PREFECT_SERVER_ANALYTICS_ENABLED", "unset").lower()
                for environment in children.values()
            }
            assert sent == {"false"}, sent
            os.kill(run.pid, signal.SIGKILL)
            run.wait(timeout=30)
            assert wait_for(lambda: not processes_marked(mark), 30), processes_marked(mark)
        finally:
            if run.poll() is None:
                run.kill()
                run.wait()
            for pid in processes_marked(mark):  # only if the promise broke: this test's own
                os.kill(pid, signal.SIGKILL)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return "gone"


@pytest.mark.parametrize("analytics", [False, True])
def test_the_prefect_analytics_setting_decides_what_the_temporary_api_is_told(
    monkeypatch, analytics
):
    """The one place every command's temporary API is started from (`end_with_this_process`)
    hands it the setting; the server child is started and read, then stopped at once."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from litwatch.embedded_api import end_with_this_process

    monkeypatch.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
    monkeypatch.setattr(SubprocessASGIServer, "_instances", {})  # none started in this test
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        end_with_this_process(analytics=analytics)
        server = SubprocessASGIServer()
        child = server._run_uvicorn_command()
    try:
        environment = Path(f"/proc/{child.pid}/environ").read_bytes().split(b"\0")
    finally:
        child.kill()
        child.wait()
    assert type(server).__name__ == "_EndsWithParent"  # control: litwatch's, not Prefect's own
    told = f"PREFECT_SERVER_ANALYTICS_ENABLED={analytics}".lower().encode()
    assert told in [variable.lower() for variable in environment]


def test_flows_that_a_command_runs_on_the_temporary_api_send_it_no_heartbeats(monkeypatch):
    """`litwatch run`, `demo`, `import`, `backfill` and `classify-bulk` run their flows inside
    `flows_in_this_process`. Prefect's heartbeat thread sleeps in one-second steps, and each
    flow run's end waited for it: the demo's 13 runs waited 6.6 s in all (profiled; the demo
    took 43.6 s before, 37.2 s after, the same files). The temporary API ends with the process,
    so no heartbeat would be read; with an API configured, Prefect's setting stands."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    from litwatch.embedded_api import flows_in_this_process

    monkeypatch.setattr(SubprocessASGIServer, "_instances", {})  # none started in this test
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 60}):
        with (
            temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}),
            flows_in_this_process(analytics=False),
        ):
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 60  # a lasting API reads them
            assert SubprocessASGIServer._instances == {}  # and litwatch starts no server
        with (
            temporary_settings(restore_defaults={PREFECT_API_URL}),
            flows_in_this_process(analytics=False),
        ):
            assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() is None
            # the temporary API, when a flow starts it, is litwatch's: it ends with the process
            assert type(SubprocessASGIServer._instances[None]).__name__ == "_EndsWithParent"
        assert PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value() == 60  # as it was after


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.slow
def test_serve_ends_in_one_line_when_its_temporary_api_dies(tmp_path):
    """Issue #18, item 14: `serve` stayed up with its API killed, its schedules silently
    stopped, and a later SIGTERM hung for more than 30 s."""
    watches = write_watch_file(tmp_path, "metformin[tiab]")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LITWATCH_", "PREFECT_"))
    } | {
        "LITWATCH_EUTILS_URL": "http://127.0.0.1:9/",  # no run is due: nothing is searched
        "LITWATCH_DATA_DIR": str(tmp_path / "data"),
        "PREFECT_HOME": str(tmp_path / "prefect"),  # no API URL: the temporary one starts
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }
    with open(tmp_path / "out.log", "wb") as out, open(tmp_path / "err.log", "wb") as err:
        serve = subprocess.Popen(
            [LITWATCH, "serve", "--watches", watches],
            env=environment,
            cwd=tmp_path,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        serving = wait_for(
            lambda: (
                serve.poll() is not None
                or "being served" in (tmp_path / "out.log").read_text(errors="replace")
            ),
            240,
        )
        assert serving and serve.poll() is None, (tmp_path / "err.log").read_text()
        (api,) = [pid for pid in _children(serve.pid) if b"uvicorn" in _cmdline(pid)]
        os.kill(api, signal.SIGKILL)
        assert serve.wait(timeout=15) == 1
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    errors = (tmp_path / "err.log").read_text()
    assert errors.strip().splitlines()[-1] == (
        f"litwatch: the temporary Prefect API (pid {api}) was killed (SIGKILL), so no schedule"
        " can run: serve stops. Start it again, or set PREFECT_API_URL to a lasting Prefect server"
    )
    assert "Traceback" not in errors, errors


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
