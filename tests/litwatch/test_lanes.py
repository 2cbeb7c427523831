"""The fast lane (`./dev check`) leaves out exactly the tests that need a server: a test is marked
`server` by the fixtures it takes (their closure), or by its module's own `pytestmark`, never by
the folder it sits in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import needs_server

TESTS = Path(__file__).parents[1]


def test_a_test_is_marked_by_the_server_fixtures_it_takes():
    assert needs_server(("smtp_server", "tmp_path"))
    assert needs_server(("prefect_api",))
    assert not needs_server(("tmp_path",))  # control: no server fixture, no mark


def collected(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return {line for line in done.stdout.splitlines() if "::" in line}


def test_pure_tests_in_server_folders_join_the_fast_lane_and_server_tests_do_not():
    fast = collected("-m", "not server", "tests/standin/test_query.py", "tests/flows")
    # the stand-in's query parser and the evidence moves over a store need no server, whatever
    # their folder
    assert any("tests/standin/test_query.py::" in test for test in fast)
    assert any("tests/flows/test_evidence.py::" in test for test in fast)
    # control: a test taking the stand-in (through its fixtures' closure) stays out, and so does
    # a module that starts its own servers
    assert not any("test_weekly.py::" in test for test in fast)
    assert not any("test_backfill.py::" in test for test in fast)
