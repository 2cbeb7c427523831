"""The recommendation and strata readers on wordings of their own, beyond the truth table's
records: other units and signs, hyphenated levels, exclusions, imperatives, passive advice,
and the near misses that are no advice ("clinicians should be aware", "further trials are
warranted")."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.text import read_abstract
from litwatch.classifiers.readers.recommendations import issues_guidance, read_recommendations
from litwatch.classifiers.readers.strata import read_strata
from litwatch.core.records import AbstractSection, Record

from litwatch.config import load_watches

DEFINITION = load_watches()[0].findings_definition


def abstract(title: str, *sections: tuple[str, str]):
    return read_abstract(
        Record(
            pmid="1",
            title=title,
            abstract=tuple(AbstractSection(text=text, label=label) for label, text in sections),
        )
    )


def strata_of(methods: str, title: str = "A randomised trial in diabetic neuropathy") -> dict:
    read = read_strata(abstract(title, ("METHODS", methods)), DEFINITION.strata)
    return {call.stratum: call.level for call in read}


@pytest.mark.parametrize(
    ("methods", "b12", "metformin"),
    [
        ("We enrolled adults with serum vitamin B12 < 150 pmol/L.", "low", "not-stated"),
        (
            "Adults with vitamin B12 levels below 200 pg/mL on long-term metformin therapy were randomised.",
            "low",
            "users",
        ),
        (
            "Patients with normal vitamin B12 levels (>300 pg/mL) were randomised.",
            "normal",
            "not-stated",
        ),
        ("B12-deficient adults who continued metformin were randomised.", "low", "users"),
        (
            "Exclusion criteria were vitamin B12 deficiency and current metformin use.",
            "normal",
            "non-users",
        ),
        ("Patients were eligible irrespective of their B12 level.", "mixed", "not-stated"),
        (
            "Serum B12 was measured at baseline and at 12 weeks in 80 adults.",
            "not-stated",
            "not-stated",
        ),
        (
            "Adults not taking metformin were randomly assigned to cobalamin or placebo.",
            "not-stated",
            "non-users",
        ),
        ("Adults were randomly assigned to metformin or placebo.", "not-stated", "not-stated"),
        (
            "Metformin-naive adults with serum B12 of 150-350 pmol/L were enrolled.",
            "low",
            "non-users",
        ),
        ("Adults with non-deficient B12 were randomised.", "normal", "not-stated"),
        # issue #21, new wordings: exclusions below a cut-off, averages, counted shares
        (
            "Patients with serum B12 below 150 pmol/L were excluded; all others were randomised.",
            "normal",
            "not-stated",
        ),
        ("Median baseline B12 was 190 pmol/L (IQR 160–240).", "normal", "not-stated"),
        ("Mean serum cobalamin at baseline was 132 ± 25 pmol/L.", "low", "not-stated"),
        ("Twelve of the 40 patients had low B12 at baseline.", "mixed", "not-stated"),
        ("All of the 80 participants were taking metformin.", "not-stated", "users"),
        ("Participants were enrolled with or without metformin treatment.", "not-stated", "mixed"),
        ("The mean duration of metformin was 6 years.", "not-stated", "users"),
        ("None of the participants were taking metformin.", "not-stated", "non-users"),
        ("No participant took metformin.", "not-stated", "non-users"),
        ("Baseline B12 averaged 310 pg/mL.", "normal", "not-stated"),
        ("Inclusion criteria included serum B12 ≥ 200 pg/mL.", "normal", "not-stated"),
        ("Participants had serum B12 below the lower limit of normal.", "low", "not-stated"),
        ("Patients with prior metformin exposure were excluded.", "not-stated", "non-users"),
    ],
)
def test_strata_in_other_words(methods, b12, metformin):
    assert strata_of(methods) == {"b12": b12, "metformin": metformin}


def test_an_outcome_named_in_the_title_is_no_stratum():
    read = strata_of(
        "Adults were randomised to vitamin D or placebo.",
        title="Vitamin D and the risk of vitamin B12 deficiency in metformin users",
    )
    assert read["b12"] == "not-stated"


def advice(text: str, title: str = "A cohort of metformin users", design: str = "cohort"):
    found = read_recommendations(
        abstract(title, ("CONCLUSIONS", text)), design, DEFINITION.strata, DEFINITION.intervention
    )
    return [(r.issuer, r.action, r.against, r.population) for r in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Periodic monitoring of vitamin B12 should be considered in patients receiving metformin.",
            [("authors", "testing", False, "patients receiving metformin")],
        ),
        (
            "Routine B12 supplementation cannot be recommended for people with normal levels.",
            [("authors", "treatment", True, "people with normal levels")],
        ),
        (
            "Long-term metformin use warrants periodic B12 measurement.",
            [("authors", "testing", False, "metformin users")],
        ),
        (
            "Methylcobalamin should be used as first-line treatment in metformin users with neuropathy.",
            [("authors", "treatment", False, "metformin users with neuropathy")],
        ),
        ("Clinicians should be aware that B12 deficiency is common.", []),
        ("Further randomised trials of B12 are warranted.", []),
        ("Our findings suggest that B12 may protect nerve function.", []),
        # issue #21, new wordings
        (
            "It would be prudent to measure B12 in patients on metformin with neuropathy.",
            [("authors", "testing", False, "patients on metformin with neuropathy")],
        ),
        (
            "We recommend that all adults taking metformin have their B12 measured every two years.",
            [("authors", "testing", False, "all adults taking metformin")],
        ),
        ("Whether routine screening is warranted remains unclear.", []),
        (
            "Our data support annual B12 screening among long-term metformin users.",
            [("authors", "testing", False, "long-term metformin users")],
        ),
        (
            "These data do not support routine B12 supplementation in people with normal B12.",
            [("authors", "treatment", True, "people with normal B12")],
        ),
        ("Our results do not support a benefit of B12 on pain.", []),
        ("We suggest that B12 supplementation may be beneficial in patients with neuropathy.", []),
        (
            "Supplementation should be reserved for patients with documented deficiency.",
            [("authors", "treatment", False, "patients with documented deficiency")],
        ),
        ("Further trials are recommended.", []),
        ("Confirmation in a larger trial is recommended before B12 is given routinely.", []),
    ],
)
def test_authors_advice_in_other_words(text, expected):
    assert advice(text) == expected


def test_a_guidelines_imperative_and_passive_advice():
    found = read_recommendations(
        abstract(
            "Vitamin B12 in diabetes: consensus statement of an expert panel",
            (
                "",
                "Recommendation 1: Measure serum B12 in adults who have taken metformin for four years or more.",
            ),
            ("", "Do not give B12 for neuropathic pain to people whose B12 is normal."),
            ("", "The panel met four times."),
        ),
        "other",
        DEFINITION.strata,
        DEFINITION.intervention,
    )
    assert [(r.issuer, r.action, r.against) for r in found] == [
        ("guideline", "testing", False),
        ("guideline", "treatment", True),
    ]
    assert found[0].population.startswith("adults who have taken metformin")


def test_a_guidelines_advice_in_new_words():
    """Issue #21 on new wordings: "We do not recommend", "This guideline recommends that <people>
    have", a graded "should be offered", "is suggested for"; a methods sentence on grading is no
    advice."""
    found = read_recommendations(
        abstract(
            "Vitamin B12 in diabetes: a clinical practice guideline",
            ("", "Recommendations were graded using GRADE."),
            ("", "In patients with neuropathy, clinicians should check B12 before treating pain."),
            ("", "We do not recommend routine B12 supplementation for people with neuropathy."),
            (
                "",
                "This guideline recommends that all adults taking metformin have their B12 measured.",
            ),
            (
                "",
                (
                    "B12 testing should be offered to people with diabetes and neuropathy "
                    "(strong recommendation, low-quality evidence)."
                ),
            ),
            ("", "Screening for B12 deficiency is suggested for older adults on metformin."),
            (
                "",
                "B12 measurement is not routinely recommended in people who do not take metformin.",
            ),
        ),
        "guideline",
        DEFINITION.strata,
        DEFINITION.intervention,
    )
    assert [(r.action, r.against, r.population) for r in found] == [
        ("testing", False, "patients with neuropathy"),
        ("treatment", True, "people with neuropathy"),
        ("testing", False, "all adults taking metformin"),
        ("testing", False, "people with diabetes and neuropathy"),
        ("testing", False, "older adults on metformin"),
        ("testing", True, "people who do not take metformin"),
    ]


@pytest.mark.parametrize(
    ("title", "issues"),
    [
        ("B12 monitoring in people taking metformin: practical guidance from a care network", True),
        ("Vitamin B12 and metformin: a joint statement of two diabetes societies", True),
        ("Metformin and B12: a scientific statement from a heart association", True),
        ("Standards of care in diabetes: vitamin B12", True),
        ("Adherence to guidelines on vitamin B12 testing in metformin users: an audit", False),
        ("Vitamin B12 testing in metformin users: an audit against national guidance", False),
        ("How clinical practice guidelines handle vitamin B12: a systematic review", False),
        ("Guideline-concordant B12 testing in metformin users: a cohort study", False),
    ],
)
def test_guidance_is_told_by_what_the_title_calls_the_record(title, issues):
    """A title part that opens with the guidance words issues guidance; a title that names
    guidelines as its subject (audits, reviews of guidelines, "guideline-concordant") does not,
    so its "should" sentences stay the authors'."""
    assert issues_guidance(abstract(title, ("", "Text.")), "other") is issues


