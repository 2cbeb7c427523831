"""How far trial-abstract recall can be bought with PubMed precision: the design model's
held-out RCT figures as the trial abstracts' training weight and the model's RCT threshold vary.

The folds are those of `design_eval.py` (grouped by source file; trial abstracts by article).
For each share of weight the trial abstracts get (as a multiple of the PubMed-labelled RCTs'
count, as `SINGLE_DESIGN_SHARE`), one model is trained per fold and its held-out records are
called at each RCT threshold (`MODEL_RCT_MINIMUM`; 0 is the plain most-probable label). The
shipped settings are one cell of the table. The last lines pick, from the table itself, the
best trial-abstract recall whose PubMed precision is at least 0.92: chosen on the folds that
score it, so an upper bound on what these two knobs can give, not a setting to ship.

    python benchmarks/design_tradeoff.py [CORPUS_DIR] [--shares 0.02,0.2,1,3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from design_eval import CORPUS, SOURCES, TRIALS
from litwatch.classifiers.design.evaluation import single_design_recall
from litwatch.classifiers.design.model import MODEL_RCT_MINIMUM, ModelCall, fold_models
from litwatch.classifiers.design.training_data import SINGLE_DESIGN_SHARE, training_weights
from sklearn.metrics import precision_recall_fscore_support

from litwatch.training_sources import load_labelled, load_trial_abstracts

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
PRECISION_NEEDED = 0.92


def held_out_calls(labelled, share: float) -> dict[float, list[ModelCall]]:
    """Each record's held-out call at every threshold, from models trained at `share`."""
    examples = [(item.record, item.label) for item in labelled]
    weights = training_weights(labelled, share)
    called: dict[float, list] = {t: [None] * len(labelled) for t in THRESHOLDS}
    for test, model in fold_models(examples, [item.group for item in labelled], weights=weights):
        records = [labelled[i].record for i in test]
        for threshold in THRESHOLDS:
            for index, call in zip(test, model.predict(records, threshold), strict=True):
                called[threshold][index] = call
    return called


def rct_figures(labelled, calls: list[ModelCall]) -> dict[str, float]:
    mixed = [i for i, item in enumerate(labelled) if not item.single_design]
    precision, recall, _, _ = precision_recall_fscore_support(
        [labelled[i].label for i in mixed],
        [calls[i].label for i in mixed],
        labels=["rct"],
        zero_division=0,
    )
    trials = single_design_recall(labelled, calls)[Path(TRIALS).name]
    return {
        "rct_precision": float(precision[0]),
        "rct_recall": float(recall[0]),
        "ei_rct_recall": trials["recall"],
        "ei_rct_recall_stated": trials["recall_stated_random"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--shares", default=f"{SINGLE_DESIGN_SHARE},0.2,1,3")
    args = parser.parse_args()
    labelled = load_labelled([args.corpus / source for source in SOURCES])
    labelled += load_trial_abstracts([args.corpus / TRIALS])
    print(f"shipped: share {SINGLE_DESIGN_SHARE}, threshold {MODEL_RCT_MINIMUM}")
    print(f"{'share':>6} {'thresh':>6} {'rct_P':>6} {'rct_R':>6} {'ei_R':>6} {'ei_R_st':>7}")
    rows = []
    for share in (float(value) for value in args.shares.split(",")):
        started = time.perf_counter()
        for threshold, calls in held_out_calls(labelled, share).items():
            figures = rct_figures(labelled, calls)
            rows.append((share, threshold, figures))
            print(
                f"{share:6.2f} {threshold:6.2f} {figures['rct_precision']:6.3f} "
                f"{figures['rct_recall']:6.3f} {figures['ei_rct_recall']:6.3f} "
                f"{figures['ei_rct_recall_stated']:7.3f}"
            )
        print(f"  (share {share}: {time.perf_counter() - started:.0f} s)")
    precise = [row for row in rows if row[2]["rct_precision"] >= PRECISION_NEEDED]
    for key in ("ei_rct_recall", "ei_rct_recall_stated"):
        best = max(precise, key=lambda row: row[2][key], default=None)
        if best is None:
            print(f"best_{key}_at_precision_{PRECISION_NEEDED}=none")
            continue
        share, threshold, figures = best
        print(
            f"best_{key}_at_precision_{PRECISION_NEEDED}={figures[key]:.3f} "
            f"(share {share}, threshold {threshold}, rct_precision {figures['rct_precision']:.3f})"
        )


if __name__ == "__main__":
    main()
