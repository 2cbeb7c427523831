"""How well the design model does on records it never saw: cross-validation grouped by source
file, scored per label against the labels indexing gives."""

from __future__ import annotations

from collections.abc import Sequence

from litwatch.classifiers.design_model import cross_validated_predictions
from litwatch.classifiers.pubtypes import PUBLICATION_TYPE_LABELS
from litwatch.classifiers.training_data import LabelledRecord
from sklearn.metrics import f1_score, precision_recall_fscore_support


def source_grouped_scores(labelled: Sequence[LabelledRecord], folds: int = 5) -> dict:
    """Per-label precision/recall/F1 of text-only predictions, CV grouped by source file."""

    examples = [(item.record, item.label) for item in labelled]
    truth = [label for _, label in examples]
    predicted = cross_validated_predictions(examples, [i.source_name for i in labelled], folds)
    labels = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_label = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    type_labels = [label for label in PUBLICATION_TYPE_LABELS if label in labels]
    return {
        "folds": folds,
        "grouped_by": "source file",
        "per_label": per_label,
        "macro_f1_publication_type_labels": round(
            float(f1_score(truth, predicted, labels=type_labels, average="macro", zero_division=0)),
            4,
        ),
        "truth": truth,
        "predicted": predicted,
    }
