"""The arms reader: what each arm got, the comparisons the arms make, and a head-to-head trial's
results per outcome domain with the better arm, read from sentences written for these tests."""

from __future__ import annotations

from default_judge import default_words
from litwatch.classifiers.attributes import treatment_of
from litwatch.classifiers.readers.arms import intervention_pattern, read_arms
from litwatch.classifiers.readers.included import read_included_studies
from litwatch.core.findings import DomainTerm, OutcomeDomain

# A watch's own words: none of these is in the reader's code.
NAMES = intervention_pattern(["vitamin B12", "B12", "cobalamin", "methylcobalamin",
                              "cyanocobalamin", "hydroxocobalamin"])  # fmt: skip


def _domain(name, *terms, polarity="lower-is-better"):
    return OutcomeDomain(name, name, tuple(DomainTerm(t) for t in terms), polarity)


DOMAINS = (
    _domain("pain", "pain", "pain score*"),
    _domain("conduction", "nerve conduction*", "conduction velocit*", polarity="higher-is-better"),
    _domain("symptoms", "symptom score*", "symptom questionnaire*"),
    OutcomeDomain(
        "status",
        "status",
        (
            DomainTerm("serum B12"),
            DomainTerm("B12 level*"),
            DomainTerm("homocysteine", polarity="lower-is-better"),
        ),
        "higher-is-better",
    ),
)


TREATMENT = treatment_of(default_words())  # the default watch's forms


def read(text):
    return read_arms(text, NAMES, DOMAINS, treatment=TREATMENT)


def test_a_three_arm_trial_with_placebo_makes_both_kinds_of_comparison():
    arms = read(
        "Methods: We randomly allocated 150 adults to weekly intramuscular methylcobalamin "
        "1000 µg, oral methylcobalamin 1500 µg daily, or matching placebo for six months.\n"
        "Results: Pain scores dropped more in each active arm than with placebo, and the two "
        "routes did not differ in pain."
    )
    assert [(a.route, a.formulation, a.control) for a in arms.arms] == [
        ("intramuscular", "methylcobalamin", None),
        ("oral", "methylcobalamin", None),
        (None, None, "placebo"),
    ]
    assert arms.arms[1].daily_dose_ug == 1500
    assert [c.kind for c in arms.comparisons] == [
        "placebo-controlled",
        "placebo-controlled",
        "head-to-head",
    ]
    assert arms.controlled and arms.head_to_head
    [pain] = arms.head_to_head_results
    assert (pain.domain, pain.call, pain.better) == ("pain", "no-difference", None)


def test_each_form_keeps_its_own_route():
    arms = read(
        "Patients were randomised to tablets of cyanocobalamin 500 µg twice daily or to "
        "hydroxocobalamin 1 mg intramuscularly every month."
    )
    assert [(a.formulation, a.route) for a in arms.arms] == [
        ("cyanocobalamin", "oral"),
        ("hydroxocobalamin", "intramuscular"),
    ]
    assert [c.kind for c in arms.comparisons] == ["head-to-head"]


def test_one_form_given_two_ways_makes_two_arms_of_that_form():
    arms = read("Eighty people were assigned to cobalamin 1 mg subcutaneously or intravenously.")
    assert [(a.formulation, a.route) for a in arms.arms] == [(None, "subcutaneous"), (None, "intravenous")]  # fmt: skip
    assert arms.tests_intervention and [c.kind for c in arms.comparisons] == ["head-to-head"]


