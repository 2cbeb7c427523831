"""Which sentence of an abstract reports an outcome: each sentence scored by how much of the
outcome it names (abbreviations the abstract defines count) and by whether it reads like a
result, with weights learnt from annotators' evidence sentences."""

from __future__ import annotations

import math

from litwatch.classifiers.findings.text import (
    BACKGROUND,
    CONCLUSIONS,
    METHODS,
    OTHER,
    RESULTS,
    Abstract,
    Sentence,
    content_words,
)

_PREFIX = 6
_ROLES = (BACKGROUND, METHODS, RESULTS, CONCLUSIONS, OTHER)


def outcome_words(abstract: Abstract, outcome: str) -> frozenset[str]:
    """The outcome's content words, widened by the abbreviations the abstract defines."""
    known = abstract.memo.setdefault("outcome_words", {})
    found = known.get(outcome)
    if found is None:
        found = known[outcome] = _outcome_words(abstract, outcome)
    return found


def _outcome_words(abstract: Abstract, outcome: str) -> frozenset[str]:
    found = set(content_words(outcome))
    for short, long_form in abstract.abbreviations.items():
        long_words = set(content_words(long_form))
        if short in found:
            found |= long_words
        elif long_words and len(long_words & found) >= max(1, len(long_words) - 1):
            found.add(short)
    # A word the abstract never uses may still share its stem with one it does:
    # "satisfaction" and "satisfied", "analgesic" and "analgesia".
    unused = [word for word in found - abstract.vocabulary if len(word) >= _PREFIX]
    if unused:
        by_prefix = _by_prefix(abstract)
        for word in unused:
            found |= by_prefix.get(word[:_PREFIX], set())
    return frozenset(found)


def _by_prefix(abstract: Abstract) -> dict[str, set[str]]:
    """The abstract's words by their first letters, once per abstract."""
    found = abstract.memo.get("by_prefix")
    if found is None:
        found = abstract.memo["by_prefix"] = {}
        for word in abstract.vocabulary:
            if len(word) >= _PREFIX:
                found.setdefault(word[:_PREFIX], set()).add(word)
    return found


def idf(abstract: Abstract) -> dict[str, float]:
    """Rarity of each word across the abstract's sentences: outcome words named everywhere
    (the condition, the drug) say less about which sentence reports the outcome."""
    counts: dict[str, int] = {}
    for sentence in abstract.sentences:
        for word in sentence.words:
            counts[word] = counts.get(word, 0) + 1
    total = len(abstract.sentences) + 1
    return {word: math.log(1 + total / count) for word, count in counts.items()}


def sentence_features(
    abstract: Abstract,
    query: frozenset[str],
    arms: frozenset[str],
    rarity: dict[str, float],
) -> list[dict[str, float]]:
    """The ranking features of every sentence for one outcome query."""
    if not query:
        return [{} for _ in abstract.sentences]
    # Summed in sorted order: a set's order follows the hash seed, and float sums that differ
    # in the last bit split ties between sentences differently from run to run.
    weight_total = sum(rarity.get(w, 1.0) for w in sorted(query)) or 1.0
    rows = []
    for sentence in abstract.sentences:
        shared = query & sentence.words
        coverage = len(shared) / len(query)
        weighted = sum(rarity.get(w, 1.0) for w in sorted(shared)) / weight_total
        rows.append(_row(sentence, coverage, weighted, len(shared), arms))
    best = max((row["weighted"] for row in rows), default=0.0)
    best_cov = max((row["coverage"] for row in rows), default=0.0)
    for row in rows:
        row["gap_to_best"] = best - row["weighted"]
        row["is_best"] = float(row["weighted"] >= best > 0)
        row["cov_gap_to_best"] = best_cov - row["coverage"]
    return rows


def _row(
    sentence: Sentence, coverage: float, weighted: float, shared: int, arms: frozenset[str]
) -> dict[str, float]:
    row = _query_part(sentence, coverage, weighted, shared, arms)
    row.update(_sentence_part(sentence))
    return row


