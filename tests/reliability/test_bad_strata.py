"""A watch file with a bad `[[watch.strata]]` entry stops `litwatch classify` in one line."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
WATCH = """
[[watch]]
name = "mine"
query = "metformin[tiab]"

[[watch.strata]]
name = "b12"
title = "baseline B12"
terms = ["B12"]
unit = "pmol/L"
low_at_most = 250
levels.high = { population = "high-b12", title = "people with high B12" }
"""


def test_a_bad_stratum_stops_classify_in_one_line_without_traceback(litwatch, cli_env, tmp_path):
    path = tmp_path / "watches.toml"
    path.write_text(WATCH, encoding="utf-8")
    result = litwatch("classify", DATA / "guidance_records.xml", "--watches", path)
    assert result.exit_code != 0 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert str(path) in line and "strata.0: stratum 'b12': levels must be among low, normal" in line
    assert "Traceback" not in result.stderr
    # control: the same file with a known level classifies
    path.write_text(WATCH.replace("levels.high", "levels.low"), encoding="utf-8")
    assert litwatch("classify", DATA / "guidance_records.xml", "--watches", path).exit_code == 0