def test_head_to_head_results_name_the_better_arm_per_outcome():
    arms = read(
        "Adults were randomised to cyanocobalamin tablets 1000 µg daily or cyanocobalamin "
        "injections 1000 µg monthly for 12 weeks. Conduction velocity rose more with "
        "injections than with tablets; symptom questionnaire totals did not differ between "
        "the groups."
    )
    calls = {r.domain: (r.call, r.better) for r in arms.head_to_head_results}
    injected = next(i for i, a in enumerate(arms.arms) if a.route == "injected")
    assert calls == {
        "conduction": ("favours-one-form", injected),
        "symptoms": ("no-difference", None),
    }
    # "rose more with injections than with tablets": a difference in words, no test reported
    assert {r.domain: r.tested for r in arms.head_to_head_results}["conduction"] is False
    tested = read(
        "Adults were randomised to cyanocobalamin tablets 1000 µg daily or cyanocobalamin "
        "injections 1000 µg monthly for 12 weeks. Conduction velocity rose more with "
        "injections than with tablets (p = 0.02)."
    )
    [conduction] = tested.head_to_head_results
    assert (conduction.call, conduction.tested) == ("favours-one-form", True)
    after = read(
        "Adults were randomised to cyanocobalamin tablets 1000 µg daily or cyanocobalamin "
        "injections 1000 µg monthly for 12 weeks. Conduction velocity rose more with "
        "injections than with tablets. The difference was significant (p = 0.02)."
    )
    assert [r.tested for r in after.head_to_head_results] == [True]


def test_whereas_keeps_each_clause_s_result_to_its_own_outcome():
    arms = read(
        "Adults were randomised to cyanocobalamin tablets 1000 µg daily or cyanocobalamin "
        "injections 1000 µg monthly for 12 weeks. Conduction velocity rose more with "
        "injections than with tablets (p = 0.01), whereas symptom questionnaire totals did "
        "not differ between the groups."
    )
    calls = {r.domain: r.call for r in arms.head_to_head_results}
    assert calls == {"conduction": "favours-one-form", "symptoms": "no-difference"}


def test_two_doses_of_one_form_and_route_compare_no_form_or_route():
    arms = read(
        "Adults were randomised to cyanocobalamin tablets 500 µg daily, cyanocobalamin tablets "
        "1500 µg daily or placebo for 24 weeks. Conduction velocity rose more with the higher "
        "dose than with the lower dose."
    )
    assert [c.kind for c in arms.comparisons if c.head_to_head] == []
    # Control: the same doses by two routes do compare routes.
    routes = read(
        "Adults were randomised to cyanocobalamin tablets 1000 µg daily or cyanocobalamin "
        "injections 1000 µg monthly for 12 weeks."
    )
    assert any(c.head_to_head for c in routes.comparisons)


def test_equivalence_and_non_inferiority_read_as_no_difference():
    for wording in ("was equivalent to", "was non-inferior to", "was as effective as"):
        arms = read(
            "Women were randomly assigned to oral methylcobalamin or intramuscular "
            f"methylcobalamin. Oral treatment {wording} injection for serum B12 at 3 months."
        )
        [status] = arms.head_to_head_results
        assert (status.domain, status.call) == ("status", "no-difference"), wording


def test_the_methods_never_give_a_result():
    arms = read(
        "Participants were randomized to oral or intramuscular hydroxocobalamin. The primary "
        "outcome was nerve conduction velocity at 6 months, compared between the routes."
    )
    assert arms.head_to_head_results == ()


def test_an_add_on_trial_compares_the_intervention_plus_a_drug_with_the_drug_alone():
    arms = read(
        "We randomised 64 patients to methylcobalamin plus gabapentin or gabapentin alone for "
        "eight weeks."
    )
    assert arms.arms[0].add_on == "gabapentin"
    assert [c.kind for c in arms.comparisons] == ["add-on"]


def test_usual_care_and_no_treatment_are_controls():
    usual = read("Residents were allocated to B12 injections or usual care.")
    assert [c.kind for c in usual.comparisons] == ["usual-care-controlled"]
    untreated = read("Clinics were randomized to oral B12 supplements or no treatment.")
    assert [c.kind for c in untreated.comparisons] == ["untreated-controlled"]


def test_a_trial_of_another_drug_does_not_test_the_intervention():
    arms = read(
        "Participants were randomly assigned to metformin 500 mg twice a day or placebo. "
        "Serum B12 levels fell by a quarter with metformin."
    )
    assert not arms.tests_intervention
    assert not any(arm.intervention for arm in arms.arms)
    assert arms.comparisons == ()
    # Control: the same sentence with the intervention in the arm tests it.
    given = read("Participants were randomly assigned to cyanocobalamin 500 µg or placebo.")
    assert given.tests_intervention and [c.kind for c in given.comparisons] == [
        "placebo-controlled"
    ]


