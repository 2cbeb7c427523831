"""Learning the findings model from prompts labelled by annotators (Evidence Inference style:
an outcome, two arms, the effect and the sentence that says it), and scoring it with
cross-validation grouped by article so no article is judged by a model that read it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from litwatch.classifiers.findings import retrieval
from litwatch.classifiers.findings.aliases import arms_in
from litwatch.classifiers.findings.effect import effect_features
from litwatch.classifiers.findings.model import LABELS, FindingsModel
from litwatch.classifiers.findings.reader import effect_in, effect_reading
from litwatch.classifiers.findings.text import Abstract, content_words
from litwatch.core.errors import LitwatchError
from litwatch.core.findings import EffectCall
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

RANKING_C = 1.0
# The effect classifier's regularisation is chosen per training set by an inner cross-validation
# (grouped by article) among these: a few hundred labelled sentences and overlapping features
# favour strong regularisation, but how strong is for the data to say, not for us to tune.
EFFECT_CS = (0.01, 0.02, 0.05, 0.1, 0.3)
# A call a reviewer checked counts as this many annotated prompts: it is a label on the very
# data the reader meets in use, and there are few of them (benchmarks/review_budget.py).
CHECKED_WEIGHT = 2.0
# The confidence calibration: out-of-fold calls from this many article-grouped folds, and a
# mild regularisation (a handful of features, hundreds of calls).
CALIBRATION_FOLDS = 5
CALIBRATION_C = 1.0


@dataclass(frozen=True)
class Prompt:
    """One labelled question: for this outcome, intervention against comparator."""

    prompt_id: str
    pmid: str
    outcome: str
    intervention: str
    comparator: str
    label: str = ""
    evidence: str = ""


def evidence_overlaps(sentence: str, evidence: str) -> bool:
    """Whether a sentence of the abstract is (part of) the annotators' evidence text."""
    evidence = evidence.strip()
    if not evidence or not sentence:
        return False
    if sentence in evidence or evidence in sentence:
        return True
    # Annotators' spans may start or end mid-sentence: a 40-character piece in common will do.
    return len(evidence) > 40 and (evidence[:40] in sentence or evidence[-40:] in sentence)


def _ranking_rows(abstract: Abstract, prompt: Prompt) -> list[dict[str, float]]:
    query = retrieval.outcome_words(abstract, prompt.outcome)
    arms = frozenset(content_words(f"{prompt.intervention} {prompt.comparator}"))
    return retrieval.sentence_features(abstract, query, arms, retrieval.idf(abstract))


def _effect_row(abstract: Abstract, prompt: Prompt) -> dict[str, float]:
    query = retrieval.outcome_words(abstract, prompt.outcome)
    return effect_features(
        prompt.evidence, query, *arms_in(abstract, prompt.intervention, prompt.comparator)
    )


