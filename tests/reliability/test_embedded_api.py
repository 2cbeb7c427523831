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
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
            status = (entry / "stat").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        zombie = status.rpartition(")")[2].split()[0] == "Z"
        if f"LITWATCH_TEST_MARK={mark}".encode() in environment.split(b"\0") and not zombie:
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_run_killed_with_sigkill_leaves_no_prefect_api_server_behind(corpus, tmp_path):
    mark = uuid.uuid4().hex
    watches = write_watch_file(tmp_path, "metformin[tiab] OR neuropathy[tiab]")
    with running_standin([corpus / "ontopic" / "ontopic.xml"]) as standin:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("LITWATCH_", "PREFECT_"))
        } | {
            "LITWATCH_TEST_MARK": mark,
            "LITWATCH_EUTILS_URL": standin.base_url,
            "LITWATCH_DATA_DIR": str(tmp_path / "data"),
            "LITWATCH_WATCHES_FILE": str(watches),
            "LITWATCH_NCBI_EMAIL": "tests@example.org",
            "LITWATCH_CRASH_AT": "search:stop",  # hold the run mid-way, its API up
            "PREFECT_HOME": str(tmp_path / "prefect"),  # no API URL: the temporary one starts
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
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
            children = [pid for pid in processes_marked(mark) if pid != run.pid]
            assert children, "control: the temporary API is found while the run lives"
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