def test_a_review_of_the_intervention_tests_it_without_arms():
    arms = read(
        "We searched three databases for randomised trials of B12 supplements in neuropathy. "
        "Six trials qualified."
    )
    assert arms.arms == () and arms.tests_intervention
    measured = read("We measured serum B12 levels in 300 metformin users.")
    assert not measured.tests_intervention


def test_a_single_group_study_has_one_arm_and_no_comparison():
    arms = read("In this open study, 30 adults took oral methylcobalamin 1500 µg a day.")
    assert [(a.route, a.formulation) for a in arms.arms] == [("oral", "methylcobalamin")]
    assert arms.comparisons == ()


def test_a_crossover_with_placebo_injections_is_placebo_controlled():
    arms = read(
        "In this crossover study, each participant received hydroxocobalamin injections and "
        "saline injections in random order."
    )
    assert [c.kind for c in arms.comparisons] == ["placebo-controlled"]


def test_a_review_says_how_many_studies_it_pooled_and_a_call_for_more_is_no_count():
    assert read_included_studies("Eleven trials with 1,204 adults met our criteria.") == (11, 1204)
    assert read_included_studies("We pooled 6 randomised studies.") == (6, None)
    assert read_included_studies("Two more trials are needed.") == (None, None)


def test_the_year_a_search_ran_to_is_no_count_of_studies():
    search = "We searched MEDLINE to {} for randomised trials and pooled hazard ratios."
    for date in ("March 2026", "2026", "Dec. 2025"):
        assert read_included_studies(search.format(date)) == (None, None), date
    found = search.format("March 2026") + " Eleven trials with 78,430 participants were included."
    assert read_included_studies(found) == (11, 78430)
    # control: a count written beside a year is still a count
    assert read_included_studies("In 2026 we pooled 2026 trials.") == (2026, None)


def test_a_superlative_said_of_one_arm_names_it_and_a_change_in_every_arm_names_none():
    # A superlative among the arms compares them ("rose most with injection"), as the truth
    # table reads "methylmalonic acid fell most with injections" (99000013); it was read as a
    # description until round 3.
    text = (
        "Adults were randomised to oral hydroxocobalamin or intramuscular hydroxocobalamin. "
        "Serum B12 rose {} with intramuscular injection."
    )
    [tested] = read(text.format("most")).head_to_head_results
    assert (tested.call, read(text.format("most")).arms[tested.better].route) == (
        "favours-one-form",
        "intramuscular",
    )
    # Control: a rise in every arm sets no arm above another.
    every = read(text.replace("with intramuscular injection", "in both arms").format("steadily"))
    assert all(result.call != "favours-one-form" for result in every.head_to_head_results)


def test_arms_without_a_route_take_the_one_route_the_abstract_names():
    arms = read(
        "We asked whether oral cyanocobalamin helps. Patients were randomized to "
        "cyanocobalamin 1000 µg daily or placebo."
    )
    assert [(a.formulation, a.route) for a in arms.arms] == [
        ("cyanocobalamin", "oral"),
        (None, None),
    ]


def test_arms_written_in_other_ways_are_read_the_same():
    groups = read(
        "Patients were randomized into three groups: group A received methylcobalamin "
        "injections, group B oral methylcobalamin, and group C placebo."
    )
    assert [a.treatment for a in groups.arms] == [
        "injected methylcobalamin",
        "oral methylcobalamin",
        "placebo",
    ]
    before = read(
        "Sixty patients were randomly allocated to pregabalin alone or pregabalin combined "
        "with methylcobalamin for 8 weeks."
    )
    assert [c.kind for c in before.comparisons] == ["add-on"]
    assert [a.add_on for a in before.arms if a.intervention] == ["pregabalin"]
    divided = read(
        "A total of 150 patients were randomly divided into an observation group (cobalamin "
        "injection) and a control group (conventional treatment)."
    )
    assert [c.kind for c in divided.comparisons] == ["usual-care-controlled"]
    named = read("In this trial, 80 patients received vitamin B12 (1000 µg/day) or placebo.")
    assert [a.treatment for a in named.arms] == ["vitamin B12", "placebo"]


