"""Evidence statements: counted from the studies' findings, worded as a reader would, and
reported as moved only when their numbers move."""

from __future__ import annotations

from litwatch.outputs.statements import (
    Question,
    Study,
    StudyFinding,
    bottom_line,
    evidence_statements,
    practical_interpretation,
    statement_changes,
)
from litwatch.outputs.watch import Population

DOMAINS = (("pain", "Pain"), ("nerve", "Nerve conduction"), ("b12", "B12 status"))
QUESTIONS = (
    Question("symptoms", "Symptoms and pain", ("pain",)),
    Question("metformin-b12", "B12 status in metformin users", ("b12",), population="metformin"),
)
# The population the watch names, as the default watch's [watch.summary] does.
POPULATIONS = (Population("metformin", "metformin users"),)


def study(pmid, design, n, *findings, metformin=False, weeks=None, year=2020):
    return Study(
        pmid=pmid,
        title=f"Trial {pmid}",
        year=year,
        design=design,
        participants=n,
        follow_up_weeks=weeks,
        populations=frozenset({"metformin"} if metformin else ()),
        findings=tuple(
            StudyFinding(domain, outcome, direction, f"{outcome} in study {pmid}")
            for domain, outcome, direction in findings
        ),
    )


def statements(studies):
    by_question, by_domain = evidence_statements(studies, DOMAINS, QUESTIONS, "B12", POPULATIONS)
    return {s.key: s for s in (*by_question, *by_domain)}


STUDIES = [
    study("1", "rct", 240, ("pain", "pain score", "favours-intervention")),
    study("2", "rct", 100, ("pain", "VAS", "no-difference"), ("nerve", "NCV", "no-difference")),
    study("3", "rct", 300, ("pain", "VAS", "favours-intervention"), weeks=52),
    study("4", "meta-analysis", None, ("pain", "pain", "favours-intervention")),
    study("5", "case-report", 1, ("pain", "pain", "favours-intervention")),
    study("6", "rct", 80, ("b12", "serum B12", "favours-intervention"), metformin=True),
]


def test_domain_statement_counts_rcts_apart_from_reviews_with_participants():
    pain = statements(STUDIES)["domain:pain"]
    assert pain.text == (
        "Pain: 2 of 3 RCTs (640 participants) favour B12; 1 finds no difference. "
        "1 meta-analysis favours B12."
    )
    assert (pain.rcts.favour, pain.rcts.no_difference, pain.rcts.participants) == (2, 1, 640)
    assert pain.reviews.total == 1


def test_case_reports_do_not_count_towards_a_statement():
    assert "5" not in statements(STUDIES)["domain:pain"].pmids


def test_studies_are_listed_larger_and_longer_first():
    assert statements(STUDIES)["domain:pain"].pmids == ("3", "1", "2", "4")


def test_every_number_is_traceable_to_the_studies_listed():
    for statement in statements(STUDIES).values():
        rcts = [s for s in statement.studies if s.design == "rct"]
        assert statement.rcts.total == len(rcts)
        assert statement.rcts.participants == sum(s.participants or 0 for s in rcts)
        assert statement.rcts.favour == sum(s.direction == "favours-intervention" for s in rcts)


def test_significant_results_both_ways_make_a_study_unclear():
    mixed = study(
        "9",
        "rct",
        50,
        ("pain", "VAS", "favours-intervention"),
        ("pain", "NRS", "favours-comparator"),
    )
    control = study("10", "rct", 50, ("pain", "VAS", "favours-intervention"))
    pain = statements([mixed, control])["domain:pain"]
    assert {s.pmid: s.direction for s in pain.studies} == {
        "9": "unclear",
        "10": "favours-intervention",
    }
    assert pain.text == "Pain: 1 of 2 RCTs (100 participants) favours B12; 1 is unclear."


def test_a_question_restricted_to_metformin_users_counts_only_them():
    question = statements(STUDIES)["question:metformin-b12"]
    assert question.pmids == ("6",)
    assert question.text == "B12 status in metformin users: 1 RCT (80 participants) favours B12."


