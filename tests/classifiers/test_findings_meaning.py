"""Outcome wordings read by meaning (issue #19 item 3), evidence from the results only (item
4), and two results joined in one sentence (cause 8). Every abstract here is written for
these tests; each check has a control that reads the other way."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.domains import read_findings
from litwatch.classifiers.findings.shares import arm_shares, states_arm_shares
from litwatch.core.findings import DomainTerm, Instrument, OutcomeDomain, OutcomeVocabulary
from litwatch.core.records import AbstractSection, Record

from litwatch.config import load_watches

DEFINITION = load_watches()[0].findings_definition


def trial(results: str, methods: str = "", conclusions: str = "") -> Record:
    sections = [
        AbstractSection(
            methods
            or "We randomised 96 adults with painful diabetic neuropathy to methylcobalamin "
            "1500 ug daily or placebo for 24 weeks.",
            "METHODS",
        ),
        AbstractSection(results, "RESULTS"),
    ]
    if conclusions:
        sections.append(AbstractSection(conclusions, "CONCLUSIONS"))
    return Record("5", title="Methylcobalamin for diabetic neuropathy", abstract=tuple(sections))


def unstructured(text: str) -> Record:
    return Record("6", title="A trial in diabetic neuropathy", abstract=(AbstractSection(text),))


def read(record: Record, definition=DEFINITION) -> dict[str, tuple[str, str, str]]:
    """domain -> (effect, direction, evidence) of the whole-trial findings."""
    found = read_findings(
        record,
        definition.domains,
        definition.intervention,
        definition.comparator,
        vocabulary=definition.vocabulary,
    )
    return {f.domain: (f.effect, f.direction, f.evidence) for f in found if not f.subgroup}


def calls(record: Record, definition=DEFINITION) -> dict[str, tuple[str, str]]:
    return {domain: found[:2] for domain, found in read(record, definition).items()}


# --- A. outcome wording by meaning -----------------------------------------------------------


@pytest.mark.parametrize(
    ("results", "domain"),
    [
        # an instrument's abbreviation the watch does not list
        ("UENS scores fell more with methylcobalamin than with placebo (p = 0.01).", "symptom-score"),
        # an instrument's short name before a measure word
        ("Utah scale totals fell more with methylcobalamin than with placebo (p = 0.01).", "symptom-score"),
        # a head word with its qualifiers
        ("Peroneal motor conduction was faster with methylcobalamin than with placebo (p = 0.03).", "nerve-conduction"),
        ("Corneal branch counts were higher with methylcobalamin than with placebo (p = 0.02).", "small-fibre"),
        # a head word that also names the intervention, with a qualifier beside it
        ("Circulating B12 was higher with methylcobalamin than with placebo (p < 0.001).", "b12-status"),
    ],
)  # fmt: skip
def test_a_wording_outside_the_watchs_terms_reaches_its_domain(results, domain):
    found = calls(trial(results))
    assert domain in found
    assert found[domain][1] == "favours-intervention"


def test_a_bare_head_word_is_read_for_its_domain():
    found = calls(trial("Conduction did not differ between the groups at 24 weeks (p = 0.6)."))
    assert found == {"nerve-conduction": ("no-difference", "no-difference")}


def test_the_intervention_named_as_the_actor_is_no_b12_status_outcome():
    # Control: "B12" here is the treatment, not a measured level.
    found = calls(trial("Oral B12 lowered neuropathic pain more than placebo did (p = 0.02)."))
    assert "b12-status" not in found
    assert found["pain"] == ("decreased", "favours-intervention")


def test_an_outcome_the_methods_name_is_found_again_by_its_head_word():
    record = trial(
        "Impairment progressed less with methylcobalamin than with placebo (p = 0.04).",
        methods="We randomised 140 adults to methylcobalamin or placebo for two years; outcomes "
        "were the neuropathy impairment score and sural amplitude.",
    )
    assert calls(record)["symptom-score"] == ("decreased", "favours-intervention")


def test_a_part_of_an_instrument_the_methods_name_is_found_again_in_the_results():
    methods = (
        "We randomised 120 adults to methylcobalamin or placebo; neuropathy was graded with "
        "the Utah Early Neuropathy Scale sensory score."
    )
    results = "The sensory score fell more with methylcobalamin than with placebo (p = 0.01)."
    assert calls(trial(results, methods=methods))["symptom-score"] == (
        "decreased",
        "favours-intervention",
    )
    # Controls: without the methods naming it, "the sensory score" names no domain; and words
    # joined to the instrument by "and" are no part of it.
    assert "symptom-score" not in calls(trial(results))
    joined = methods.replace("Scale sensory score", "Scale and sensory scores")
    assert "symptom-score" not in calls(trial(results, methods=joined))


@pytest.mark.parametrize(
    ("results", "domain"),
    [
        (
            (
                "Serum holotranscobalamin normalised in 88% of the intervention group compared "
                "with 12% of the placebo group."
            ),
            "b12-status",
        ),
        # a bad state: fewer of the treated got worse
        (
            "Symptoms worsened in 3 of 40 patients on methylcobalamin and in 11 of 41 on placebo.",
            "symptom-score",
        ),
    ],
)
def test_the_share_of_each_arm_reaching_a_state_says_which_did_better(results, domain):
    assert calls(trial(results))[domain][1] == "favours-intervention"


def test_shares_without_a_state_or_without_both_arms_say_nothing_of_a_difference():
    # Controls: counts of who was measured, and one arm's share alone.
    measured = "Serum B12 was measured in 46 of 52 treated participants and 50 of 52 on placebo."
    assert "b12-status" not in calls(trial(measured))
    treated = frozenset({"methylcobalamin"})
    assert (
        arm_shares(
            "Symptoms improved in 30 of 40 patients given methylcobalamin.", treated, frozenset()
        )
        == 0
    )
    # ... and both arms with their shares do.
    both = "Symptoms improved in 30 of 40 patients given methylcobalamin and 9 of 40 given placebo."
    assert arm_shares(both, treated, frozenset()) == 1
    # ... and a sentence whose state word comes only after its shares is not taken for
    # shares of it (they count something else).
    after = (
        "The share of patients meeting the target was 70% (arm A) and 40% (arm B), whereas "
        "in the control group pain returned to baseline."
    )
    assert not states_arm_shares(after)


def test_the_primary_outcome_named_again_as_such_is_read_for_its_domain():
    record = trial(
        "The primary outcome improved more with methylcobalamin than with placebo (p = 0.01).",
        methods="We randomised 80 adults to methylcobalamin or placebo. The primary outcome was "
        "the vibration perception threshold at 26 weeks.",
    )
    assert calls(record)["vibration-perception"] == ("decreased", "favours-intervention")
    # Control: without a primary outcome in the methods, the sentence names no domain.
    bare = trial(
        "The primary outcome improved more with methylcobalamin than with placebo (p = 0.01)."
    )
    assert calls(bare) == {}


MOBILITY = OutcomeDomain(
    "mobility", "mobility", (DomainTerm("timed up and go"),), "lower-is-better"
)


def test_an_abbreviation_the_abstract_defines_counts_for_the_domain_of_its_long_form():
    # A domain of another topic: the matching knows no topic words.
    definition = type(DEFINITION)(("exercise",), ("usual care",), (MOBILITY,))
    record = trial(
        "TUG times were shorter with exercise than with usual care (p = 0.01).",
        methods="Adults were randomised to exercise or usual care; the timed up and go (TUG) "
        "test was repeated at 12 weeks.",
    )
    assert calls(record, definition) == {"mobility": ("decreased", "favours-intervention")}


def test_the_watchs_own_terms_override_the_vocabulary():
    mood = OutcomeDomain("mood", "mood", (DomainTerm("VAS"),), "higher-is-better")
    pain = OutcomeDomain("pain", "pain", (DomainTerm("pain"),), "lower-is-better")
    vocabulary = OutcomeVocabulary((Instrument("visual analogue scale", "pain", ("VAS",)),))
    definition = type(DEFINITION)(
        ("methylcobalamin",), ("placebo",), (mood, pain), "B12", vocabulary
    )
    record = trial("VAS was higher with methylcobalamin than with placebo (p = 0.01).")
    assert calls(record, definition) == {"mood": ("increased", "favours-intervention")}
    # Control: without the watch's claim on "VAS", the vocabulary puts it under pain.
    plain = type(DEFINITION)(("methylcobalamin",), ("placebo",), (pain,), "B12", vocabulary)
    assert calls(record, plain) == {"pain": ("increased", "favours-comparator")}


# --- B. evidence from the results -----------------------------------------------------------


def test_a_methods_sentence_is_never_the_evidence_in_an_unlabelled_abstract():
    record = unstructured(
        "We randomised 80 adults with diabetic neuropathy to methylcobalamin or placebo. "
        "The primary outcome was the change in sural amplitude; pain was secondary. "
        "Sural amplitude rose more with methylcobalamin than with placebo (p = 0.02)."
    )
    found = read(record)
    assert set(found) == {"nerve-conduction"}  # pain: named in the methods only
    assert found["nerve-conduction"][2].startswith("Sural amplitude rose")
    # Control: with no result sentence, the methods' list of outcomes reports nothing.
    silent = unstructured(
        "We randomised 80 adults with diabetic neuropathy to methylcobalamin or placebo. "
        "The primary outcome was the change in sural amplitude; pain was secondary. "
        "Participants found the tablets easy to take."
    )
    assert read(silent) == {}


def test_a_labelled_methods_sentence_that_denies_a_difference_is_not_the_evidence():
    record = trial(
        "Pain fell more with methylcobalamin than with placebo (p = 0.01).",
        methods="Adults were randomised to methylcobalamin or placebo; pain did not differ "
        "between the groups at baseline.",
    )
    effect, direction, evidence = read(record)["pain"]
    assert (effect, direction) == ("decreased", "favours-intervention")
    assert evidence.startswith("Pain fell more")


@pytest.mark.parametrize(
    "results",
    [
        "Vibration threshold fell from 24 V to 19 V in the methylcobalamin group (p = 0.01).",
        "Vibration threshold improved from baseline in both groups (p < 0.01).",
        "Vibration thresholds were unchanged after 24 weeks.",
    ],
)
def test_a_change_within_the_arms_is_unclear_not_a_difference_nor_its_absence(results):
    assert calls(trial(results))["vibration-perception"][1] == "unclear"


def test_a_difference_between_the_arms_still_favours_one():
    # Control for the within-arm cases above.
    record = trial(
        "Vibration threshold fell more in the methylcobalamin group than in the placebo group "
        "(p = 0.01)."
    )
    assert calls(record)["vibration-perception"] == ("decreased", "favours-intervention")


def test_a_study_without_a_control_group_favours_no_arm():
    record = trial(
        "Pain fell significantly with methylcobalamin (p < 0.001).",
        methods="Forty adults took methylcobalamin for 12 weeks in a single-arm study.",
    )
    assert calls(record)["pain"][1] == "unclear"


# --- D. two results joined in one sentence ---------------------------------------------------


def test_two_results_in_one_sentence_are_read_per_clause():
    record = trial(
        "Methylcobalamin significantly reduced pain but did not change nerve conduction "
        "velocity compared with placebo."
    )
    found = calls(record)
    assert found["pain"] == ("decreased", "favours-intervention")
    assert found["nerve-conduction"] == ("no-difference", "no-difference")


def test_joined_results_in_other_words_are_read_per_clause():
    record = trial(
        "Hydroxocobalamin lowered neuropathic pain scores yet left sural conduction unchanged "
        "relative to placebo."
    )
    found = calls(record)
    assert found["pain"][1] == "favours-intervention"
    assert found["nerve-conduction"] == ("no-difference", "no-difference")


def test_one_clause_for_two_outcomes_gives_both_the_same_result():
    # Control: no join, one result for both.
    record = trial(
        "Pain and conduction velocity both improved more with methylcobalamin than with placebo "
        "(p < 0.01)."
    )
    found = calls(record)
    assert found["pain"][1] == found["nerve-conduction"][1] == "favours-intervention"


# --- pooled and summarised reviews (issue #19 causes 6/7) -------------------------------------


def test_a_semicolon_among_the_figures_does_not_cut_a_pooled_result_in_two():
    record = trial(
        "Methylcobalamin lowered pain scores (MD -1.1, 95% CI -1.8 to -0.4; 5 trials) and "
        "symptom scores (SMD -0.25, 95% CI -0.45 to -0.05; 6 trials) compared with placebo, "
        "but did not change vibration threshold (MD 0.3 V, 95% CI -0.9 to 1.5; 4 trials)."
    )
    found = calls(record)
    assert found["pain"][1] == found["symptom-score"][1] == "favours-intervention"
    assert found["vibration-perception"][1] == "no-difference"
    # Control: a semicolon between results still parts them.
    apart = calls(
        trial(
            "Pain fell more with methylcobalamin than with placebo (p = 0.01); symptom scores "
            "did not differ between the groups (p = 0.52)."
        )
    )
    assert (apart["pain"][1], apart["symptom-score"][1]) == (
        "favours-intervention",
        "no-difference",
    )


@pytest.mark.parametrize(
    "results",
    [
        (
            "Effects on symptom scores were conflicting: two trials favoured cyanocobalamin and "
            "two found no difference."
        ),
        (
            "The trials gave inconsistent results for symptom scores, with three finding no "
            "difference from placebo and two a benefit."
        ),
    ],
)
def test_results_a_review_calls_mixed_have_no_direction(results):
    assert calls(trial(results))["symptom-score"][1] == "unclear"


@pytest.mark.parametrize(
    "results",
    [
        (
            "In a mixed-effects model, symptom scores fell more with methylcobalamin than with "
            "placebo (p = 0.01)."
        ),
        (
            "Mixed effects model analysis showed that symptom scores fell more with "
            "methylcobalamin than with placebo (p = 0.01)."
        ),
        # the mixed verdict is another clause's, not this outcome's
        (
            "Symptom scores fell more with methylcobalamin than with placebo (p = 0.01), but "
            "the results for quality of life were inconclusive."
        ),
    ],
)
def test_a_mixed_effects_model_or_another_clauses_mixed_result_is_no_mixed_result(results):
    # Controls: the words of a statistical method are no verdict, nor is another clause's.
    assert calls(trial(results))["symptom-score"][1] == "favours-intervention"
