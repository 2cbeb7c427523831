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
from litwatch.core.findings import EffectCall
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

# Strong regularisation: a few hundred labelled sentences and features that overlap.
RANKING_C = 1.0
EFFECT_C = 0.1


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
    on the cited sentences and their labels."""
    rank_x, rank_y = [], []
    for prompt in prompts:
        abstract = abstracts[prompt.pmid]
        for sentence, row in zip(abstract.sentences, _ranking_rows(abstract, prompt), strict=True):
            rank_x.append(row)
            rank_y.append(int(evidence_overlaps(sentence.text, prompt.evidence)))
    ranking = _fit(rank_x, rank_y, RANKING_C)
    effect_x = [_effect_row(abstracts[p.pmid], p) for p in prompts]
    effect = _fit(effect_x, [p.label for p in prompts], EFFECT_C)
    return FindingsModel(ranking["1"], effect, card or {})


def _fit(rows: list[dict[str, float]], labels: list, c: float) -> dict[str, dict[str, float]]:
    """Weights per class as plain dictionaries; the intercept becomes the "bias" feature's."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(C=c, max_iter=5000, fit_intercept=False)
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
