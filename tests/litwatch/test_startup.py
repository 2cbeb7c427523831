"""Start-up stays light: the CLI, its help and `litwatch doctor` never import Prefect or
scikit-learn (each costs seconds); only the commands that run flows or models do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("prefect", "sklearn")

# Runs the real Typer app in a fresh interpreter, then says which heavy packages it loaded.
PROBE = f"""
import sys
from litwatch.cli import app
try:
    app(sys.argv[1:], prog_name="litwatch")
except SystemExit:
    pass
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & {set(HEAVY)!r})
print("loaded=" + ",".join(loaded))
"""


def loaded_after(args: list[str], tmp_path: Path, **env: str) -> tuple[list[str], str]:
    """Heavy packages in sys.modules after running `litwatch ARGS`, and what it printed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LITWATCH_", "PREFECT_"))}
    done = subprocess.run(
        [sys.executable, "-P", "-c", PROBE, *args],
        check=False,
        env=clean | env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("loaded="), done.stdout + done.stderr
    return [name for name in last.removeprefix("loaded=").split(",") if name], done.stdout


def test_importing_the_cli_loads_neither_prefect_nor_sklearn(tmp_path):
    done = subprocess.run(
        [sys.executable, "-P", "-c", "import sys, litwatch.cli; print(*sys.modules)"],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    modules = {name.split(".")[0] for name in done.stdout.split()}
    assert "litwatch" in modules
    assert not modules & set(HEAVY)


@pytest.mark.parametrize("args", [["--help"], ["doctor", "--help"], ["serve", "--help"]])
def test_help_loads_neither_prefect_nor_sklearn(args, tmp_path):
    loaded, printed = loaded_after(args, tmp_path)
    assert "Usage: litwatch" in printed
    assert loaded == []


def test_doctor_loads_the_models_as_a_run_does_but_never_prefect(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: doctor reports it unreachable
    loaded, printed = loaded_after(
        ["doctor"],
        tmp_path,
        LITWATCH_EUTILS_URL=f"http://127.0.0.1:{port}/entrez/eutils/",
        LITWATCH_DATA_DIR=str(tmp_path / "data"),
        LITWATCH_SMTP_HOST="127.0.0.1",
        LITWATCH_SMTP_PORT=str(port),
        LITWATCH_SMTP_SECURITY="none",
    )
    assert "FAIL NCBI E-utilities" in printed and "ok   watch file" in printed
    # doctor loads the design and findings models as a run would (issue #18 item 4), which
    # takes scikit-learn; a flow's Prefect stays out
    assert loaded == ["sklearn"]
