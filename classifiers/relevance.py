"""A watch's own relevance model, learnt from its reviewers' topic decisions ("relevant" or "not
relevant"), as NCBI's LitSuggest learns from a user's labelled records: TF-IDF over title and
abstract, logistic regression. It only orders: records it finds likely not relevant go after
the others and say so; it never hides one.

Pure: fitting, scoring, ordering and the JSON form; reading and writing the file is the face's
(`litwatch/relevance.py`)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from litwatch.core.records import Record
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

# Fewer reviewed records of either kind than this teach nothing worth reordering by.
MIN_EACH = 3
# A record the model gives a lower chance of being relevant than this goes after the others.
RANKED_LOWER_BELOW = 0.5
_VECTORIZER = {"sublinear_tf": True, "ngram_range": (1, 2), "min_df": 1, "stop_words": "english"}

K = TypeVar("K", bound=Hashable)


def relevance_text(record: Record) -> str:
    return f"{record.title}\n{record.abstract_text}"


@dataclass(frozen=True)
class RelevanceModel:
    """TF-IDF weights and a logistic regression over them, as plain numbers."""

    watch: str
    vocabulary: Mapping[str, int]
    idf: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    relevant: int  # reviewed records it learnt from, of each kind
    not_relevant: int

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        """The chance each text is relevant to the watch, as its reviewers judge."""
        if not texts:
            return []
        vectorizer = TfidfVectorizer(vocabulary=dict(self.vocabulary), **_VECTORIZER)
        vectorizer.idf_ = np.asarray(self.idf)
        scores = vectorizer.transform(texts) @ np.asarray(self.coef) + self.intercept
        return [1.0 / (1.0 + math.exp(-float(s))) for s in scores]

    def to_json(self) -> dict:
        return {
            "watch": self.watch,
            "vocabulary": dict(self.vocabulary),
            "idf": list(self.idf),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "relevant": self.relevant,
            "not_relevant": self.not_relevant,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> RelevanceModel:
        vocabulary = {str(k): int(v) for k, v in dict(data["vocabulary"]).items()}
        idf = tuple(float(x) for x in data["idf"])
        coef = tuple(float(x) for x in data["coef"])
        if not (len(vocabulary) == len(idf) == len(coef)):
            raise ValueError("vocabulary, idf and coef differ in length")
        return cls(
            str(data["watch"]),
            vocabulary,
            idf,
            coef,
            float(data["intercept"]),
            int(data["relevant"]),
            int(data["not_relevant"]),
        )


def too_few(relevant: int, not_relevant: int) -> str | None:
    """Why no model can be learnt from this many decisions, or None when one can."""
    if relevant >= MIN_EACH and not_relevant >= MIN_EACH:
        return None
    return (
        f"needs at least {MIN_EACH} records reviewers marked relevant and {MIN_EACH} marked not"
        f" relevant (has {relevant} and {not_relevant})"
    )


def fit_relevance(watch: str, texts: Sequence[str], relevant: Sequence[bool]) -> RelevanceModel:
    """Learn the watch's relevance from reviewed records; ValueError when `too_few` says so."""
    yes = sum(relevant)
    why = too_few(yes, len(relevant) - yes)
    if why is not None:
        raise ValueError(why)
    vectorizer = TfidfVectorizer(**_VECTORIZER)
    features = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000)
    classifier.fit(features, [int(r) for r in relevant])
    return RelevanceModel(
        watch,
        {str(term): int(index) for term, index in vectorizer.vocabulary_.items()},
        tuple(float(x) for x in vectorizer.idf_),
        tuple(float(x) for x in classifier.coef_[0]),
        float(classifier.intercept_[0]),
        yes,
        len(relevant) - yes,
    )


def relevance_order(keys: Sequence[K], chance: Mapping[K, float]) -> tuple[list[K], set[K]]:
    """`keys` with those likely not relevant moved after the others (most likely relevant of
    them first); the others keep their order. Returns the order and the keys ranked lower."""
    lower = [k for k in keys if chance.get(k, 1.0) < RANKED_LOWER_BELOW]
    lowered = set(lower)
    kept = [k for k in keys if k not in lowered]
    lower.sort(key=lambda k: -chance[k])
    return kept + lower, lowered
