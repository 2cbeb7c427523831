"""The association reader (issue #21 item 2) on the ways abstracts state an association, each
in its own words: the outcome in the exposed against the unexposed, with its size where stated.
These sentences are written here, not taken from the corpus; the shipped watch's questions."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.associations import read_associations_in, size_in
from litwatch.classifiers.findings.text import read_abstract
from litwatch.core.records import AbstractSection, Record

from litwatch.config import load_watches

METHODS = (
    "We measured serum B12 and examined 400 adults with type 2 diabetes, some taking metformin."
)

SENTENCES = [
    # metformin -> B12 status
    (
        "Metformin users had significantly lower serum B12 levels than non-users (p<0.001).",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "The prevalence of B12 deficiency was higher among metformin users (22%) than among non-users (8%).",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "Metformin use was associated with a 2.9-fold increased risk of B12 deficiency.",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "There was no significant association between metformin use and vitamin B12 levels.",
        "metformin-b12-status",
        "no-association",
    ),
    (
        "Vitamin B12 levels were inversely correlated with the duration of metformin therapy (r = -0.42).",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "Serum B12 was significantly lower in patients on metformin compared with those not on metformin.",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "Metformin-treated patients had lower B12 concentrations than patients treated with diet alone.",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "Long-term metformin therapy did not affect serum B12 levels.",
        "metformin-b12-status",
        "no-association",
    ),
    (
        "B12 concentrations were similar in metformin users and non-users.",
        "metformin-b12-status",
        "no-association",
    ),
    (
        "Serum B12 was higher in non-users than in metformin users (median 342 vs 251 pmol/L).",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "B12 deficiency was present in 30% of metformin users versus 12% of non-users.",
        "metformin-b12-status",
        "decreased",
    ),
    (
        "Deficiency was found in 9% of non-users compared with 6% of metformin users.",
        "metformin-b12-status",
        "increased",
    ),
    # the exposed named only as the people studied: no comparison
    ("Among metformin users, B12 deficiency was found in 18%.", "metformin-b12-status", "unclear"),
    (
        "B12 deficiency was common in patients with type 2 diabetes taking metformin.",
        "metformin-b12-status",
        "unclear",
    ),
    # metformin -> neuropathy; low B12 -> neuropathy measures
    (
        "Peripheral neuropathy was more frequent in metformin users than in non-users.",
        "metformin-neuropathy",
        "increased",
    ),
    (
        "Nerve conduction velocities were lower in patients with low B12 than in those with normal B12.",
        "low-b12-neuropathy",
        "increased",
    ),
    (
        "Neuropathy scores did not differ between B12-deficient and B12-replete patients.",
        "low-b12-neuropathy",
        "no-association",
    ),
]


@pytest.mark.parametrize(("sentence", "question", "call"), SENTENCES)
def test_the_outcome_in_the_exposed_against_the_unexposed(sentence, question, call):
    (watch,) = load_watches()
    definition = watch.findings_definition
    record = Record(
        pmid="1",
        title="Metformin, vitamin B12 and neuropathy in type 2 diabetes: a cross-sectional study",
        publication_year=2025,
        abstract=(
            AbstractSection(text=METHODS, label="METHODS"),
            AbstractSection(text=sentence, label="RESULTS"),
        ),
    )
    answers = read_associations_in(
        read_abstract(record), definition.associations, definition.vocabulary
    )
    [answer] = [a for a in answers if a.question == question]
    assert answer.call == call
    assert answer.evidence == (sentence if call != "unclear" else "")  # results, never methods


@pytest.mark.parametrize(
    ("sentence", "size"),
    [
        (
            "risk of deficiency rose (hazard ratio 1.6 per 1000 mg, 95% CI 1.3 to 2.0)",
            "HR 1.6 per 1000 mg, 95% CI 1.3 to 2.0",
        ),
        (
            "more deficiency (adjusted odds ratio 2.7, 95% CI 1.6 to 4.5)",
            "adjusted OR 2.7, 95% CI 1.6 to 4.5",
        ),
        (
            "B12 fell (mean difference -58 pmol/L, 95% CI -71 to -45)",
            "mean difference -58 pmol/L, 95% CI -71 to -45",
        ),
        ("serum B12 was 19% lower with metformin", "19% lower"),
        ("metformin lowered B12 by about a fifth", "about a fifth"),
        ("B12 was lower with metformin", ""),  # control: no size stated
    ],
)
def test_the_size_is_read_where_stated(sentence, size):
    assert size_in(sentence) == size


@pytest.mark.parametrize(
    ("title", "methods", "trial", "versus"),
    [
        (
            "Metformin in type 2 diabetes",
            "Adults were randomly assigned (1:1) to metformin 850 mg twice daily or matching placebo.",
            True,
            "placebo",
        ),
        (
            "Metformin in type 2 diabetes",
            "Participants were randomised to placebo or metformin for two years.",
            True,
            "placebo",
        ),
        (
            "Metformin versus placebo and vitamin B12 in prediabetes",
            "We followed 300 adults for 3 years.",
            True,
            "placebo",
        ),
        # control: B12 given to metformin users is no trial of metformin
        (
            "B12 in metformin users",
            "Metformin users were randomized to methylcobalamin 1000 ug daily or placebo.",
            False,
            "",
        ),
    ],
)
def test_a_trial_counts_only_when_its_arms_set_the_exposure_against_its_absence(
    title, methods, trial, versus
):
    (watch,) = load_watches()
    definition = watch.findings_definition
    record = Record(
        pmid="2",
        title=title,
        publication_year=2025,
        abstract=(
            AbstractSection(text=methods, label="METHODS"),
            AbstractSection(
                text="Serum B12 was lower with metformin than with placebo.", label="RESULTS"
            ),
        ),
    )
    answers = read_associations_in(
        read_abstract(record), definition.associations, definition.vocabulary
    )
    [answer] = [a for a in answers if a.question == "metformin-b12-status"]
    assert (answer.trial_of_exposure, answer.call) == (trial, "decreased")
    if trial:  # what the exposed were compared with, as the results sentence names it
        assert answer.versus == versus


# Case-control studies: the groups are set apart by the outcome (people with neuropathy
# against people without) or by the exposure (people with deficiency against people without).
BY_OUTCOME = (
    "We compared 100 adults with type 2 diabetes and neuropathy (cases) with 100 adults with "
    "diabetes without neuropathy (controls); serum B12, B12 deficiency and metformin use were "
    "recorded."
)
BY_EXPOSURE = (
    "Cases were 60 adults with diabetes and B12 deficiency; controls were 120 adults with "
    "diabetes and normal B12. Neuropathy and metformin use were recorded."
)
SURVEY = (
    "We studied 500 adults with type 2 diabetes, some taking metformin; B12 deficiency and "
    "neuropathy were measured."
)


@pytest.mark.parametrize(
    ("methods", "sentence", "question", "call"),
    [
        (
            BY_OUTCOME,
            "Compared with controls, cases had lower B12 levels.",
            "low-b12-neuropathy",
            "increased",
        ),
        (BY_OUTCOME, "Controls had lower B12 than cases.", "low-b12-neuropathy", "decreased"),
        (
            BY_OUTCOME,
            "Low B12 was found in 30% of cases and 12% of controls.",
            "low-b12-neuropathy",
            "increased",
        ),
        (
            BY_OUTCOME,
            "Serum B12 was similar in cases and controls.",
            "low-b12-neuropathy",
            "no-association",
        ),
        (
            BY_OUTCOME,
            "Cases had lower B12 than controls, but the difference was not significant.",
            "low-b12-neuropathy",
            "no-association",
        ),
        (
            BY_OUTCOME,
            "Metformin use was reported by 62% of cases and 45% of controls.",
            "metformin-neuropathy",
            "increased",
        ),
        (
            BY_OUTCOME,
            "Cases and controls had similar metformin exposure.",
            "metformin-neuropathy",
            "no-association",
        ),
        # controls: another measure, or a correlation within the cases, compares no exposure
        (BY_OUTCOME, "Cases had higher HbA1c than controls.", "low-b12-neuropathy", "unclear"),
        (
            BY_OUTCOME,
            "In cases, B12 correlated with nerve conduction velocity.",
            "low-b12-neuropathy",
            "unclear",
        ),
        (
            BY_EXPOSURE,
            "Neuropathy was present in 45% of cases and 20% of controls.",
            "low-b12-neuropathy",
            "increased",
        ),
        (
            BY_EXPOSURE,
            "Cases had lower nerve conduction velocities than controls.",
            "low-b12-neuropathy",
            "increased",
        ),
        (
            BY_EXPOSURE,
            "Metformin use was more common among cases than controls.",
            "metformin-b12-status",
            "decreased",
        ),
        (
            SURVEY,
            "Those with B12 deficiency were more often taking metformin than those without.",
            "metformin-b12-status",
            "decreased",
        ),
        # control: the B12 comparison by neuropathy says nothing of metformin
        (
            SURVEY,
            "Patients with neuropathy had lower B12 levels than patients without neuropathy.",
            "metformin-b12-status",
            "unclear",
        ),
        (
            SURVEY,
            "Patients with neuropathy had lower B12 levels than patients without neuropathy.",
            "low-b12-neuropathy",
            "increased",
        ),
    ],
)
def test_a_case_control_comparison_is_read_from_how_its_groups_differ(
    methods, sentence, question, call
):
    (watch,) = load_watches()
    definition = watch.findings_definition
    record = Record(
        pmid="3",
        title="Vitamin B12, metformin and neuropathy in type 2 diabetes: a case-control study",
        publication_year=2025,
        abstract=(
            AbstractSection(text=methods, label="METHODS"),
            AbstractSection(text=sentence, label="RESULTS"),
        ),
    )
    answers = read_associations_in(
        read_abstract(record), definition.associations, definition.vocabulary
    )
    [answer] = [a for a in answers if a.question == question]
    assert answer.call == call


@pytest.mark.parametrize(
    ("sentence", "question", "call"),
    [
        (
            "Metformin users had a mean serum B12 of 250 pmol/L versus 330 pmol/L in non-users.",
            "metformin-b12-status",
            "decreased",
        ),
        (
            "B12 deficiency was found in 22% of metformin users and in 9% of those not taking metformin.",
            "metformin-b12-status",
            "decreased",
        ),
        # a ratio says the way where no word does; an interval that holds 1 says none
        (
            "Metformin users had more B12 deficiency and, over 6 years, neuropathy (HR 1.3, 95% CI 1.1 to 1.6).",
            "metformin-neuropathy",
            "increased",
        ),
        (
            "Metformin users had a higher rate of B12 deficiency than non-users (hazard ratio 2.2, 95% CI 0.8 to 5.9).",
            "metformin-b12-status",
            "no-association",
        ),
        # controls: "B12" after a number is no share, and the population is not the exposure
        (
            "Among metformin users, B12 deficiency was associated with older age.",
            "metformin-b12-status",
            "unclear",
        ),
        (
            "In metformin-treated patients, B12 deficiency was associated with neuropathy.",
            "metformin-b12-status",
            "unclear",
        ),
    ],
)
def test_users_and_non_users_are_compared_in_shares_levels_and_ratios(sentence, question, call):
    (watch,) = load_watches()
    definition = watch.findings_definition
    record = Record(
        pmid="4",
        title="Metformin, vitamin B12 and neuropathy in type 2 diabetes: a cross-sectional study",
        publication_year=2025,
        abstract=(
            AbstractSection(text=METHODS, label="METHODS"),
            AbstractSection(text=sentence, label="RESULTS"),
        ),
    )
    answers = read_associations_in(
        read_abstract(record), definition.associations, definition.vocabulary
    )
    [answer] = [a for a in answers if a.question == question]
    assert answer.call == call
