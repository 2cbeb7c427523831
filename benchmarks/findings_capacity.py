"""What more labels could teach the findings reader's effect classifier: its macro-F1 on the
annotators' evidence sentences of Evidence Inference prompts, learnt from one, two, three and
four folds of articles (the fifth scores it; three deals of the articles into folds, five
rotations each), with the rule features it ships with and with features that have more to
learn from labels:

- `words`: the words and word pairs of the clause that names the outcome, the arms, the
  outcome and every number masked ("INT OUT lower than CMP"), kept when at least three
  training articles hold them, at a scale s (an L2 penalty of C * s**2 on their weights);
- `pairs`: every pair of the rule features that fire together (their products).

C is the one the shipped trainer picks by an inner grouped CV (`training.EFFECT_CS`); here each
C is shown, so that no choice of it hides a gain. Issue #22's learning curve
(`benchmarks/review_budget.py`) can rise only if some feature set rises with more folds and
ends above the rules: this table says whether one does.

    python benchmarks/findings_capacity.py [CORPUS_DIR]

Ends with `capacity=SET:F1@1f/F1@4f,...` (mean over deals and rotations)."""

from __future__ import annotations

import itertools
import math
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from litwatch.classifiers.findings.effect import (
    arm_words,
    effect_features,
    local_clause,
    mark_groups,
)
from litwatch.classifiers.findings.model import LABELS, FindingsModel
from litwatch.classifiers.findings.retrieval import outcome_words
from litwatch.classifiers.findings.text import stem
from litwatch.classifiers.findings.training import EFFECT_CS, Prompt
from litwatch.classifiers.findings.training import _fit as fit  # the shipped fit, balanced
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from litwatch.findings_command import evidence_inference

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FOLDS = 5
DEALS = (0, 1, 2)
MIN_ARTICLES = 3
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*|\d+(?:\.\d+)?|[<>=;±]")

Row = dict[str, float]


def main(corpus: Path = CORPUS) -> None:
    abstracts, prompts = evidence_inference(corpus / "evidence-inference")
    print(f"{len(prompts)} prompts over {len({p.pmid for p in prompts})} articles")
    rules, words = [], []
    for p in prompts:
        query = outcome_words(abstracts[p.pmid], p.outcome)
        arms = arm_words(p.intervention, p.comparator), arm_words(p.comparator, p.intervention)
        rules.append(effect_features(p.evidence, query, *arms))
        words.append(masked_grams(p.evidence, query, *arms))
    sets: dict[str, Callable[[int], Row]] = {
        "rules": lambda i: rules[i],
        "words x1": lambda i: rules[i] | words[i],
        "words x2": lambda i: rules[i] | {k: 2 * v for k, v in words[i].items()},
        "pairs": lambda i: rules[i] | rule_pairs(rules[i]),
    }
    started = time.perf_counter()
    scores = learning_table(prompts, sets)
    print(f"{len(DEALS)} deals x {FOLDS} rotations took {time.perf_counter() - started:.0f} s")
    print(
        "features   C      " + "  ".join(f"{k} fold{'s' if k > 1 else ' '}" for k in (1, 2, 3, 4))
    )
    best: dict[str, tuple[float, float]] = {}
    for name in sets:
        for c in EFFECT_CS:
            means = [statistics.mean(scores[name, c, k]) for k in (1, 2, 3, 4)]
            print(f"{name:<9} {c:<5}  " + "  ".join(f"{m:7.3f}" for m in means))
            if means[-1] > best.get(name, (0.0, -1.0))[1]:
                best[name] = (means[0], means[-1])
    spread = statistics.stdev(scores["rules", EFFECT_CS[0], 4])
    print(f"one rotation's macro-F1 varies by sd {spread:.3f}")
    print("capacity=" + ",".join(f"{n}:{a:.3f}/{b:.3f}" for n, (a, b) in best.items()))


def masked_grams(
    text: str, query: frozenset[str], intervention: frozenset[str], comparator: frozenset[str]
) -> Row:
    """The outcome's clause as words and word pairs with the arms, the outcome and the numbers
    masked, each weighing 1/sqrt(how many) so a long clause does not outweigh a short one."""
    clause = local_clause(mark_groups(text), query)
    masked: list[str] = []
    for token in _TOKEN.findall(clause.lower()):
        word = stem(token)
        if word in query:
            word = "OUT"
        elif word in intervention:
            word = "INT"
        elif word in comparator:
            word = "CMP"
        elif word[0].isdigit():
            word = "NUM"
        if not masked or word != masked[-1] or not word.isupper():
            masked.append(word)
    grams = set(masked) | {f"{a} {b}" for a, b in itertools.pairwise(masked)}
    return {"w:" + gram: 1 / math.sqrt(len(grams)) for gram in grams}


def rule_pairs(row: Row) -> Row:
    """The products of the rule features that fire together."""
    firing = sorted(name for name, value in row.items() if value and name != "bias")
    return {f"x:{a}*{b}": row[a] * row[b] for a, b in itertools.combinations(firing, 2)}


def learning_table(
    prompts: list[Prompt], sets: dict[str, Callable[[int], Row]]
) -> dict[tuple[str, float, int], list[float]]:
    """Macro-F1 of each rotation's fifth fold, per feature set, C and number of folds learnt."""
    groups = [p.pmid for p in prompts]
    truth = [p.label for p in prompts]
    scores: dict[tuple[str, float, int], list[float]] = {}
    for deal in DEALS:
        splitter = GroupKFold(FOLDS, shuffle=True, random_state=deal)
        folds = [test for _, test in splitter.split(prompts, groups=groups)]
        for rotation in range(FOLDS):
            scored = folds[rotation]
            for k in (1, 2, 3, 4):
                learnt = [i for j in range(1, k + 1) for i in folds[(rotation + j) % FOLDS]]
                for name, row_of in sets.items():
                    rows = common([row_of(i) for i in learnt], [groups[i] for i in learnt])
                    for c in EFFECT_CS:
                        model = FindingsModel(
                            {}, fit(rows, [truth[i] for i in learnt], c, "balanced")
                        )
                        calls = []
                        for i in scored:
                            said = model.effect_scores(row_of(i))
                            calls.append(max(said, key=said.__getitem__))
                        scores.setdefault((name, c, k), []).append(
                            f1_score(
                                [truth[i] for i in scored],
                                calls,
                                labels=list(LABELS),
                                average="macro",
                                zero_division=0,
                            )
                        )
    return scores


def common(rows: list[Row], groups: list[str]) -> list[Row]:
    """The rows without word features fewer than MIN_ARTICLES training articles hold."""
    seen: dict[str, set[str]] = {}
    for row, group in zip(rows, groups, strict=True):
        for name in row:
            if name.startswith("w:"):
                seen.setdefault(name, set()).add(group)
    rare = {name for name, held in seen.items() if len(held) < MIN_ARTICLES}
    return [{k: v for k, v in row.items() if k not in rare} for row in rows]


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
