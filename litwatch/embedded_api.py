"""The temporary Prefect API a flow command starts when no PREFECT_API_URL is set, made to end
with the litwatch process that started it, and to send Prefect no usage analytics unless the
user's `prefect_analytics` setting says so (Prefect's default is to send them).

Prefect 3 runs that API as a uvicorn child process (`SubprocessASGIServer`) and stops it only
from an atexit hook, so a run killed with SIGKILL left it listening (about 220 MB, re-parented
to init), and the next run started another. No Prefect setting runs it in-process or reuses
it. Prefect asks `SubprocessASGIServer()` for the one instance per port it keeps in a class
registry; an instance of the subclass below, put there first, is the one Prefect then starts,
and its child asks the kernel (Linux `PR_SET_PDEATHSIG`) to be sent SIGTERM when litwatch dies.

The other way round, `litwatch serve` must not outlive its API: with the API gone its schedules
silently stop and a SIGTERM hangs in Prefect's shutdown calls to it. `serve` asks to end when
the API does, with one line on stderr (a service manager then starts both again).

This is the one module that uses what Prefect offers no public way to do (the names in
`PREFECT_INTERNALS`: the server class, its per-port registry, how it starts its child and the
`subprocess.Popen` it calls). `tests/litwatch/test_prefect_internals.py` checks each against the
installed Prefect and names what a release changed; `pyproject.toml` admits only the Prefect
minor versions that test has passed on.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from unittest import mock

_PR_SET_PDEATHSIG = 1
API_WATCH_SECONDS = 0.5  # how soon `serve` notices its API died
CHILDREN_END_SECONDS = 5  # how long `serve` waits for its children after its API died
# Prefect's 20 s for the API child to answer is too short on a busy machine (two cores shared
# with a test run): the demo then failed with "Timed out while attempting to connect".
STARTUP_TIMEOUT_SECONDS = 120

# What this module relies on in prefect.server.api.server.SubprocessASGIServer, none of it
# public: name -> what it must be.
PREFECT_INTERNALS = {
    "_instances": "the class's registry of instances by port (a dict; None: any free port)",
    "_run_uvicorn_command": "the method that starts the uvicorn child and returns its Popen",
    "server_process": "the attribute holding that Popen",
    "start": "the method that starts the child and waits for it (timeout=...)",
    "stop": "the method that stops the child",
}


def end_with_this_process(
    *, analytics: bool, end_with_process: bool = True, exit_with_api: bool = False
) -> None:
    """Make the temporary Prefect API that this process may start end when the process does,
    and send Prefect usage analytics only if `analytics` (the `prefect_analytics` setting);
    with `exit_with_api`, also end this process, in one line, should that API die.

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
        stopping = False  # ended on purpose (atexit, or Prefect's own shutdown)
        died = False  # ended on its own: `_end_when_it_ends` says so and ends this process
        ending = threading.Lock()  # one of the two, decided once

        def _run_uvicorn_command(self) -> subprocess.Popen:
            # Prefect hands the child its current settings as environment variables: this one
            # decides whether the server's telemetry service phones home (and, offline, logs
            # "Failed to send telemetry" as an ERROR).
            with (
                temporary_settings({PREFECT_SERVER_ANALYTICS_ENABLED: analytics}),
                _children_end_with(os.getpid()) if end_with_process else nullcontext(),
            ):
                process = super()._run_uvicorn_command()
            if exit_with_api:
                threading.Thread(
                    target=_end_when_it_ends, args=(self, process), name="api-watch", daemon=True
                ).start()
            return process

        def start(self, timeout: int | None = None) -> None:
            super().start(timeout=timeout or STARTUP_TIMEOUT_SECONDS)

        def stop(self) -> None:
            if exit_with_api and _report_if_dead(self):
                return
            with self.ending:
                if self.died:  # its death is being reported: that one line stays the last
                    return
                self.stopping = True  # an end on purpose (atexit), not a death
            super().stop()

    if None not in SubprocessASGIServer._instances:  # not started yet in this process
        _EndsWithParent()  # registers itself as the instance for "any free port"


