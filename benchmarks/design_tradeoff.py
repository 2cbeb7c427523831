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

import numpy as np
from litwatch.classifiers.design_evaluation import states_random_allocation
from litwatch.classifiers.design_model import MODEL_RCT_MINIMUM, train_design_model
from litwatch.classifiers.training_data import SINGLE_DESIGN_SHARE, training_weights
from sklearn.model_selection import GroupKFold

from litwatch.training_sources import load_labelled, load_trial_abstracts

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SOURCES = ("pubmed-xml", "medline", "labeled/ijmarshall__robotsearch__filtered__ovid.txt")
TRIALS = "evidence-inference/ei_dev_abstracts.xml"
THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
PRECISION_NEEDED = 0.92


def held_out_labels(labelled, share: float, folds: int = 5) -> dict[float, list[str]]:
    """Each record's held-out label at every threshold, from models trained at `share`."""
    weights = training_weights(labelled, share)
    groups = [item.group for item in labelled]
    called: dict[float, list[str]] = {t: [""] * len(labelled) for t in THRESHOLDS}
    for train, test in GroupKFold(folds).split(np.zeros(len(labelled)), groups=groups):
        model, _ = train_design_model(
            [(labelled[i].record, labelled[i].label) for i in train],
            weights=[weights[i] for i in train],
        )
        records = [labelled[i].record for i in test]
        for threshold in THRESHOLDS:
            for index, call in zip(test, model.predict(records, threshold), strict=True):
                called[threshold][index] = call.label
    return called


def rct_figures(labelled, stated, predicted: list[str]) -> dict[str, float]:
    mixed = [i for i, item in enumerate(labelled) if not item.single_design]
    trials = [i for i, item in enumerate(labelled) if item.single_design]
    hit = sum(labelled[i].label == "rct" and predicted[i] == "rct" for i in mixed)
    called = sum(predicted[i] == "rct" for i in mixed)
    truth = sum(labelled[i].label == "rct" for i in mixed)
    stated_trials = [i for i in trials if stated[i]]
    return {
        "rct_precision": hit / called if called else 0.0,
        "rct_recall": hit / truth if truth else 0.0,
        "ei_rct_recall": float(np.mean([predicted[i] == "rct" for i in trials])),
        "ei_rct_recall_stated": float(np.mean([predicted[i] == "rct" for i in stated_trials])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--shares", default=f"{SINGLE_DESIGN_SHARE},0.2,1,3")
    args = parser.parse_args()
    labelled = load_labelled([args.corpus / source for source in SOURCES])
    labelled += load_trial_abstracts([args.corpus / TRIALS])
    stated = [states_random_allocation(item.record) for item in labelled]
    print(f"shipped: share {SINGLE_DESIGN_SHARE}, threshold {MODEL_RCT_MINIMUM}")
    print(f"{'share':>6} {'thresh':>6} {'rct_P':>6} {'rct_R':>6} {'ei_R':>6} {'ei_R_st':>7}")
    rows = []
    for share in (float(value) for value in args.shares.split(",")):
        started = time.perf_counter()
        for threshold, predicted in held_out_labels(labelled, share).items():
            figures = rct_figures(labelled, stated, predicted)
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
