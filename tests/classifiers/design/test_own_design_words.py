"""Designs the authors name in their own words (issue #19, cause 9): a systematic review told
from a narrative one by its search and the studies it kept, a cohort, an editorial or comment,
and a guideline's graded recommendations. Every record here is written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from design_words import (
    assert_named_design_decides,
    assert_not_decided_as,
    classify_printed,
    record,
)
from litwatch.classifiers.design import classify_design
from litwatch.classifiers.design.features import STRUCTURE_FEATURES
from litwatch.classifiers.design.rules import PHRASE_RULES

# (title, abstract, label): unindexed records whose authors say what their study is.
OWN_WORDS = [
    (
        "Exercise training for neuropathy after chemotherapy",
        (
            "We searched MEDLINE, Embase and two trial registers to March 2021 for controlled "
            "trials of supervised exercise in adults with neuropathy after chemotherapy. Seven "
            "trials enrolling 412 participants fulfilled the eligibility criteria. "
            "Balance training reduced sway in three of them; pain results were inconsistent."
        ),
        "systematic-review",
    ),
    (
        "Foot ulcer dressings in people with diabetes",
        (
            "Silver dressings are widely used. We searched CINAHL and MEDLINE from 2000 on and "
            "included eleven randomised trials comparing them with plain dressings; healing at "
            "twelve weeks was similar."
        ),
        "systematic-review",
    ),
    (
        "Hip fractures in older adults starting gabapentinoids",
        (
            "Using linked pharmacy and hospital data, we assembled a cohort of 18,200 adults "
            "aged 65 or older who began gabapentin or pregabalin and compared fracture rates "
            "over two years with those of adults who did not."
        ),
        "cohort",
    ),
    (
        "Thyroid function during pregnancy and birth weight",
        (
            "Among women in a prospective cohort of 900 pregnancies booked at two maternity "
            "units, lower free thyroxine in the first trimester went with lighter babies."
        ),
        "cohort",
    ),
    (
        "Trial populations for neuropathic pain need rethinking",
        (
            "This editorial considers why recruiting from specialist clinics may overstate "
            "treatment effects, and proposes simpler eligibility rules for future trials."
        ),
        "commentary",
    ),
    (
        "Early stopping of small trials",
        (
            "In this comment, we discuss how the recent capsaicin patch trial handled its "
            "interim analysis, and why stopping early leaves its estimate of benefit uncertain."
        ),
        "commentary",
    ),
    (
        "Capsaicin patches and sleep",
        (
            "We read with interest the report of a capsaicin patch trial in which 120 patients "
            "were randomly assigned to patch or sham, and we question its sleep diary outcome."
        ),
        "commentary",
    ),
    (
        "Foot screening in diabetes: statement of a national podiatry working group",
        (
            "A working group of podiatrists and diabetologists graded the evidence on foot "
            "screening. The working group recommends yearly monofilament testing for every "
            "adult with diabetes (strong recommendation, high-certainty evidence) and suggests "
            "against routine imaging of feet without symptoms (conditional recommendation)."
        ),
        "guideline",
    ),
    (
        "Iron deficiency in heart failure: recommendations of the heart failure society",
        "Clinicians should test ferritin and transferrin saturation at diagnosis.",
        "guideline",
    ),
]


@pytest.mark.parametrize(("title", "abstract", "label"), OWN_WORDS)
def test_the_design_authors_name_in_their_own_words_decides_an_unindexed_record(
    title, abstract, label, shipped_model
):
    assert_named_design_decides(title, abstract, label, shipped_model)


# (title, abstract, label the text must not be decided as): how other designs use the words.
LOOKALIKES = [
    # Studies counted without a search described: a narrative review, or trials pooled by
    # their own sponsor, not a systematic review.
    (
        "Vitamin D and falls",
        "Four trials met the inclusion criteria of the sponsor's programme.",
        "systematic-review",
    ),
    # A trial's own participants meet its criteria; a review counts studies, not patients.
    (
        "Methylcobalamin in painful neuropathy",
        "Of 240 patients screened, 180 met the inclusion criteria and were enrolled.",
        "systematic-review",
    ),
    # Cohorts a review included, and a case-control study nested in a cohort.
    (
        "Statins and neuropathy",
        "We included twelve prospective cohort studies of statin users and pooled estimates.",
        "cohort",
    ),
    (
        "Metformin and low B12",
        "This nested case-control study drew on a population-based cohort of 50,000 adults.",
        "cohort",
    ),
    # A letter as the intervention, and a view rather than the paper.
    (
        "Reminders and screening uptake",
        "The practice mailed our letter to 300 patients; uptake doubled.",
        "commentary",
    ),
    (
        "Costs of neuropathy care",
        "From this perspective, the costs fall mostly on families.",
        "commentary",
    ),
    # A study's conclusion, a study of a guideline, a trial's monitoring committee.
    (
        "B12 in metformin users",
        "We recommend that every metformin user be screened for B12 deficiency.",
        "guideline",
    ),
    (
        "Adherence to foot screening advice",
        "Adherence to this guideline was poor in small practices.",
        "guideline",
    ),
    (
        "Early stopping",
        "The data monitoring committee recommended stopping the trial early.",
        "guideline",
    ),
]


@pytest.mark.parametrize(("title", "abstract", "label"), LOOKALIKES)
def test_the_words_other_designs_share_do_not_decide_them(title, abstract, label):
    assert_not_decided_as(title, abstract, label)


REVIEW_SEARCHED = (
    "Exercise training for neuropathy after chemotherapy",
    OWN_WORDS[0][1],
)
REVIEW_NARRATIVE = (
    "Neuropathy after chemotherapy: mechanisms and management",
    "This article outlines how taxanes and platinum drugs damage nerves and what can be offered.",
)


def test_a_review_indexed_only_as_a_review_is_systematic_when_it_reports_its_search(
    shipped_model,
):
    indexed = ("Journal Article", "Review")
    call = classify_design(record(*REVIEW_SEARCHED, indexed), shipped_model)
    assert (call.label, call.source) == ("systematic-review", "publication_type")
    assert call.evidence[0] == "publication type: Review"
    assert "fulfilled the eligibility criteria" in call.evidence[1]
    # Control: a review that says nothing of a search stays what the indexing says.
    narrative = classify_design(record(*REVIEW_NARRATIVE, indexed), shipped_model)
    assert (narrative.label, narrative.evidence) == (
        "narrative-review",
        ("publication type: Review",),
    )


def test_the_shipped_model_has_a_column_for_every_rule_it_was_trained_with(shipped_model):
    model = shipped_model
    width = len(model.title_vectorizer.vocabulary_) + len(model.text_vectorizer.vocabulary_)
    assert model.classifier.n_features_in_ == width + len(STRUCTURE_FEATURES)
    # The rules of issue #19 and of the observational designs were added without a column and
    # joined the columns when the shipped model was retrained with them.
    columns = {name.removeprefix("phrase: ") for name in STRUCTURE_FEATURES}
    for name in ("own cohort", "own commentary", "own cross-sectional", "animal experiment"):
        assert name in columns, name
    # A rule added since without a column could only act by deciding.
    assert all(rule.decisive for rule in PHRASE_RULES if not rule.column)


def test_litwatch_classify_prints_the_design_each_abstract_states(tmp_path: Path):
    rows = [
        (str(41100001 + index), title, abstract, ("Journal Article",))
        for index, (title, abstract, _) in enumerate(OWN_WORDS)
    ]
    rows.append(("41100100", *REVIEW_SEARCHED, ("Journal Article", "Review")))
    rows.append(("41100101", *REVIEW_NARRATIVE, ("Journal Article", "Review")))
    expected = [label for *_, label in OWN_WORDS] + ["systematic-review", "narrative-review"]
    printed = classify_printed(tmp_path / "own-words.xml", rows)
    assert [row["pmid"] for row in printed] == [pmid for pmid, *_ in rows]
    assert [row["design"] for row in printed] == expected
