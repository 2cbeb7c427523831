"""Score the design classifier text-only against labels NLM indexing gives the corpus records.

Cross-validation is grouped by source file, so no model is scored on a file it trained on; the
trial abstracts (Evidence Inference, all randomised trials) join every fold's training split by
article and are scored apart as RCT recall. Also times the shipped model: load time and records
classified per second.

    python benchmarks/design_eval.py [CORPUS_DIR]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from litwatch.classifiers.design import MODEL_PATH, classify_designs
from litwatch.classifiers.design.evaluation import source_grouped_scores
from litwatch.classifiers.design.model_io import load_model
from litwatch.classifiers.design.pubtypes import LABELS, PUBLICATION_TYPE_LABELS
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from litwatch.training_sources import load_labelled, load_trial_abstracts

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SOURCES = ("pubmed-xml", "medline", "labeled/ijmarshall__robotsearch__filtered__ovid.txt")
TRIALS = "evidence-inference/ei_dev_abstracts.xml"


def main(corpus: Path = CORPUS) -> None:
    labelled = load_labelled([corpus / source for source in SOURCES])
    print(f"{len(labelled)} labelled records from {len({i.source_name for i in labelled})} files")
    print("label counts:", dict(sorted(Counter(i.label for i in labelled).items())))

    trials = load_trial_abstracts([corpus / TRIALS])
    print(f"{len(trials)} trial abstracts (rct), grouped by article")

    started = time.perf_counter()
    scores = source_grouped_scores(labelled + trials)
    print(f"5-fold source-grouped CV took {time.perf_counter() - started:.1f} s\n")
    truth, predicted = scores["truth"], scores["predicted"]

    labels = [label for label in LABELS if label in set(truth) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    print(f"{'label':<21} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5}")
    for row in zip(labels, precision, recall, f1, support, strict=True):
        print(f"{row[0]:<21} {row[1]:6.3f} {row[2]:6.3f} {row[3]:6.3f} {row[4]:5d}")

    print("\nconfusion matrix (rows: indexing label, columns: text-only prediction)")
    short = [label[:6] for label in labels]
    print(" " * 21 + " ".join(f"{name:>6}" for name in short))
    for label, row in zip(labels, confusion_matrix(truth, predicted, labels=labels), strict=True):
        print(f"{label:<21}" + " ".join(f"{count:6d}" for count in row))

    type_labels = [label for label in PUBLICATION_TYPE_LABELS if label in set(truth)]
    macro = f1_score(truth, predicted, labels=type_labels, average="macro", zero_division=0)
    rct_p, rct_r, _, _ = precision_recall_fscore_support(
        truth, predicted, labels=["rct"], zero_division=0
    )

    started = time.perf_counter()
    model = load_model(MODEL_PATH)
    load_seconds = time.perf_counter() - started
    records = [item.record for item in labelled + trials]
    started = time.perf_counter()
    classify_designs(records, text_only=True, model=model)
    per_second = len(records) / (time.perf_counter() - started)
    print(f"\nshipped model: load {load_seconds:.3f} s, {per_second:,.0f} records/s (text only)")
    print(f"macro-F1 over {', '.join(type_labels)}")
    trial_scores = scores["single_design_recall"][Path(TRIALS).name]
    print(f"trial abstracts stating randomness: {trial_scores['stated_random']}")
    print(f"ei_rct_recall={trial_scores['recall']:.3f}")
    print(f"ei_rct_recall_stated={trial_scores['recall_stated_random']:.3f}")
    print(f"rct_recall={rct_r[0]:.3f}")
    print(f"rct_precision={rct_p[0]:.3f}")
    print(f"macro_f1={macro:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
