"""Confidence that means what it says: monotone maps from the model's raw scores to how often
calls like them were right on records the model never saw (held-out folds of the PubMed-labelled
records), and the reliability table that shows it for the model card."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from litwatch.classifiers.design.model import ModelCall, learnable_labels
from sklearn.isotonic import IsotonicRegression

# Confidence bands of the reliability table: the digest's "possible RCT" lives in the lower ones.
BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)


@dataclass(frozen=True)
class Curve:
    """A monotone map from a raw score to an observed rate, as points to interpolate between."""

    raw: tuple[float, ...]
    observed: tuple[float, ...]

    def __call__(self, value: float) -> float:
        if not self.raw:
            return value
        return float(np.interp(value, self.raw, self.observed))

    @classmethod
    def fit(cls, raw: Sequence[float], hits: Sequence[bool]) -> Curve:
        """The isotonic fit of `hits` on `raw` (identity when there is nothing to fit)."""
        if len(set(hits)) < 2:
            return cls((), ())
        isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        isotonic.fit(np.asarray(raw, dtype=float), np.asarray(hits, dtype=float))
        return cls(
            tuple(round(float(x), 4) for x in isotonic.X_thresholds_),
            tuple(round(float(y), 4) for y in isotonic.y_thresholds_),
        )


@dataclass(frozen=True)
class Calibration:
    """Separate maps for calls a phrase rule decided, calls the model decided, and the
    probability of `rct` whatever the call (the "possible RCT" the digest can show)."""

    rule: Curve
    model: Curve
    rct: Curve

    def confidence(self, call: ModelCall) -> float:
        return (self.rule if call.by_rule else self.model)(call.confidence)

    def to_json(self) -> dict:
        return {
            name: {"raw": list(curve.raw), "observed": list(curve.observed)}
            for name, curve in (("rule", self.rule), ("model", self.model), ("rct", self.rct))
        }

    @classmethod
    def from_json(cls, data: dict) -> Calibration:
        def curve(name: str) -> Curve:
            part = data.get(name, {})
            return Curve(tuple(part.get("raw", ())), tuple(part.get("observed", ())))

        return cls(curve("rule"), curve("model"), curve("rct"))


def fit_calibration(calls: Sequence[ModelCall], truth: Sequence[str]) -> Calibration:
    """Maps fitted on held-out calls and the labels indexing gives those records; a call of a
    label the truth cannot judge (`learnable_labels`) does not shape them."""
    judged = learnable_labels(truth)

    def of(kind: bool) -> Curve:
        rows = [
            (c.confidence, c.label == t)
            for c, t in zip(calls, truth, strict=True)
            if c.by_rule is kind and c.label in judged
        ]
        return Curve.fit([r for r, _ in rows], [h for _, h in rows])

    rct = Curve.fit([c.rct_probability for c in calls], [t == "rct" for t in truth])
    return Calibration(rule=of(True), model=of(False), rct=rct)


def reliability_table(
    calls: Sequence[ModelCall], truth: Sequence[str], groups: Sequence[str]
) -> list[dict]:
    """Per confidence band: calls, mean stated confidence and share right, raw and calibrated.

    The calibrated columns are cross-fitted: each half of the groups is mapped by a calibration
    fitted on the other half, so the table does not grade the maps on their own data. Calls of a
    label the truth cannot judge (`learnable_labels`) are left out."""
    judged = learnable_labels(truth)
    kept = [i for i, call in enumerate(calls) if call.label in judged]
    calls = [calls[i] for i in kept]
    truth = [truth[i] for i in kept]
    halves = [hash_half(groups[i]) for i in kept]
    calibrated = [0.0] * len(calls)
    for half in (0, 1):
        train = [i for i, h in enumerate(halves) if h != half]
        fitted = fit_calibration([calls[i] for i in train], [truth[i] for i in train])
        for i, h in enumerate(halves):
            if h == half:
                calibrated[i] = fitted.confidence(calls[i])
    right = [call.label == label for call, label in zip(calls, truth, strict=True)]
    raw = [call.confidence for call in calls]
    return [
        {"band": f"{low:.2f}-{min(high, 1.0):.2f}", **_band(raw, right, low, high, "raw")}
        | _band(calibrated, right, low, high, "calibrated")
        for low, high in itertools.pairwise(BANDS)
    ]


def hash_half(group: str) -> int:
    """A stable half (0 or 1) for a group name, the same in every run."""
    return sum(group.encode()) % 2


def _band(stated: list[float], right: list[bool], low: float, high: float, name: str) -> dict:
    inside = [i for i, value in enumerate(stated) if low <= value < high]
    if not inside:
        return {f"{name}_calls": 0, f"{name}_confidence": None, f"{name}_accuracy": None}
    return {
        f"{name}_calls": len(inside),
        f"{name}_confidence": round(sum(stated[i] for i in inside) / len(inside), 3),
        f"{name}_accuracy": round(sum(right[i] for i in inside) / len(inside), 3),
    }
