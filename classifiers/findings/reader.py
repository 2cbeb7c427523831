"""The effect reader: for one outcome of one record, the sentence that reports it and what it
says (increased, decreased, no difference in the intervention arm against the comparator)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from litwatch.classifiers.findings import retrieval
from litwatch.classifiers.findings.effect import arm_words, effect_features
from litwatch.classifiers.findings.model import FindingsModel, shipped_model
from litwatch.classifiers.findings.text import Abstract, content_words, read_abstract
from litwatch.core.findings import EffectCall
from litwatch.core.records import Record

NOT_REPORTED = EffectCall("not-reported")


def read_effect(
    record: Record,
    outcome: str,
    intervention: str | None = None,
    comparator: str | None = None,
    model: FindingsModel | None = None,
) -> EffectCall:
    """What the record reports for `outcome`, the intervention arm against the comparator."""
    return read_effects(record, [(outcome, intervention or "", comparator or "")], model)[0]


def read_effects(
    record: Record,
    questions: Sequence[tuple[str, str, str]],
    model: FindingsModel | None = None,
) -> list[EffectCall]:
    """One call per (outcome, intervention, comparator), the abstract read once."""
    abstract = read_abstract(record)
    return [effect_in(abstract, *question, model=model) for question in questions]


def effect_in(
    abstract: Abstract,
    outcome: str,
    intervention: str = "",
    comparator: str = "",
    model: FindingsModel | None = None,
) -> EffectCall:
    """The call for one outcome in an abstract already read."""
    model = model or shipped_model()
    found = best_sentence(abstract, outcome, intervention, comparator, model)
    if found is None:
        return NOT_REPORTED
    text, query, fit = found
    scores = model.effect_scores(
        effect_features(
            text, query, arm_words(intervention, comparator), arm_words(comparator, intervention)
        )
    )
    label, probability = _best(scores)
    return EffectCall(label, text, round(probability * fit, 4))


def best_sentence(
    abstract: Abstract,
    outcome: str,
    intervention: str,
    comparator: str,
    model: FindingsModel,
) -> tuple[str, frozenset[str], float] | None:
    """The sentence that most likely reports the outcome, the outcome's words, and how sure the
    ranker is of it (its share of the softmax over sentences); None when no sentence names it."""
    query = retrieval.outcome_words(abstract, outcome)
    if not query or not abstract.sentences:
        return None
    arms = frozenset(content_words(f"{intervention} {comparator}"))
    rows = retrieval.sentence_features(abstract, query, arms, retrieval.idf(abstract))
    if not any(row["shared_log"] for row in rows):
        return None
    scores = retrieval.rank(rows, model.ranking)
    top = max(range(len(scores)), key=scores.__getitem__)
    if not rows[top]["shared_log"]:
        return None
    peak = scores[top]
    share = 1.0 / sum(math.exp(score - peak) for score in scores)
    return abstract.sentences[top].text, query, share


def _best(scores: dict[str, float]) -> tuple[str, float]:
    peak = max(scores.values())
    total = sum(math.exp(score - peak) for score in scores.values())
    label = max(scores, key=scores.__getitem__)
    return label, 1.0 / total


def batch(records: Iterable[Record]) -> list[Abstract]:
    return [read_abstract(record) for record in records]
