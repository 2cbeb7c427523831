"""The checkout runs as installed: from the repository root, where the face's folder litwatch/
sits beside the rooms it maps (core/, classifiers/, ...), `python -m litwatch` and imports of
every room work, and a module added to a room imports without a reinstall."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_at_root(*args: str) -> subprocess.CompletedProcess[str]:
    """Python run in the repository root, with the root first on sys.path (as `python -m` does)."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_python_m_litwatch_works_from_the_repository_root():
    done = run_at_root("-m", "litwatch", "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: python -m litwatch" in done.stdout


def test_every_room_imports_from_the_repository_root():
    rooms = ["core", "pubmed", "store", "classifiers.judge", "outputs.summary", "flows", "standin"]
    program = "; ".join(f"import litwatch.{room}" for room in rooms)
    done = run_at_root("-c", program + "; import litwatch.core; print(litwatch.core.__file__)")
    assert done.returncode == 0, done.stderr
    # the room comes from its own folder, not from a copy under litwatch/ or build/
    assert Path(done.stdout.strip()) == ROOT / "core" / "__init__.py"


def test_a_new_module_in_a_room_imports_without_a_reinstall():
    name = f"probe_{uuid.uuid4().hex[:8]}"
    module = ROOT / "classifiers" / f"{name}.py"
    module.write_text("ANSWER = 42\n")
    try:
        done = run_at_root("-c", f"from litwatch.classifiers.{name} import ANSWER; print(ANSWER)")
    finally:
        module.unlink()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
