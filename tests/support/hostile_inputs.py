"""Hostile inputs shared by the reliability tests and benchmarks/hostile.py: a gzip bomb and a
child process that runs `litwatch classify` on a file and reports its own peak memory."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from pathlib import Path

MB = 2**20

# VmHWM is the child's own peak; ru_maxrss survives exec on Linux and would report the size
# of a large parent (a pytest worker).
_CLASSIFY_AND_REPORT_PEAK = """
import re, sys
from litwatch.cli import main
sys.argv = ["litwatch", "classify", sys.argv[1]]
try:
    main()
finally:
    with open("/proc/self/status") as status:
        peak_kb = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
    print("peak_mb=%d" % (peak_kb // 1024), file=sys.stderr)
"""


def gzip_bomb(path: Path, decompressed_mb: int, first: bytes, filler: bytes) -> Path:
    """A gzip file of `first` then `filler` over and over, `decompressed_mb` MB unpacked and
    about a thousandth of that packed."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    block = filler * (MB // len(filler))
    with path.open("wb") as out:
        out.write(packer.compress(first))
        for _ in range(decompressed_mb):
            out.write(packer.compress(block))
        out.write(packer.flush())
    return path


def classify_peak(path: Path, env: dict[str, str] | None = None) -> tuple[int, int, str]:
    """`litwatch classify PATH` in a child: (exit code, its peak memory in MB, its last line
    before the peak)."""
    child = subprocess.run(
        [sys.executable, "-P", "-c", _CLASSIFY_AND_REPORT_PEAK, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    lines = child.stderr.strip().splitlines()
    found = re.fullmatch(r"peak_mb=(\d+)", lines[-1]) if lines else None
    if found is None:
        raise AssertionError(f"the child reported no peak: {child.stderr[-2000:]}")
    return child.returncode, int(found.group(1)), lines[-2] if len(lines) > 1 else ""
