"""The per-watch run lock, between connections and between processes, and its stale-lock takeover."""

import subprocess
import sys
from datetime import timedelta

import pytest
from litwatch.core.errors import RunLockedError
from litwatch.store import Store

STALE = timedelta(hours=6)

# A second process: takes the lock, says so, holds it until told to go, then releases it.
HOLDER = """
import sys
from datetime import datetime, timedelta

from litwatch.store import Store

with Store.open(sys.argv[1]) as store:
    now = datetime.fromisoformat(sys.argv[2])
    store.begin_run("b12", None, now, now)
    store.acquire_lock("b12", "worker:2", now, timedelta(hours=6))
    print("held", flush=True)
    sys.stdin.readline()
    print("released" if store.release_lock("b12", "worker:2") else "lost", flush=True)
"""


def test_second_connection_is_refused_with_who_holds_it(tmp_path, now):
    path = tmp_path / "litwatch.sqlite"
    with Store.open(path) as first, Store.open(path) as second:
        run = first.begin_run("b12", None, now, now)
        first.acquire_lock("b12", "host-a:100", now, STALE)
        with pytest.raises(RunLockedError) as refused:
            second.acquire_lock("b12", "host-b:200", now + timedelta(minutes=5), STALE)
        assert str(refused.value) == (
            f"watch 'b12' is already running (run {run} started 2026-11-23 07:00 by host-a:100);"
            " wait for it to finish, or if that process is gone the lock is taken over after"
            " 2026-11-23 13:00"
        )
        second.acquire_lock("other", "host-b:200", now, STALE)  # other watches are free
        assert first.release_lock("b12", "host-a:100")
        second.acquire_lock("b12", "host-b:200", now + timedelta(minutes=6), STALE)


def test_the_holder_may_refresh_its_lock(store, now):
    store.acquire_lock("b12", "host-a:100", now, STALE)
    store.acquire_lock("b12", "host-a:100", now + timedelta(hours=5), STALE)
    with pytest.raises(RunLockedError, match=r"locked 2026-11-23 12:00 by host-a:100"):
        store.acquire_lock("b12", "host-b:200", now + timedelta(hours=10), STALE)


def test_a_stale_lock_is_taken_over_and_its_old_owner_cannot_release_it(store, now):
    store.acquire_lock("b12", "crashed:1", now, STALE)
    store.acquire_lock("b12", "host-b:200", now + STALE + timedelta(seconds=1), STALE)
    assert not store.release_lock("b12", "crashed:1")
    with pytest.raises(RunLockedError, match="by host-b:200"):
        store.acquire_lock("b12", "crashed:1", now + STALE + timedelta(minutes=1), STALE)


def test_lock_holds_across_processes(tmp_path, now):
    path = tmp_path / "litwatch.sqlite"
    Store.open(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-P", "-c", HOLDER, str(path), now.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        with Store.open(path) as store:
            with pytest.raises(
                RunLockedError, match=r"\(run 1 started 2026-11-23 07:00 by worker:2\)"
            ):
                store.acquire_lock("b12", "main:1", now, STALE)
            holder.stdin.write("go\n")
            holder.stdin.flush()
            assert holder.stdout.readline() == "released\n"
            assert holder.wait(timeout=10) == 0
            store.acquire_lock("b12", "main:1", now, STALE)
    finally:
        if holder.poll() is None:
            holder.kill()


def test_a_lock_of_a_killed_process_on_this_host_is_taken_over_at_once(store, now):
    import signal
    import socket

    sleeper = subprocess.Popen([sys.executable, "-P", "-c", "import time; time.sleep(60)"])
    killed = f"{socket.gethostname()}:{sleeper.pid}"
    store.acquire_lock("b12", killed, now, STALE)
    with pytest.raises(RunLockedError, match=f"by {killed}"):
        store.acquire_lock("b12", "host-b:200", now + timedelta(minutes=1), STALE)
    sleeper.send_signal(signal.SIGKILL)
    sleeper.wait()
    store.acquire_lock("b12", "host-b:200", now + timedelta(minutes=2), STALE)
    assert not store.release_lock("b12", killed)
