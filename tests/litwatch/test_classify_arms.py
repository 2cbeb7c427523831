"""`litwatch classify` on trials written for this test (issue #19, statements round 3): each
arm's own dose, two ways of giving one form compared head to head, and a three-arm trial's
head-to-head results, as a user sees them in the JSON lines."""

from __future__ import annotations

from pathlib import Path

from classify_export import classify_rows, write_export
from litwatch.core.classification import Classification
from litwatch.outputs.statements import study_of
from litwatch.pubmed.xml import parse_xml

TRIALS = {
    # Two ways of giving one form that the vocabulary has no route for; each arm's dose is
    # written after the word that ends the arm before it.
    "92000001": (
        "Chewable or swallowed methylcobalamin for low B12 in people taking metformin",
        [
            (
                "METHODS",
                (
                    "We randomly assigned 140 adults with type 2 diabetes taking metformin and "
                    "serum B12 below 200 pmol/L to methylcobalamin 500 µg twice daily as a "
                    "chewable tablet or 2000 µg once a day as a tablet swallowed whole, for 12 weeks."
                ),
            ),
            (
                "RESULTS",
                (
                    "At 12 weeks serum B12 was similar with the chewable and the swallowed tablets "
                    "(difference 14 pmol/L, 95% CI -30 to 58)."
                ),
            ),
        ],
    ),
    # The conclusions' "neither ... better" names no outcome of its own: it speaks of the
    # symptoms it names, not of the harms the last result sentence listed.
    "92000004": (
        (
            "Weekly injected versus daily oral methylcobalamin against dummy treatment in "
            "painful diabetic neuropathy: a randomised three-arm trial"
        ),
        [
            (
                "METHODS",
                (
                    "We randomly assigned 150 adults with painful diabetic neuropathy to weekly "
                    "intramuscular methylcobalamin 1000 µg, oral methylcobalamin 1500 µg daily, "
                    "or dummy treatment for 16 weeks."
                ),
            ),
            (
                "RESULTS",
                (
                    "Symptom scores fell more with each active regimen than with dummy treatment "
                    "(p < 0.01 for both). Pain at the injection site was reported by 6 "
                    "participants given injections; three serious adverse events, spread across "
                    "the arms, were judged unrelated to treatment."
                ),
            ),
            (
                "CONCLUSIONS",
                (
                    "Weekly injections and daily tablets each relieved symptoms more than dummy "
                    "treatment did, and neither route relieved them better than the other."
                ),
            ),
        ],
    ),
    # The same two ways of giving it, one better: named by its own words in the statements.
    "92000003": (
        "Chewable or swallowed methylcobalamin in metformin users: a randomised trial",
        [
            (
                "METHODS",
                (
                    "We randomly assigned 90 adults taking metformin to methylcobalamin 1000 µg "
                    "once a day as a chewable tablet or as a tablet swallowed whole for 8 weeks."
                ),
            ),
            (
                "RESULTS",
                (
                    "Holotranscobalamin rose more with the chewable than with the swallowed "
                    "tablets (difference 21 pmol/L, 95% CI 8 to 34)."
                ),
            ),
        ],
    ),
    # A three-arm trial with placebo: its arms compared with each other beside the control, a
    # denial that names no outcome, a methods sentence that denies a difference at entry, and
    # a results sentence worded like methods ("outcomes were").
    "92000002": (
        "Injected or oral cobalamin against placebo in painful diabetic neuropathy",
        [
            (
                "METHODS",
                (
                    "We randomly assigned 210 adults with painful diabetic neuropathy to "
                    "hydroxocobalamin 1 mg by injection every month, cyanocobalamin 1 mg tablets "
                    "every day, or placebo, for 6 months. Vibration perception threshold did not "
                    "differ between the three groups at entry."
                ),
            ),
            (
                "RESULTS",
                (
                    "Compared with placebo, pain scores fell by 1.9 points more with "
                    "hydroxocobalamin and by 1.6 points more with cyanocobalamin (p < 0.01 for "
                    "both). The two vitamin regimens did not differ from one another. Serum B12 "
                    "rose in both vitamin groups relative to placebo, and it was higher after "
                    "injections than after tablets (p = 0.01). Secondary outcomes were similar "
                    "with the two routes, quality of life included."
                ),
            ),
        ],
    ),
}


def export(path: Path) -> Path:
    trials = [(pmid, title, sections) for pmid, (title, sections) in TRIALS.items()]
    return write_export(path, trials, publication_type="Randomized Controlled Trial")


def classified(tmp_path: Path) -> dict[str, dict]:
    return classify_rows(export(tmp_path / "trials.xml"))


def test_classify_reads_each_arms_dose_and_two_ways_of_giving_one_form_as_head_to_head(
    tmp_path,
):
    rows = classified(tmp_path)
    arms = rows["92000001"]["arms"]
    assert [arm["daily_dose_ug"] for arm in arms["arms"]] == [1000, 2000]
    assert [c["kind"] for c in arms["comparisons"]] == ["head-to-head"]
    [status] = arms["head_to_head_results"]
    assert (status["domain"], status["call"]) == ("b12-status", "no-difference")


def test_classify_reads_a_three_arm_trials_head_to_head_results_from_its_results_only(tmp_path):
    arms = classified(tmp_path)["92000002"]["arms"]
    kinds = [c["kind"] for c in arms["comparisons"]]
    assert kinds == ["placebo-controlled", "placebo-controlled", "head-to-head"]
    results = {r["domain"]: r for r in arms["head_to_head_results"]}
    better = {
        d: arms["arms"][r["better"]]["formulation"]
        for d, r in results.items()
        if r["better"] is not None
    }
    assert {d: r["call"] for d, r in results.items()} == {
        "pain": "no-difference",  # "the two vitamin regimens did not differ": the pain before it
        "b12-status": "favours-one-form",  # higher after injections than after tablets
        "quality-of-life": "no-difference",  # a result, though worded like a method
    }  # and no vibration result: the methods' "did not differ ... at entry" is none
    assert better == {"b12-status": "hydroxocobalamin"}


def test_the_statements_name_the_better_of_two_arms_alike_in_form_and_route_by_its_words(
    tmp_path,
):
    rows = classified(tmp_path)
    record = next(r for r in parse_xml(export(tmp_path / "again.xml")) if r.pmid == "92000003")
    study = study_of(record, Classification.from_json(rows["92000003"]))
    [status] = study.head_to_head_findings
    assert (status.domain, status.direction) == ("b12-status", "favours-one-form")
    assert status.better == "methylcobalamin 1000 µg once a day as a chewable tablet"


def test_a_conclusions_denial_naming_no_outcome_takes_none_from_the_last_result_sentence(
    tmp_path,
):
    arms = classified(tmp_path)["92000004"]["arms"]
    assert "head-to-head" in [c["kind"] for c in arms["comparisons"]]
    domains = {r["domain"] for r in arms["head_to_head_results"]}
    # Control: the harms and the pain of the results are not compared between the two routes.
    assert not domains & {"adverse-events", "pain"}, arms["head_to_head_results"]