@contextmanager
def without_heartbeats_if_temporary() -> Iterator[None]:
    """Flow runs within send no heartbeats when the Prefect API is the temporary one.

    A heartbeat lets a lasting Prefect server mark a run whose process died as crashed; the
    temporary API ends with this process, so none would ever be read, and Prefect's heartbeat
    thread, which sleeps in one-second steps, held the end of every flow run for up to a
    second (benchmarks/bulk.py: 0.2 to 0.8 s between the flow's return and its runner's exit).
    With PREFECT_API_URL set, Prefect's default stands."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextmanager
def flows_in_this_process(*, analytics: bool) -> Iterator[None]:
    """For a command that runs its flows in this process: the temporary API ends with the
    process (`end_with_this_process`), and the flow runs within send it no heartbeats
    (`without_heartbeats_if_temporary`: each run's end no longer waits up to a second for the
    heartbeat thread; the demo's 13 runs waited 6.6 s in all, profiled)."""
    end_with_this_process(analytics=analytics)
    with without_heartbeats_if_temporary():
        yield


def _end_when_it_ends(server, process: subprocess.Popen) -> None:
    """Wait for the API process to end; unless it was stopped on purpose (or replaced, as
    Prefect does when its port was taken), say so in one line and end this process and the
    flow runs it started. A clean shutdown is not possible: it would wait on the dead API."""
    while process.poll() is None:
        time.sleep(API_WATCH_SECONDS)
    if process.returncode == 3:  # its port was taken: Prefect starts another on a free one
        time.sleep(4 * API_WATCH_SECONDS)
    _report_if_dead(server, watched=process)


def end_if_api_died() -> None:
    """For `serve`, when Prefect's runner fails: if this process's temporary API died under
    it (killed while the runner was still starting, before the watcher looked), end in the one
    line instead of the runner's traceback."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer._instances.get(None)
    if server is not None and hasattr(server, "died"):
        _report_if_dead(server)


def _report_if_dead(server, watched: subprocess.Popen | None = None) -> bool:
    """If `server`'s API process ended on its own (not stopped on purpose, nor replaced), say
    so in one line and end this process; False when it is alive or was stopped. Decided once,
    under the server's lock, whichever of the watcher (`watched`: the process it waited on),
    Prefect's stop() or `serve` asks first."""
    with server.ending:
        process = server.server_process
        if server.died or server.stopping or process is None or process.poll() is None:
            return False
        if watched is not None and process is not watched:
            return False  # replaced, as Prefect does when its port was taken
        if watched is None and process.returncode == 3:
            return False  # its port was taken: Prefect is starting another
        server.died = True  # from now on stop() is a no-op and logs nothing after our line
    # Nor does any other part of Prefect in this process: what it would say about the dead
    # API now ("Stopping temporary server ...") is the one line's to say.
    logging.getLogger("prefect").disabled = True
    # The children (flow runs, anything Prefect started) end first, and are waited for, so
    # that whatever they log on the stderr they share comes before the one line: a clean-clone
    # CI run once showed "Stopping temporary server" after it.
    children = _children_of(os.getpid())
    for child in children:
        try:
            os.kill(child, signal.SIGTERM)
        except ProcessLookupError:
            pass
    waited = time.monotonic() + CHILDREN_END_SECONDS
    while time.monotonic() < waited and set(children) & set(_children_of(os.getpid())):
        time.sleep(0.05)
    code = process.returncode
    how = f"was killed ({signal.Signals(-code).name})" if code < 0 else f"exited ({code})"
    sys.stderr.write(
        f"litwatch: the temporary Prefect API (pid {process.pid}) {how}, so no schedule can"
        " run: serve stops. Start it again, or set PREFECT_API_URL to a lasting Prefect server\n"
    )
    sys.stderr.flush()
    os._exit(1)


def _children_of(parent: int) -> list[int]:
    """The live processes whose parent is `parent` (Linux /proc)."""
    children = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            children.append(int(entry))
    return children


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
