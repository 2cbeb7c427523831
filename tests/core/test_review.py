"""Checked values as pure data: what a field may hold, and a classification with a reviewer's
values laid over the machine's."""

from __future__ import annotations

import pytest
from litwatch.core.classification import Classification, DesignCall
from litwatch.core.findings import Finding
from litwatch.core.review import (
    CheckedValue,
    ReviewError,
    apply_checked,
    check_value,
    initials,
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