def test_a_domain_nobody_reported_says_so():
    empty = statements([])["domain:nerve"]
    assert empty.text == "Nerve conduction: no study in the summary reports this yet."
    assert not empty.has_evidence


def test_a_new_trial_moves_a_statement_before_to_after():
    before = statements(STUDIES[:2])
    new = study("7", "rct", 240, ("nerve", "vibration threshold", "no-difference"))
    after = statements([*STUDIES[:2], new])
    changes = {c.key: c for c in statement_changes(tuple(before.values()), tuple(after.values()))}
    assert set(changes) == {"domain:nerve"}
    assert changes["domain:nerve"].before == (
        "Nerve conduction: 1 RCT (100 participants) finds no difference."
    )
    assert changes["domain:nerve"].after == (
        "Nerve conduction: both RCTs (340 participants) find no difference."
    )
    assert changes["domain:nerve"].new_pmids == ("7",)


def test_recomputing_the_same_studies_moves_nothing():
    same = tuple(statements(STUDIES).values())
    assert statement_changes(same, same) == []


def test_bottom_line_and_practice_follow_the_rct_verdict():
    by_question, _ = evidence_statements(STUDIES, DOMAINS, QUESTIONS, "B12")
    lines = bottom_line(by_question, "B12")
    assert lines[0] == (
        "Symptoms and pain: the randomised evidence favours B12 (2 of 3 RCTs). "
        "1 meta-analysis favours B12."
    )
    assert lines[1].startswith("B12 status in metformin users: too few RCTs to say")
    practice = practical_interpretation(by_question, "B12")
    assert practice[0].startswith("The trials support B12 for symptoms and pain")
    # Control: trials that find no difference turn the bottom line around.
    null = [study(str(i), "rct", 100, ("pain", "VAS", "no-difference")) for i in range(3)]
    null_question, _ = evidence_statements(null, DOMAINS, QUESTIONS, "B12")
    assert "show no benefit of B12 (3 of 3" in bottom_line(null_question, "B12")[0]


def test_a_head_to_head_question_credits_one_form_or_route_not_the_intervention():
    forms = Question("forms", "One form against another", ("pain",), head_to_head_only=True)
    trial = study("7", "rct", 60, ("pain", "VAS", "favours-intervention"))
    trial = Study(**{**trial.__dict__, "head_to_head": True})
    by_question, _ = evidence_statements([trial, STUDIES[0]], DOMAINS, (forms,), "B12")
    assert by_question[0].pmids == ("7",)  # the placebo-controlled trial is not head-to-head
    assert by_question[0].favoured == "one form or route"
    assert "favours one form or route" in by_question[0].text
    assert statements(STUDIES)["domain:pain"].favoured == "B12"


def test_a_head_to_head_trial_says_nothing_of_whether_the_intervention_works():
    # Subcutaneous against intramuscular B12, non-inferior: no evidence for or against B12.
    routes = study("8", "rct", 90, ("b12", "serum B12", "no-difference"), metformin=True)
    routes = Study(**{**routes.__dict__, "head_to_head": True})
    forms = Question("forms", "One form against another", ("b12",), head_to_head_only=True)
    by_question, by_domain = evidence_statements(
        [STUDIES[5], routes], DOMAINS, (*QUESTIONS, forms), "B12"
    )
    said = {statement.key: statement for statement in (*by_question, *by_domain)}
    assert said["question:metformin-b12"].pmids == ("6",)
    assert said["domain:b12"].pmids == ("6",)
    assert said["question:forms"].pmids == ("8",)


def test_a_question_without_an_rct_result_says_so_in_words():
    unclear = study("9", "rct", 50, ("b12", "serum B12", "unclear"), metformin=True)
    by_question, _ = evidence_statements([unclear], DOMAINS, QUESTIONS, "B12")
    assert bottom_line(by_question, "B12")[1] == (
        "B12 status in metformin users: no RCT has a clear result on this yet."
    )
    one, _ = evidence_statements([STUDIES[5]], DOMAINS, QUESTIONS, "B12")
    assert bottom_line(one, "B12")[1] == (
        "B12 status in metformin users: too few RCTs to say (1 with a clear result so far)."
    )


