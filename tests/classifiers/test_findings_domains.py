"""Outcome domains: a record's findings per domain, read through the domain's polarity."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.domains import read_findings
from litwatch.core.findings import DomainTerm, OutcomeDomain, direction_of
from litwatch.core.records import AbstractSection, Record

PAIN = OutcomeDomain("pain", "pain", (DomainTerm("pain score*"),), "lower-is-better")
NERVE = OutcomeDomain(
    "nerve-conduction", "nerve conduction", (DomainTerm("conduction velocit*"),), "higher-is-better"
)
B12_STATUS = OutcomeDomain(
    "b12-status",
    "B12 status markers",
    (DomainTerm("serum B12"), DomainTerm("homocysteine", "lower-is-better")),
    "higher-is-better",
)
B12 = ("methylcobalamin", "vitamin B12")


def reported(
    results: str,
    methods: str = (
        "Adults were randomised to methylcobalamin or placebo; pain score, conduction "
        "velocity, serum B12 and homocysteine were measured."
    ),
    title: str = "Methylcobalamin in diabetic neuropathy",
) -> Record:
    """A record of these methods and results."""
    return Record(
        "7",
        title=title,
        abstract=(AbstractSection(methods, "METHODS"), AbstractSection(results, "RESULTS")),
    )


def trial(results: str) -> Record:
    return reported(results)


@pytest.mark.parametrize(
    ("effect", "polarity", "direction"),
    [
        ("decreased", "lower-is-better", "favours-intervention"),
        ("increased", "lower-is-better", "favours-comparator"),
        ("increased", "higher-is-better", "favours-intervention"),
        ("decreased", "higher-is-better", "favours-comparator"),
        ("no-difference", "higher-is-better", "no-difference"),
        ("not-reported", "higher-is-better", "unclear"),
    ],
)
def test_polarity_turns_an_effect_into_a_direction(effect, polarity, direction):
    assert direction_of(effect, polarity) == direction


def test_lower_pain_favours_the_intervention_and_higher_pain_the_comparator():
    better = read_findings(
        trial("Pain scores were lower with methylcobalamin than with placebo (p = 0.01)."),
        [PAIN],
        B12,
        ("placebo",),
    )
    worse = read_findings(
        trial("Pain scores were higher with methylcobalamin than with placebo (p = 0.01)."),
        [PAIN],
        B12,
        ("placebo",),
    )
    assert [(f.domain, f.effect, f.direction) for f in better] == [
        ("pain", "decreased", "favours-intervention")
    ]
    assert [(f.effect, f.direction) for f in worse] == [("increased", "favours-comparator")]


def test_a_term_with_its_own_polarity_overrides_its_domain():
    found = read_findings(
        trial(
            "Serum B12 rose with methylcobalamin compared with placebo (p < 0.001). "
            "Homocysteine fell with methylcobalamin compared with placebo (p = 0.003)."
        ),
        [B12_STATUS],
        B12,
        ("placebo",),
    )
    by_outcome = {f.outcome.lower(): (f.effect, f.direction) for f in found}
    assert by_outcome == {
        "serum b12": ("increased", "favours-intervention"),
        "homocysteine": ("decreased", "favours-intervention"),
    }


def test_a_domain_named_only_in_the_methods_is_not_a_finding():
    found = read_findings(
        trial("Pain scores were lower with methylcobalamin than with placebo (p = 0.01)."),
        [PAIN, NERVE],
        B12,
        ("placebo",),
    )
    assert [f.domain for f in found] == ["pain"]  # conduction velocity: methods only


def test_a_change_that_names_no_arm_has_an_unclear_direction():
    found = read_findings(
        trial("Pain scores decreased significantly over 12 weeks (p < 0.01)."), [PAIN], B12
    )
    named = read_findings(
        trial("Pain scores decreased significantly with methylcobalamin (p < 0.01)."), [PAIN], B12
    )
    assert [f.direction for f in found] == ["unclear"]
    assert [f.direction for f in named] == ["favours-intervention"]


def non_inferiority_trial(primary: str, results: str) -> Record:
    return Record(
        "8",
        title="Subcutaneous versus intramuscular B12: a randomised non-inferiority trial",
        abstract=(
            AbstractSection(
                f"Ninety adults were randomised to subcutaneous or intramuscular B12. {primary}",
                "METHODS",
            ),
            AbstractSection(results, "RESULTS"),
        ),
    )


SUBCUTANEOUS = ("subcutaneous B12",)
INTRAMUSCULAR = ("intramuscular B12",)


def test_stated_non_inferiority_is_no_difference_in_the_primary_outcomes_domain():
    record = non_inferiority_trial(
        "The primary outcome was serum B12 at 12 weeks.",
        "Subcutaneous injection was non-inferior for B12 at 12 weeks.",
    )
    (finding,) = read_findings(record, [PAIN, B12_STATUS], SUBCUTANEOUS, INTRAMUSCULAR)
    assert (finding.domain, finding.outcome) == ("b12-status", "serum B12")
    assert (finding.effect, finding.direction) == ("no-difference", "no-difference")
    assert finding.evidence == "Subcutaneous injection was non-inferior for B12 at 12 weeks."


@pytest.mark.parametrize(
    ("primary", "results"),
    [
        # Not shown non-inferior, and a margin planned in the methods only.
        (
            "The primary outcome was serum B12 at 12 weeks.",
            "Subcutaneous injection was not non-inferior for B12 at 12 weeks.",
        ),
        (
            "The primary outcome was serum B12; the non-inferiority margin was 50 pmol/L.",
            "Most participants preferred injections at home.",
        ),
        # A primary outcome outside the watch's domains.
        (
            "The primary outcome was haemoglobin at 12 weeks.",
            "Subcutaneous injection was non-inferior at 12 weeks.",
        ),
    ],
)
def test_non_inferiority_needs_a_stated_result_and_a_primary_outcome_of_the_watch(primary, results):
    record = non_inferiority_trial(primary, results)
    assert read_findings(record, [PAIN, B12_STATUS], SUBCUTANEOUS, INTRAMUSCULAR) == ()


def test_another_domains_result_does_not_hide_the_primary_outcomes_non_inferiority():
    record = non_inferiority_trial(
        "The primary outcome was serum B12 at 12 weeks.",
        "Pain scores were lower with subcutaneous B12 (p = 0.01). "
        "Subcutaneous injection was non-inferior at 12 weeks.",
    )
    findings = read_findings(record, [PAIN, B12_STATUS], SUBCUTANEOUS, INTRAMUSCULAR)
    by_domain = {finding.domain: finding for finding in findings}
    assert by_domain["pain"].direction == "favours-intervention"
    assert by_domain["b12-status"].effect == "no-difference"
    assert (
        by_domain["b12-status"].evidence == "Subcutaneous injection was non-inferior at 12 weeks."
    )


# Truth table, written from the sentences before the code: does the sentence report a
# statistical test of the result it states?
@pytest.mark.parametrize(
    ("sentence", "tested"),
    [
        ("Pain scores fell more with methylcobalamin than with placebo.", False),
        ("Pain scores fell more with methylcobalamin than with placebo (p = 0.004).", True),
        ("Pain scores were significantly lower with methylcobalamin than with placebo.", True),
        ("Pain scores fell by 1.2 points more with methylcobalamin (95% CI 0.4 to 2.0).", True),
        ("The difference in pain scores did not reach significance.", True),
        ("Neuropathy was less frequent with methylcobalamin (HR 0.71).", True),
        ("Injections were non-inferior to tablets for serum B12 at 12 weeks.", True),
        ("Serum B12 rose most in the injection arm.", False),
        ("More participants on methylcobalamin reported relief (41% vs 22%).", False),
        ("Pain relief was better with methylcobalamin than placebo.", False),
    ],
)
def test_whether_a_sentence_reports_a_statistical_test(sentence, tested):
    from litwatch.classifiers.findings.cues import reports_a_test

    assert reports_a_test(sentence) is tested


def test_a_finding_says_whether_its_sentence_reports_a_test():
    # "fell more with ... than with placebo" is a difference in words; with its p-value it is
    # a tested one. Either way the reader counts it as the authors state it.
    [words_only] = read_findings(
        trial("Pain scores fell more with methylcobalamin than with placebo."), [PAIN], B12
    )
    assert (words_only.direction, words_only.tested) == ("favours-intervention", False)
    [tested] = read_findings(
        trial("Pain scores fell more with methylcobalamin than with placebo (p = 0.004)."),
        [PAIN],
        B12,
    )
    assert (tested.direction, tested.tested) == ("favours-intervention", True)
    # stored as before where tested; the flag written only where it is not
    assert "tested" not in tested.to_json()
    assert words_only.to_json()["tested"] is False
    assert type(words_only).from_json(words_only.to_json()) == words_only


def test_a_test_reported_beside_the_finding_s_sentence_counts():
    # The figures in one sentence, the words in the next; or the difference in words and its
    # test in the sentence after. A result is said to lack a test only when none is near.
    for results in (
        (
            "Pain scores fell more with methylcobalamin than with placebo. The difference "
            "between the groups was statistically significant (p = 0.01)."
        ),
        (
            "Pain scores were 3.1 with methylcobalamin and 4.6 with placebo (p = 0.02). Pain "
            "scores fell more with methylcobalamin than with placebo."
        ),
    ):
        [pain] = read_findings(trial(results), [PAIN], B12)
        assert (pain.direction, pain.tested) == ("favours-intervention", True), results
    # Control: the sentence after names another outcome with its own test.
    [pain, *_] = read_findings(
        trial(
            "Pain scores fell more with methylcobalamin than with placebo. Conduction velocity "
            "did not differ (p = 0.40)."
        ),
        [PAIN, NERVE],
        B12,
    )
    assert (pain.domain, pain.tested) == ("pain", False)


def test_a_value_for_each_arm_side_by_side_is_a_comparison_between_them():
    # "increased by 1.1 in the B12 arm and decreased by 0.4 in the saline arm (p = 0.01)" sets
    # the arms against each other, though each change is placed "in" one arm.
    [nerve] = read_findings(
        trial(
            "Conduction velocity increased by 1.1 m/s in the methylcobalamin group and "
            "decreased by 0.4 m/s in the placebo group (p = 0.01)."
        ),
        [NERVE],
        B12,
    )
    assert nerve.direction == "favours-intervention"
    # Control: a change placed in one arm alone compares nothing.
    [alone] = read_findings(
        trial("Conduction velocity increased by 1.1 m/s in the methylcobalamin group (p = 0.01)."),
        [NERVE],
        B12,
    )
    assert alone.direction == "unclear"


def test_a_longer_outcome_name_of_another_domain_wins_where_two_overlap():
    # The Norfolk Quality of Life-Diabetic Neuropathy questionnaire is a quality-of-life measure;
    # the "Neuropathy scores" inside its name are no symptom score.
    qol = OutcomeDomain(
        "quality-of-life",
        "quality of life",
        (DomainTerm("Norfolk Quality of Life-Diabetic Neuropathy"), DomainTerm("quality of life")),
        "higher-is-better",
    )
    symptoms = OutcomeDomain(
        "symptom-score", "symptom scores", (DomainTerm("neuropathy score*"),), "lower-is-better"
    )
    found = read_findings(
        trial(
            "Norfolk Quality of Life-Diabetic Neuropathy scores were similar in the two groups "
            "(p = 0.62)."
        ),
        [qol, symptoms],
        B12,
    )
    assert [(f.domain, f.direction) for f in found] == [("quality-of-life", "no-difference")]
    # Control: each named apart, each is read.
    apart = read_findings(
        trial("Quality of life and neuropathy scores were similar in the two groups (p = 0.62)."),
        [qol, symptoms],
        B12,
    )
    assert {f.domain for f in apart} == {"quality-of-life", "symptom-score"}


def review(results: str) -> Record:
    return reported(
        results,
        "We searched for randomised trials of methylcobalamin against placebo.",
        "Vitamin B12 for diabetic neuropathy: a systematic review",
    )


def test_a_review_s_count_of_trials_split_both_ways_is_mixed():
    [split] = read_findings(
        review(
            "Of five trials that measured pain scores, two found lower pain scores with "
            "methylcobalamin and three found no difference."
        ),
        [PAIN],
        B12,
    )
    assert split.direction == "unclear"
    # Control: a clear majority one way is that way's result, as the reader reads it.
    [most] = read_findings(
        review(
            "Of seven trials that measured pain scores, six found lower pain scores with "
            "methylcobalamin than with placebo and one found no difference."
        ),
        [PAIN],
        B12,
    )
    assert most.direction == "favours-intervention"


def test_a_denial_for_every_outcome_reads_for_each_outcome_the_methods_name():
    methods = (
        "Adults were randomised to methylcobalamin or placebo; outcomes were pain scores and "
        "conduction velocity."
    )
    record = reported(
        "No between-group differences were observed for any outcome at 24 weeks.", methods
    )
    found = {f.domain: f.direction for f in read_findings(record, [PAIN, NERVE], B12)}
    assert found == {"pain": "no-difference", "nerve-conduction": "no-difference"}
    # Control: "every outcome improved" over time sets no arm against another: no direction.
    improved = reported("Every outcome improved over 24 weeks.", methods)
    assert read_findings(improved, [PAIN, NERVE], B12) == ()
