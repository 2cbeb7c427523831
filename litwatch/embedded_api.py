"""The temporary Prefect API a flow command starts when no PREFECT_API_URL is set, made to end
with the litwatch process that started it, and to send Prefect no usage analytics unless the
user's `prefect_analytics` setting says so (Prefect's default is to send them).

Prefect 3 runs that API as a uvicorn child process (`SubprocessASGIServer`) and stops it only
from an atexit hook, so a run killed with SIGKILL left it listening (about 220 MB, re-parented
to init), and the next run started another. No Prefect setting runs it in-process or reuses
it. Prefect asks `SubprocessASGIServer()` for the one instance per port it keeps in a class
registry; an instance of the subclass below, put there first, is the one Prefect then starts,
and its child asks the kernel (Linux `PR_SET_PDEATHSIG`) to be sent SIGTERM when litwatch dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from contextlib import contextmanager, nullcontext
from unittest import mock

_PR_SET_PDEATHSIG = 1


def end_with_this_process(*, analytics: bool, end_with_process: bool = True) -> None:
    """Make the temporary Prefect API that this process may start end when the process does,
    and send Prefect usage analytics only if `analytics` (the `prefect_analytics` setting).

    Call it in the main thread, before any flow runs: the kernel signals the child when the
    thread that started it ends (on Linux only). `serve`, whose API Prefect may start from
    another thread, passes `end_with_process=False` and gets the analytics setting alone.
    Does nothing when an API URL is configured: litwatch then starts no server."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings

    class _EndsWithParent(SubprocessASGIServer):
        def _run_uvicorn_command(self) -> subprocess.Popen:
            # Prefect hands the child its current settings as environment variables: this one
            # decides whether the server's telemetry service phones home (and, offline, logs
            # "Failed to send telemetry" as an ERROR).
            with (
                temporary_settings({PREFECT_SERVER_ANALYTICS_ENABLED: analytics}),
                _children_end_with(os.getpid()) if end_with_process else nullcontext(),
            ):
                return super()._run_uvicorn_command()

    if None not in SubprocessASGIServer._instances:  # not started yet in this process
        _EndsWithParent()  # registers itself as the instance for "any free port"


@contextmanager
def _children_end_with(parent: int):
    """Within this block, each subprocess started is signalled SIGTERM when `parent` dies
    (on Linux; elsewhere the block changes nothing)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    popen = subprocess.Popen
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it

    def die_with_parent() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    def ending_with_parent(*args, **kwargs):
        return popen(*args, preexec_fn=die_with_parent, **kwargs)

    # Prefect's command line stays Prefect's: only how its Popen starts the child changes.
    with mock.patch.object(subprocess, "Popen", ending_with_parent):
        yield
