"""Checked values as pure data: what a field may hold, and a classification with a reviewer's
values laid over the machine's."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litwatch.core.associations import Association
from litwatch.core.classification import Arm, Arms, Classification, Comparison, DesignCall
from litwatch.core.findings import Finding
from litwatch.core.guidance import StratumCall, StratumDefinition
from litwatch.core.review import (
    CheckedValue,
    ReviewError,
    apply_checked,
    check_value,
    field_choices,
    initials,
    machine_value,
    review_fields,
)

FIELDS = review_fields(["head_to_head"], ["pain", "quality-of-life"])
MACHINE = Classification(
    pmid="1",
    design=DesignCall("cohort", 0.5, "model", ()),
    findings=(
        Finding("pain", "pain", "decreased", "favours-intervention", "Pain fell.", 0.7),
        Finding("pain", "pain", "decreased", "favours-intervention", "In users.", 0.6, "users"),
    ),
)


def checked(value: str) -> CheckedValue:
    return CheckedValue(value, "Ann Lee", 1)


def test_values_are_checked_against_the_field():
    assert check_value("participants", " 120 ", FIELDS) == "120"
    assert check_value("follow_up_weeks", "52.0", FIELDS) == "52"
    assert check_value("gap:head_to_head", "partly", FIELDS) == "partly"
    for field, value in [("participants", "2.5"), ("participants", "nan"), ("design", "RCT"),
                         ("gap:other", "no"), ("follow_up_weeks", "inf")]:  # fmt: skip
        with pytest.raises(ReviewError):
            check_value(field, value, FIELDS)


def test_a_reviewers_values_replace_the_machines_and_say_who():
    result = apply_checked(
        MACHINE,
        {
            "design": checked("rct"),
            "pain": checked("unused"),  # not a field: ignored
            "finding:quality-of-life": checked("no-difference"),
            "participants": checked("80"),
        },
    )
    assert (result.design.label, result.attributes.n_participants) == ("rct", 80)
    quality = next(f for f in result.findings if f.domain == "quality-of-life")
    assert (quality.direction, quality.effect) == ("no-difference", "no-difference")
    assert result.checked["design"].reviewer == "Ann Lee"
    assert MACHINE.design.label == "cohort"  # the machine's classification is untouched


def test_not_reported_drops_the_overall_finding_and_keeps_the_subgroup_one():
    result = apply_checked(MACHINE, {"finding:pain": checked("not-reported")})
    assert [(f.domain, f.subgroup) for f in result.findings] == [("pain", "users")]


def test_initials():
    assert [initials(n) for n in ("Ann Lee", "bo", "ann+Bo Ek")] == ["AL", "BO", "ANN+BE"]


TRIAL = Classification(
    pmid="2",
    design=DesignCall("rct", 0.9, "model", ()),
    findings=(Finding("pain", "pain", "decreased", "favours-intervention", "Pain fell.", 0.7),),
    arms=Arms(
        arms=(
            Arm("oral cyanocobalamin", True, formulation="cyanocobalamin", route="oral"),
            Arm("placebo", False, control="placebo"),
        ),
        comparisons=(Comparison("placebo-controlled", (0, 1)),),
        tests_intervention=True,
    ),
    strata=(StratumCall("b12", "not-stated", "B12 was measured."),),
    associations=(Association("exposure-b12", "drug", "b12-status", "unclear", "B12 fell."),),
)


def test_a_checked_comparator_sets_what_the_arms_compare_both_ways():
    assert machine_value(TRIAL, "comparator") == "placebo"
    assert machine_value(TRIAL, "better_arm") == ""  # nothing compared head to head
    head = apply_checked(TRIAL, {"comparator": checked("head-to-head")})
    assert head.arms.head_to_head and not head.arms.controlled
    assert machine_value(head, "comparator") == "head-to-head"
    both = apply_checked(TRIAL, {"comparator": checked("head-to-head-and-control")})
    assert both.arms.head_to_head and both.arms.controlled
    back = apply_checked(head, {"comparator": checked("usual-care")})
    assert [c.kind for c in back.arms.comparisons] == ["usual-care-controlled"]
    assert back.arms.head_to_head_results == ()
    # stored before arms were read: the comparisons are made all the same
    bare = apply_checked(replace(TRIAL, arms=None), {"comparator": checked("head-to-head")})
    assert bare.arms.head_to_head and bare.attributes.comparator == "head-to-head"


def test_a_checked_better_arm_rules_every_head_to_head_result():
    head = apply_checked(TRIAL, {"comparator": checked("head-to-head")})
    choices = field_choices((), head)["better_arm"]
    assert choices == ("oral cyanocobalamin", "placebo", "no-difference", "unclear")
    better = apply_checked(
        TRIAL, {"comparator": checked("head-to-head"), "better_arm": checked("oral cyanocobalamin")}
    )
    assert [(r.domain, r.call, r.better) for r in better.arms.head_to_head_results] == [
        ("pain", "favours-one-form", 0)
    ]
    assert machine_value(better, "better_arm") == "oral cyanocobalamin"


def test_checked_strata_and_association_calls_and_their_values():
    fields = review_fields([], [], ["exposure-b12"], ["b12", "metformin"])
    strata = (
        StratumDefinition("b12", "baseline B12", ("B12",)),
        StratumDefinition("metformin", "metformin use", ("metformin",), kind="use"),
    )
    choices = field_choices(strata, TRIAL)
    assert check_value("stratum:b12", "low", fields, choices) == "low"
    assert check_value("stratum:metformin", "users", fields, choices) == "users"
    assert check_value("association:exposure-b12", "decreased", fields) == "decreased"
    for field, value in [("stratum:b12", "users"), ("stratum:metformin", "low"),
                         ("association:exposure-b12", "lower"), ("stratum:renal", "low")]:  # fmt: skip
        with pytest.raises(ReviewError):
            check_value(field, value, fields, choices)
    with pytest.raises(ReviewError):  # without the watch's strata, no level is known
        check_value("stratum:b12", "low", fields)
    result = apply_checked(
        TRIAL,
        {
            "stratum:b12": CheckedValue("low", "Ann Lee", 1, needs_recheck=True),
            "association:exposure-b12": checked("decreased"),
        },
    )
    assert result.stratum("b12") == "low" and result.strata[0].evidence == "B12 was measured."
    assert result.checked["stratum:b12"].needs_recheck
    assert [(a.call, a.domain) for a in result.associations] == [("decreased", "b12-status")]
    dropped = apply_checked(TRIAL, {"association:exposure-b12": checked("not-reported")})
    assert dropped.associations == () and machine_value(dropped, "association:exposure-b12") == (
        "not-reported"
    )
