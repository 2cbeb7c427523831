"""Calibrated design confidence, the "possible RCT" second label, and how trial abstracts are
weighted against PubMed's own mix of designs."""

from __future__ import annotations

import numpy as np
import pytest
from litwatch.classifiers.design import classify_designs
from litwatch.classifiers.design.calibration import (
    Calibration,
    Curve,
    fit_calibration,
    reliability_table,
)
from litwatch.classifiers.design.model import (
    MODEL_RCT_MINIMUM,
    ModelCall,
    chosen_label,
    train_design_model,
)
from litwatch.classifiers.design.training_data import (
    SINGLE_DESIGN_SHARE,
    LabelledRecord,
    training_weights,
)
from litwatch.core.records import AbstractSection, Record


def test_an_overconfident_score_is_mapped_to_how_often_it_was_right():
    curve = Curve.fit([0.9] * 10 + [0.3] * 10, [True] * 5 + [False] * 5 + [False] * 10)
    assert curve(0.9) == pytest.approx(0.5)
    assert curve(0.3) == pytest.approx(0.0)
    # Control: with nothing to learn from (every call right), scores pass through unchanged.
    assert Curve.fit([0.9, 0.8], [True, True])(0.85) == pytest.approx(0.85)


def test_calibration_survives_its_json_form():
    calibration = Calibration(
        Curve((0.5, 0.9), (0.6, 0.95)), Curve((0.2, 0.8), (0.1, 0.7)), Curve((), ())
    )
    again = Calibration.from_json(calibration.to_json())
    assert again == calibration
    call = ModelCall("cohort", 0.8, (), by_rule=False, rct_probability=0.4)
    assert again.confidence(call) == pytest.approx(0.7)
    assert again.confidence(ModelCall("rct", 0.9, (), by_rule=True)) == pytest.approx(0.95)


def test_reliability_table_counts_every_call_once_in_its_band():
    calls = [ModelCall("rct", c, ()) for c in np.linspace(0.05, 0.99, 40)]
    truth = ["rct" if i % 3 else "other" for i in range(40)]
    table = reliability_table(calls, truth, [f"file{i % 7}" for i in range(40)])
    assert sum(row["raw_calls"] for row in table) == 40
    assert sum(row["calibrated_calls"] for row in table) == 40


class _Stub:
    """A design model that returns fixed calls, to test what the design call makes of them."""

    def __init__(self, call: ModelCall):
        self.call = call

    def predict(self, records):
        return [self.call for _ in records]


@pytest.mark.parametrize(
    ("label", "confidence", "rct_probability", "runner_up"),
    [
        ("cohort", 0.5, 0.35, "rct"),  # uncertain, and a trial is a real possibility
        ("cohort", 0.9, 0.35, None),  # control: the top label is sure enough
        ("cohort", 0.5, 0.05, None),  # control: a trial is not a material possibility
        ("rct", 0.5, 0.5, None),  # control: RCT is already the label
    ],
)
def test_possible_rct_is_a_second_label_only_when_uncertain_and_material(
    label, confidence, rct_probability, runner_up
):
    stub = _Stub(ModelCall(label, confidence, (), rct_probability=rct_probability))
    call = classify_designs([Record(pmid="1", title="x")], text_only=True, model=stub)[0]
    assert (call.runner_up, call.rct_probability) == (runner_up, rct_probability)


def test_indexed_records_carry_no_rct_probability():
    record = Record(pmid="1", title="x", publication_types=("Case Reports",))
    call = classify_designs([record], model=_Stub(ModelCall("rct", 0.9, ())))[0]
    assert (call.source, call.rct_probability, call.runner_up) == ("publication_type", None, None)


def test_the_classifier_calls_rct_only_on_strong_evidence():
    labels_rct_first = 0
    weak = np.array([0.55, 0.45])  # rct leads, but below the minimum
    strong = np.array([MODEL_RCT_MINIMUM + 0.05, 0.25])
    assert chosen_label(weak, rct=labels_rct_first) == 1
    assert chosen_label(strong, rct=labels_rct_first) == 0
    # Control: any other label leading is called whatever its probability.
    assert chosen_label(np.array([0.45, 0.55]), rct=0) == 1
    assert chosen_label(np.array([0.55, 0.45]), rct=None) == 0


def _labelled(label: str, single: bool, n: int) -> list[LabelledRecord]:
    return [
        LabelledRecord(Record(pmid=f"{label}{single}{i}"), label, (), "f", single_design=single)
        for i in range(n)
    ]


def test_trial_abstracts_weigh_together_a_share_of_pubmeds_own_rcts():
    labelled = _labelled("rct", False, 40) + _labelled("other", False, 100)
    labelled += _labelled("rct", True, 400)
    weights = training_weights(labelled)
    assert weights[:140] == [1.0] * 140
    assert sum(weights[140:]) == pytest.approx(SINGLE_DESIGN_SHARE * 40)
    # Control: without a one-design set every record weighs one.
    assert training_weights(labelled[:140]) == [1.0] * 140


def test_each_trial_abstract_is_its_own_cross_validation_group():
    pubmed, trial = _labelled("rct", False, 1)[0], _labelled("rct", True, 1)[0]
    assert pubmed.group == "f"
    assert trial.group == f"f#{trial.record.pmid}"


def test_calls_of_a_label_the_truth_cannot_judge_neither_shape_the_maps_nor_fill_the_table():
    # 20 rule calls of `rct`, half right; 10 of `protocol`, which the truth never holds.
    calls = [ModelCall("rct", 0.9, (), by_rule=True) for _ in range(20)]
    calls += [ModelCall("protocol", 0.9, (), by_rule=True) for _ in range(10)]
    truth = ["rct", "other"] * 10 + ["rct"] * 10
    assert fit_calibration(calls, truth).rule(0.9) == pytest.approx(0.5)
    table = reliability_table(calls, truth, [f"file{i % 7}" for i in range(30)])
    assert sum(row["raw_calls"] for row in table) == 20
    # Control: once the truth holds enough protocols, their calls count (and are wrong here).
    judged = truth[:20] + ["protocol"] * 5 + ["rct"] * 5
    assert fit_calibration(calls, judged).rule(0.9) == pytest.approx(15 / 30)


def test_a_rule_whose_label_training_cannot_judge_gets_the_pooled_precision():
    def made(pmid: str, title: str, abstract: str) -> Record:
        return Record(pmid, title=title, abstract=(AbstractSection(abstract),))

    trials = [
        made(str(i), f"Drug {i} for pain: a randomised trial", "Adults were randomised.")
        for i in range(20)
    ]
    # Protocols NLM indexed as the trials they describe: the labels say `rct`.
    protocols = [
        made(str(100 + i), f"Drug {i} for pain: protocol for a randomised trial", "Methods.")
        for i in range(6)
    ]
    others = [made(str(200 + i), f"Pain clinics {i}", "Clinics were surveyed.") for i in range(6)]
    examples = [(r, "rct") for r in trials + protocols] + [(r, "other") for r in others]
    _, card = train_design_model(examples)
    precision = card["rule_precision"]
    # Decisive rules the labels can judge: the title's trial (26 of 26 right) and the
    # allocation (20 of 20); pooled and smoothed, 47/48. Unjudged, the protocol rule scored 1/8.
    assert precision["randomised trial in title"] == pytest.approx(27 / 28, abs=1e-4)
    assert precision["protocol in title"] == pytest.approx(47 / 48, abs=1e-4)