def train_model(
    abstracts: Mapping[str, Abstract],
    prompts: Sequence[Prompt],
    card: dict | None = None,
    *,
    checked: Sequence[Prompt] = (),
    checked_weight: float = CHECKED_WEIGHT,
    calibrate: bool = True,
) -> FindingsModel:
    """Fit the sentence ranker on which sentences annotators cited, and the effect classifier
    on the cited sentences and their labels; data either cannot learn from is one
    LitwatchError saying what is missing.

    `checked` are calls a reviewer checked (the label they confirmed or corrected, the sentence
    that says it), learnt from as prompts weighing `checked_weight` each by the effect classifier
    (its C and the calibration included), not by the sentence ranker. With `calibrate`, the
    confidence calibration is fitted on out-of-fold calls (an inner article-grouped CV) and
    shipped with the model; without, confidences are the raw vote shares (labels are the same)."""
    examples = [*prompts, *checked]
    weights = [1.0] * len(prompts) + [float(checked_weight)] * len(checked)
    labels = sorted({p.label for p in examples})
    if len(labels) < 2:
        held = f"only {labels[0]!r}" if labels else "none"
        raise LitwatchError(
            f"train-findings: the effect classifier needs prompts of at least two labels of "
            f"{', '.join(LABELS)}; the prompts hold {held}"
        )
    # A reviewer checks a call's label, not which sentence reports it: the sentence a checked
    # call carries is the one the reader already chose, so it teaches the effect classifier
    # (what the sentence says) and not the sentence ranker (measured: checked calls in the
    # ranker lowered the learning curve, benchmarks/review_budget.py).
    ranking_rows = [_ranking_data(abstracts[p.pmid], p) for p in prompts] + [[] for _ in checked]
    cited = {y for rows in ranking_rows for _, y in rows}
    if len(cited) < 2:
        found = "every sentence" if cited == {1} else "no sentence"
        raise LitwatchError(
            f"train-findings: the sentence ranker needs cited and uncited sentences; {found} of "
            f"the {len(prompts)} prompts' abstracts is in their evidence"
        )
    effect_rows = [_effect_row(abstracts[p.pmid], p) for p in examples]
    truth = [p.label for p in examples]
    strength = _choose_c(effect_rows, truth, [p.pmid for p in examples], weights)
    every = range(len(examples))
    model = _fit_model(every, ranking_rows, effect_rows, truth, weights, strength)
    calibration: dict[str, float] = {}
    if calibrate:
        calibration = _fit_calibration(
            abstracts, examples, weights, (ranking_rows, effect_rows), strength
        )
    if card is not None:
        card = {**card, "effect_c": strength, "calibrated": bool(calibration)}
        if checked:
            card |= {"n_checked": len(checked), "checked_weight": float(checked_weight)}
    return replace(model, card=card or {}, calibration=calibration)


def _ranking_data(abstract: Abstract, prompt: Prompt) -> list[tuple[dict[str, float], int]]:
    """One row per sentence of the prompt's abstract, with 1 where the sentence was cited."""
    return [
        (row, int(evidence_overlaps(sentence.text, prompt.evidence)))
        for sentence, row in zip(abstract.sentences, _ranking_rows(abstract, prompt), strict=True)
    ]


def _fit_model(
    chosen: Sequence[int],
    ranking_rows: Sequence[list[tuple[dict[str, float], int]]],
    effect_rows: Sequence[dict[str, float]],
    truth: Sequence[str],
    weights: Sequence[float],
    strength: float,
) -> FindingsModel:
    """The ranker and the effect classifier (at regularisation `strength`) learnt from the
    `chosen` examples' rows, uncalibrated."""
    rank_x, rank_y, rank_weights = [], [], []
    for i in chosen:
        for row, cited in ranking_rows[i]:
            rank_x.append(row)
            rank_y.append(cited)
            rank_weights.append(weights[i])
    ranking = _fit(rank_x, rank_y, RANKING_C, sample_weight=rank_weights)
    # Balanced class weights: the benchmark and the reader's users weigh each label alike.
    effect = _fit(
        [effect_rows[i] for i in chosen],
        [truth[i] for i in chosen],
        strength,
        "balanced",
        sample_weight=[weights[i] for i in chosen],
    )
    return FindingsModel(ranking.get("1", {}), effect)


def _fit_calibration(
    abstracts: Mapping[str, Abstract],
    examples: Sequence[Prompt],
    weights: Sequence[float],
    rows: tuple[Sequence[list[tuple[dict[str, float], int]]], Sequence[dict[str, float]]],
    strength: float,
) -> dict[str, float]:
    """The logistic from a call's confidence features to whether it is right, fitted on calls
    each made by a model that never saw its article (Platt scaling, on the reader's features);
    empty when there are too few articles, or a fold cannot be learnt, or the out-of-fold calls
    are all right or all wrong."""
    ranking_rows, effect_rows = rows
    truth = [p.label for p in examples]
    groups = [p.pmid for p in examples]
    if len(set(groups)) < CALIBRATION_FOLDS:
        return {}
    features_seen: list[dict[str, float]] = []
    right: list[int] = []
    seen_weights: list[float] = []
    for train, test in GroupKFold(CALIBRATION_FOLDS).split(examples, groups=groups):
        cited = {y for i in train for _, y in ranking_rows[i]}
        if len({truth[i] for i in train}) < 2 or len(cited) < 2:
            return {}
        model = _fit_model(train, ranking_rows, effect_rows, truth, weights, strength)
        for i in test:
            p = examples[i]
            call, features = effect_reading(
                abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=model
            )
            if features:  # "not reported" is no call to be sure of
                features_seen.append(features)
                right.append(int(call.label == p.label))
                seen_weights.append(weights[i])
    if len(set(right)) < 2:
        return {}
    return _fit(features_seen, right, CALIBRATION_C, sample_weight=seen_weights).get("1", {})


