"""A quick look at whether the findings model can learn more, in a minute or two instead of the
full `benchmarks/review_budget.py`: on one deal of the Evidence Inference articles into five
folds (the same deals as review_budget's `DRAWS`),

1. a plain training-size curve: per rotation, the model learns from 1, 2, 3 and 4 of the other
   folds and the rotation's fold scores it (macro-F1 over all rotations' calls, and the mean
   gain over one fold paired by rotation). If more annotated prompts do not raise it, checked
   calls (prompts of the same kind) cannot either;
2. review_budget's learning curve on that deal (2 folds learnt, the queue's first N calls of 2
   more folds checked, the fifth scored), with how many scored calls 200 checked calls fix
   and break, by label.

    python benchmarks/learning_probe.py [SEED] [CORPUS_DIR]

SEED is `none` (GroupKFold's own deal, the default) or an integer."""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from litwatch.classifiers.findings.confidence import review_order
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.training import Prompt, train_model
from review_budget import CHECKED, CORPUS, FOLDS, _macro
from sklearn.model_selection import GroupKFold

from litwatch.findings_command import evidence_inference


def main(seed: int | None, corpus: Path = CORPUS) -> None:
    abstracts, prompts = evidence_inference(corpus / "evidence-inference")
    splitter = (
        GroupKFold(FOLDS) if seed is None else GroupKFold(FOLDS, shuffle=True, random_state=seed)
    )
    folds = [test for _, test in splitter.split(prompts, groups=[p.pmid for p in prompts])]

    def labels(model, scored: list[Prompt]) -> list[str]:
        return [
            effect_in(abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=model).label
            for p in scored
        ]

    started = time.perf_counter()
    sizes = (1, 2, 3, 4)
    truth: list[str] = []
    pooled: dict[int, list[str]] = {k: [] for k in sizes}
    per: dict[int, list[float]] = {k: [] for k in sizes}
    for rotation in range(FOLDS):
        scored = [prompts[i] for i in folds[rotation]]
        truth += [p.label for p in scored]
        for k in sizes:
            learnt = [prompts[i] for j in range(1, k + 1) for i in folds[(rotation + j) % FOLDS]]
            said = labels(train_model(abstracts, learnt, calibrate=False), scored)
            pooled[k] += said
            per[k].append(_macro([p.label for p in scored], said))
    print(
        "training-size curve (folds learnt: macro-F1; gain over 1 fold by rotation): "
        + "  ".join(
            f"{k}:{_macro(truth, pooled[k]):.3f}"
            + (f" ({statistics.mean(a - b for a, b in zip(per[k], per[1])):+.3f})" if k > 1 else "")
            for k in sizes
        )
        + f"  [{time.perf_counter() - started:.0f} s]"
    )

    started = time.perf_counter()
    truth = []
    predicted: dict[int, list[str]] = {n: [] for n in CHECKED}
    gains: dict[int, list[float]] = {n: [] for n in CHECKED}
    fixed: Counter[str] = Counter()
    broken: Counter[str] = Counter()
    for rotation in range(FOLDS):
        scored = [prompts[i] for i in folds[rotation]]
        learnt = [prompts[i] for k in (1, 2) for i in folds[(rotation + k) % FOLDS]]
        queued = [prompts[i] for k in (3, 4) for i in folds[(rotation + k) % FOLDS]]
        model = train_model(abstracts, learnt)
        calls = [
            effect_in(abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=model)
            for p in queued
        ]
        order = [queued[i] for i in review_order(calls)]
        said = {
            n: labels(
                train_model(abstracts, learnt, checked=order[:n], calibrate=False) if n else model,
                scored,
            )
            for n in CHECKED
        }
        right = [p.label for p in scored]
        truth += right
        for n in CHECKED:
            predicted[n] += said[n]
            gains[n].append(_macro(right, said[n]) - _macro(right, said[0]))
        for label, before, after in zip(right, said[0], said[CHECKED[-1]], strict=True):
            if before != after and label in (before, after):
                (fixed if after == label else broken)[f"{label}: {before} -> {after}"] += 1
    print(
        "learning curve (checked: macro-F1, mean gain over 0 by rotation): "
        + "  ".join(
            f"{n}:{_macro(truth, predicted[n]):.3f}"
            + (f" ({statistics.mean(gains[n]):+.3f})" if n else "")
            for n in CHECKED
        )
        + f"  [{time.perf_counter() - started:.0f} s]"
    )
    print(f"{CHECKED[-1]} checked calls fix {sum(fixed.values())}: {dict(fixed.most_common())}")
    print(f"{CHECKED[-1]} checked calls break {sum(broken.values())}: {dict(broken.most_common())}")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    deal = None if not arguments or arguments[0] == "none" else int(arguments[0])
    main(deal, Path(arguments[1]) if len(arguments) > 1 else CORPUS)
