"""The effect rules read without a model: which arm a direction word belongs to and which value
is which arm's. Each rule has a case where it fires and a control where it must not."""

from __future__ import annotations

from findings_trials import rules_read
from litwatch.classifiers.findings import cues
from litwatch.classifiers.findings.effect import arm_words, effect_features, read_clause
from litwatch.classifiers.findings.text import content_words


def reading(sentence: str, outcome: str, intervention: str, comparator: str):
    return read_clause(
        sentence,
        frozenset(content_words(outcome)),
        arm_words(intervention, comparator),
        arm_words(comparator, intervention),
    )


def test_a_word_of_the_outcome_s_name_is_not_an_arm():
    # "air" names the comparator (room air) and the outcome (air resorption rate).
    said = reading(
        "The air resorption rate was higher in the treatment arm than in the control arm.",
        "air resorption rate",
        "normobaric hyperoxia",
        "room air",
    )
    assert said.amount == 1
    # Control: the comparator named as the subject still turns the direction round.
    said = reading(
        "Room air gave a higher air resorption rate than normobaric hyperoxia.",
        "air resorption rate",
        "normobaric hyperoxia",
        "room air",
    )
    assert said.amount == -1


def test_the_treatment_arm_is_the_intervention_but_both_treatment_groups_are_not():
    def names_intervention(sentence: str) -> bool:
        query = frozenset(content_words("pain"))
        arms = arm_words("acupuncture", "control"), arm_words("control", "acupuncture")
        return bool(effect_features(sentence, query, *arms)["mentions_int"])

    assert names_intervention("Pain was lower in the treatment group than in the control group.")
    assert not names_intervention("Pain was lower in both treatment groups.")


def test_an_arm_named_inside_a_compound_word_is_found():
    said = reading(
        "Children treated with co-artemether were less likely to carry gametocytes than those "
        "receiving CQ/SP.",
        "carrying gametocytes",
        "chloroquine (CQ) and sulphadoxine-pyrimethamine (SP)",
        "artemether with lumefantrine",
    )
    assert said.amount == 1
    # Control: "placebo-controlled" describes the trial, it is not the placebo arm.
    said = reading(
        "Patients in the placebo-controlled trial had lower pain.", "pain", "duloxetine", "placebo"
    )
    assert said.amount == -1


def test_a_compound_naming_one_arm_whole_is_not_split_into_the_other():
    # "L-placebo" is the comparator, though "L" alone abbreviates lisinopril.
    said = reading(
        "Participants given L-placebo had significant declines in diastolic BP.",
        "diastolic BP",
        "lisinopril (L)",
        "L-placebo",
    )
    assert said.amount == 1


def test_direction_words_are_read_through_their_stem():
    said = reading(
        "Lisinopril gave significant declines in diastolic BP.", "diastolic BP", "lisinopril", "x"
    )
    assert said.amount == -1
    said = reading(
        "Lisinopril gave significant rises in diastolic BP.", "diastolic BP", "lisinopril", "x"
    )
    assert said.amount == 1


def test_poorer_is_a_verdict_against_the_arm():
    sentence = "Off-pump patients had {} left ventricular function than on-pump patients."
    outcome, arms = "left ventricular function", ("off-pump surgery", "on-pump surgery")
    assert reading(sentence.format("poorer"), outcome, *arms).verdict == -1
    assert reading(sentence.format("better"), outcome, *arms).verdict == 1


def test_a_bracketed_spread_between_value_and_arm_is_skipped():
    sentence = (
        "Adherent days were {} (26.3) in the intervention group and 69.0% (30.8) in usual care."
    )
    arms = ("oral medication", "usual care")
    assert rules_read(sentence.format("77.4%"), "adherent days", *arms, "numbers") == "up"
    assert rules_read(sentence.format("57.4%"), "adherent days", *arms, "numbers") == "down"


def test_a_spread_after_plus_minus_is_not_the_arm_s_value():
    sentence = (
        "Treatment time was {} ± 1.57 min in the snare group and 12.7 ± 2.92 min in the clip group."
    )
    arms = ("snare cauterization", "clip closure")
    assert rules_read(sentence.format("3.26"), "treatment time", *arms, "numbers") == "down"
    assert rules_read(sentence.format("13.26"), "treatment time", *arms, "numbers") == "up"


def test_a_sentence_saying_how_an_outcome_was_measured_is_told_from_a_result():
    assert cues.MEASURE.search("Heart rate and blood pressure were recorded at intervals.")
    assert cues.MEASURE.search("We also assessed weight-for-age z-scores (WAZ).")
    assert not cues.MEASURE.search("Heart rate was lower with esmolol than placebo (p = 0.01).")
