"""Observational and preclinical designs the authors name in their own words: a cross-sectional
study or survey, a case-control study, a retrospective study of their own patients, an
experiment in named laboratory animals, an open-label study. Every record here is written for
these tests; none is a corpus record. Unindexed records (no NLM type yet) depend on the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from design_words import assert_named_design_decides, assert_not_decided_as, classify_printed

# (title, abstract, label): unindexed records whose authors say what their study is.
OWN_WORDS = [
    (
        "Out-of-hours cover and prescribing: a survey of rural dispensing practices",
        (
            "Partners at 212 dispensing practices answered questions on night cover and repeat "
            "prescribing; one in five reported unsupervised repeats."
        ),
        "cross-sectional",
    ),
    (
        "Vitamin B12 status in long-term metformin users",
        (
            "Methods: This community-based cross-sectional analysis enrolled 640 adults taking "
            "metformin for over four years; serum B12 was below 150 pmol/L in 13%."
        ),
        "cross-sectional",
    ),
    (
        "Foot care knowledge among pharmacy staff",
        (
            "We distributed an anonymous web-based questionnaire to counter staff in 90 pharmacies "
            "and asked how they would advise a customer with numb feet."
        ),
        "cross-sectional",
    ),
    (
        "Proton pump inhibitors and neuropathy in older adults",
        (
            "Using a national prescription register we carried out a nested case-control analysis: "
            "2,310 people with a first neuropathy diagnosis were matched to 9,240 others by age."
        ),
        "case-control",
    ),
    (
        "Ankle reflexes after bariatric surgery",
        (
            "Case notes of 148 adults operated on between 2012 and 2019 were retrospectively "
            "reviewed for reflex loss and vitamin levels at one year."
        ),
        "cohort",
    ),
    (
        "Acid suppressants with metformin and later anaemia: a claims-based cohort study",
        (
            "Adults starting metformin were split by whether they also filled proton pump "
            "inhibitor prescriptions; anaemia was more frequent among those who did."
        ),
        "cohort",
    ),
    (
        "Sural nerve conduction in fructose-fed animals",
        (
            "Adult male Wistar rats received fructose in drinking water for twelve weeks; nerve "
            "conduction velocity fell and methylcobalamin restored it."
        ),
        "preclinical",
    ),
    (
        "Cobalamin and axon regrowth after sciatic crush in alloxan-diabetic hamsters",
        "Regrowth was measured by histology at four weeks.",
        "preclinical",
    ),
    (
        "Topical capsaicin in burning feet",
        (
            "This twelve-week, open-label, multicentre study treated 58 people with burning feet "
            "with an 8% patch; pain scores fell by a third."
        ),
        "non-randomized-trial",
    ),
]


@pytest.mark.parametrize(("title", "abstract", "label"), OWN_WORDS)
def test_an_observational_or_preclinical_design_the_authors_name_decides_an_unindexed_record(
    title, abstract, label, shipped_model
):
    assert_named_design_decides(title, abstract, label, shipped_model)


# (title, abstract, label the text must not be decided as): how other designs use the words.
LOOKALIKES = [
    # A cross-sectional area is a measurement, not a design.
    (
        "Median nerve ultrasound in carpal tunnel release",
        "The cross-sectional area of the median nerve shrank by 2 mm2 after surgery in 40 hands.",
        "cross-sectional",
    ),
    # A survey of the literature is a review.
    (
        "Neuropathy after chemotherapy: a survey of the literature",
        "We summarise what is known of taxane and platinum neurotoxicity.",
        "cross-sectional",
    ),
    # A trial's questionnaire, its cohort, its chart review: the allocation decides.
    (
        "Oral B12 for numb feet",
        (
            "Adults were randomly assigned to oral B12 or placebo; we administered a questionnaire "
            "on symptoms and retrospectively reviewed their charts for falls."
        ),
        "cross-sectional",
    ),
    (
        "Oral B12 for numb feet",
        (
            "Adults were randomly assigned to oral B12 or placebo; the trial cohort was then "
            "followed for two years in a retrospective analysis of falls."
        ),
        "cohort",
    ),
    # Case-control studies a review included, not the review's own design.
    (
        "Statins and neuropathy",
        (
            "We searched MEDLINE and Embase; this case-control study design was the commonest among "
            "the nine studies included."
        ),
        "case-control",
    ),
    # Animals in the background of a human trial, and a service dog.
    (
        "Benfotiamine in painful neuropathy",
        (
            "Earlier work in diabetic rats suggested benefit. Patients were randomly allocated to "
            "benfotiamine or placebo for eight weeks."
        ),
        "preclinical",
    ),
    (
        "Walking with service dogs and neuropathic pain",
        "Forty veterans walked daily with a trained dog for three months.",
        "preclinical",
    ),
    # A review of animal studies is a review.
    (
        "Methylcobalamin in rodent models of neuropathy",
        "This review summarises twenty experiments in streptozotocin-induced diabetic rats.",
        "preclinical",
    ),
]


@pytest.mark.parametrize(("title", "abstract", "label"), LOOKALIKES)
def test_the_words_other_designs_share_do_not_decide_an_observational_design(
    title, abstract, label
):
    assert_not_decided_as(title, abstract, label)


def test_litwatch_classify_prints_the_observational_design_each_abstract_states(tmp_path: Path):
    # Controls among them: a trial that measures a cross-sectional area stays a trial.
    control = (
        "Nerve ultrasound after oral B12",
        (
            "Adults were randomly assigned to oral B12 or placebo; the cross-sectional area of the "
            "tibial nerve was measured at six months."
        ),
        "rct",
    )
    cases = [*OWN_WORDS, control]
    rows = [
        (str(41200001 + index), title, abstract, ("Journal Article",))
        for index, (title, abstract, _) in enumerate(cases)
    ]
    printed = classify_printed(tmp_path / "observational.xml", rows, status="In-Process")
    assert [row["pmid"] for row in printed] == [pmid for pmid, *_ in rows]
    assert [row["design"] for row in printed] == [label for *_, label in cases]
