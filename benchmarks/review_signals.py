"""Whether another confidence can put more wrong findings calls first in the review queue: the
shipped calibration (`classifiers/findings/confidence.py`, fitted by `training.train_model`)
against richer signals of the reader's own certainty, another calibrator and more out-of-fold
calls to fit on, each scored over several deals of the Evidence Inference articles into folds.

`review_budget.py` scores one deal (GroupKFold's unshuffled one); a deal is one draw of which
articles a model learns from and which it is judged on, and `wrong_caught_at_20pct` moves by a
few points from deal to deal with the same model. Here every variant sees the same deals:

* the out-of-fold calls of each deal, each by a model that never saw its article, as
  `cross_validated_calls` makes them; the calibration fitted, as `train_model` fits it, on the
  calls of an inner article-grouped CV of that model's training articles (`shipped`), or on the
  vote share alone (`vote_only`);
* richer signals (`certainty`; `certainty_c0.1` regularised ten times more): the entropy and
  each label's share of the vote, how many sentences voted, how far the cited sentence's ranker
  share stands from the next, the cited sentence's own reading (its share for the label called,
  whether its own best label is the call), whether it states a statistic or no number at all,
  whether its rule features (the direction words, the numbers, significance) agree with the
  call, and whether it names both arms;
* a gradient-boosted calibrator (scikit-learn's HistGradientBoosting) on the same signals
  (`boosted`);
* the shipped features fitted on three deals of the inner folds, three times the calls
  (`more_calls`);
* `in_sample`, an optimistic reference: a logistic on every signal fitted on the very calls it
  orders (it learns their outcome, yet fits likelihood, not the queue's head, so a deal may
  still come out below the shipped order).

    python benchmarks/review_signals.py [CORPUS_DIR] [--deals N]

Prints per variant the share of wrong calls among the first 20% of the queue (mean, sd, range
over deals, and on the unshuffled deal), the AUC of the confidence for telling wrong calls from
right ones and the calibration error; ends with `review_signals=NAME:MEAN,...` and
`review_signals_deal_sd=`."""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from litwatch.classifiers.findings import training
from litwatch.classifiers.findings.aliases import arms_in
from litwatch.classifiers.findings.confidence import (
    calibrated_confidence,
    expected_calibration_error,
    review_order,
)
from litwatch.classifiers.findings.effect import effect_features
from litwatch.classifiers.findings.model import FindingsModel
from litwatch.classifiers.findings.reader import effect_reading, ranked_sentences
from litwatch.classifiers.findings.text import Abstract
from litwatch.classifiers.findings.training import CALIBRATION_C, CALIBRATION_FOLDS, Prompt
from litwatch.classifiers.findings.training import _fit as fit  # the shipped logistic fit
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from litwatch.findings_command import evidence_inference

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
BUDGET = 0.20  # as review_budget.py
FOLDS = 5
DEALS = 6  # the unshuffled deal, then shuffled by seeds 1, 2, ...
INNER_REPEATS = 3  # deals of the inner folds for the "more calls" variant
_EDGE = 1e-4
_DIRECTION = {"increased": 1, "decreased": -1}


@dataclass(frozen=True)
class Reading:
    """One call with every signal of the reader's certainty, and whether it is right."""

    features: dict[str, float]  # empty: "not reported", confidence 0 as the reader gives it
    right: bool


Calibrator = Callable[[Sequence[Reading]], Callable[[Mapping[str, float]], float]]


def main(corpus: Path, deals: int) -> None:
    abstracts, prompts = evidence_inference(corpus / "evidence-inference")
    print(f"{len(prompts)} prompts over {len({p.pmid for p in prompts})} articles, {deals} deals")
    shipped = _shipped_names()
    variants: dict[str, tuple[str, Calibrator]] = {
        "shipped": ("inner", _logistic(lambda name: name in shipped or name.startswith("label="))),
        "vote_only": ("inner", _logistic(lambda name: name in ("bias", "vote_logit"))),
        "certainty": ("inner", _logistic(lambda name: True)),
        "certainty_c0.1": ("inner", _logistic(lambda name: True, c=0.1)),
        "boosted": ("inner", _boosted),
        "more_calls": (
            "repeated",
            _logistic(lambda name: name in shipped or name.startswith("label=")),
        ),
    }
    scores: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    scores["in_sample"] = []
    started = time.perf_counter()
    for deal in range(deals):
        folds = _deal(abstracts, prompts, deal)
        for name, (inner_kind, calibrator) in variants.items():
            confidences: list[float] = []
            right: list[bool] = []
            for inner, scored in folds:
                confidence = calibrator(inner[inner_kind])
                confidences += [confidence(r.features) if r.features else 0.0 for r in scored]
                right += [r.right for r in scored]
            scores[name].append(_score(confidences, right))
        every = [r for _, scored in folds for r in scored]
        bound = _logistic(lambda name: True)(every)
        scores["in_sample"].append(
            _score(
                [bound(r.features) if r.features else 0.0 for r in every], [r.right for r in every]
            )
        )
        print(
            f"  deal {deal}: "
            + "  ".join(f"{name} {values[-1][0]:.3f}" for name, values in scores.items()),
            flush=True,
        )
    print(f"{deals} deals took {time.perf_counter() - started:.0f} s")
    print(f"  {'variant':<15} caught@20% mean   sd    min    max  unshuffled   AUC   ECE mean  max")
    for name, values in scores.items():
        caught = [v[0] for v in values]
        sd = statistics.stdev(caught) if len(caught) > 1 else 0.0
        print(
            f"  {name:<15} {statistics.mean(caught):15.3f} {sd:5.3f} {min(caught):6.3f} "
            f"{max(caught):6.3f} {caught[0]:11.3f} {statistics.mean(v[1] for v in values):5.3f}"
            f" {statistics.mean(v[2] for v in values):10.3f} {max(v[2] for v in values):5.3f}"
        )
    print(
        "review_signals="
        + ",".join(f"{n}:{statistics.mean(v[0] for v in vs):.3f}" for n, vs in scores.items())
    )
    shipped_caught = [v[0] for v in scores["shipped"]]
    spread = statistics.stdev(shipped_caught) if len(shipped_caught) > 1 else 0.0
    print(f"review_signals_deal_sd={spread:.3f}")


