"""The bulk classification's libraries (Dask, prefect-dask, pyarrow) are the `bulk` extra: the
weekly pipeline installs without them, and classify-bulk without them says how to get them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BULK = ("dask", "prefect-dask", "pyarrow")

# Runs `litwatch ARGS` with the named packages made unimportable, as on an install without them.
WITHOUT = """
import sys
for name in {names!r}:
    sys.modules[name] = None  # import raises ImportError, as if not installed
from litwatch.cli import main
sys.argv = ["litwatch", *sys.argv[1:]]
main()
"""


def litwatch_without(names: tuple[str, ...], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    program = WITHOUT.format(names=names)
    return subprocess.run(
        [sys.executable, "-P", "-c", program, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_weekly_pipeline_needs_none_of_the_bulk_libraries():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = " ".join(project["dependencies"])
    assert not [name for name in BULK if name in required]
    bulk = " ".join(project["optional-dependencies"]["bulk"])
    assert all(name in bulk for name in BULK)


@pytest.mark.parametrize("missing", ["pyarrow", "prefect_dask", "dask"])
def test_classify_bulk_without_the_extra_says_how_to_install_it_in_one_line(missing, tmp_path):
    xml = tmp_path / "in.xml"
    xml.write_text("<PubmedArticleSet/>")
    done = litwatch_without(
        (missing,), "classify-bulk", str(xml), "--out", "o.parquet", cwd=tmp_path
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "pip install 'litwatch[bulk]'" in lines[0] and missing.split("_")[0] in lines[0]
    assert not (tmp_path / "o.parquet").exists()


def test_control_with_the_libraries_the_same_command_gets_past_the_check(tmp_path):
    done = litwatch_without(("nothing_of_ours",), "classify-bulk", "--help", cwd=tmp_path)
    assert done.returncode == 0 and "Parquet" in done.stdout
