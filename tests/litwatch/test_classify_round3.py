"""`litwatch classify` on trials written for this test, as a user sees them in the JSON lines
(issue #19, round 3): a subgroup counted after "the", an interaction test beside it, the
effect stated part by part, arms' shares of a state, a part of an instrument named in the
methods, and harms denied across the arms or given as withdrawals."""

from __future__ import annotations

from pathlib import Path

from classify_export import classify_rows, write_export

TRIALS = {
    "91000011": (
        "Methylcobalamin for diabetic neuropathy in general practice: a randomised trial",
        (
            "We randomised 240 adults with type 2 diabetes and neuropathy to methylcobalamin "
            "or placebo for 52 weeks. Neuropathy was graded with the Utah Early Neuropathy "
            "Scale sensory score; serum B12 was measured at 52 weeks."
        ),
        (
            "The sensory score fell more with methylcobalamin than with placebo (p = 0.02). "
            "The improvement was largely confined to participants in the highest quartile of "
            "neuropathy severity, with no effect in the lower quartiles. In the 58 current "
            "smokers, vibration threshold was lower with methylcobalamin than with placebo "
            "(p = 0.01), although the interaction with smoking was not significant (p = 0.40). "
            "Serum B12 normalised in 90% of the intervention group and in 8% of the placebo "
            "group. Three patients discontinued treatment due to diarrhoea."
        ),
    ),
    "91000012": (
        "Sublingual versus oral methylcobalamin for diabetic neuropathy",
        (
            "We randomised 90 adults with diabetic neuropathy to sublingual or swallowed "
            "methylcobalamin for 12 weeks."
        ),
        (
            "Pain fell similarly with both routes (p = 0.7). No patient in the sublingual or "
            "the swallowed arm experienced an adverse effect."
        ),
    ),
}


def export(path: Path) -> Path:
    return write_export(
        path,
        [
            (pmid, title, (("METHODS", methods), ("RESULTS", results)))
            for pmid, (title, methods, results) in TRIALS.items()
        ],
    )


def test_classify_reads_parts_shares_instrument_parts_and_harms(tmp_path):
    rows = classify_rows(export(tmp_path / "trials.xml"))

    first = rows["91000011"]
    said = {(f["domain"], f["subgroup"] or ""): f["direction"] for f in first["findings"]}
    assert said == {
        # "the sensory score", named in the methods as a part of the instrument
        ("symptom-score", ""): "favours-intervention",
        ("symptom-score", "in the highest quartile of neuropathy severity"): (
            "favours-intervention"
        ),
        ("symptom-score", "in the lower quartiles of neuropathy severity"): "no-difference",
        # counted after "the"; the interaction test does not make it "no difference"
        ("vibration-perception", "In the 58 current smokers"): "favours-intervention",
        # the arms' shares of a normal level
        ("b12-status", ""): "favours-intervention",
        # a withdrawal for a harm: events named, no comparison
        ("adverse-events", ""): "unclear",
    }
    assert first["harms"]["statement"] == "events-reported"
    assert first["harms"]["events"] == [{"name": "diarrhoea", "count": 3}]

    second = rows["91000012"]
    assert second["harms"]["statement"] == "none-occurred"