def _deal(
    abstracts: Mapping[str, Abstract], prompts: Sequence[Prompt], deal: int
) -> list[tuple[dict[str, list[Reading]], list[Reading]]]:
    """Per outer fold of one deal: the inner out-of-fold readings the calibration learns from
    (one deal of inner folds, as `train_model`, and INNER_REPEATS of them), and the fold's own
    readings by a model learnt from the other folds, as `train_model` learns it."""
    splitter = (
        GroupKFold(FOLDS) if deal == 0 else GroupKFold(FOLDS, shuffle=True, random_state=deal)
    )
    folds = []
    for train, test in splitter.split(prompts, groups=[p.pmid for p in prompts]):
        learnt = [prompts[i] for i in train]
        rows = (
            [training._ranking_data(abstracts[p.pmid], p) for p in learnt],
            [training._effect_row(abstracts[p.pmid], p) for p in learnt],
        )
        truth = [p.label for p in learnt]
        weights = [1.0] * len(learnt)
        strength = training._choose_c(rows[1], truth, [p.pmid for p in learnt], weights)
        model = training._fit_model(range(len(learnt)), *rows, truth, weights, strength)
        repeated: list[Reading] = []
        inner: list[Reading] = []
        for repeat in range(INNER_REPEATS):
            splits = (
                GroupKFold(CALIBRATION_FOLDS)
                if repeat == 0
                else GroupKFold(CALIBRATION_FOLDS, shuffle=True, random_state=repeat)
            )
            for inner_train, inner_test in splits.split(learnt, groups=[p.pmid for p in learnt]):
                inner_model = training._fit_model(inner_train, *rows, truth, weights, strength)
                for i in inner_test:
                    reading = _reading(abstracts[learnt[i].pmid], learnt[i], inner_model)
                    # "not reported" is no call to be sure of, as in training
                    if reading.features:
                        repeated.append(reading)
                        if repeat == 0:
                            inner.append(reading)
        scored = [_reading(abstracts[prompts[i].pmid], prompts[i], model) for i in test]
        folds.append(({"inner": inner, "repeated": repeated}, scored))
    return folds


def _reading(abstract: Abstract, prompt: Prompt, model: FindingsModel) -> Reading:
    call, features = effect_reading(
        abstract, prompt.outcome, prompt.intervention, prompt.comparator, model=model
    )
    right = call.label == prompt.label
    if not features:
        return Reading({}, right)
    return Reading({**features, **certainty(abstract, prompt, model, call.label)}, right)


def certainty(
    abstract: Abstract, prompt: Prompt, model: FindingsModel, label: str
) -> dict[str, float]:
    """The richer signals of the reader's certainty of one call (see the module docstring),
    from the sentences it read and their readings, voted as `reader.effect_reading` votes."""
    candidates = ranked_sentences(
        abstract, prompt.outcome, prompt.intervention, prompt.comparator, model
    )
    int_words, cmp_words = arms_in(abstract, prompt.intervention, prompt.comparator)
    readings = []  # each candidate's rule features and its own labels' probabilities
    votes: dict[str, float] = {}
    for sentence, query, share in candidates:
        effect = effect_features(sentence.text, query, int_words, cmp_words)
        own = _softmax(model.effect_scores(effect))
        readings.append((effect, own))
        for name, probability in own.items():
            votes[name] = votes.get(name, 0.0) + share * probability
    total = sum(votes.values()) or 1.0
    shares = {name: vote / total for name, vote in votes.items()}
    called = min(max(shares.get(label, 0.0), _EDGE), 1 - _EDGE)
    top, _, top_share = candidates[0]
    second = candidates[1][2] if len(candidates) > 1 else 0.0
    effect, own = readings[0]
    said = top.cues
    signals = {
        "entropy": -sum(v * math.log(v) for v in shares.values() if v > 0) / math.log(3),
        **{f"share={name}": value for name, value in shares.items()},
        "called_logit": math.log(called / (1 - called)),
        "candidates_log": math.log(len(candidates)),
        "rank_gap": math.log(max(top_share, 0.01) / max(second, 0.01)),
        "top_own_share": own.get(label, 0.0),
        "top_own_agrees": float(max(own, key=own.__getitem__) == label),
        "statistic": float(said.p_value or said.interval),
        "no_number": float(not said.numbers),
    }
    signals.update(_evidence_agreement(effect, label))
    return signals


