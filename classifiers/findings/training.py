"""Learning the findings model from prompts labelled by annotators (Evidence Inference style:
an outcome, two arms, the effect and the sentence that says it), and scoring it with
cross-validation grouped by article so no article is judged by a model that read it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from litwatch.classifiers.findings import retrieval
from litwatch.classifiers.findings.effect import arm_words, effect_features
from litwatch.classifiers.findings.model import LABELS, FindingsModel
from litwatch.classifiers.findings.reader import effect_in
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
        prompt.evidence,
        query,
        arm_words(prompt.intervention, prompt.comparator),
        arm_words(prompt.comparator, prompt.intervention),
    )


def train_model(
    abstracts: Mapping[str, Abstract], prompts: Sequence[Prompt], card: dict | None = None
) -> FindingsModel:
    """Fit the sentence ranker on which sentences annotators cited, and the effect classifier
    on the cited sentences and their labels; data either cannot learn from is one
    LitwatchError saying what is missing."""
    labels = sorted({p.label for p in prompts})
    if len(labels) < 2:
        held = f"only {labels[0]!r}" if labels else "none"
        raise LitwatchError(
            f"train-findings: the effect classifier needs prompts of at least two labels of "
            f"{', '.join(LABELS)}; the prompts hold {held}"
        )
    rank_x, rank_y = [], []
    for prompt in prompts:
        abstract = abstracts[prompt.pmid]
        for sentence, row in zip(abstract.sentences, _ranking_rows(abstract, prompt), strict=True):
            rank_x.append(row)
            rank_y.append(int(evidence_overlaps(sentence.text, prompt.evidence)))
    if len(set(rank_y)) < 2:
        found = "every sentence" if rank_y and rank_y[0] else "no sentence"
        raise LitwatchError(
            f"train-findings: the sentence ranker needs cited and uncited sentences; {found} of "
            f"the {len(prompts)} prompts' abstracts is in their evidence"
        )
    ranking = _fit(rank_x, rank_y, RANKING_C)
    effect_x = [_effect_row(abstracts[p.pmid], p) for p in prompts]
    effect_y = [p.label for p in prompts]
    strength = _choose_c(effect_x, effect_y, [p.pmid for p in prompts])
    # Balanced class weights: the benchmark and the reader's users weigh each label alike.
    effect = _fit(effect_x, effect_y, strength, weight="balanced")
    if card is not None:
        card = {**card, "effect_c": strength}
    return FindingsModel(ranking["1"], effect, card or {})


def _choose_c(rows: list[dict[str, float]], labels: list[str], groups: list[str]) -> float:
    """The C whose article-grouped inner CV gives the best macro-F1 on the cited sentences."""
    truth = np.asarray(labels)
    folds = list(GroupKFold(5).split(rows, groups=groups)) if len(set(groups)) >= 5 else []
    # Too few articles, or a fold whose training part holds one label: nothing to choose by.
    if not folds or any(len(set(truth[train])) < 2 for train, _ in folds):
        return EFFECT_CS[len(EFFECT_CS) // 2]
    best, best_score = EFFECT_CS[0], -1.0
    for c in EFFECT_CS:
        predicted = np.empty(len(labels), dtype=object)
        for train, test in folds:
            model = FindingsModel(
                {}, _fit([rows[i] for i in train], truth[train].tolist(), c, "balanced")
            )
            for i in test:
                scores = model.effect_scores(rows[i])
                predicted[i] = max(scores, key=scores.__getitem__)
        score = f1_score(truth, predicted.astype(str), average="macro")
        if score > best_score:
            best, best_score = c, score
    return best


def _fit(
    rows: list[dict[str, float]], labels: list, c: float, weight: str | None = None
) -> dict[str, dict[str, float]]:
    """Weights per class as plain dictionaries; the intercept becomes the "bias" feature's."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(C=c, max_iter=5000, fit_intercept=False, class_weight=weight)
    classifier.fit(matrix, np.asarray(labels))
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
