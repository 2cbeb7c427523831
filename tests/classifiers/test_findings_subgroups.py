"""Subgroup results and effect modifiers (issue #19 item 5), and harms as reported (item 8).
Every abstract here is written for these tests; each check has a control."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.domains import read_effect_modifiers_in, read_findings
from litwatch.classifiers.findings.harms import read_harms_in
from litwatch.classifiers.findings.text import read_abstract
from litwatch.core.findings import AdverseEvent
from litwatch.core.records import AbstractSection, Record

from litwatch.config import load_watches

DEFINITION = load_watches()[0].findings_definition
RANDOMISED = (
    "We randomised 160 adults with type 2 diabetes and neuropathy to methylcobalamin or "
    "placebo for 26 weeks."
)


def trial(results: str, methods: str = RANDOMISED, conclusions: str = "") -> Record:
    sections = [AbstractSection(methods, "METHODS"), AbstractSection(results, "RESULTS")]
    if conclusions:
        sections.append(AbstractSection(conclusions, "CONCLUSIONS"))
    return Record("9", title="Methylcobalamin in diabetic neuropathy", abstract=tuple(sections))


def findings(record: Record) -> list[tuple[str, str, str]]:
    """(domain, direction, subgroup) of every finding."""
    found = read_findings(
        record,
        DEFINITION.domains,
        DEFINITION.intervention,
        DEFINITION.comparator,
        vocabulary=DEFINITION.vocabulary,
    )
    return [(f.domain, f.direction, f.subgroup) for f in found]


# --- subgroup results -----------------------------------------------------------------------


def test_a_subgroup_result_is_kept_apart_from_the_overall_result():
    record = trial(
        "Vibration threshold did not differ between methylcobalamin and placebo overall "
        "(p = 0.41). Among participants taking metformin, vibration threshold was lower with "
        "methylcobalamin than with placebo (p = 0.01)."
    )
    assert sorted(findings(record)) == [
        ("vibration-perception", "favours-intervention", "Among participants taking metformin"),
        ("vibration-perception", "no-difference", ""),
    ]


def test_a_result_stated_only_for_a_subgroup_is_never_the_trials_overall_result():
    record = trial(
        "In the lowest baseline B12 tertile, pain fell more with methylcobalamin than with "
        "placebo (p = 0.03)."
    )
    assert findings(record) == [
        ("pain", "favours-intervention", "In the lowest baseline B12 tertile")
    ]


def test_words_that_describe_everyone_in_the_trial_are_no_subgroup():
    # Control: the trial enrolled metformin users only, so "in metformin users" is everyone.
    record = trial(
        "In metformin users, vibration threshold was lower with methylcobalamin than with "
        "placebo (p = 0.01).",
        methods="We randomised 120 metformin users with neuropathy to methylcobalamin or placebo.",
    )
    assert findings(record) == [("vibration-perception", "favours-intervention", "")]
    # ... and in a trial of everyone with diabetes, the same words name a subgroup.
    wider = trial(
        "In metformin users, vibration threshold was lower with methylcobalamin than with "
        "placebo (p = 0.01)."
    )
    assert findings(wider) == [
        ("vibration-perception", "favours-intervention", "In metformin users")
    ]


def test_words_that_count_the_participants_name_no_subgroup():
    # Control: "in most participants" says how many, not which.
    record = trial(
        "Vibration threshold was lower with methylcobalamin than with placebo in most "
        "participants (p = 0.01)."
    )
    assert findings(record) == [("vibration-perception", "favours-intervention", "")]


# --- effect modifiers -----------------------------------------------------------------------


def modifiers(record: Record):
    return read_effect_modifiers_in(
        read_abstract(record), DEFINITION.domains, DEFINITION.vocabulary
    )


@pytest.mark.parametrize(
    ("sentence", "characteristic", "modification", "domain"),
    [
        (
            "The reduction in pain was larger in participants with baseline B12 below 250 pmol/L.",
            "participants with baseline B12 below 250 pmol/L",
            "larger",
            "pain",
        ),
        (
            "Greater improvements in conduction velocity were seen among older participants.",
            "older participants",
            "larger",
            "nerve-conduction",
        ),
        ("Benefit did not differ by metformin use.", "metformin use", "no-difference", ""),
        (
            "Effects on symptom scores were similar regardless of diabetes duration.",
            "diabetes duration",
            "no-difference",
            "symptom-score",
        ),
    ],
)
def test_a_sentence_saying_the_effect_differs_by_a_trait_is_an_effect_modifier(
    sentence, characteristic, modification, domain
):
    record = trial("Pain fell more with methylcobalamin than with placebo (p = 0.01). " + sentence)
    (modifier,) = modifiers(record)
    assert (modifier.characteristic, modifier.modification) == (characteristic, modification)
    assert modifier.domain == domain and modifier.evidence == sentence


def test_a_planned_subgroup_analysis_is_no_effect_modifier():
    # Control: a protocol's plan states no finding, nor does a results sentence without one.
    record = trial(
        "Pain fell more with methylcobalamin than with placebo (p = 0.01).",
        conclusions="The next trial will test whether benefit is larger in people with low B12.",
    )
    assert modifiers(record) == ()


# --- harms ----------------------------------------------------------------------------------


def harms(results: str, methods: str = RANDOMISED):
    return read_harms_in(read_abstract(trial(results, methods)))


def test_no_adverse_events_reads_as_none_occurred():
    found = harms(
        "Pain fell more with methylcobalamin than with placebo. No adverse events occurred."
    )
    assert (found.statement, found.serious_only) == ("none-occurred", False)
    assert found.evidence == "No adverse events occurred."


def test_no_serious_events_is_marked_as_about_serious_events_only():
    found = harms("No serious adverse events were reported in either arm.")
    assert (found.statement, found.serious_only) == ("none-occurred", True)


def test_events_alike_between_the_arms_read_as_no_difference():
    found = harms("Adverse events were similar in the two arms (12% vs 10%).")
    assert found.statement == "no-difference"


def test_named_events_are_read_with_their_counts():
    found = harms(
        "Adverse events were mild: two participants reported nausea and one participant "
        "developed a skin rash; injection-site pain occurred in 4 participants."
    )
    assert found.statement == "events-reported"
    assert set(found.events) == {
        AdverseEvent("nausea", 2),
        AdverseEvent("skin rash", 1),
        AdverseEvent("injection-site pain", 4),
    }


def test_tolerability_alone_is_read_as_such():
    assert harms("Methylcobalamin was well tolerated.").statement == "well-tolerated"


def test_a_methods_sentence_about_harms_and_a_silent_abstract_report_nothing():
    # Controls: recording adverse events is a method, not a result.
    assert (
        harms(
            "Pain fell more with methylcobalamin than with placebo (p = 0.01).",
            methods=RANDOMISED + " Adverse events were recorded at every visit.",
        )
        is None
    )
    assert harms("Pain fell more with methylcobalamin than with placebo (p = 0.01).") is None


# --- subgroups named with their count, and interaction tests (issue #19 cause 5) -------------


@pytest.mark.parametrize(
    ("results", "part"),
    [
        (
            (
                "In the 58 women aged over 65, pain fell more with methylcobalamin than with placebo "
                "(p = 0.02)."
            ),
            "In the 58 women aged over 65",
        ),
        (
            (
                "Among the 1,204 insulin users, pain fell more with methylcobalamin than with placebo "
                "(p = 0.02)."
            ),
            "Among the 1,204 insulin users",
        ),
    ],
)
def test_a_part_counted_between_the_and_its_people_is_a_subgroup(results, part):
    assert findings(trial(results)) == [("pain", "favours-intervention", part)]


@pytest.mark.parametrize(
    "results",
    [
        # the analysed sample, however counted, is the trial's result
        (
            "In the 171 participants who completed follow-up, pain fell more with methylcobalamin "
            "than with placebo (p = 0.02)."
        ),
        # a count that "the" does not set apart is the whole sample
        "In 160 adults, pain fell more with methylcobalamin than with placebo (p = 0.02).",
        # the count of an arm names an arm
        (
            "In the 80 patients randomised to methylcobalamin, pain fell more than with placebo "
            "(p = 0.02)."
        ),
    ],
)
def test_a_count_of_the_sample_or_an_arm_names_no_subgroup(results):
    assert findings(trial(results)) == [("pain", "favours-intervention", "")]


def test_a_trials_own_entry_threshold_names_no_subgroup():
    methods = (
        "We randomised 160 adults with neuropathy and serum B12 below 300 pmol/L to "
        "methylcobalamin or placebo."
    )
    said = "In adults with B12 below 300 pmol/L, pain fell more with methylcobalamin than with placebo (p = 0.02)."
    assert findings(trial(said, methods=methods)) == [("pain", "favours-intervention", "")]
    # Control: the same threshold in a trial of everyone names a part.
    assert findings(trial(said)) == [
        ("pain", "favours-intervention", "In adults with B12 below 300 pmol/L")
    ]


def test_an_interaction_test_is_not_the_subgroups_result():
    record = trial(
        "Among the 40 current smokers, vibration threshold was lower with methylcobalamin than with "
        "placebo (p = 0.01), although the interaction with smoking was not significant "
        "(p = 0.30)."
    )
    assert findings(record) == [
        ("vibration-perception", "favours-intervention", "Among the 40 current smokers")
    ]
    # Control: a denial in the result's own words still reads as no difference.
    same = trial(
        "Among the 40 current smokers, vibration threshold did not differ between methylcobalamin and "
        "placebo (p = 0.61); the interaction with smoking was not significant."
    )
    assert findings(same) == [
        ("vibration-perception", "no-difference", "Among the 40 current smokers")
    ]


# --- harms: denials with the arms named, withdrawals for a harm, abbreviations ----------------


@pytest.mark.parametrize(
    "results",
    [
        "No patient in the tablet or injection arms experienced an adverse effect.",
        "No subject in either treatment group had any side effects.",
    ],
)
def test_no_one_in_the_arms_having_a_harm_reads_as_none_occurred(results):
    assert harms(results).statement == "none-occurred"


@pytest.mark.parametrize(
    ("results", "event"),
    [
        ("Three patients discontinued treatment due to diarrhoea.", AdverseEvent("diarrhoea", 3)),
        ("4 participants dropped out owing to headache.", AdverseEvent("headache", 4)),
    ],
)
def test_stopping_treatment_for_a_harm_names_the_harm(results, event):
    found = harms(results)
    assert (found.statement, found.events) == ("events-reported", (event,))


@pytest.mark.parametrize(
    "results",
    [
        "Three patients discontinued treatment due to relocation.",
        "Two participants withdrew because of personal reasons.",
        "Four patients stopped the study drug because of lack of efficacy.",
        # "harm" inside another word, and lower-case letters that spell an abbreviation
        "Pharmacokinetics were similar in the two arms (p = 0.6).",
        "Safety visits in the Sae cohort and the ae subgroup were similar between arms.",
    ],
)
def test_reasons_that_are_no_harm_and_words_that_only_hold_one_read_as_nothing(results):
    assert harms(results) is None


def test_a_named_toxicity_is_a_harm_word():
    assert harms("Nephrotoxicity was similar in the two arms.").statement == "no-difference"


def test_harm_abbreviations_are_read_in_capitals():
    assert harms("No SAEs occurred; AEs were similar between the arms.").statement == (
        "no-difference"
    )
    assert harms("No SAEs occurred.").serious_only


# --- the effect just reported, stated part by part (issue #19 cause 5) ------------------------


def all_findings(record: Record) -> list[tuple[str, str, str]]:
    return sorted(findings(record))


def test_where_the_effect_lay_and_where_it_did_not_are_each_a_parts_result():
    record = trial(
        "Pain fell more with methylcobalamin than with placebo (p = 0.01). The improvement was "
        "largely confined to participants in the highest quartile of neuropathy severity, with "
        "no effect in the lower quartiles."
    )
    assert all_findings(record) == [
        ("pain", "favours-intervention", ""),
        ("pain", "favours-intervention", "in the highest quartile of neuropathy severity"),
        ("pain", "no-difference", "in the lower quartiles of neuropathy severity"),
    ]


@pytest.mark.parametrize(
    "second",
    [
        "The benefit was seen by week 8.",  # no part named
        "The effect will be examined in the lowest tertile of baseline B12 in a new trial.",
    ],
)
def test_the_effect_spoken_of_without_a_part_or_as_a_plan_adds_nothing(second):
    record = trial("Pain fell more with methylcobalamin than with placebo (p = 0.01). " + second)
    assert all_findings(record) == [("pain", "favours-intervention", "")]


def test_parts_of_an_effect_that_was_not_found_add_nothing():
    # Control: no overall effect to place in a part.
    record = trial(
        "Pain did not differ between methylcobalamin and placebo (p = 0.48). The effect was "
        "concentrated in the lowest tertile of baseline B12."
    )
    assert all_findings(record) == [("pain", "no-difference", "")]


def test_an_effect_concentrated_in_a_part_is_a_larger_effect_there():
    sentence = "The benefit was concentrated in participants with baseline B12 below 250 pmol/L."
    record = trial("Pain fell more with methylcobalamin than with placebo (p = 0.01). " + sentence)
    (modifier,) = modifiers(record)
    assert (modifier.characteristic, modifier.modification) == (
        "participants with baseline B12 below 250 pmol/L",
        "larger",
    )
