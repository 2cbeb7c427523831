"""The main job, as the README's first command runs it: `litwatch demo` end to end (the stand-in,
the back-fill of the history, the weekly flow through Bio.Entrez over HTTP, the digests and the
evidence summary), in a child process as a user starts it."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from helpers import command_env

# It starts the stand-in and a Prefect API of its own: the `server` lane.
pytestmark = pytest.mark.server


@pytest.mark.slow
def test_the_demo_runs_end_to_end_and_writes_digests_and_the_summary(tmp_path):
    environment = command_env(tmp_path)
    out = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "litwatch", "demo", "--weeks", "2", "--out", str(out)],
        cwd=Path(__file__).resolve().parents[2],  # ../shared/corpus, as the README says
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    weeks = [line for line in done.stdout.splitlines() if line.startswith("week")]
    assert len(weeks) == 2, done.stdout
    latest = out / "out" / "b12-dpn" / "summary" / "latest"
    for name in ("index.html", "summary.md", "summary.json"):
        assert (latest / name).is_file(), name
    schema_file = resources.files("litwatch.outputs") / "schema" / "summary.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    summary = json.loads((latest / "summary.json").read_text(encoding="utf-8"))
    jsonschema.validate(summary, schema)
    assert summary["statements"], "the demo's summary states something"
    digests = sorted((out / "out" / "b12-dpn" / "digests").iterdir())
    assert len(digests) == 2  # one a week (the back-filled history's is recorded, not written)
