"""The effect reader: each hard case of issue #12 with a control case that reads the other way,
so every check can fail."""

from __future__ import annotations

import pytest
from litwatch.classifiers.findings.reader import read_effect
from litwatch.core.records import AbstractSection, Record


def structured(results: str, conclusions: str = "", methods: str = "") -> Record:
    sections = [
        AbstractSection(
            "Neuropathic pain is common in diabetes and treatments are few.", "BACKGROUND"
        ),
        AbstractSection(
            methods
            or "We randomly assigned 120 adults with painful diabetic neuropathy to duloxetine "
            "or placebo for 12 weeks; pain score, sleep quality and nerve conduction velocity "
            "were measured.",
            "METHODS",
        ),
        AbstractSection(results, "RESULTS"),
    ]
    if conclusions:
        sections.append(AbstractSection(conclusions, "CONCLUSIONS"))
    return Record("1", title="Duloxetine for painful diabetic neuropathy", abstract=tuple(sections))


def unstructured(text: str) -> Record:
    return Record("2", title="Duloxetine for painful neuropathy", abstract=(AbstractSection(text),))


def call(record: Record, outcome: str = "pain score") -> str:
    return read_effect(record, outcome, "duloxetine", "placebo").label


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        # p-values decide significance
        ("Pain score was lower with duloxetine than with placebo (p = 0.002).", "decreased"),
        ("Pain score was lower with duloxetine than with placebo (p = 0.34).", "no-difference"),
        # NS written out
        ("Pain score did not differ between duloxetine and placebo (NS).", "no-difference"),
        ("Pain score was higher with duloxetine than with placebo (P < 0.001).", "increased"),
        # arm order: the comparator named first flips the direction
        ("Pain score was lower in the placebo group than with duloxetine (p = 0.01).", "increased"),
        ("Pain score was lower with duloxetine than in the placebo group (p = 0.01).", "decreased"),
        # negation
        (
            "Duloxetine did not significantly reduce the pain score compared with placebo.",
            "no-difference",
        ),
        (
            "Duloxetine significantly reduced the pain score compared with placebo (p < 0.01).",
            "decreased",
        ),
        # a trend is not a difference
        (
            "There was a trend towards a lower pain score with duloxetine (p = 0.08).",
            "no-difference",
        ),
        # confidence intervals: crossing zero is no difference
        (
            (
                "The mean difference in pain score between duloxetine and placebo was -0.4 "
                "(95% CI -1.1 to 0.3)."
            ),
            "no-difference",
        ),
        (
            (
                "The pain score was significantly lower with duloxetine than placebo, mean "
                "difference -1.6 (95% CI -2.3 to -0.9)."
            ),
            "decreased",
        ),
    ],
)
def test_results_sentence_is_read_for_significance_direction_and_arm_order(results, expected):
    assert call(structured(results)) == expected


def test_between_group_difference_decides_over_change_within_each_group():
    within_only = structured(
        "Pain score fell from baseline in both groups (p < 0.001), but the difference between "
        "groups was not significant (p = 0.41)."
    )
    between = structured("Pain score fell more with duloxetine than with placebo (p = 0.002).")
    assert call(within_only) == "no-difference"
    assert call(between) == "decreased"


def test_several_outcomes_in_one_sentence_each_get_their_own_clause():
    record = structured(
        "Duloxetine reduced the pain score compared with placebo (p = 0.01), whereas nerve "
        "conduction velocity did not differ between groups (p = 0.62)."
    )
    assert call(record, "pain score") == "decreased"
    assert call(record, "nerve conduction velocity") == "no-difference"


def test_a_denial_about_another_outcome_in_a_semicolon_list_does_not_cancel_this_one():
    record = structured(
        "The pain score was lower with duloxetine than with placebo (p = 0.01); sleep quality "
        "did not differ between groups."
    )
    assert call(record, "pain score") == "decreased"
    assert call(record, "sleep quality") == "no-difference"


def test_a_result_stated_only_in_the_conclusion_is_read():
    record = structured(
        "Of 120 randomised, 104 completed the trial; adverse events were mild.",
        conclusions="Duloxetine significantly improved sleep quality compared with placebo.",
    )
    answer = read_effect(record, "sleep quality", "duloxetine", "placebo")
    assert answer.label == "increased"
    assert "sleep quality" in answer.evidence


def test_structured_and_unstructured_abstracts_read_alike():
    sentence = "Pain score was significantly lower with duloxetine than with placebo (p = 0.003)."
    text = (
        "We randomly assigned 120 adults with painful neuropathy to duloxetine or placebo. "
        + sentence
        + " Duloxetine is an option for painful neuropathy."
    )
    assert call(structured(sentence)) == "decreased"
    assert call(unstructured(text)) == "decreased"


def test_an_outcome_the_abstract_never_names_is_not_reported():
    record = structured("Pain score was lower with duloxetine than with placebo (p = 0.002).")
    absent = read_effect(record, "hospital admissions", "duloxetine", "placebo")
    assert absent.label == "not-reported" and absent.evidence == ""
    present = read_effect(record, "pain score", "duloxetine", "placebo")
    assert present.label != "not-reported" and "Pain score" in present.evidence
    assert 0 < present.confidence <= 1


def test_a_comparative_measures_the_direction_word_it_stands_before():
    # "more reduced" is a reduction, though "more" stands nearer the outcome.
    reduced = structured(
        "Pain score was more reduced with duloxetine than with placebo (p = 0.01)."
    )
    assert call(reduced) == "decreased"
    # Control: a comparative before a plain noun keeps its own direction.
    higher = structured("Pain score was higher with duloxetine than with placebo (p = 0.01).")
    assert call(higher) == "increased"