def test_authors_advice_under_a_heading_of_its_own():
    """A closing section the abstract names itself ("RECOMMENDATIONS", "PRACTICE POINTS")
    holds the authors' advice as a conclusion does."""
    for label in ("RECOMMENDATIONS", "PRACTICE POINTS"):
        found = read_recommendations(
            abstract(
                "Vitamin B12 deficiency in metformin users: a narrative review",
                ("BACKGROUND", "Metformin lowers B12."),
                (label, "B12 should be measured every year in patients taking metformin."),
            ),
            "narrative-review",
            DEFINITION.strata,
            DEFINITION.intervention,
        )
        assert [(r.issuer, r.action, r.population) for r in found] == [
            ("authors", "testing", "patients taking metformin")
        ]


@pytest.mark.parametrize(
    ("results", "b12", "metformin"),
    [
        (
            "At baseline, mean B12 was 410 (SD 150) pg/mL and 62% of participants took metformin.",
            "normal",
            "mixed",
        ),
        ("Baseline B12 was low in 30% of participants.", "mixed", "not-stated"),
        (
            "The benefit was larger in participants with low baseline B12 (P for interaction 0.03).",
            "not-stated",
            "not-stated",
        ),
    ],
)
def test_strata_from_the_results_account_of_the_participants_at_entry(results, b12, metformin):
    """With nothing in the methods, the results' description of the participants at baseline
    places the trial; an effect that differs by baseline level does not; a share of one
    characteristic makes only that one mixed."""
    read = read_strata(
        abstract(
            "A randomised trial of B12 in diabetic neuropathy",
            ("METHODS", "We randomly assigned 120 adults with neuropathy to B12 or placebo."),
            ("RESULTS", results),
        ),
        DEFINITION.strata,
    )
    assert {call.stratum: call.level for call in read} == {"b12": b12, "metformin": metformin}