def test_head_to_head_bottom_line_and_practice_speak_of_forms_not_of_benefit():
    forms = Question("forms", "One form against another", ("pain",), head_to_head_only=True)
    trials = [
        Study(
            **{
                **study(str(i), "rct", 60, ("pain", "VAS", "no-difference")).__dict__,
                "head_to_head": True,
            }
        )
        for i in range(3)
    ]
    by_question, _ = evidence_statements(trials, DOMAINS, (forms,), "B12")
    assert bottom_line(by_question, "B12") == [
        "One form against another: most RCTs find no difference between forms or routes (3 of 3)."
    ]
    assert practical_interpretation(by_question, "B12") == [
        "The trials have not shown one form or route of B12 to be better than another."
    ]
    # Control: the same trials against placebo read as no benefit of B12.
    placebo = Question("symptoms", "Symptoms and pain", ("pain",))
    plain, _ = evidence_statements(
        [study(str(i), "rct", 60, ("pain", "VAS", "no-difference")) for i in range(3)],
        DOMAINS,
        (placebo,),
        "B12",
    )
    assert "show no benefit of B12 (3 of 3" in bottom_line(plain, "B12")[0]


def test_outcomes_that_did_not_differ_are_never_listed_under_favours():
    nerve = Question("nerve-all", "Objective nerve measures", ("nerve", "b12"))
    trial = study(
        "11", "rct", 80, ("nerve", "NCV", "no-difference"), ("b12", "serum B12", "favours-intervention")
    )  # fmt: skip
    [statement], _ = evidence_statements([trial], DOMAINS, (nerve,), "B12")
    [verdict] = statement.studies
    assert (verdict.direction, verdict.outcomes) == ("favours-intervention", ("serum B12",))


def test_a_head_to_head_verdict_names_the_better_arm_from_the_questions_own_domains():
    forms = Question("forms", "One form against another", ("pain",), head_to_head_only=True)
    trial = Study(
        pmid="12",
        title="Routes",
        year=2024,
        design="rct",
        participants=60,
        head_to_head=True,
        controlled=False,
        head_to_head_findings=(
            StudyFinding("pain", "pain", "no-difference", "pain did not differ"),
            StudyFinding("nerve", "nerve", "favours-one-form", "NCV rose more", "injected B12"),
        ),
    )
    [statement], by_domain = evidence_statements([trial], DOMAINS, (forms,), "B12")
    # the nerve result is another question's: on pain the routes did not differ
    assert [(v.direction, v.better_arm) for v in statement.studies] == [("no-difference", "")]
    assert all(not s.has_evidence for s in by_domain)  # no result against a control
    both = Question("forms", "Forms", ("pain", "nerve"), head_to_head_only=True)
    [wider], _ = evidence_statements([trial], DOMAINS, (both,), "B12")
    assert [(v.direction, v.better_arm) for v in wider.studies] == [
        ("favours-one-form", "injected B12")
    ]


def test_a_result_for_a_subgroup_only_is_listed_but_never_counted_as_the_trials():
    subgroup_only = Study(
        pmid="13",
        title="Subgroup",
        year=2024,
        design="rct",
        participants=200,
        findings=(
            StudyFinding(
                "pain", "pain", "favours-intervention", "in metformin users, pain fell",
                subgroup="metformin users",
            ),
        ),
    )  # fmt: skip
    pain = statements([subgroup_only, STUDIES[1]])["domain:pain"]
    assert pain.rcts.total == 1 and pain.rcts.favour == 0
    assert {s.pmid: s.subgroup for s in pain.studies} == {"13": "metformin users", "2": None}


