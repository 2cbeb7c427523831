"""Result sentences that name the arms only by the abbreviation or group label the abstract
gave them earlier ("the PR group", "CG ... EG", "group B ... group A"): read for the right
arm, through `litwatch findings --prompts` as a user asks it, and through the alias reader;
an abbreviation of an outcome, an age group and a subgroup are never an arm's alias. Every
trial here is written for this test; in each result the comparator is named first and by its
alias only, so a reader that does not know the alias reads the arms the wrong way round."""

from __future__ import annotations

import pytest
from findings_trials import answer_trials
from litwatch.classifiers.findings.aliases import arms_in
from litwatch.classifiers.findings.effect import mark_groups
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.text import Abstract, Sentence

# pmid -> (methods, results, outcome, intervention, comparator, the right label)
TRIALS = {
    # A drug abbreviation defined after each arm's name.
    "92000001": (
        (
            "Ninety hikers with heel blisters were randomised to birch balm (BB) or a paraffin rub "
            "(PR), applied each evening for ten days."
        ),
        "Blister healing time was shorter in the PR group than in the BB group (p = 0.003).",
        "blister healing time",
        "birch balm",
        "paraffin rub",
        "increased",
    ),
    # Role abbreviations: experimental group (EG), control group (CG).
    "92000002": (
        (
            "Forty rowing crews were allocated to an experimental group (EG), which sang while "
            "training, or to a control group (CG), which trained in silence."
        ),
        "Mean boat speed was higher in CG than in EG after eight weeks (p = 0.01).",
        "boat speed",
        "singing while training",
        "training in silence",
        "decreased",
    ),
    # Group labels given by what each group received.
    "92000003": (
        (
            "Group A (n = 24) received nettle tea and group B (n = 23) received warm water, twice "
            "daily for a month."
        ),
        "Fatigue scores were higher in group B than in group A at four weeks (p = 0.02).",
        "fatigue scores",
        "nettle tea",
        "warm water",
        "decreased",
    ),
    # Group labels given in parentheses after each arm, with the group's size.
    "92000004": (
        (
            "Allotment gardeners were assigned to rosehip powder (n = 30, group I) or chalk "
            "tablets (n = 30, group II) for twelve weeks."
        ),
        "Grip strength rose more in group II than in group I (p = 0.04).",
        "grip strength",
        "rosehip powder",
        "chalk tablets",
        "decreased",
    ),
    # The parts of the hyphenated abbreviations the prompt gives: "the SP group" for "LS-SP".
    "92000005": (
        "Sixty joiners with sore wrists wore a cork brace or a lined steel splint for six weeks.",
        "Wrist swelling was less in the SP group than in the BR group (p = 0.02).",
        "wrist swelling",
        "cork brace (CK-BR)",
        "lined steel splint (LS-SP)",
        "increased",
    ),
    # A confidence interval's bounds ("95% CI 2% to 12%") are not the two arms' values.
    "92000006": (
        "Office workers were given a pedometer or usual care for a year.",
        (
            "Days walked were 61% (18) in the pedometer group and 54% (20) with usual care "
            "(difference 7%, 95% CI 2% to 12%)."
        ),
        "days walked",
        "pedometer",
        "usual care",
        "increased",
    ),
}


def test_findings_reads_arms_named_by_their_abbreviations_and_labels(monkeypatch, capsys, tmp_path):
    answers = answer_trials(monkeypatch, capsys, tmp_path, TRIALS)
    expected = {pmid: (trial[-1], trial[1]) for pmid, trial in TRIALS.items()}
    assert answers == expected


def _abstract(*texts: str) -> Abstract:
    return Abstract(
        "", tuple(Sentence(t, "", i, i / len(texts)) for i, t in enumerate(texts)), False
    )


@pytest.mark.parametrize(
    ("defining", "intervention", "comparator", "int_alias", "cmp_alias"),
    [
        (
            "Hikers used birch balm (BB) or a paraffin rub (PR).",
            "birch balm",
            "paraffin rub",
            "bb",
            "pr",
        ),
        (
            "Crews formed an experimental group (EG) and a control group (CG).",
            "singing",
            "silence",
            "eg",
            "cg",
        ),
        (
            "Group A (n = 24) received nettle tea; group B was given warm water.",
            "nettle tea",
            "warm water",
            "grp_a",
            "grp_b",
        ),
        (
            "They took rosehip powder (n = 30, group I) or chalk (group II).",
            "rosehip powder",
            "chalk",
            "grp_i",
            "grp_ii",
        ),
        (
            "Group C: magnesium sulphate (MgSO4); group D: saline.",
            "magnesium sulphate",
            "saline",
            "mgso4",
            "grp_d",
        ),
        (
            "Walkers took spruce resin (SpR group) or olive oil drops (OO group).",
            "spruce resin",
            "olive oil drops",
            "spr",
            "grp_oo",  # two capitals before "group" make a group label
        ),
    ],
)
def test_each_kind_of_alias_goes_to_its_arm(
    defining, intervention, comparator, int_alias, cmp_alias
):
    int_words, cmp_words = arms_in(_abstract(defining), intervention, comparator)
    assert int_alias in int_words and int_alias not in cmp_words
    assert cmp_alias in cmp_words and cmp_alias not in int_words


@pytest.mark.parametrize(
    "defining",
    [
        # An abbreviation of an outcome, even in a sentence that names an arm.
        "Soreness on a visual analogue scale (VAS) was scored daily with birch balm.",
        # "group" in "age group" and a subgroup with its own label.
        "Hikers in the older age group (OG) and a subgroup of smokers (group S) were counted.",
        # A name in parentheses is no abbreviation; an abbreviation both arms' names share
        # ("social media (SM)") belongs to neither.
        "The trial ran in Tehran (Tehran); both arms used a social media (SM) diary.",
    ],
)
def test_no_alias_where_the_abstract_names_no_arm(defining):
    intervention, comparator = "birch balm with SM diary", "paraffin rub with SM diary"
    int_words, cmp_words = arms_in(_abstract(defining), intervention, comparator)
    plain = arms_in(_abstract("No aliases here."), intervention, comparator)
    assert (int_words, cmp_words) == plain


def test_an_outcome_abbreviation_is_not_read_as_an_arm():
    """The outcome's abbreviation in the result sentence leaves the arms as named."""
    abstract = _abstract(
        "Hikers used birch balm (BB) or a paraffin rub (PR); soreness was scored on a visual "
        "analogue scale (VAS).",
        "VAS soreness was lower in the BB group than in the PR group (p = 0.01).",
    )
    call = effect_in(abstract, "VAS soreness", "birch balm", "paraffin rub")
    assert call.label == "decreased"


def test_the_end_of_a_hyphenated_name_is_no_group_label():
    """ "the KG-2 group" names the arm KG-2, not a group labelled 2 ("KG- grp_2")."""
    assert "grp_2" not in mark_groups("infection in the KG-2 group")
    assert "grp_2" in mark_groups("infection in group 2 and the 2 group")
