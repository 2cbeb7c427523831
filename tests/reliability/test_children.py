"""The reliability tests' children (tests/support/children.py) start from a warm fork server:
Prefect, scikit-learn and the models imported once, not once per killed run."""

from __future__ import annotations

import subprocess
import sys

import children

PROBE = """
import children
context = children.fork_server()
process = context.Process(target=children.exit_warm)
process.start()
process.join()
raise SystemExit(process.exitcode)
"""


def test_a_child_of_the_fork_server_finds_the_support_module_already_imported():
    # A fresh interpreter, so that no fork server started by an earlier test is reused; the
    # folder comes on sys.path as pytest puts it there, not on PYTHONPATH.
    probe = f"import sys; sys.path.insert(0, {str(children.SUPPORT)!r})\n" + PROBE
    finished = subprocess.run(
        [sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, (finished.returncode, finished.stderr[-2000:])