# --------------------------------------------------------------- round 3: arms and head-to-head


def test_an_arm_listed_after_or_keeps_its_own_dose_and_schedule():
    arms = read(
        "Volunteers were randomly assigned to cyanocobalamin 250 µg by subcutaneous injection "
        "twice weekly or 2000 µg by mouth each day."
    )
    assert [(a.route, a.daily_dose_ug) for a in arms.arms] == [
        ("subcutaneous", round(500 / 7, 2)),
        ("oral", 2000),
    ]
    assert arms.arms[1].words.startswith("2000 µg")


def test_an_arm_dosed_less_often_than_daily_keeps_its_dose_as_written():
    # A prescriber writes "1.5 mg every two weeks", not "107 µg/day": each arm keeps the dose
    # of one administration beside its dose per day, and says whether it is given less often
    # than daily.
    injected, oral = read(
        "Older adults were randomly assigned to hydroxocobalamin 1.5 mg by intramuscular "
        "injection every two weeks or to cyanocobalamin 1000 µg by mouth once a day."
    ).arms
    assert (injected.dose_ug, injected.daily_dose_ug, injected.schedule) == (
        1500,
        round(1500 / 14, 2),
        "every two weeks",
    )
    assert injected.less_than_daily
    # Controls: a daily arm, and one given twice a day, read per day as they are prescribed.
    assert (oral.dose_ug, oral.daily_dose_ug, oral.less_than_daily) == (1000, 1000, False)
    twice = read("Patients took oral methylcobalamin 500 µg twice daily or placebo.").arms[0]
    assert (twice.dose_ug, twice.daily_dose_ug, twice.less_than_daily) == (500, 1000, False)


def test_a_dose_said_once_for_both_arms_is_each_arm_s_dose_as_written():
    shared = read(
        "Care-home residents were randomised to cyanocobalamin 2 mg subcutaneously or "
        "intramuscularly, once a week, for three months."
    ).arms
    assert [(a.route, a.dose_ug, a.schedule, a.less_than_daily) for a in shared] == [
        ("subcutaneous", 2000, "once a week", True),
        ("intramuscular", 2000, "once a week", True),
    ]


def test_two_ways_of_giving_one_form_that_the_vocabulary_does_not_name_are_head_to_head():
    arms = read(
        "Adults taking metformin were randomized to methylcobalamin 1000 µg daily as a chewable "
        "tablet or as an enteric-coated tablet for 10 weeks. Serum B12 at 10 weeks lay within "
        "the prespecified equivalence margin for the chewable and the coated tablets."
    )
    assert len(arms.arms) == 2 and all(a.intervention for a in arms.arms)
    assert [c.kind for c in arms.comparisons] == ["head-to-head"]
    assert not arms.controlled  # nothing here is measured against a control
    [status] = arms.head_to_head_results
    assert (status.domain, status.call) == ("status", "no-difference")
    # Control: a tablet of the vitamin against a placebo tablet is no head-to-head comparison.
    placebo = read("Adults were randomized to methylcobalamin tablets or placebo tablets.")
    assert [c.kind for c in placebo.comparisons] == ["placebo-controlled"]


THREE_ARMS = (
    "Patients were randomised to hydroxocobalamin injections every month, cyanocobalamin "
    "tablets every day, or sham injections with dummy tablets for 20 weeks. "
)


def test_a_denial_that_names_no_outcome_speaks_of_the_outcome_before_it():
    arms = read(
        THREE_ARMS + "Against sham, symptom scores dropped by 3 points more with hydroxocobalamin "
        "and by 2.5 points more with cyanocobalamin. The gap between the two vitamin regimens "
        "was not statistically significant."
    )
    assert arms.controlled and arms.head_to_head
    # The first result sets each vitamin against sham, never one vitamin above the other.
    assert [(r.domain, r.call, r.better) for r in arms.head_to_head_results] == [
        ("symptoms", "no-difference", None)
    ]


