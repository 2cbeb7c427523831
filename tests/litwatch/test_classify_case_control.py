"""`litwatch classify` on case-control and survey abstracts written for this test (issue #21:
associations read right on held-out wordings), as a user sees them in the JSON lines: people
with the outcome against people without it in the exposure ("Cases had lower B12 than
controls"), the exposure as the case definition, a reference group named first, sizes that
belong to another comparison in the same sentence, and an interval that crosses 1."""

from __future__ import annotations

from pathlib import Path

from classify_export import classify_rows, write_export

NEUROPATHY_CASES = (
    "We compared 120 adults with type 2 diabetes and painful neuropathy (cases) with 120 adults "
    "with type 2 diabetes and no neuropathy (controls); serum B12 was measured and deficiency "
    "recorded below 148 pmol/L."
)

STUDIES = {
    # people with the outcome have less of the measure the exposure is the low end of
    "91500001": (
        NEUROPATHY_CASES,
        (
            "Cases more often had B12 deficiency (odds ratio 2.8, 95% CI 1.5 to 5.2) and more often "
            "smoked (odds ratio 1.9, 95% CI 1.1 to 3.3) than controls."
        ),
    ),
    # a difference in B12 between cases and controls is no size of neuropathy with low B12
    "91500010": (
        NEUROPATHY_CASES,
        "Cases had lower serum B12 than controls (mean difference -52 pmol/L, 95% CI -80 to -24).",
    ),
    # the exposure's share, higher among the cases
    "91500002": (
        NEUROPATHY_CASES,
        (
            "The prevalence of B12 deficiency was higher among cases (31%) than among controls "
            "(12%; odds ratio 3.3, 95% CI 1.7 to 6.4)."
        ),
    ),
    "91500003": (
        NEUROPATHY_CASES,
        "Vitamin B12 concentrations did not differ between cases and controls (p = 0.52).",
    ),
    # the reference group named first
    "91500004": (
        NEUROPATHY_CASES,
        "Controls had higher serum B12 than cases (mean 355 vs 281 pmol/L).",
    ),
    # no case-control words: those with the outcome against those without
    "91500005": (
        (
            "We examined 300 adults with type 2 diabetes for neuropathy and measured serum "
            "cobalamin; deficiency was defined below 148 pmol/L."
        ),
        (
            "Serum cobalamin was lower in participants with neuropathy than in those without "
            "(median 230 vs 298 pmol/L)."
        ),
    ),
    # the exposure is the case definition, the outcome the measure
    "91500006": (
        (
            "Cases were 80 adults with diabetes and B12 deficiency; controls were 160 adults with "
            "diabetes and a normal serum B12."
        ),
        "Neuropathy was more frequent among cases than among controls (41% vs 20%).",
    ),
    # the exposure's odds among the cases
    "91500007": (
        NEUROPATHY_CASES + " Metformin use came from prescriptions.",
        (
            "Metformin use for over 5 years was more frequent in cases than in controls (adjusted "
            "odds ratio 1.4, 95% CI 1.1 to 1.8)."
        ),
    ),
    # control: the cases differ in another exposure; B12 is not compared
    "91500008": (
        NEUROPATHY_CASES,
        "Cases more often took proton pump inhibitors than controls (38% vs 22%).",
    ),
    # an interval that crosses 1 is no association, whatever the words
    "91500009": (
        "We surveyed 700 adults with type 2 diabetes, 420 taking metformin, for neuropathy.",
        (
            "Neuropathy was a little more frequent in metformin users than in non-users (odds "
            "ratio 1.2, 95% CI 0.9 to 1.6)."
        ),
    ),
}

TITLES = {
    "91500005": "Serum cobalamin and neuropathy in type 2 diabetes: a cross-sectional study",
    "91500009": "Metformin and neuropathy in type 2 diabetes: a cross-sectional survey",
}


def export(path: Path) -> Path:
    default = "Vitamin B12 and neuropathy in type 2 diabetes: a case-control study"
    return write_export(
        path,
        [
            (pmid, TITLES.get(pmid, default), (("METHODS", methods), ("RESULTS", results)))
            for pmid, (methods, results) in STUDIES.items()
        ],
    )


def test_classify_reads_case_control_comparisons_both_ways_with_their_own_sizes(tmp_path):
    rows = classify_rows(export(tmp_path / "studies.xml"))
    said = {
        (pmid, a["question"]): (a["call"], a.get("size") or "")
        for pmid, row in rows.items()
        for a in row["associations"]
        if a["question"] != "metformin-b12-status" or a["call"] != "unclear"
    }
    assert said == {
        # the smoking odds ratio in the same sentence is another comparison's size
        ("91500001", "low-b12-neuropathy"): ("increased", "OR 2.8, 95% CI 1.5 to 5.2"),
        ("91500002", "low-b12-neuropathy"): ("increased", "OR 3.3, 95% CI 1.7 to 6.4"),
        ("91500003", "low-b12-neuropathy"): ("no-association", ""),
        ("91500004", "low-b12-neuropathy"): ("increased", ""),
        ("91500005", "low-b12-neuropathy"): ("increased", ""),
        ("91500006", "low-b12-neuropathy"): ("increased", ""),
        ("91500007", "low-b12-neuropathy"): ("unclear", ""),
        ("91500007", "metformin-neuropathy"): ("increased", "adjusted OR 1.4, 95% CI 1.1 to 1.8"),
        ("91500008", "low-b12-neuropathy"): ("unclear", ""),
        ("91500010", "low-b12-neuropathy"): ("increased", ""),
        ("91500009", "metformin-neuropathy"): ("no-association", "OR 1.2, 95% CI 0.9 to 1.6"),
    }