def _softmax(scores: Mapping[str, float]) -> dict[str, float]:
    peak = max(scores.values())
    raised = {name: math.exp(score - peak) for name, score in scores.items()}
    total = sum(raised.values())
    return {name: value / total for name, value in raised.items()}


def _evidence_agreement(effect: Mapping[str, float], label: str) -> dict[str, float]:
    """Whether the cited sentence's rule features (direction words, numbers, verdicts,
    significance) agree with the call, and whether it names both arms."""
    g = effect.get
    said = _DIRECTION.get(label, 0)
    directions = [
        int(g("rule_up", 0) > 0) - int(g("rule_down", 0) > 0),
        int(g("better_other", 0) > 0 or g("worse_harmful", 0) > 0)
        - int(g("better_harmful", 0) > 0 or g("worse_other", 0) > 0),
        int(g("numbers_up", 0) > 0) - int(g("numbers_down", 0) > 0),
    ]
    stated = [d for d in directions if d]
    significant = any(g(f"c_{name}", 0) > 0 for name in ("p_sig", "ci_excl", "signif"))
    denied = any(g(f"c_{name}", 0) > 0 for name in ("p_only_ns", "ci_incl", "nodiff"))
    agrees = (significant and not denied) if said else (denied and not significant)
    opposes = (denied and not significant) if said else (significant and not denied)
    return {
        "both_arms_named": float(g("mentions_int", 0) > 0 and g("mentions_cmp", 0) > 0),
        "no_arm_named": float(not (g("mentions_int", 0) > 0 or g("mentions_cmp", 0) > 0)),
        "direction_agrees": float(sum(d == said for d in stated)) if said else 0.0,
        "direction_opposes": float(sum(d == -said for d in stated)) if said else 0.0,
        "significance_agrees": float(agrees),
        "significance_opposes": float(opposes),
    }


def _logistic(keep: Callable[[str], bool], c: float = CALIBRATION_C) -> Calibrator:
    """The shipped calibration's fit (`training._fit`, applied by `calibrated_confidence`) on
    the features `keep` accepts."""

    def calibrate(readings: Sequence[Reading]) -> Callable[[Mapping[str, float]], float]:
        rows = [{k: v for k, v in r.features.items() if keep(k)} for r in readings]
        weights = fit(rows, [int(r.right) for r in readings], c).get("1", {})
        return lambda features: calibrated_confidence(
            weights, {k: v for k, v in features.items() if keep(k)}
        )

    return calibrate


def _boosted(readings: Sequence[Reading]) -> Callable[[Mapping[str, float]], float]:
    vectorizer = DictVectorizer(sparse=False)
    matrix = vectorizer.fit_transform([r.features for r in readings])
    model = HistGradientBoostingClassifier(max_depth=3, learning_rate=0.05, random_state=0)
    model.fit(matrix, [int(r.right) for r in readings])
    return lambda features: float(model.predict_proba(vectorizer.transform([features]))[0, 1])


def _score(confidences: list[float], right: list[bool]) -> tuple[float, float, float]:
    """Wrong calls caught among the first BUDGET of the queue, the AUC, the ECE."""
    order = review_order([_Confidence(c) for c in confidences])
    wrong = [not r for r in right]
    head = order[: round(BUDGET * len(order))]
    caught = sum(wrong[i] for i in head) / sum(wrong)
    auc = float(roc_auc_score(wrong, -np.asarray(confidences)))
    return caught, auc, expected_calibration_error(confidences, right)


@dataclass(frozen=True)
class _Confidence:
    confidence: float


def _shipped_names() -> frozenset[str]:
    """The features the shipped calibration reads (those `confidence_features` makes)."""
    from litwatch.classifiers.findings.confidence import confidence_features

    made = confidence_features({"increased": 0.5, "decreased": 0.5}, "increased", "x", 1.0, 1)
    return frozenset(name for name in made if not name.startswith("label="))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--deals", type=int, default=DEALS)
    arguments = parser.parse_args()
    main(arguments.corpus, arguments.deals)
