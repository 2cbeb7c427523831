"""The dose, count, duration and vocabulary readers over the spellings abstracts use, and where they must refuse."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from default_judge import default_words
from litwatch.classifiers.attributes import outcomes_named, treatment_of
from litwatch.classifiers.readers.comparator import read_comparator
from litwatch.classifiers.readers.counts import read_analysed, read_participants
from litwatch.classifiers.readers.dose import daily_dose_of, find_doses
from litwatch.classifiers.readers.duration import prior_use_pattern, read_follow_up
from litwatch.classifiers.readers.population import read_populations
from litwatch.classifiers.text.numbers import parse_number
from litwatch.classifiers.text.passage import Passage

from litwatch.config import load_watches

WORDS = default_words()  # the default watch's forms and populations
TREATMENT = treatment_of(WORDS)
read_formulations, read_routes = TREATMENT.read_forms, TREATMENT.read_routes


def _populations(text: str) -> set[str]:
    return set(read_populations(text, WORDS.populations))


B12 = re.compile(
    r"\b(?:methylcobalamin|mecobalamin|cyanocobalamin|hydroxocobalamin|vitamin\s+b12|b12)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    ("written", "value"),
    [("52,000", 52000), ("1,5", 1.5), ("4.3", 4.3), ("Thirty-five", 35), ("ninety", 90),
     ("one hundred and twenty", 120), ("twelve", 12), ("a", 1), ("lots", None)],
)  # fmt: skip
def test_numbers_are_read_from_digits_and_words(written, value):
    assert parse_number(written) == value


@pytest.mark.parametrize(
    ("text", "ug_per_day"),
    [
        ("methylcobalamin 1000 µg daily", 1000),
        ("methylcobalamin 1000 μg/day", 1000),  # Greek mu
        ("methylcobalamin 1000 mcg per day", 1000),
        ("methylcobalamin 1000 ug once daily", 1000),
        ("oral methylcobalamin 1.5 mg/day", 1500),
        ("methylcobalamin 1,5 mg/d", 1500),
        ("cyanocobalamin 500 µg three times a day", 1500),
        ("cyanocobalamin 500 micrograms twice daily", 1000),
        ("hydroxocobalamin 1000 µg weekly", 1000 / 7),
        ("mecobalamin 0.5 mg three times a week", 1500 / 7),
        ("hydroxocobalamin 1 mg every 2 weeks", 1000 / 14),
        ("cyanocobalamin 1000 µg monthly", 1000 / 30),
        ("cyanocobalamin 1 mg b.i.d.", 2000),
    ],
)
def test_daily_dose_is_normalised_to_micrograms_per_day(text, ug_per_day):
    reading = daily_dose_of(text, B12)
    assert reading.value == pytest.approx(ug_per_day, rel=1e-3)
    assert reading.span is not None and reading.span.text in text


def test_dose_of_an_injection_reads_frequency_past_the_route():
    text = "hydroxocobalamin 1 mg subcutaneously or intramuscularly, weekly for 4 weeks"
    assert daily_dose_of(text, B12).value == pytest.approx(1000 / 7, rel=1e-3)


def test_frequency_may_follow_the_substance_name():
    text = "500 µg methylcobalamin orally three times daily"
    assert daily_dose_of(text, B12).value == 1500
    assert daily_dose_of("methylcobalamin 1000 µg for 4 weeks", B12).value is None


def test_a_dose_range_names_no_daily_dose():
    (mention,) = find_doses("methylcobalamin 500-1000 µg daily")
    assert mention.amount_ug is None
    assert daily_dose_of("methylcobalamin 500–1000 µg daily", B12).value is None


def test_a_dose_without_frequency_or_number_names_no_daily_dose():
    assert daily_dose_of("methylcobalamin 1000 µg was given", B12).value is None
    assert daily_dose_of("methylcobalamin tablets were given daily", B12).value is None


def test_arms_with_different_daily_doses_give_no_single_dose():
    text = "oral cyanocobalamin 2000 ug daily or intramuscular cyanocobalamin 1000 ug monthly"
    assert [round(d.ug_per_day, 1) for d in find_doses(text)] == [2000.0, 33.3]
    assert daily_dose_of(text, B12).value is None


def test_arms_with_the_same_daily_dose_give_it():
    text = "oral cyanocobalamin 1000 mcg/day or oral methylcobalamin 1000 mcg/day"
    assert daily_dose_of(text, B12).value == 1000


def test_a_dose_of_another_drug_is_not_a_b12_dose():
    text = "Vitamin B12 fell in patients assigned to metformin 850 mg three times a day or placebo."
    assert daily_dose_of(text, B12).value is None
    assert daily_dose_of("vitamin B12 and metformin 850 mg daily", B12).value is None


def test_a_dose_written_before_its_substance_belongs_to_it():
    assert daily_dose_of("1000 µg/day of oral cyanocobalamin", B12).value == 1000


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("We randomized 300 patients with diabetic polyneuropathy.", 300),
        ("Thirty-five patients were randomized to two arms.", 35),
        ("In a cohort of 52,000 adults with type 2 diabetes", 52000),
        ("Ninety adults aged 70 or over taking metformin were randomised.", 90),
        ("Of 48 people enrolled, 37 completed treatment.", 48),
        ("A total of 212 consecutive type 2 diabetic patients were included.", 212),
        ("Patients were randomized to B12 (n = 44) or placebo (n = 46).", 90),
        (
            (
                "Ninety patients with neuropathy (cases) were matched with 90 patients without"
                " neuropathy (controls)."
            ),
            180,
        ),
        ("We enrolled 120 cases and 240 controls.", 360),
        ("We report a 62-year-old woman with neuropathy.", 1),
    ],
)
def test_participants_are_the_randomized_or_enrolled_count(text, count):
    assert read_participants(text).value == count


def test_analysed_count_is_kept_apart_from_enrolment():
    text = "Of 48 people enrolled, 37 completed treatment."
    assert read_analysed(text).value == 37
    assert read_participants(text).value == 48


@pytest.mark.parametrize(
    "text",
    [
        "B12 deficiency was present in 17% of patients.",
        "People with type 2 diabetes aged 65 years were eligible.",
        "Four trials with 363 patients qualified for the review.",
        "We pooled 5,120 participants from 12 studies.",
        "Streptozotocin-diabetic rats received methylcobalamin.",
        "Participants were many.",
    ],
)
def test_no_participant_count_where_the_study_states_none(text):
    assert read_participants(text).value is None


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("They were followed for 4.3 years.", 223.6),
        ("A 1-Year, Randomized, Double-Blind Trial", 52),
        ("treated for 24 weeks", 24),
        ("over six months", 52 / 2),
        ("A prospective cohort was followed for 5 years with yearly visits.", 260),
        ("followed for a median of 4 years", 208),
        ("for 90 days", 90 / 7),
        ("weekly for 4 weeks then monthly, and followed for 12 weeks", 12),
        ("a 12-week randomized placebo-controlled trial", 12),
        ("after 2 years of follow-up", 104),
    ],
)
def test_follow_up_is_read_in_weeks(text, weeks):
    assert read_follow_up(text).value == pytest.approx(weeks, rel=0.01)


@pytest.mark.parametrize(
    "text",
    [
        "adults taking metformin for at least a year",
        "people with diabetes for more than 10 years",
        "patients aged 70 years or older",
        "Each additional 5 years of metformin use raised the risk.",
        "No duration was given.",
    ],
)
def test_exposure_ages_and_missing_numbers_are_not_follow_up(text):
    assert read_follow_up(text).value is None


def test_formulations_are_read_in_their_spellings():
    text = "Mecobalamin, hydroxycobalamin, cyanocobalamin and a vitamin B complex were compared."
    assert set(read_formulations(text)) == {
        "methylcobalamin",
        "hydroxocobalamin",
        "cyanocobalamin",
        "b-complex",
    }
    assert read_formulations("Vitamin B12 supplementation") == {}


def test_routes_skip_oral_glucose_tests_and_read_adverbs():
    assert set(read_routes("given subcutaneously or intramuscularly")) == {
        "subcutaneous",
        "intramuscular",
    }
    assert read_routes("an oral glucose tolerance test and oral hypoglycaemic agents") == {}
    assert set(read_routes("a B-complex tablet")) == {"oral"}


def test_outcomes_are_the_watchs_outcome_domains_by_the_findings_readers_wordings():
    text = (
        "Outcomes were the Michigan Neuropathy Screening Instrument, pain on a visual analogue"
        " scale, quality of life (SF-36), sural nerve conduction, vibration perception threshold,"
        " corneal confocal microscopy, Sudoscan and serum B12 with methylmalonic acid."
    )
    watch = load_watches()[0]
    named = outcomes_named(Passage.of(text), watch.outcome_domains, watch.outcome_vocabulary)
    assert list(named) == [
        "symptom-score",
        "pain",
        "quality-of-life",
        "nerve-conduction",
        "vibration-perception",
        "small-fibre",
        "b12-status",
    ]
    # another watch's domains name none of them
    kidney = load_watches(Path(__file__).parents[2] / "litwatch/watches/sglt2-kidney.toml")[0]
    assert outcomes_named(Passage.of(text), kidney.outcome_domains, None) == {}


def test_population_flags():
    text = "Adults with type 2 diabetes on metformin with painful diabetic neuropathy and serum B12 below 200 pmol/L."
    assert _populations(text) == {"diabetes", "metformin-users", "dpn", "b12-measured"}


def test_negated_diabetes_is_no_diabetic_population():
    text = "Sixty adults with pernicious anaemia and no diabetes."
    assert _populations(text) == set()


def test_b12_deficiency_in_passing_is_not_a_measured_status():
    assert "b12-measured" not in _populations("B12 deficiency is linked to neuropathy.")


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("Patients were randomized to methylcobalamin or placebo.", "placebo"),
        ("Oral versus intramuscular cyanocobalamin: a randomised trial.", "head-to-head"),
        ("We randomized patients to oral cyanocobalamin or oral methylcobalamin.", "head-to-head"),
        ("Patients were randomized to methylcobalamin or pregabalin.", "active"),
        ("An open-label study without a control group.", "none"),
        (
            (
                "Patients were randomized to a B-complex tablet containing thiamine and"
                " cyanocobalamin or to placebo."
            ),
            "placebo",
        ),
        ("Placebo-controlled trials are needed.", "none"),
    ],
)
def test_comparator_kinds(text, comparator):
    assert read_comparator(text, TREATMENT).value == comparator


@pytest.mark.parametrize(
    ("text", "participants", "weeks", "dose"),
    [
        # The largest values a study can have are read ...
        ("100,000,000 adults were enrolled and followed for 100 years on B12 100 g daily.",
         100_000_000, 5200.0, 100_000_000.0),
        # ... one past them is no head count, follow-up or dose, and left unread (issue 18, 11).
        ("100,000,001 adults were enrolled and followed for 5201 weeks on B12 100001 mg daily.",
         None, None, None),
        ("8000000000 people were randomised to B12 1000 µg daily or placebo for 99999 weeks.",
         None, None, 1000.0),
        (f"{'9' * 30} patients took B12 {'9' * 30} µg daily for {'9' * 30} years.",
         None, None, None),
    ],
)  # fmt: skip
def test_implausible_counts_lengths_and_doses_are_left_unread(text, participants, weeks, dose):
    assert read_participants(text).value == participants
    assert read_follow_up(text).value == weeks
    assert daily_dose_of(text, B12).value == dose


def test_an_implausible_dose_beside_a_plausible_one_is_no_single_dose():
    text = "B12 1000 µg daily or B12 900000000 g daily."
    assert daily_dose_of(text, B12).value is None
    assert daily_dose_of("B12 1000 µg daily.", B12).value == 1000.0  # control


def test_a_drug_taken_before_the_study_is_no_follow_up_when_the_watch_names_its_use():
    """The drug whose prior use is a baseline characteristic is the watch's (a use stratum's
    terms), not a name in the reader's code."""
    text = "Adults on metformin for four years were randomised to B12 or placebo; outcomes at 12 weeks."
    prior = prior_use_pattern(WORDS.prior_use)
    assert read_follow_up(text, prior).value == 12
    # control: without the watch's words, four years of metformin reads as the longest length
    assert read_follow_up(text).value == pytest.approx(4 * 52.18, rel=0.01)


def test_a_terms_pattern_is_the_same_whatever_order_or_process_builds_it():
    # Equal-length terms came out in a set's order, which changes with the hash seed: two
    # pytest-xdist workers then collected different test ids from the readers' patterns.
    import subprocess
    import sys

    from litwatch.classifiers.readers.terms import compile_terms

    terms = ["hydroxocobalamin", "hydroxycobalamin", "alpha", "bravo", "delta", "gamma", "kappa"]
    assert compile_terms(terms).pattern == compile_terms(list(reversed(terms))).pattern
    script = (
        "from litwatch.classifiers.readers.terms import compile_terms; "
        f"print(compile_terms({terms!r}).pattern)"
    )
    patterns = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(patterns) == 1
