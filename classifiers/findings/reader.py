"""The effect reader: for one outcome of one record, the sentence that reports it and what it
says (increased, decreased, no difference in the intervention arm against the comparator)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from litwatch.classifiers.findings import cues, retrieval
from litwatch.classifiers.findings.aliases import arms_in
from litwatch.classifiers.findings.confidence import confidence_features
from litwatch.classifiers.findings.effect import (
    ARM_TALK,
    CLAUSE_BREAK,
    CONTROL_WORDS,
    REFERRING,
    effect_features,
    numbers_say,
    own_p_not_significant,
    read_clause,
)
from litwatch.classifiers.findings.model import FindingsModel, shipped_model
from litwatch.classifiers.findings.shares import states_arm_shares
from litwatch.classifiers.findings.text import (
    Abstract,
    Sentence,
    content_words,
    read_abstract,
    words,
)
from litwatch.core.findings import EffectCall
from litwatch.core.records import Record

NOT_REPORTED = EffectCall("not-reported")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# "decreased from 32.9% to 29.4%": a change within one arm.
_FROM_TO = re.compile(r"\bfrom\s+-?\d[^;]{0,40}?\bto\s+-?\d", re.IGNORECASE)
_ARM_NAMES = CONTROL_WORDS | frozenset(("intervention", "experimental", "active", "treated"))
_ANAPHORA = frozenset(("however", "but", "difference", "this", "these", "it", "that", "both"))
CANDIDATES = 3  # sentences whose effect calls are weighed together
MIN_SHARE = 0.01


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
    allowed: Callable[[Sentence], bool] | None = None,
) -> EffectCall:
    """The call for one outcome in an abstract already read. With `results_only`, a sentence
    must read like a result (a statistic, a difference or its denial) to count: a list of
    measures in the methods names an outcome without reporting it. With `allowed`, only the
    sentences it accepts are read (the domain reader's results that name the domain)."""
    return effect_reading(
        abstract, outcome, intervention, comparator, model, results_only, allowed
    )[0]


def effect_reading(
    abstract: Abstract,
    outcome: str,
    intervention: str | Sequence[str] = "",
    comparator: str | Sequence[str] = "",
    model: FindingsModel | None = None,
    results_only: bool = False,
    allowed: Callable[[Sentence], bool] | None = None,
) -> tuple[EffectCall, dict[str, float]]:
    """`effect_in`'s call with the features its confidence was computed from (empty when
    nothing was reported): what the confidence calibration learns from."""
    model = model or shipped_model()
    candidates = ranked_sentences(
        abstract,
        outcome,
        intervention,
        comparator,
        model,
        results_only=results_only,
        allowed=allowed,
    )
    if not candidates:
        return NOT_REPORTED, {}
    intervention, comparator = _names(intervention), _names(comparator)
    int_words, cmp_words = arms_in(abstract, intervention, comparator)
    # The ranker is often torn between a result sentence and the conclusion restating it:
    # each candidate votes with its share of the ranker's belief.
    votes: dict[str, float] = {}
    for sentence, query, share in candidates:
        scores = model.effect_scores(effect_features(sentence.text, query, int_words, cmp_words))
        for label, probability in _softmax(scores).items():
            votes[label] = votes.get(label, 0.0) + share * probability
    total = sum(votes.values()) or 1.0
    voted = label = max(votes, key=votes.__getitem__)
    top, query, top_share = candidates[0]
    text = top.text
    # "3.26 min in the snare group and 12.7 min in the clip group, a significant difference":
    # where only the arms' values say which way, and the difference is called significant,
    # the values decide (the model weighs them among words, and no word speaks here).
    said = numbers_say(text, query, int_words, cmp_words)
    if said and label in ("increased", "decreased", "no-difference"):
        label = "increased" if said > 0 else "decreased"
    # "fewer explanations about their condition (18% vs. 33%, p=0.12) and ... (21% vs. 4%,
    # p=0.01)": in a list of outcomes, the p-value right after this one's mention is its own.
    if label in ("increased", "decreased") and own_p_not_significant(text, query):
        label = "no-difference"
    if label == "no-difference" and ";" in text:
        label = _own_clause_label(text, query, int_words, cmp_words) or label
    elif label != "no-difference" and (
        _between_groups_denied(text, query)
        or _denied_in_next_sentence(abstract, top, int_words | cmp_words)
    ):
        # "Pain fell in both groups (p < 0.001), but not differently between groups": the
        # comparison between arms decides, not the change within each.
        label = "no-difference"
    shares = {name: vote / total for name, vote in votes.items()}
    features = confidence_features(shares, voted, label, top_share, len(candidates))
    return EffectCall(label, text, round(model.confidence(features), 4)), features


def _denied_in_next_sentence(abstract: Abstract, sentence: Sentence, arms: frozenset[str]) -> bool:
    """ "Walk time improved in both groups. There was however no difference between treatment
    groups.": a sentence that reports change within the arms (from baseline, from one value to
    another, or naming no arm at all), followed by one that denies a difference between them
    and names nothing new."""
    within = cues.WITHIN_GROUP.search(sentence.text) or _FROM_TO.search(sentence.text)
    if not within and (sentence.cues.comparison or sentence.words & (arms | _ARM_NAMES)):
        return False
    following = sentence.index + 1
    if following >= len(abstract.sentences):
        return False
    after = abstract.sentences[following]
    if after.role != sentence.role or not cues.BETWEEN_DENIED.search(after.text):
        return False
    return len(after.words - sentence.words - REFERRING - ARM_TALK) <= 1


def _between_groups_denied(text: str, query: frozenset[str]) -> bool:
    """Whether the sentence denies a difference between the arms for this outcome: in the
    outcome's own clause, or in a clause that refers back to it ("..., but the difference
    between groups was not significant") rather than naming another outcome ("..., whereas
    nerve conduction did not differ between groups")."""
    parts = CLAUSE_BREAK.split(text)
    for part in parts:
        if not cues.BETWEEN_DENIED.search(part):
            continue
        named = set(content_words(part))
        if query & named or (_ANAPHORA & set(words(part)) and not named - REFERRING):
            return True
    # "X fell with Y, but the difference was not significant": "the difference" is the one
    # just stated, in the outcome's own clause or the clause right after it.
    own = next((i for i, part in enumerate(parts) if query & set(content_words(part))), None)
    if own is None:
        return False
    if cues.DIFFERENCE_DENIED.search(parts[own]):
        return True
    following = parts[own + 1] if own + 1 < len(parts) else ""
    return bool(cues.DIFFERENCE_DENIED.match(following.lstrip(" ,")))


def _own_clause_label(
    text: str, query: frozenset[str], int_words: frozenset[str], cmp_words: frozenset[str]
) -> str | None:
    """ "Symptom scores fell more with X than with placebo; nerve conduction did not differ":
    when the denial sits in another part of a semicolon list and the outcome's own part states
    a difference in plain words, the outcome's part decides. (A ", but not significant" after a
    comma refers back to the same outcome, so only semicolons count.)"""
    parts = _PARENTHESES.sub("", text).split(";")
    own = [part for part in parts if query & set(content_words(part))]
    if len(own) != 1 or cues.NO_DIFFERENCE.search(own[0]) or cues.P_VALUE.search(text):
        return None
    denials = [part for part in parts if part is not own[0] and cues.NO_DIFFERENCE.search(part)]
    # "; however, the difference was not significant" speaks of the same outcome.
    if any(_ANAPHORA & set(words(part)) for part in denials):
        return None
    reading = read_clause(own[0], query, int_words, cmp_words)
    if reading.amount and not reading.no_difference:
        return "increased" if reading.amount > 0 else "decreased"
    return None


def ranked_sentences(
    abstract: Abstract,
    outcome: str,
    intervention: str | Sequence[str],
    comparator: str | Sequence[str],
    model: FindingsModel,
    top: int = CANDIDATES,
    results_only: bool = False,
    allowed: Callable[[Sentence], bool] | None = None,
) -> list[tuple[Sentence, frozenset[str], float]]:
    """The sentences most likely to report the outcome, best first, with the outcome's words
    and each sentence's share of the ranker's softmax; empty when no sentence names it."""
    query = retrieval.outcome_words(abstract, outcome)
    if not query or not abstract.sentences:
        return []
    arms = frozenset(content_words(_text(intervention) + " " + _text(comparator)))
    scored = retrieval.sentence_scores(abstract, query, arms, model.ranking)
    scores = [score for score, _ in scored]
    # Only a sentence that names the outcome can report it.
    order = sorted(
        (
            i
            for i, (_, shared) in enumerate(scored)
            if shared
            and (not results_only or _reads_like_result(abstract.sentences[i]))
            and (allowed is None or allowed(abstract.sentences[i]))
        ),
        key=lambda i: -scores[i],
    )
    if not order:
        return []
    peak = scores[order[0]]
    weights = {i: math.exp(scores[i] - peak) for i in order}
    total = sum(weights.values())
    # A sentence with under 1% of the ranker's belief cannot move the vote: it is not read.
    return [
        (abstract.sentences[i], query, weights[i] / total)
        for rank, i in enumerate(order[:top])
        if rank == 0 or weights[i] / total >= MIN_SHARE
    ]


def _names(names: str | Sequence[str]) -> str | tuple[str, ...]:
    """Arm names in a hashable form (the arm-word cache keys on them)."""
    return names if isinstance(names, str) else tuple(names)


def _text(names: str | Sequence[str]) -> str:
    return names if isinstance(names, str) else " ".join(names)


def _reads_like_result(sentence: Sentence) -> bool:
    said = sentence.cues
    return (
        said.p_value
        or said.interval
        or said.significant
        or said.no_difference
        or said.direction
        or states_arm_shares(sentence.text)  # "in 46 of 52 treated and 4 of 52 given saline"
    )


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    peak = max(scores.values())
    exps = {label: math.exp(score - peak) for label, score in scores.items()}
    total = sum(exps.values())
    return {label: value / total for label, value in exps.items()}
