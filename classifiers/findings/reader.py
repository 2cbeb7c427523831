"""The effect reader: for one outcome of one record, the sentence that reports it and what it
says (increased, decreased, no difference in the intervention arm against the comparator)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from litwatch.classifiers.findings import retrieval
from litwatch.classifiers.findings.effect import arm_words, effect_features
from litwatch.classifiers.findings.model import FindingsModel, shipped_model
from litwatch.classifiers.findings.text import Abstract, Sentence, content_words, read_abstract
from litwatch.core.findings import EffectCall
from litwatch.core.records import Record

NOT_REPORTED = EffectCall("not-reported")
CANDIDATES = 3  # sentences whose effect calls are weighed together


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
    intervention: str | Sequence[str] = "",
    comparator: str | Sequence[str] = "",
    model: FindingsModel | None = None,
    results_only: bool = False,
) -> EffectCall:
    """The call for one outcome in an abstract already read. With `results_only`, a sentence
    must read like a result (a statistic, a difference or its denial) to count: a list of
    measures in the methods names an outcome without reporting it."""
    model = model or shipped_model()
    candidates = ranked_sentences(
        abstract, outcome, intervention, comparator, model, results_only=results_only
    )
    if not candidates:
        return NOT_REPORTED
    int_words = arm_words(intervention, comparator)
    cmp_words = arm_words(comparator, intervention)
    # The ranker is often torn between a result sentence and the conclusion restating it:
    # each candidate votes with its share of the ranker's belief.
    votes: dict[str, float] = {}
    best: dict[str, tuple[float, str]] = {}
    for text, query, share in candidates:
        scores = model.effect_scores(effect_features(text, query, int_words, cmp_words))
        for label, probability in _softmax(scores).items():
            votes[label] = votes.get(label, 0.0) + share * probability
            if share * probability > best.get(label, (0.0, ""))[0]:
                best[label] = (share * probability, text)
    total = sum(votes.values()) or 1.0
    label = max(votes, key=votes.__getitem__)
    return EffectCall(label, candidates[0][0], round(votes[label] / total, 4))


def ranked_sentences(
    abstract: Abstract,
    outcome: str,
    intervention: str | Sequence[str],
    comparator: str | Sequence[str],
    model: FindingsModel,
    top: int = CANDIDATES,
    results_only: bool = False,
) -> list[tuple[str, frozenset[str], float]]:
    """The sentences most likely to report the outcome, best first, with the outcome's words
    and each sentence's share of the ranker's softmax; empty when no sentence names it."""
    query = retrieval.outcome_words(abstract, outcome)
    if not query or not abstract.sentences:
        return []
    arms = frozenset(content_words(_text(intervention) + " " + _text(comparator)))
    rows = retrieval.sentence_features(abstract, query, arms, retrieval.idf(abstract))
    scores = retrieval.rank(rows, model.ranking)
    # Only a sentence that names the outcome can report it.
    order = sorted(
        (
            i
            for i, row in enumerate(rows)
            if row["shared_log"] and (not results_only or _reads_like_result(abstract.sentences[i]))
        ),
        key=lambda i: -scores[i],
    )
    if not order:
        return []
    peak = scores[order[0]]
    weights = {i: math.exp(scores[i] - peak) for i in order}
    total = sum(weights.values())
    return [(abstract.sentences[i].text, query, weights[i] / total) for i in order[:top]]


def _text(names: str | Sequence[str]) -> str:
    return names if isinstance(names, str) else " ".join(names)


def _reads_like_result(sentence: Sentence) -> bool:
    said = sentence.cues
    return said.p_value or said.interval or said.significant or said.no_difference or said.direction


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    peak = max(scores.values())
    exps = {label: math.exp(score - peak) for label, score in scores.items()}
    total = sum(exps.values())
    return {label: value / total for label, value in exps.items()}


def batch(records: Iterable[Record]) -> list[Abstract]:
    return [read_abstract(record) for record in records]