def test_a_comparative_before_the_outcome_s_own_word_measures_the_outcome():
    record = structured(
        "The duloxetine group showed higher improvement in sleep quality (p < 0.05).",
    )
    # Asked about "improvement in sleep quality", "higher" measures that improvement.
    answer = read_effect(record, "improvement in sleep quality", "duloxetine", "placebo")
    assert answer.label == "increased"


def test_a_denial_between_groups_in_the_next_sentence_decides_over_change_within_them():
    within = structured(
        "Pain score fell from 6.1 to 4.2 in both groups (p < 0.001). There was however no "
        "significant difference between the two groups."
    )
    assert call(within) == "no-difference"
    # Control: a sentence that sets the arms against each other is not overruled by a denial
    # that follows it.
    between = structured(
        "Pain score was significantly lower with duloxetine than with placebo (p < 0.001). "
        "There was however no significant difference between the two groups in sleep quality."
    )
    assert call(between) == "decreased"


def test_the_difference_denied_right_after_a_result_is_that_result_s():
    denied = structured(
        "Compared with placebo, duloxetine reduced the pain score, but the difference was not "
        "statistically significant (P = 0.145), and significantly reduced sleep latency "
        "(P = 0.01)."
    )
    assert call(denied) == "no-difference"
    # Control: a denial that names another outcome's difference leaves this one standing.
    other = structured(
        "Duloxetine reduced the pain score compared with placebo (p = 0.01); sleep quality "
        "also improved, but that difference was not significant."
    )
    assert call(other) == "decreased"


def test_a_sentence_is_not_cut_at_the_full_stop_of_vs():
    from litwatch.classifiers.findings.text import read_abstract

    record = structured("Fewer duloxetine patients reported pain (18% vs. 33%, p = 0.12). Done.")
    texts = [s.text for s in read_abstract(record).sentences]
    assert any("18% vs. 33%, p = 0.12" in text for text in texts)
    # Control: a real full stop still ends a sentence.
    assert any(text.startswith("Done") for text in texts)
    assert call(record) == "no-difference"


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        # Only the arms' values say which way, and the difference is called significant.
        (
            (
                "Time to first rescue analgesia was 9.4 ± 2.1 h in the duloxetine group and "
                "4.2 ± 1.8 h in the placebo group, a significant difference (P < 0.001)."
            ),
            "increased",
        ),
        (
            (
                "Time to first rescue analgesia was 4.2 h in the placebo group and 9.4 h in the "
                "duloxetine group (P = 0.003)."
            ),
            "increased",
        ),
        (
            (
                "Time to first rescue analgesia was 3.1 ± 0.9 h in the duloxetine group and "
                "6.8 ± 2.4 h in the placebo group, a significant difference (P = 0.002)."
            ),
            "decreased",
        ),
        # Control: without significance the values decide nothing.
        (
            (
                "Time to first rescue analgesia was 9.4 h in the duloxetine group and 9.1 h in the "
                "placebo group (P = 0.61)."
            ),
            "no-difference",
        ),
    ],
)
def test_the_arms_values_decide_where_no_word_says_which_way(results, expected):
    record = structured(results)
    assert read_effect(record, "time to first rescue analgesia", "duloxetine", "placebo").label == (
        expected
    )


def test_values_written_with_their_signs_are_left_to_the_model():
    # "+0.3 h with placebo against -1.6 h with duloxetine": the value reading drops the signs,
    # so the rule must not decide; the same values unsigned, as levels, it does.
    from litwatch.classifiers.findings.effect import arm_words, numbers_say
    from litwatch.classifiers.findings.text import content_words

    query = frozenset(content_words("time to first rescue analgesia"))
    arms = arm_words("duloxetine", "placebo"), arm_words("placebo", "duloxetine")
    signed = (
        "Mean changes in time to first rescue analgesia were +0.3 h with placebo against "
        "-1.6 h with duloxetine (P = 0.004)."
    )
    assert numbers_say(signed, query, *arms) == 0
    levels = (
        "Time to first rescue analgesia was 0.3 h in the placebo group and 1.6 h in the "
        "duloxetine group (P = 0.004)."
    )
    assert numbers_say(levels, query, *arms) == 1
    # Control: a word that says which way leaves the decision to the model and the rules.
    worded = levels.replace("(P = 0.004)", ", significantly longer with duloxetine (P = 0.004)")
    assert numbers_say(worded, query, *arms) == 0


def test_in_a_list_of_outcomes_each_outcome_s_own_p_value_decides():
    # One sentence, three outcomes, each with its own p-value: only the last one differs.
    results = (
        "Duloxetine patients reported fewer night awakenings (21% vs. 30%, p=0.18) and fewer "
        "rescue doses (14% vs. 22%, p=0.09), and were more often satisfied with treatment "
        "(64% vs. 41%, p=0.004) than patients given placebo."
    )
    record = structured(results)
    assert read_effect(record, "night awakenings", "duloxetine", "placebo").label == (
        "no-difference"
    )
    assert read_effect(record, "rescue doses", "duloxetine", "placebo").label == "no-difference"
    # Control: the outcome whose own p-value is significant keeps its direction.
    assert read_effect(record, "satisfied with treatment", "duloxetine", "placebo").label == (
        "increased"
    )
