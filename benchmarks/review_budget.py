"""What a reviewer's hour buys: the findings calls of the Evidence Inference set, in the order
the review queue shows them (least confident first, `classifiers/findings/confidence.py`).

1. Out-of-fold calls from the same 5-fold cross-validation grouped by article as
   `benchmarks/findings_eval.py` (each call by a model, calibration included, trained without
   its article): how many of the wrong calls sit in the first 20% of the queue (random order
   catches 0.20), and the expected calibration error of the confidence stored with each call.
2. A learning curve: per rotation of the 5 folds, a model learns from two folds, the calls it
   makes on two other folds form the queue, a reviewer checks its first N calls (the
   annotators' label and sentence stand for the reviewer's), the model learns again with those
   N checked calls (`train_model(..., checked=...)`, as `litwatch train-findings` does with
   reviewers' decisions: the effect classifier learns them, the sentence ranker does not), and
   the fifth fold, never seen, scores it. Macro-F1 over all five
   rotations' scored calls, averaged over twelve deals of the articles into folds (`DRAWS`);
   beside it the spread of single rotations and the gain over no checked calls paired by
   rotation (mean ± standard error), so that a rise can be told from noise.

    python benchmarks/review_budget.py [CORPUS_DIR]

Ends with `wrong_caught_at_20pct=` (with `wrong_caught_at_20pct_deals=`, the same figure on
the unshuffled deal and on `CAUGHT_DRAWS`), `findings_ece=`, `learning_curve=N:F1,...` and
`learning_curve_gain=N:+GAIN±SE,...` lines."""

from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from litwatch.classifiers.findings.confidence import expected_calibration_error, review_order
from litwatch.classifiers.findings.model import LABELS
from litwatch.classifiers.findings.reader import effect_in
from litwatch.classifiers.findings.training import (
    CHECKED_WEIGHT,
    Prompt,
    cross_validated_calls,
    train_model,
)
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold

from litwatch.findings_command import evidence_inference

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
BUDGET = 0.20  # the share of the queue a reviewer gets through
CHECKED = (0, 50, 100, 200)  # checked calls added per rotation for the learning curve
FOLDS = 5
# How the articles are dealt into folds for the learning curve: as GroupKFold deals them
# (the same folds as the CV above), then shuffled by seeds. One deal's five rotations score
# about 640 calls once; its curve moves by a point or so with the deal alone, so the curve is
# the mean of twelve deals: three deals had shown a rise (+0.005 ± 0.004 at 200 checked calls)
# that twelve did not (+0.001 ± 0.003; RELIABILITY, "eighth session").
DRAWS = (None, *range(1, 12))
# The shuffled deals' wrong_caught_at_20pct, beside the unshuffled CV's figure.
CAUGHT_DRAWS = (1, 2)


def main(corpus: Path = CORPUS) -> None:
    abstracts, prompts = evidence_inference(corpus / "evidence-inference")
    print(f"{len(prompts)} prompts over {len({p.pmid for p in prompts})} articles")

    started = time.perf_counter()
    calls = cross_validated_calls(abstracts, prompts, folds=FOLDS)
    print(f"{FOLDS}-fold article-grouped CV took {time.perf_counter() - started:.1f} s")
    wrong = [call.label != p.label for call, p in zip(calls, prompts, strict=True)]
    caught = wrong_caught(prompts, calls)
    # The same figure on the other deals of the learning curve: one deal's figure moves by a
    # few points with the deal alone (benchmarks/review_signals.py measures it over more).
    by_deal = [caught] + [
        wrong_caught(prompts, reshuffled_calls(abstracts, prompts, seed)) for seed in CAUGHT_DRAWS
    ]
    print(
        f"wrong calls: {sum(wrong)} of {len(calls)}; the first {round(BUDGET * len(calls))} of "
        f"the queue ({BUDGET:.0%}) hold {round(caught * sum(wrong))} of them"
    )
    confidences = [call.confidence for call in calls]
    right = [not w for w in wrong]
    print("confidence bin   calls  mean confidence  share right")
    for low in range(10):
        cell = [i for i, c in enumerate(confidences) if min(int(c * 10), 9) == low]
        if cell:
            mean = sum(confidences[i] for i in cell) / len(cell)
            share = sum(right[i] for i in cell) / len(cell)
            print(
                f"{low / 10:.1f}-{(low + 1) / 10:.1f}      {len(cell):6d}  {mean:15.3f}  {share:11.3f}"
            )
    ece = expected_calibration_error(confidences, right)
    macro = f1_score(
        [p.label for p in prompts],
        [call.label for call in calls],
        labels=list(LABELS),
        average="macro",
        zero_division=0,
    )
    print(f"findings_macro_f1={macro:.3f} (the same calls as benchmarks/findings_eval.py)")

    started = time.perf_counter()
    # One deal per process: each trains its own models, and the cores share the deals.
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        curves = list(pool.map(partial(_deal_curve, corpus), DRAWS, chunksize=1))
    print(
        f"learning curve ({len(DRAWS)} deals of the articles into {FOLDS} folds, {FOLDS} "
        f"rotations each: 2 folds learnt, 2 folds queued, 1 scored; checked calls weigh "
        f"{CHECKED_WEIGHT}) took {time.perf_counter() - started:.1f} s"
    )
    for seed, curve in zip(DRAWS, curves, strict=True):
        deal = "unshuffled" if seed is None else f"seed {seed}"
        print(f"  {deal:>10}: " + "  ".join(f"{n}:{scores[0]:.3f}" for n, scores in curve.items()))
    means, gains = summarise(curves)
    print(
        "  checked  macro-F1 (mean of deals)  rotation sd  gain over 0 per rotation "
        "(mean ± se, rotations that rose)"
    )
    for n in CHECKED:
        gain, se, rose, rotations = gains[n]
        print(
            f"  {n:7d}  {means[n][0]:24.3f}  {means[n][1]:11.3f}  "
            f"{gain:+.3f} ± {se:.3f}, {rose} of {rotations}"
        )
    print(f"wrong_caught_at_20pct={caught:.3f}")
    print(
        "wrong_caught_at_20pct_deals="
        + ",".join(f"{value:.3f}" for value in by_deal)
        + f" (mean {statistics.mean(by_deal):.3f})"
    )
    print(f"findings_ece={ece:.3f}")
    print("learning_curve=" + ",".join(f"{n}:{means[n][0]:.3f}" for n in CHECKED))
    print(
        "learning_curve_gain="
        + ",".join(f"{n}:{gains[n][0]:+.3f}±{gains[n][1]:.3f}" for n in CHECKED if n)
    )


