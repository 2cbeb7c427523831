"""How sure the findings reader is of a call, and the order a reviewer checks calls in.

The reader's raw certainty (how the ranked sentences voted, whether a rule overrode the vote,
how much of the ranker's belief the cited sentence holds) goes through a logistic calibration
that `training.train_model` fits on out-of-fold calls and ships with the model, so that calls
stored with confidence 0.8 are right about 8 times in 10, and the least confident calls are
the ones a reviewer should see first (`review_order`; `benchmarks/review_budget.py`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

# Clipping for the log-odds of a vote share: a share of exactly 0 or 1 stays finite.
_EDGE = 1e-4


class HasConfidence(Protocol):
    @property
    def confidence(self) -> float: ...


def confidence_features(
    votes: Mapping[str, float],
    voted: str,
    label: str,
    top_share: float,
    candidates: int,
) -> dict[str, float]:
    """What the calibration reads of one call: `votes` are the labels' shares of the vote
    (summing to 1), `voted` the label they chose, `label` the call after the rules (a rule may
    override the vote), `top_share` the cited sentence's share of the ranker's belief and
    `candidates` how many sentences voted."""
    ordered = sorted(votes.values(), reverse=True)
    runner_up = ordered[1] if len(ordered) > 1 else 0.0
    vote = votes.get(voted, 0.0)
    share = min(max(vote, _EDGE), 1 - _EDGE)
    return {
        "bias": 1.0,
        "vote": vote,
        "vote_logit": math.log(share / (1 - share)),
        "margin": ordered[0] - runner_up if ordered else 0.0,
        "overridden": float(label != voted),
        "top_share": top_share,
        "one_candidate": float(candidates == 1),
        f"label={label}": 1.0,
    }


def raw_confidence(features: Mapping[str, float]) -> float:
    """The vote's share for the label it chose: the confidence of an uncalibrated model."""
    return features["vote"]


def calibrated_confidence(calibration: Mapping[str, float], features: Mapping[str, float]) -> float:
    """The probability that the call is right: the calibration's logistic over the features,
    or the raw vote share when the model carries no calibration (models trained before it)."""
    if not calibration:
        return raw_confidence(features)
    score = sum(calibration.get(name, 0.0) * value for name, value in features.items())
    return 1 / (1 + math.exp(-min(max(score, -50.0), 50.0)))


def review_order(calls: Sequence[HasConfidence]) -> list[int]:
    """The positions of `calls` in the order a reviewer should check them: least confident
    first; calls equally confident keep their order."""
    return sorted(range(len(calls)), key=lambda i: calls[i].confidence)


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """The gap between confidence and accuracy, averaged over equal-width confidence bins and
    weighted by how many calls each holds (the usual ECE)."""
    if not confidences:
        return 0.0
    totals: dict[int, list[float]] = {}
    for confidence, right in zip(confidences, correct, strict=True):
        cell = totals.setdefault(min(int(confidence * bins), bins - 1), [0.0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += confidence
        cell[2] += float(right)
    gaps = sum(abs(said - right) for _, said, right in totals.values())
    return gaps / len(confidences)


__all__ = [
    "calibrated_confidence",
    "confidence_features",
    "expected_calibration_error",
    "raw_confidence",
    "review_order",
]