def _choose_c(
    rows: list[dict[str, float]],
    labels: list[str],
    groups: list[str],
    weights: Sequence[float] | None = None,
) -> float:
    """The most regularised C whose article-grouped inner CV macro-F1 on the cited sentences is
    within one standard error of the best C's (the one-standard-error rule): the Cs' scores
    differ by about a point, no more than one fold's score varies, so the highest is as much
    the folds' luck as the data's voice, and the simpler model it stands level with is kept."""
    truth = np.asarray(labels)
    folds = list(GroupKFold(5).split(rows, groups=groups)) if len(set(groups)) >= 5 else []
    # Too few articles, or a fold whose training part holds one label: nothing to choose by.
    if not folds or any(len(set(truth[train])) < 2 for train, _ in folds):
        return EFFECT_CS[len(EFFECT_CS) // 2]
    scores: dict[float, tuple[float, float]] = {}  # C -> mean and standard error over folds
    for c in EFFECT_CS:
        per_fold = []
        for train, test in folds:
            fold_weights = None if weights is None else [weights[i] for i in train]
            model = FindingsModel(
                {},
                _fit(
                    [rows[i] for i in train],
                    truth[train].tolist(),
                    c,
                    "balanced",
                    sample_weight=fold_weights,
                ),
            )
            predicted = []
            for i in test:
                said = model.effect_scores(rows[i])
                predicted.append(max(said, key=said.__getitem__))
            per_fold.append(f1_score(truth[test], predicted, average="macro"))
        spread = float(np.std(per_fold, ddof=1)) / len(per_fold) ** 0.5
        scores[c] = (float(np.mean(per_fold)), spread)
    best = max(EFFECT_CS, key=lambda c: scores[c][0])
    floor = scores[best][0] - scores[best][1]
    return min(c for c in EFFECT_CS if scores[c][0] >= floor)


def _fit(
    rows: list[dict[str, float]],
    labels: list,
    c: float,
    weight: str | None = None,
    sample_weight: Sequence[float] | None = None,
) -> dict[str, dict[str, float]]:
    """Weights per class as plain dictionaries; the intercept becomes the "bias" feature's."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(C=c, max_iter=5000, fit_intercept=False, class_weight=weight)
    classifier.fit(
        matrix,
        np.asarray(labels),
        sample_weight=None if sample_weight is None else np.asarray(sample_weight, dtype=float),
    )
    names = vectorizer.get_feature_names_out().tolist()
    classes = [str(label) for label in classifier.classes_]
    if len(classes) == 2:  # binary: one row of weights, for the second class
        coefficients = {classes[1]: classifier.coef_[0]}
    else:
        coefficients = dict(zip(classes, classifier.coef_, strict=True))
    return {
        label: {name: round(float(w), 6) for name, w in zip(names, row, strict=True) if w}
        for label, row in coefficients.items()
    }


def cross_validated_calls(
    abstracts: Mapping[str, Abstract], prompts: Sequence[Prompt], folds: int = 5
) -> list[EffectCall]:
    """Each prompt's call by a model trained without its article (GroupKFold by PMID)."""
    calls: list[EffectCall | None] = [None] * len(prompts)
    groups = [p.pmid for p in prompts]
    for train, test in GroupKFold(folds).split(prompts, groups=groups):
        model = train_model(abstracts, [prompts[i] for i in train])
        for i in test:
            p = prompts[i]
            calls[i] = effect_in(
                abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=model
            )
    return [call for call in calls if call is not None]


__all__ = ["LABELS", "Prompt", "cross_validated_calls", "evidence_overlaps", "train_model"]