def test_a_trial_that_gave_the_intervention_with_other_actives_is_named_as_such():
    # A tablet of three B vitamins that beats placebo says the tablet helps, not that B12
    # alone does: the statement counts the trial and says so beside the RCTs' numbers.
    from dataclasses import replace

    combined = replace(STUDIES[0], combination="other B vitamins (B-complex)")
    found = statements([combined, *STUDIES[1:]])
    pain = found["domain:pain"]
    assert pain.text == (
        "Pain: 2 of 3 RCTs (640 participants) favour B12; 1 finds no difference. "
        "1 of these 3 RCTs gave B12 with other B vitamins (B-complex), so its result is not "
        "that of B12 alone. 1 meta-analysis favours B12."
    )
    assert (pain.rcts.favour, pain.rcts.total) == (2, 3)  # counted as before
    [line] = bottom_line([found["question:symptoms"]], "B12")
    assert line == (
        "Symptoms and pain: the randomised evidence favours B12 (2 of 3 RCTs). 1 of these 3 "
        "RCTs gave B12 with other B vitamins (B-complex), so its result is not that of B12 "
        "alone. 1 meta-analysis favours B12."
    )
    # One trial, and every trial, read as a reader would say it.
    alone = statements([combined])["domain:pain"]
    assert "The RCT gave B12 with other B vitamins (B-complex), so its result is" in alone.text
    both = statements([combined, replace(STUDIES[2], combination="other B vitamins (B-complex)")])
    assert "Both RCTs gave B12 with other B vitamins (B-complex), so their results are" in (
        both["domain:pain"].text
    )
    # Control: the same trials, each given the intervention alone, carry no such sentence.
    assert "gave B12 with" not in statements(STUDIES)["domain:pain"].text


def _in_words_only(study_, domain):
    """The study with its result in `domain` stated without a statistical test."""
    from dataclasses import replace

    return replace(
        study_,
        findings=tuple(
            replace(f, tested=False) if f.domain == domain else f for f in study_.findings
        ),
    )


def test_a_difference_reported_without_a_statistical_test_is_said_to_be_so():
    # "Pain fell more with B12 than with placebo", no p-value, no interval: the statement
    # counts the trial as its authors put it, and says in the next breath that no test backs it.
    words_only = _in_words_only(STUDIES[0], "pain")
    found = statements([words_only, *STUDIES[1:]])
    pain = found["domain:pain"]
    assert pain.text == (
        "Pain: 2 of 3 RCTs (640 participants) favour B12; 1 finds no difference. "
        "1 of the 2 RCTs that find a difference reports it without a statistical test. "
        "1 meta-analysis favours B12."
    )
    assert (pain.rcts.favour, pain.rcts.total) == (2, 3)  # counted as before
    assert {s.pmid: s.untested for s in pain.studies} == {
        "3": False,
        "1": True,
        "2": False,
        "4": False,
    }
    [line] = bottom_line([found["question:symptoms"]], "B12")
    assert "(2 of 3 RCTs). 1 of the 2 RCTs that find a difference reports it without" in line
    both = statements([words_only, _in_words_only(STUDIES[2], "pain")])["domain:pain"]
    assert "Both RCTs report their difference without a statistical test." in both.text
    alone = statements([words_only])["domain:pain"]
    assert "The RCT reports its difference without a statistical test." in alone.text
    beside = statements([words_only, STUDIES[1]])["domain:pain"]
    assert "The RCT that finds a difference reports it without a statistical test." in (beside.text)
    # A finding of no difference in words only states no difference to test: no note.
    no_difference = _in_words_only(STUDIES[1], "pain")
    assert "statistical test" not in statements([no_difference])["domain:pain"].text
    # Control: the same trials with their tests carry no such sentence.
    assert "statistical test" not in statements(STUDIES)["domain:pain"].text


def test_the_practice_line_says_when_no_rct_difference_is_tested():
    # Both favourable RCTs state their benefit in words only: "the trials support B12" would
    # read as tested evidence, so the line says what backs it.
    words_only = [_in_words_only(STUDIES[0], "pain"), _in_words_only(STUDIES[2], "pain")]
    found = statements([*words_only, STUDIES[1]])
    [line] = practical_interpretation([found["question:symptoms"]], "B12")
    assert line.startswith("The trials support B12 for symptoms and pain;")
    assert line.endswith(" Neither RCT that finds a difference reports a statistical test for it.")
    # One tested difference among them: the statement names the untested one, the line is as it was.
    mixed = statements([words_only[0], STUDIES[2], STUDIES[1]])
    [line] = practical_interpretation([mixed["question:symptoms"]], "B12")
    assert "statistical test" not in line
    assert "statistical test" in mixed["question:symptoms"].text


