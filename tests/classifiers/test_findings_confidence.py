"""The order a reviewer checks findings calls in, and the calibration error of their
confidence (issue #22; `benchmarks/review_budget.py` measures both on held-out calls)."""

from __future__ import annotations

from litwatch.classifiers.findings.confidence import (
    calibrated_confidence,
    confidence_features,
    expected_calibration_error,
    review_order,
)
from litwatch.core.findings import EffectCall


def test_the_least_confident_calls_come_first_and_equal_ones_keep_their_order():
    calls = [
        EffectCall("increased", "a", 0.9),
        EffectCall("no-difference", "b", 0.4),
        EffectCall("decreased", "c", 0.7),
        EffectCall("increased", "d", 0.4),
    ]
    assert review_order(calls) == [1, 3, 2, 0]
    assert review_order([]) == []


def test_calibration_error_is_zero_when_confidence_matches_accuracy_and_not_otherwise():
    # Ten calls said 0.9 sure, nine right: calibrated. Said 0.9 sure, five right: off by 0.4.
    assert expected_calibration_error([0.9] * 10, [True] * 9 + [False]) < 1e-9
    assert abs(expected_calibration_error([0.9] * 10, [True] * 5 + [False] * 5) - 0.4) < 1e-9
    # Bins are weighed by their calls: 0.4 off in half of them is 0.2 overall.
    mixed = expected_calibration_error(
        [0.9] * 10 + [0.3] * 10, [True] * 5 + [False] * 5 + [True] * 3 + [False] * 7
    )
    assert abs(mixed - 0.2) < 1e-9


def test_a_rule_that_overrides_the_vote_is_a_feature_and_no_calibration_means_the_vote():
    features = confidence_features(
        {"increased": 0.7, "decreased": 0.1, "no-difference": 0.2},
        voted="increased",
        label="no-difference",
        top_share=0.8,
        candidates=2,
    )
    assert features["overridden"] == 1.0 and features["label=no-difference"] == 1.0
    assert abs(features["margin"] - 0.5) < 1e-9
    assert calibrated_confidence({}, features) == 0.7  # models trained before calibration
    # A calibration that distrusts overridden calls says so.
    distrust = {"bias": 2.0, "overridden": -4.0}
    assert (
        calibrated_confidence(distrust, features)
        < 0.5
        < calibrated_confidence(distrust, {**features, "overridden": 0.0})
    )