def _query_part(
    sentence: Sentence, coverage: float, weighted: float, shared: int, arms: frozenset[str]
) -> dict[str, float]:
    """The features that depend on the outcome asked about."""
    result = float(sentence.cues.p_value or sentence.role in (RESULTS, CONCLUSIONS))
    return {
        "coverage": coverage,
        "weighted": weighted,
        "weighted_sq": weighted * weighted,
        "shared_none": float(shared == 0),
        "shared_log": math.log1p(shared),
        "arms": len(arms & sentence.words) / len(arms) if arms else 0.0,
        "weighted_x_result": weighted * result,
    }


def _sentence_part(sentence: Sentence) -> dict[str, float]:
    """The features of the sentence alone, whatever the outcome."""
    said = sentence.cues
    row = {
        "p_value": float(said.p_value),
        "ci": float(said.interval),
        "numbers": float(said.numbers),
        "significant": float(said.significant),
        "no_difference": float(said.no_difference),
        "direction": float(said.direction),
        "comparison": float(said.comparison),
        "position": sentence.position,
        "length_log": math.log1p(len(sentence.words)),
        "bias": 1.0,
    }
    for role in _ROLES:
        row[f"role_{role}"] = float(sentence.role == role)
    row["role_none"] = float(not sentence.role)
    row["unlabelled_late"] = float(not sentence.role and sentence.position > 0.5)
    # "Heart rate and blood pressure were recorded at intervals": a measure named, no result.
    row["measure_only"] = float(
        said.measure
        and not (said.p_value or said.significant or said.no_difference or said.direction)
    )
    return row


def rank(rows: list[dict[str, float]], weights: dict[str, float]) -> list[float]:
    """A linear score per sentence."""
    return [sum(weights.get(name, 0.0) * value for name, value in row.items()) for row in rows]


def sentence_scores(
    abstract: Abstract, query: frozenset[str], arms: frozenset[str], weights: dict[str, float]
) -> list[tuple[float, int]]:
    """Each sentence's score, as `rank(sentence_features(...), weights)` gives it, and its count
    of outcome words. A sentence that names none of them cannot report the outcome and scores
    -inf; the part of a score that does not depend on the outcome is worked out once per
    sentence and model."""
    if not query or not abstract.sentences:
        return [(-math.inf, 0)] * len(abstract.sentences)
    rarity = _rarities(abstract, query)
    weight_total = sum(rarity[w] for w in sorted(query)) or 1.0  # sorted: see sentence_features
    shares = []
    for sentence in abstract.sentences:
        named = query & sentence.words
        weighted = sum(rarity[w] for w in sorted(named)) / weight_total if named else 0.0
        shares.append((len(named), len(named) / len(query), weighted))
    best = max(weighted for _, _, weighted in shares)
    best_cov = max(coverage for _, coverage, _ in shares)
    fixed = _fixed_scores(abstract, weights)
    scores = []
    for sentence, (shared, coverage, weighted) in zip(abstract.sentences, shares, strict=True):
        if not shared:
            scores.append((-math.inf, 0))
            continue
        base = fixed.get(sentence.index)
        if base is None:
            base = fixed[sentence.index] = _dot(weights, _sentence_part(sentence))
        row = _query_part(sentence, coverage, weighted, shared, arms)
        row["gap_to_best"] = best - weighted
        row["is_best"] = float(weighted >= best > 0)
        row["cov_gap_to_best"] = best_cov - coverage
        scores.append((base + _dot(weights, row), shared))
    return scores


def _dot(weights: dict[str, float], row: dict[str, float]) -> float:
    return sum(weights.get(name, 0.0) * value for name, value in row.items())


def _rarities(abstract: Abstract, query: frozenset[str]) -> dict[str, float]:
    """`idf(abstract)` for the query's words (1.0 for a word no sentence holds), each word
    counted once per abstract."""
    known = abstract.memo.setdefault("idf", {})
    total = len(abstract.sentences) + 1
    for word in query - known.keys():
        count = sum(1 for sentence in abstract.sentences if word in sentence.words)
        known[word] = math.log(1 + total / count) if count else 1.0
    return {word: known[word] for word in query}


def _fixed_scores(abstract: Abstract, weights: dict[str, float]) -> dict[int, float]:
    """The outcome-independent part of each sentence's score, by sentence index, filled as
    sentences are scored (kept per weights by identity: a model's weights live as long as the
    model)."""
    key = ("fixed", id(weights))
    found = abstract.memo.get(key)
    if found is None or found[0] is not weights:
        found = abstract.memo[key] = (weights, {})
    return found[1]
