"""The reliability tests' children (tests/support/children.py) start from a warm fork server:
Prefect, scikit-learn and the models imported once, not once per killed run."""

from __future__ import annotations

import subprocess
import sys

from forking import SUPPORT

# In a fresh interpreter, so that no fork server started by an earlier test is reused; the
# support folder on sys.path as pytest puts it there, not on PYTHONPATH.
PROBE = f"""
import sys
sys.path.insert(0, {str(SUPPORT)!r})
import forking
context = forking.warm_fork_server("children")
process = context.Process(target=forking.exit_warm, args=("children",))
process.start()
process.join()
raise SystemExit(process.exitcode)
"""


def test_a_child_of_the_fork_server_finds_the_support_module_already_imported():
    finished = subprocess.run(
        [sys.executable, "-c", PROBE], check=False, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, (finished.returncode, finished.stderr[-2000:])
