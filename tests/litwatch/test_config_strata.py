"""`[[watch.strata]]` in the watch file: the strata "who benefits" is read by, with their
cut-offs, live in the watch, not in code; a mistake is one line naming file, watch and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from litwatch.core.errors import ConfigError

from litwatch.config import load_watches

DATA = Path(__file__).resolve().parents[1] / "data"
WATCH = """
[[watch]]
name = "mine"
query = "metformin[tiab]"

[[watch.strata]]
name = "b12"
title = "baseline B12"
terms = ["B12", "cobalamin"]
unit = "pmol/L"
units = { "pg/mL" = 0.738 }
low_at_most = 250
normal_from = 148
levels.low = { population = "low-b12", title = "people with low B12" }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watches.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_watch_declares_its_strata_and_cut_offs():
    (watch,) = load_watches()
    b12, metformin = watch.findings_definition.strata
    assert (b12.kind, b12.unit, b12.low_at_most, b12.normal_from) == ("measure", "pmol/L", 400, 148)
    assert b12.populations == (("low", "low-b12"), ("normal", "normal-b12"))
    assert (metformin.kind, metformin.level_title("users")) == ("use", "metformin users")


def test_the_cut_off_comes_from_the_watch(tmp_path, corpus):
    """An enrolment ceiling of 400 pmol/L is low under the shipped cut-off (400), not under a
    watch's 250."""
    from litwatch.classifiers.findings.text import read_abstract
    from litwatch.classifiers.readers.strata import read_strata
    from litwatch.pubmed.xml import parse_xml

    [trial] = [r for r in parse_xml(corpus / "ontopic" / "ontopic.xml") if r.pmid == "99000002"]
    shipped = load_watches()[0].findings_definition.strata
    mine = load_watches(write(tmp_path, WATCH))[0].findings_definition.strata
    abstract = read_abstract(trial)
    assert read_strata(abstract, shipped)[0].level == "low"
    assert read_strata(abstract, mine)[0].level == "not-stated"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("low_at_most = 250\n", ""),
            "watch 'mine': strata.0: Value error, stratum 'b12': a measure needs a unit and low_at_most",
        ),
        (
            ("levels.low", "levels.high"),
            "stratum 'b12': levels must be among low, normal, not high",
        ),
        (
            ('terms = ["B12", "cobalamin"]', 'terms = ["B12", " "]'),
            "watch 'mine': strata.0.terms: Value error, a term is empty",
        ),
        (
            ("low_at_most = 250", "low_at_most = -1"),
            "watch 'mine': strata.0.low_at_most: Input should be greater than 0",
        ),
    ],
)
def test_a_bad_stratum_is_one_line_naming_file_watch_and_key(tmp_path, change, expected):
    path = write(tmp_path, WATCH.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_watches(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert expected.replace("Value error, ", "") in message
