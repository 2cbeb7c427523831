"""Result sentences that judge rather than measure ("improved", "worsened", "better", "poorer")
on an outcome where lower is better: the label says whether the measure rose or fell, so an
improvement in a symptom is a decrease and a worsening an increase. Read through `litwatch
findings --prompts` as a user asks it, and through the effect rules alone. Every trial here is
written for this test. The controls must not flip: "improved" on a measure where higher is
better, a relief or remission of a symptom, a plain "lower"/"higher" on a symptom, and a
denial of any difference."""

from __future__ import annotations

import pytest
from findings_trials import answer_trials, rules_read

# pmid -> (methods, results, outcome, intervention, comparator, the right label)
TRIALS = {
    # A verdict on a symptom: an improvement is a fall.
    "93000001": (
        "Ferry passengers were randomised to ginger lozenges or placebo lozenges before sailing.",
        "Nausea improved markedly with ginger lozenges compared with placebo (p = 0.002).",
        "nausea",
        "ginger lozenges",
        "placebo lozenges",
        "decreased",
    ),
    "93000002": (
        "Adults with mild asthma attended salt-room sessions or continued usual care for 8 weeks.",
        "Wheezing improved more with salt-room sessions than with usual care (p = 0.01).",
        "wheezing",
        "salt-room sessions",
        "usual care",
        "decreased",
    ),
    # A worsening of a symptom is a rise.
    "93000003": (
        "Care-home residents with dementia received lavender oil massage or plain massage.",
        (
            "Agitation worsened in the lavender oil group compared with the plain massage group "
            "(p = 0.04)."
        ),
        "agitation",
        "lavender oil massage",
        "plain massage",
        "increased",
    ),
    # "better" on an itch, with the comparator named first.
    "93000004": (
        "Children with eczema applied oat cream or the bare emollient base twice a day.",
        (
            "Compared with the emollient base, itching was significantly better with oat cream "
            "(p < 0.001)."
        ),
        "itching",
        "oat cream",
        "emollient base",
        "decreased",
    ),
    # A stay in hospital: shorter is better.
    "93000005": (
        "Patients after hip repair were walked on the first day or kept on bed rest for three days.",
        (
            "Length of hospital stay improved significantly with early walking compared with bed "
            "rest (p = 0.01)."
        ),
        "length of hospital stay",
        "early walking",
        "bed rest",
        "decreased",
    ),
    # The verdict beside the outcome speaks for it, not an amount said of another measure.
    "93000006": (
        "Rowers drank seaweed broth or water before each training session for six weeks.",
        (
            "The seaweed broth group had poorer exercise tolerance than the water group, and a "
            "higher resting heart rate (p = 0.02)."
        ),
        "exercise tolerance",
        "seaweed broth",
        "water",
        "decreased",
    ),
    # Controls. Higher is better: an improvement is a rise.
    "93000007": (
        "Night-shift nurses drank cherry juice or a placebo drink each evening for a month.",
        "Sleep quality improved with cherry juice compared with the placebo drink (p = 0.01).",
        "sleep quality",
        "cherry juice",
        "placebo drink",
        "increased",
    ),
    # A relief of a symptom is a gain.
    "93000008": (
        "Women with period pain used a warm compress or a cold pack on the first day.",
        "Pain relief was better with the warm compress than with the cold pack (p = 0.02).",
        "pain relief",
        "warm compress",
        "cold pack",
        "increased",
    ),
    # A plain amount on a symptom stands as written.
    "93000009": (
        "Migraine sufferers took feverfew capsules or placebo capsules for three months.",
        "Headache days were higher with placebo capsules than with feverfew capsules (p = 0.03).",
        "headache days",
        "feverfew capsules",
        "placebo capsules",
        "decreased",
    ),
    # A denial of a difference between the arms is no difference, improvement or not.
    "93000010": (
        "Children with a cold were given thyme syrup or honey syrup at bedtime.",
        (
            "Cough improved in both groups, with no significant difference between the groups "
            "(p = 0.41)."
        ),
        "cough",
        "thyme syrup",
        "honey syrup",
        "no-difference",
    ),
}


