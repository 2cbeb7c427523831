"""The text side of the design classifier, for records NLM has not indexed yet: a calibrated
linear model over title + abstract TF-IDF and the structure features, with decisive phrase rules
settling the label outright, trained from records labelled by `classifiers.design.pubtypes`."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from litwatch.classifiers.design.features import STRUCTURE_FEATURES, structure_matrix
from litwatch.classifiers.design.rules import (
    PHRASE_RULES,
    Fired,
    PhraseRule,
    deciding_rule,
    titled_a_review,
)
from litwatch.classifiers.design.text import TextView, text_view
from litwatch.classifiers.design.tfidf import TermIndex, tfidf
from litwatch.core.errors import LitwatchError
from litwatch.core.records import Record

if TYPE_CHECKING:
    from litwatch.classifiers.design.calibration import Calibration
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

SEED = 20240601
# The classifier's own RCT probability needed to call `rct` when no phrase of random
# allocation decided (measured on held-out PubMed-labelled records: below it, most such calls
# were wrong).
MODEL_RCT_MINIMUM = 0.7
# Fewer examples than this and a label is left to the rules: a model cannot learn it.
MIN_EXAMPLES = 5


def learnable_labels(labels: Iterable[str]) -> frozenset[str]:
    """The labels held at least `MIN_EXAMPLES` times: a model can learn them, and calls of them
    can be judged against these labels. A rarer label (the corpus' one `protocol`) is left to
    the rules, and a call of it is right or wrong by labels that do not know it."""
    counts = Counter(labels)
    return frozenset(label for label, n in counts.items() if n >= MIN_EXAMPLES)


@dataclass(frozen=True)
class ModelCall:
    """One text-model decision: label, calibrated probability and what decided it."""

    label: str
    confidence: float
    evidence: tuple[str, ...]
    by_rule: bool = False  # a decisive phrase settled it, not the classifier
    rct_probability: float = 0.0

    def calibrated(self, calibration: Calibration) -> ModelCall:
        """The call with its confidence and RCT probability mapped to held-out accuracy."""
        # Built directly: dataclasses.replace re-reads the fields for every call of a batch.
        return ModelCall(
            self.label,
            round(calibration.confidence(self), 4),
            self.evidence,
            self.by_rule,
            round(calibration.rct(self.rct_probability), 4),
        )


@dataclass
class DesignModel:
    """The fitted text model: vectorisers, calibrated classifier, measured rule precision and
    (once the train command has measured it on held-out folds) the confidence calibration."""

    title_vectorizer: TfidfVectorizer
    text_vectorizer: TfidfVectorizer
    classifier: CalibratedClassifierCV
    rule_precision: dict[str, float]
    card: dict = field(default_factory=dict)
    calibration: Calibration | None = None

    @functools.cached_property
    def labels(self) -> tuple[str, ...]:
        # Cached: it was rebuilt for every call in a batch.
        return tuple(str(label) for label in self.classifier.classes_)

    def predict(
        self, records: Sequence[Record], rct_minimum: float = MODEL_RCT_MINIMUM
    ) -> list[ModelCall]:
        """One call per record, vectorised over the whole batch. `rct_minimum`: the RCT
        probability the model needs to call `rct` when no phrase decided (benchmarks vary it)."""
        if not records:
            return []
        views = [text_view(record) for record in records]
        features, hits = self._features(views)
        probabilities = self.classifier.predict_proba(features)
        contributions = self._contributions(features)
        names = self._feature_names
        rct = self.labels.index("rct") if "rct" in self.labels else None
        calls = []
        for row, fired in enumerate(hits):
            rct_probability = float(probabilities[row, rct]) if rct is not None else 0.0
            decisive = deciding_rule(fired)
            if decisive is not None:
                phrase = fired[decisive].group(0)
                call = self._rule_call(decisive, phrase, probabilities[row], rct_probability)
            else:
                best = chosen_label(probabilities[row], rct, titled_a_review(fired), rct_minimum)
                evidence = _top_evidence(contributions, row, best, names)
                confidence = float(probabilities[row, best])
                call = ModelCall(
                    self.labels[best], confidence, evidence, rct_probability=rct_probability
                )
            calls.append(call.calibrated(self.calibration) if self.calibration else call)
        return calls

    def _features(self, views: Sequence[TextView]) -> tuple[sp.csr_matrix, list[Fired]]:
        structure, hits = structure_matrix(views)
        title_index, text_index = self._term_indexes
        title = tfidf(self.title_vectorizer, [view.title for view in views], title_index)
        text = tfidf(self.text_vectorizer, [view.text for view in views], text_index)
        return sp.hstack([title, text, structure], format="csr"), hits

    def _contributions(self, features: sp.csr_matrix):
        base = self.classifier.calibrated_classifiers_[0].estimator
        return features, base.coef_

    @functools.cached_property
    def _term_indexes(self) -> tuple[TermIndex, TermIndex]:
        # Built once per loaded model (a few milliseconds), not once per batch.
        return TermIndex.of(self.title_vectorizer), TermIndex.of(self.text_vectorizer)

    @functools.cached_property
    def _feature_names(self) -> list[str]:
        names = [f"title: {n}" for n in _terms_by_column(self.title_vectorizer)]
        names += [f"word: {n}" for n in _terms_by_column(self.text_vectorizer)]
        return names + list(STRUCTURE_FEATURES)

    def _rule_call(
        self, rule: PhraseRule, phrase: str, probabilities, rct_probability: float
    ) -> ModelCall:
        confidence = self.rule_precision.get(rule.name, 0.9)
        if rule.label in self.labels:
            confidence = max(confidence, float(probabilities[self.labels.index(rule.label)]))
        evidence = (f'{rule.where} phrase: "{phrase}"',)
        return ModelCall(
            rule.label,
            round(confidence, 4),
            evidence,
            by_rule=True,
            rct_probability=rct_probability,
        )


def _terms_by_column(vectorizer: TfidfVectorizer) -> list[str]:
    # What get_feature_names_out returns, by inverting the vocabulary directly: that method
    # sorts and validates it, a tenth of a second on the first batch a process classifies.
    terms = [""] * len(vectorizer.vocabulary_)
    for term, column in vectorizer.vocabulary_.items():
        terms[column] = term
    return terms


def chosen_label(
    probabilities: np.ndarray,
    rct: int | None,
    review: bool = False,
    rct_minimum: float = MODEL_RCT_MINIMUM,
) -> int:
    """The index of the label the classifier calls, when no phrase decided.

    Text that never states random allocation is called a trial only on strong evidence:
    trial-like wording without it (controlled, prospective, placebo) is common in PubMed's
    non-randomised studies; a paper its title calls a review is not called a trial at all.
    Otherwise the next label stands and the call keeps the RCT probability for the digest's
    "possible RCT"."""
    order = np.argsort(-probabilities, kind="stable")
    weak = review or probabilities[rct] < rct_minimum
    if order[0] == rct and weak and len(order) > 1:
        return int(order[1])
    return int(order[0])


def _top_evidence(contributions, row: int, label_index: int, names: list[str]) -> tuple[str, ...]:
    features, coef = contributions
    weights = coef[label_index] if coef.shape[0] > 1 else coef[0]
    start, end = features.indptr[row], features.indptr[row + 1]
    columns = features.indices[start:end]
    scores = features.data[start:end] * weights[columns]
    order = np.argsort(-scores)[:4]
    return tuple(names[columns[i]] for i in order if scores[i] > 0)


def train_design_model(
    examples: Iterable[tuple[Record, str]],
    *,
    trained_on: date | None = None,
    seed: int = SEED,
    sources: Sequence[str] = (),
    weights: Sequence[float] | None = None,
) -> tuple[DesignModel, dict]:
    """Fit the text model on (record, label) pairs; returns the model and its card.

    `weights` (one per example, default 1) let a set drawn for one label only, such as trial
    abstracts, teach that label's wording without counting as PubMed's mix of designs."""
    examples = list(examples)
    weights = [1.0] * len(examples) if weights is None else list(weights)
    counts = Counter(label for _, label in examples)
    learnable = _two_designs(counts)
    chosen = [i for i, (_, label) in enumerate(examples) if label in learnable]
    kept = [examples[i] for i in chosen]
    sample_weight = np.array([weights[i] for i in chosen])
    views = [text_view(record) for record, _ in kept]
    labels = np.array([label for _, label in kept])
    title_vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_features=8000, sublinear_tf=True, dtype=np.float32
    )
    text_vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_features=30000, sublinear_tf=True, dtype=np.float32
    )
    # The vocabulary and its IDF come from the full-weight examples (PubMed's own mix of
    # designs); a down-weighted one-design set is read in that vocabulary, not allowed to
    # reshape it toward its one kind of abstract.
    shaping = [view for view, weight in zip(views, sample_weight, strict=True) if weight >= 1.0]
    shaping = shaping or views
    title_vectorizer.fit([view.title for view in shaping])
    text_vectorizer.fit([view.text for view in shaping])
    title = title_vectorizer.transform([view.title for view in views])
    text = text_vectorizer.transform([view.text for view in views])
    structure, hits = structure_matrix(views)
    features = sp.hstack([title, text, structure], format="csr")
    folds = min(3, min(Counter(labels).values()))
    classifier = CalibratedClassifierCV(
        LinearSVC(C=0.5, class_weight=_balanced(labels, sample_weight), random_state=seed),
        method="sigmoid",
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
        ensemble=False,
    )
    classifier.fit(features, labels, sample_weight=sample_weight)
    _slim(title_vectorizer, text_vectorizer, classifier)
    model = DesignModel(
        title_vectorizer, text_vectorizer, classifier, _rule_precision(hits, labels.tolist())
    )
    card = {
        "trained_on": trained_on.isoformat() if trained_on else None,
        "sources": list(sources),
        "examples": len(examples),
        "label_counts": dict(sorted(counts.items())),
        "labels_left_to_rules": sorted(set(counts) - learnable),
        "seed": seed,
        "rule_precision": model.rule_precision,
    }
    model.card = card
    return model, card


def _two_designs(counts: Counter[str]) -> frozenset[str]:
    """The learnable labels, if there are two or more: one LitwatchError line otherwise."""
    learnable = learnable_labels(counts.elements())
    if len(learnable) < 2:
        raise LitwatchError(
            f"train: a model needs two designs of {MIN_EXAMPLES} or more records each; "
            f"the {counts.total()} records hold {_counts_line(counts)}"
        )
    return learnable


def _counts_line(counts: Counter[str]) -> str:
    return ", ".join(f"{label} {n}" for label, n in counts.most_common()) or "none"


def _balanced(labels: np.ndarray, sample_weight: np.ndarray) -> dict[str | int, float]:
    # sklearn's "balanced" counts examples; weighted examples must count by their weight, or a
    # label padded with light examples would lose its share. Keyed both by label and by class
    # index: the calibrating wrapper fits its cross-validation copies on labels encoded in
    # sorted order, and the final classifier on the labels themselves.
    totals: Counter[str] = Counter()
    for label, weight in zip(labels.tolist(), sample_weight.tolist(), strict=True):
        totals[label] += weight
    mean = sum(totals.values()) / len(totals)
    names = sorted(totals)
    keyed: dict[str | int, float] = {label: mean / totals[label] for label in names}
    keyed.update({index: mean / totals[label] for index, label in enumerate(names)})
    return keyed


def fold_models(
    examples: Sequence[tuple[Record, str]],
    groups: Sequence[str],
    folds: int = 5,
    seed: int = SEED,
    weights: Sequence[float] | None = None,
) -> Iterator[tuple[list[int], DesignModel]]:
    """Per fold grouped by `groups` (source file): the held-out example indices and a model
    trained on the other examples."""
    groups = list(groups)
    weights = [1.0] * len(examples) if weights is None else list(weights)
    _two_designs(Counter(label for _, label in examples))
    if len(set(groups)) < 2:
        raise LitwatchError("train: cross-validation by source file needs two files or more")
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    splits = list(splitter.split(np.zeros(len(examples)), groups=groups))
    for train, test in splits:  # each fold's model must have two designs to learn, as the whole
        if len(learnable_labels(examples[i][1] for i in train)) < 2:
            held = sorted({groups[i] for i in test})
            raise LitwatchError(
                f"train: cross-validation by source file holds out {', '.join(held[:3])}"
                f"{' and more' if len(held) > 3 else ''}, and the other records hold "
                f"{_counts_line(Counter(examples[i][1] for i in train))}: each fold needs two "
                f"designs of {MIN_EXAMPLES} or more records; add labelled files"
            )
    for train, test in splits:
        model, _ = train_design_model(
            [examples[i] for i in train], seed=seed, weights=[weights[i] for i in train]
        )
        yield test.tolist(), model


def cross_validated_calls(
    examples: Sequence[tuple[Record, str]],
    groups: Sequence[str],
    folds: int = 5,
    seed: int = SEED,
    weights: Sequence[float] | None = None,
) -> list[ModelCall]:
    """Each example's text-only call from a model that never saw its group (source file)."""
    calls: list[ModelCall | None] = [None] * len(examples)
    for test, model in fold_models(examples, groups, folds, seed, weights):
        for index, call in zip(test, model.predict([examples[i][0] for i in test]), strict=True):
            calls[index] = call
    return calls  # type: ignore[return-value]


def _slim(*fitted) -> None:
    # `stop_words_` keeps every pruned n-gram only for introspection (sklearn's docs allow
    # dropping it); float32 weights halve the rest.
    for estimator in fitted:
        if getattr(estimator, "stop_words_", None) is not None:
            estimator.stop_words_ = None
    base = fitted[-1].calibrated_classifiers_[0].estimator
    base.coef_ = base.coef_.astype(np.float32)
    base.intercept_ = base.intercept_.astype(np.float32)


def _rule_precision(hits: Sequence[Fired], labels: list[str]) -> dict[str, float]:
    """Laplace-smoothed share of training records a rule fired on that carry its label.

    A rule whose label the training labels hold too few of cannot be judged by them (the
    corpus' older trial protocols are indexed as the trials they describe, so "protocol for a
    randomised trial" would score 2%): it gets the pooled precision of the decisive rules
    whose labels can be judged."""
    judged = learnable_labels(labels)
    fired: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for rules, label in zip(hits, labels, strict=True):
        for rule in rules:
            fired[rule.name] += 1
            right[rule.name] += rule.label == label
    pooling = [r.name for r in PHRASE_RULES if r.decisive and r.label in judged]
    pooled = (sum(right[name] for name in pooling) + 1) / (sum(fired[name] for name in pooling) + 2)
    return {
        rule.name: round(
            (right[rule.name] + 1) / (fired[rule.name] + 2) if rule.label in judged else pooled,
            4,
        )
        for rule in PHRASE_RULES
    }
