"""A record's key finding: its conclusion, else its last result, cut to 280 characters."""

from __future__ import annotations

from litwatch.classifiers.findings.key_finding import LIMIT, key_finding, shorten
from litwatch.core.records import AbstractSection, Record


def record(*sections: tuple[str, str]) -> Record:
    return Record("1", abstract=tuple(AbstractSection(text, label) for label, text in sections))


def test_the_conclusion_is_the_key_finding():
    found = key_finding(
        record(
            ("RESULTS", "Pain fell by 2 points. Sleep improved."),
            ("CONCLUSIONS", "B12 relieved pain. More trials are needed."),
            ("TRIAL REGISTRATION", "NCT01234567."),
        )
    )
    assert found == "B12 relieved pain."


def test_without_a_conclusion_the_last_result_is_the_key_finding():
    found = key_finding(
        record(
            ("METHODS", "We randomised 90 adults."),
            ("RESULTS", "Pain fell by 2 points. Sleep improved with B12 (p = 0.01)."),
        )
    )
    assert found == "Sleep improved with B12 (p = 0.01)."


def test_an_unstructured_abstract_ends_with_its_finding_not_its_registration():
    found = key_finding(
        record(("", "We randomised 90 adults. B12 relieved pain. Trial registration: NCT01234567."))
    )
    assert found == "B12 relieved pain."


def test_a_long_finding_is_cut_at_a_word_boundary_with_an_ellipsis():
    long = "Methylcobalamin improved " + "vibration perception and nerve conduction " * 10 + "."
    cut = shorten(long)
    assert len(cut) <= LIMIT and cut.endswith("…")
    assert long.startswith(cut[:-1]) and long[len(cut) - 1] == " "  # cut before a space
    short = "B12 relieved pain."
    assert shorten(short) == short  # control: a short sentence is left whole


def test_a_record_without_abstract_has_no_key_finding():
    assert key_finding(Record("1", title="B12 and neuropathy")) == ""