def test_findings_reads_verdicts_through_the_outcome_s_direction(monkeypatch, capsys, tmp_path):
    answers = answer_trials(monkeypatch, capsys, tmp_path, TRIALS)
    assert answers == {pmid: (trial[-1], trial[1]) for pmid, trial in TRIALS.items()}


@pytest.mark.parametrize(
    ("sentence", "outcome", "expected"),
    [
        (
            "Dizziness improved with the wrist band compared with the sham band.",
            "dizziness",
            "down",
        ),
        (
            "Constipation was better with kiwi fruit than with the sham band.",
            "constipation",
            "down",
        ),
        (
            "Breathlessness worsened with the wrist band versus the sham band.",
            "breathlessness",
            "up",
        ),
        ("The wrist band gave worse joint stiffness than the sham band.", "joint stiffness", "up"),
        (
            "Readmissions improved with the wrist band compared with the sham band.",
            "readmissions",
            "down",
        ),
        # Controls: higher is better, or a relief, or no judgement at all.
        (
            "Walking speed improved with the wrist band compared with the sham band.",
            "walking speed",
            "up",
        ),
        (
            "Symptom relief was better with the wrist band than with the sham band.",
            "symptom relief",
            "up",
        ),
        (
            "Remission of itching was poorer with the wrist band than the sham band.",
            "remission of itching",
            "down",
        ),
        ("Dizziness was reported with the wrist band and the sham band.", "dizziness", "none"),
        # A change within every arm is no direction between them.
        ("Tremor improved in both arms, wrist band and sham band alike.", "tremor", "none"),
    ],
)
def test_a_verdict_reads_through_whether_lower_is_better(sentence, outcome, expected):
    assert rules_read(sentence, outcome, "wrist band", "sham band") == expected


@pytest.mark.parametrize(
    ("sentence", "outcome", "expected"),
    [
        # "more" or "less" after the word it measures: the word keeps its direction.
        ("The wrist band reduced more body fat than the sham band.", "body fat", "down"),
        (
            "Grip strength increased less with the wrist band than the sham band.",
            "grip strength",
            "down",
        ),
        (
            "The wrist band lowered significantly more resting heart rate.",
            "resting heart rate",
            "down",
        ),
        (
            "Sleep quality improved more with the wrist band than the sham band.",
            "sleep quality",
            "up",
        ),
        # Controls: "more" as the amount itself, and "more" before the word it measures.
        ("The wrist band group had more body fat than the sham band group.", "body fat", "up"),
        ("Body fat was more reduced with the wrist band than the sham band.", "body fat", "down"),
        ("Body fat was reduced, and more patients used the wrist band.", "body fat", "down"),
    ],
)
def test_a_comparative_after_its_word_measures_that_word(sentence, outcome, expected):
    assert rules_read(sentence, outcome, "wrist band", "sham band") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Each arm named, then its value: the value after the arm is the arm's.
        ("Step count in the wrist band group was 7400 and in the sham band group was 6100.", "up"),
        ("The wrist band group had 3 falls and the sham band group had 9 falls.", "down"),
        ("The sham band group had 5200 steps and the wrist band group had 4800 steps.", "down"),
        # Controls: the value before each arm, and one arm only followed by a value.
        ("Step count was 7400 in the wrist band group and 6100 in the sham band group.", "up"),
        ("Step count was 4800 with the wrist band; the sham band group was 5200 steps.", "none"),
        ("The wrist band group of 40 walkers took 7400 steps, the sham band group 6100.", "none"),
    ],
)
def test_a_value_named_after_each_arm_is_that_arm_s(sentence, expected):
    # Which arm's value the numbers put higher: "up" for the wrist band.
    assert rules_read(sentence, "step count", "wrist band", "sham band", "numbers") == expected
