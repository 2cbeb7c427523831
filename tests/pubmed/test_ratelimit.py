"""The shared pace: no one-second window ever holds more request starts than the rate allows,
whether the requests come from threads of one process or from several processes."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time

from litwatch.pubmed.ratelimit import RateLimiter, limiter_for


def most_starts_in_one_second(starts: list[float]) -> int:
    """The largest number of starts inside any closed one-second window."""
    starts = sorted(starts)
    most, first = 0, 0
    for last, start in enumerate(starts):
        while start - starts[first] > 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_threads_sharing_a_limiter_never_exceed_the_rate(tmp_path):
    rate, threads, calls = 10, 4, 4
    limiter = limiter_for("http://127.0.0.1:1/threads/", keyed=True, rate=rate, state_dir=tmp_path)
    starts: list[float] = []
    lock = threading.Lock()

    def client():
        for _ in range(calls):
            limiter.acquire()
            now = time.monotonic()  # when the caller could really send
            with lock:
                starts.append(now)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert len(starts) == threads * calls
    assert most_starts_in_one_second(starts) <= rate
    # ... and still near full speed: the slack costs 10 %, not a request per second.
    spent = max(starts) - min(starts)
    assert (threads * calls - 1) * 1.1 / rate <= spent < (threads * calls - 1) * 1.1 / rate + 1.0


def test_limiters_are_shared_per_server_and_key_or_not(tmp_path):
    keyed = limiter_for("http://a/", keyed=True, rate=10, state_dir=tmp_path)
    assert limiter_for("http://a/", keyed=True, rate=10, state_dir=tmp_path) is keyed
    assert limiter_for("http://a/", keyed=False, rate=3, state_dir=tmp_path) is not keyed
    assert limiter_for("http://b/", keyed=True, rate=10, state_dir=tmp_path) is not keyed
    unkeyed = limiter_for("http://a/", keyed=False, rate=3, state_dir=tmp_path)
    assert unkeyed.state_file != keyed.state_file


def test_a_pace_file_from_another_boot_does_not_block(tmp_path):
    state_file = tmp_path / "pace"
    state_file.write_text(repr(time.monotonic() + 3600))
    before = time.monotonic()
    RateLimiter(3, state_file).acquire()
    assert time.monotonic() - before < 0.2


def test_without_a_pace_file_the_process_is_still_paced():
    limiter = RateLimiter(20, state_file=None)
    starts = [limiter.acquire() for _ in range(22)]
    assert most_starts_in_one_second(starts) <= 20
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 1.1 / 20


PACED_PROCESS = """
import sys, time
from pathlib import Path
from litwatch.pubmed.ratelimit import limiter_for
state_dir, calls = Path(sys.argv[1]), int(sys.argv[2])
limiter = limiter_for("http://127.0.0.1:1/processes/", keyed=True, rate=10, state_dir=state_dir)
print("ready", flush=True)
sys.stdin.readline()  # the go, given once both processes are ready
for _ in range(calls):
    limiter.acquire()
    print(time.monotonic(), flush=True)
"""


def test_two_processes_share_one_limit(tmp_path):
    calls = 6
    processes = [
        subprocess.Popen(
            [sys.executable, "-P", "-c", PACED_PROCESS, str(tmp_path), str(calls)],
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    # Both start together once both have started up: a fixed head start of 1 s was not always
    # enough for the imports on a busy machine, and one process then ran alone.
    assert [process.stdout.readline() for process in processes] == ["ready\n"] * 2
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=30)[0] for process in processes]
    assert all(process.returncode == 0 for process in processes)
    # Monotonic time is one clock for the whole machine, so the two processes' times compare.
    per_process = [[float(line) for line in output.split()] for output in outputs]
    starts = per_process[0] + per_process[1]

    assert len(starts) == 2 * calls
    assert most_starts_in_one_second(starts) <= 10
    # The two really ran side by side: their starts interleave.
    assert min(per_process[1]) < max(per_process[0]) and min(per_process[0]) < max(per_process[1])