def test_a_comparison_of_the_arms_beside_the_control_names_the_better_arm():
    arms = read(
        THREE_ARMS + "Serum B12 climbed in both vitamin groups relative to sham, and it ended "
        "higher with the injections than with the tablets."
    )
    [status] = arms.head_to_head_results
    assert (status.call, arms.arms[status.better].route) == ("favours-one-form", "injected")
    # Control: climbing "in both vitamin groups" alone is a change within each arm.
    within = read(THREE_ARMS + "Serum B12 climbed in both vitamin groups relative to sham.")
    assert within.head_to_head_results == ()
    # ... and said beside a comparison of the arms, it takes nothing from it.
    beside = read(
        THREE_ARMS + "Serum B12 ended higher with the injections than with the tablets, "
        "though it rose in both groups."
    )
    [status] = beside.head_to_head_results
    assert (status.call, beside.arms[status.better].route) == ("favours-one-form", "injected")


def test_the_better_arm_follows_the_outcomes_polarity():
    start = "Adults were randomized to oral methylcobalamin or intramuscular methylcobalamin. "
    compared = "{} was lower with oral methylcobalamin than with intramuscular methylcobalamin."

    def better_route(outcome):
        [result] = read(start + compared.format(outcome)).head_to_head_results
        assert result.call == "favours-one-form", outcome
        return read(start).arms[result.better].route

    assert better_route("Pain") == "oral"  # lower pain is better
    assert better_route("Nerve conduction velocity") == "intramuscular"  # higher is better
    assert better_route("Homocysteine") == "oral"  # a term whose own polarity is lower-is-better
    assert better_route("Serum B12") == "intramuscular"


def test_a_change_from_baseline_in_one_arm_only_names_no_better_arm():
    start = "Adults were randomized to oral methylcobalamin or intramuscular methylcobalamin. "
    within = read(
        start + "Conduction velocity improved from baseline with the injections, whereas it did "
        "not with the tablets."
    )
    assert all(r.call != "favours-one-form" for r in within.head_to_head_results)
    # Control: the same arms set against each other name the better one.
    between = read(start + "Conduction velocity improved more with injections than with tablets.")
    [result] = between.head_to_head_results
    assert (result.call, between.arms[result.better].route) == ("favours-one-form", "intramuscular")


def test_arms_alike_in_other_words_read_as_no_difference():
    start = "Adults were randomized to oral cyanocobalamin or intramuscular hydroxocobalamin. "
    for wording in (
        "Neither form lowered pain scores better than the other.",
        "Pain scores fell to a comparable extent with the two forms.",
        "For pain, tablets proved as effective as injections.",
    ):
        [pain] = read(start + wording).head_to_head_results
        assert (pain.domain, pain.call) == ("pain", "no-difference"), wording
    # Control: "but not" denies for one arm only; it is no statement that the arms were alike.
    one = read(start + "Pain scores fell with injections but not with tablets.")
    assert all(r.call != "no-difference" for r in one.head_to_head_results)


def test_arms_of_one_form_and_route_are_named_by_the_words_only_one_of_them_has():
    arms = read(
        "Adults were randomized to methylcobalamin 1000 µg daily as a chewable tablet or as an "
        "enteric-coated tablet for 10 weeks. Serum B12 was higher with the chewable than with "
        "the coated tablets (p = 0.01)."
    )
    [status] = arms.head_to_head_results
    assert (status.call, arms.arms[status.better].words) == (
        "favours-one-form",
        "methylcobalamin 1000 µg daily as a chewable tablet",
    )
    # Control: a word both arms share ("tablet") names neither.
    shared = read(
        "Adults were randomized to methylcobalamin 1000 µg daily as a chewable tablet or as an "
        "enteric-coated tablet. Serum B12 was higher with one tablet than with the other tablet."
    )
    assert all(r.call != "favours-one-form" for r in shared.head_to_head_results)
