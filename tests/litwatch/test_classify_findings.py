"""`litwatch classify` on trials written for this test (issue #19): outcome wordings outside
the watch's terms, two results in one sentence, a methods sentence that is no evidence, a
within-arm change, a subgroup-only result, an effect modifier and harms, as a user sees them
in the JSON lines."""

from __future__ import annotations

from pathlib import Path

from classify_export import classify_rows, write_export

TRIALS = {
    "91000001": (
        "Hydroxocobalamin for painful diabetic neuropathy: a randomised trial",
        [
            (
                "METHODS",
                (
                    "We randomised 150 adults with type 2 diabetes and painful neuropathy to "
                    "hydroxocobalamin injections or placebo for 26 weeks. The primary outcome was "
                    "the change in the Utah Early Neuropathy Scale; sural amplitude was secondary."
                ),
            ),
            (
                "RESULTS",
                (
                    "Utah scale totals fell more with hydroxocobalamin than with placebo (p = 0.004). "
                    "Hydroxocobalamin eased pain but did not change sural conduction compared with "
                    "placebo. In participants with baseline B12 below 200 pmol/L, vibration "
                    "threshold was lower with hydroxocobalamin than with placebo (p = 0.02). The "
                    "benefit on pain was larger among participants older than 65. No adverse "
                    "events occurred."
                ),
            ),
        ],
    ),
    "91000002": (
        "Oral methylcobalamin in diabetic neuropathy",
        [
            (
                "",
                (
                    "Sixty adults with diabetic neuropathy were randomised to oral methylcobalamin "
                    "or placebo for 12 weeks. Neuropathic pain did not differ between the groups at "
                    "entry. Pain scores fell from 6.1 to 4.2 in the methylcobalamin group. "
                    "Adverse events were similar in the two arms."
                ),
            ),
        ],
    ),
}


def export(path: Path) -> Path:
    return write_export(
        path, [(pmid, title, sections) for pmid, (title, sections) in TRIALS.items()]
    )


def test_classify_reads_outcomes_by_meaning_clauses_subgroups_and_harms(tmp_path):
    rows = classify_rows(export(tmp_path / "trials.xml"))

    first = rows["91000001"]
    overall = {f["domain"]: f["direction"] for f in first["findings"] if not f["subgroup"]}
    assert overall["symptom-score"] == "favours-intervention"  # "Utah scale totals"
    assert overall["pain"] == "favours-intervention"  # "eased pain but ..."
    assert overall["nerve-conduction"] == "no-difference"  # "... did not change sural conduction"
    # The vibration result is for a subgroup only: recorded with its words, never overall.
    assert "vibration-perception" not in overall
    parts = {f["domain"]: f["subgroup"] for f in first["findings"] if f["subgroup"]}
    assert parts == {
        "vibration-perception": "In participants with baseline B12 below 200 pmol/L",
        "pain": "among participants older than 65",  # the modifier's sentence, kept apart
    }
    (modifier,) = first["effect_modifiers"]
    assert (modifier["characteristic"], modifier["modification"]) == (
        "participants older than 65",
        "larger",
    )
    assert first["harms"]["statement"] == "none-occurred"

    second = rows["91000002"]
    found = {f["domain"]: f for f in second["findings"]}
    pain = found["pain"]
    # The methods' "did not differ ... at entry" is no evidence; the change within one arm is
    # unclear, neither a difference nor its absence.
    assert pain["evidence"].startswith("Pain scores fell from 6.1 to 4.2")
    assert pain["direction"] == "unclear"
    assert second["harms"]["statement"] == "no-difference"
    assert found["adverse-events"]["direction"] == "no-difference"