def _deal_curve(corpus: Path, seed: int | None) -> dict[int, list[float]]:
    """One deal's learning curve, in a worker process of its own."""
    abstracts, prompts = evidence_inference(corpus / "evidence-inference")
    return learning_curve(abstracts, prompts, seed)


def wrong_caught(prompts: list[Prompt], calls: list) -> float:
    """The share of the wrong calls among the first BUDGET of the queue."""
    wrong = [call.label != p.label for call, p in zip(calls, prompts, strict=True)]
    queue = review_order(calls)
    return sum(wrong[i] for i in queue[: round(BUDGET * len(queue))]) / sum(wrong)


def reshuffled_calls(abstracts, prompts: list[Prompt], seed: int) -> list:
    """Each prompt's call by a model (calibration included) trained without its article, the
    articles dealt into folds in an order shuffled by `seed`."""
    calls: list = [None] * len(prompts)
    splitter = GroupKFold(FOLDS, shuffle=True, random_state=seed)
    for train, test in splitter.split(prompts, groups=[p.pmid for p in prompts]):
        model = train_model(abstracts, [prompts[i] for i in train])
        for i in test:
            p = prompts[i]
            calls[i] = effect_in(
                abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=model
            )
    return calls


def summarise(
    curves: list[dict[int, list[float]]],
) -> tuple[dict[int, tuple[float, float]], dict[int, tuple[float, float, int, int]]]:
    """Per number of checked calls: the mean over deals of the macro-F1 of all scored calls
    with the standard deviation of single rotations' macro-F1 (how much one fold's score
    varies); and the gain over no checked calls, paired by rotation (the same folds learnt and
    scored), as its mean, its standard error and how many rotations rose. A rise is one whose
    mean gain stands clear of its standard error."""
    means: dict[int, tuple[float, float]] = {}
    gains: dict[int, tuple[float, float, int, int]] = {}
    for n in CHECKED:
        pooled = [curve[n][0] for curve in curves]
        rotations = [score for curve in curves for score in curve[n][1:]]
        means[n] = (statistics.mean(pooled), statistics.stdev(rotations))
        paired = [
            after - before
            for curve in curves
            for after, before in zip(curve[n][1:], curve[0][1:], strict=True)
        ]
        se = statistics.stdev(paired) / len(paired) ** 0.5 if len(paired) > 1 else 0.0
        gains[n] = (statistics.mean(paired), se, sum(g > 0 for g in paired), len(paired))
    return means, gains


def learning_curve(
    abstracts, prompts: list[Prompt], seed: int | None = None
) -> dict[int, list[float]]:
    """Macro-F1 on never-seen folds after learning from each number of checked calls: per
    number, the score over all five rotations' scored calls, then each rotation's own. With a
    `seed`, the articles are dealt into folds in a shuffled order (another draw of the same
    experiment); without, as `GroupKFold` deals them unshuffled."""
    splitter = (
        GroupKFold(FOLDS) if seed is None else GroupKFold(FOLDS, shuffle=True, random_state=seed)
    )
    folds = [test for _, test in splitter.split(prompts, groups=[p.pmid for p in prompts])]
    truth: list[list[str]] = []
    predicted: dict[int, list[list[str]]] = {n: [] for n in CHECKED}
    for rotation in range(FOLDS):
        scored, learnt, queued = (
            [prompts[i] for i in folds[rotation]],
            [prompts[i] for k in (1, 2) for i in folds[(rotation + k) % FOLDS]],
            [prompts[i] for k in (3, 4) for i in folds[(rotation + k) % FOLDS]],
        )
        model = train_model(abstracts, learnt)
        queue_calls = [
            effect_in(abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=model)
            for p in queued
        ]
        order = [queued[i] for i in review_order(queue_calls)]
        truth.append([p.label for p in scored])
        for n in CHECKED:
            # Labels only are scored: the calibration, which moves no label, is not refitted.
            learner = (
                train_model(abstracts, learnt, checked=order[:n], calibrate=False) if n else model
            )
            predicted[n].append(
                [
                    effect_in(
                        abstracts[p.pmid], p.outcome, p.intervention, p.comparator, model=learner
                    ).label
                    for p in scored
                ]
            )
    return {
        n: [_macro([t for fold in truth for t in fold], [c for fold in calls for c in fold])]
        + [_macro(t, c) for t, c in zip(truth, calls, strict=True)]
        for n, calls in predicted.items()
    }


def _macro(truth: list[str], calls: list[str]) -> float:
    return float(f1_score(truth, calls, labels=list(LABELS), average="macro", zero_division=0))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