def test_the_note_on_untested_results_comes_before_the_combination_note():
    from dataclasses import replace

    both = replace(_in_words_only(STUDIES[0], "pain"), combination="other B vitamins")
    pain = statements([both])["domain:pain"]
    assert pain.text == (
        "Pain: 1 RCT (240 participants) favours B12. The RCT reports its difference without "
        "a statistical test. The RCT gave B12 with other B vitamins, so its result is not that "
        "of B12 alone."
    )


def test_the_default_watch_names_its_combined_form_and_study_of_reads_it_from_the_arms():
    from litwatch.core.classification import Arm, Arms
    from litwatch.outputs.statements import study_of
    from outputs_samples import classification, record

    from litwatch.config import find_watch, load_watches
    from litwatch.settings import Settings
    from litwatch.wiring import watch_info

    watch = watch_info(find_watch(load_watches(Settings().watches_file), None)[0])
    combinations = dict(watch.combinations)
    assert combinations == {"b-complex": "other B vitamins (B-complex)"}
    trial = classification("rct")
    tablet = Arms(
        arms=(
            Arm("a B-complex tablet", True, "b-complex", "oral"),
            Arm("placebo", False, control="placebo"),
        ),
        tests_intervention=True,
    )
    from dataclasses import replace

    given = study_of(record("99100001", "A tablet"), replace(trial, arms=tablet), (), combinations)
    assert given.combination == "other B vitamins (B-complex)"
    # Control: an arm given one form of the intervention alone.
    alone = Arms(arms=(Arm("methylcobalamin", True, "methylcobalamin", "oral"), tablet.arms[1]))
    plain = study_of(record("99100002", "A tablet"), replace(trial, arms=alone), (), combinations)
    assert plain.combination == ""
    # Control: a record whose abstract names the form in passing, its arms not read.
    named = replace(trial, attributes=replace(trial.attributes, forms=("b-complex",)), arms=None)
    assert study_of(record("99100003", "A trial"), named, (), combinations).combination == ""


def _practice(studies):
    """The practice line of the first question (symptoms and pain) over `studies`."""
    by_question, _ = evidence_statements(studies, DOMAINS, QUESTIONS, "B12")
    return practical_interpretation(by_question[:1], "B12")[0]


def test_practice_says_the_evidence_is_not_settled_where_the_reviews_say_the_opposite():
    # Two small RCTs favour B12 while a systematic review of more trials finds no difference:
    # "The trials support B12" would follow the RCTs alone and hide the pooled result.
    trials = [
        study("1", "rct", 120, ("pain", "pain score", "favours-intervention")),
        study("2", "rct", 90, ("pain", "VAS", "favours-intervention")),
    ]
    review = study("3", "systematic-review", 363, ("pain", "symptoms", "no-difference"))
    practice = _practice([*trials, review])
    assert practice.startswith(
        "For symptoms and pain the RCTs favour B12, but 1 systematic review (363 participants) "
        "finds no difference: the evidence is not settled. Check whether the review pooled "
        "these trials"
    ), practice
    # The other way round: trials that find nothing against a review that finds a benefit.
    nulls = [study(str(i), "rct", 100, ("pain", "VAS", "no-difference")) for i in range(3)]
    positive = study("9", "meta-analysis", 900, ("pain", "pain", "favours-intervention"))
    practice = _practice([*nulls, positive])
    assert practice.startswith(
        "For symptoms and pain most RCTs show no benefit of B12, but 1 meta-analysis "
        "(900 participants) favours B12: the evidence is not settled."
    ), practice
    # Controls: a review that agrees, or reviews that split, leave the RCTs' line.
    agreeing = study("4", "systematic-review", 363, ("pain", "symptoms", "favours-intervention"))
    assert _practice([*trials, agreeing]).startswith("The trials support B12")
    assert _practice([*trials, review, agreeing]).startswith("The trials support B12")
