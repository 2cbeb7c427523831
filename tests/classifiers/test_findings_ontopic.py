"""Findings on the on-topic B12 trials, checked by hand against each abstract."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.domains import read_findings
from litwatch.classifiers.findings.key_finding import key_finding

from litwatch.config import load_watches


@pytest.fixture(scope="module")
def watch():
    return load_watches()[0]


def findings(record, watch) -> dict[str, tuple[str, str]]:
    found = read_findings(
        record, watch.outcome_domains, watch.findings.intervention, watch.findings.comparator
    )
    return {f.domain: (f.effect, f.direction) for f in found}


def test_one_year_methylcobalamin_trial_favours_b12_on_every_measure(ontopic_records, watch):
    # 99000002 RESULTS: "Vibration threshold, symptom questionnaire, quality of life, pain,
    # sural conduction and foot sudomotor function improved with methylcobalamin and several
    # measures worsened with placebo."
    found = findings(ontopic_records["99000002"], watch)
    for domain in ("pain", "quality-of-life", "vibration-perception", "small-fibre"):
        assert found[domain][1] == "favours-intervention", domain
    assert found["pain"][0] == "decreased" and found["quality-of-life"][0] == "increased"


def test_b_complex_trial_lowers_symptoms_but_not_nerve_conduction(ontopic_records, watch):
    # 99000016 RESULTS: "Symptom scores fell more with the B-complex than with placebo; nerve
    # conduction did not differ."
    found = findings(ontopic_records["99000016"], watch)
    assert found == {
        "symptom-score": ("decreased", "favours-intervention"),
        "nerve-conduction": ("no-difference", "no-difference"),
    }


def test_three_arm_formulation_trial_finds_vibration_alike_across_arms(ontopic_records, watch):
    # 99000013 RESULTS: "Toronto scores and vibration thresholds improved similarly across arms."
    found = findings(ontopic_records["99000013"], watch)
    assert found["vibration-perception"] == ("no-difference", "no-difference")


def test_an_uncontrolled_trial_change_is_not_credited_to_either_arm(ontopic_records, watch):
    # 99000004 is open-label without a control group: "Toronto scores fell significantly".
    found = findings(ontopic_records["99000004"], watch)
    assert found["symptom-score"][1] == "unclear"


def test_key_findings_are_the_conclusions(ontopic_records):
    assert key_finding(ontopic_records["99000016"]) == (
        "A B-complex tablet modestly reduced symptoms over 12 weeks."
    )
    assert key_finding(ontopic_records["99000002"]).startswith("Correcting low B12")
