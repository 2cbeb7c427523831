"""How long `litwatch --help` takes, start to exit, as a user types it (target: under 0.3 s):
the median wall time of 5 runs after one warm-up run, so the figure is the warm-cache one.

Run: .venv/bin/python benchmarks/startup.py"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 5
TARGET_SECONDS = 0.3
LITWATCH = Path(sys.executable).parent / "litwatch"


def wall_seconds(command: list[str | Path]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    command = [LITWATCH, "--help"]
    wall_seconds(command)  # warm-up: the first run after an install compiles .pyc files
    times = [wall_seconds(command) for _ in range(RUNS)]
    median = statistics.median(times)
    print("litwatch --help, wall seconds: " + ", ".join(f"{t:.3f}" for t in times))
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    print(f"median {median:.3f} s, {verdict} the {TARGET_SECONDS} s target")
    print(f"help_seconds={median:.3f}")


if __name__ == "__main__":
    main()
