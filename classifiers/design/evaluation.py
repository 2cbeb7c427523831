"""How well the design model does on records it never saw: cross-validation grouped by source
file (and by article for one-design sets such as trial abstracts), scored per label against the
labels indexing gives, and recall on the trial abstracts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from litwatch.classifiers.design.model import ModelCall, cross_validated_calls
from litwatch.classifiers.design.pubtypes import PUBLICATION_TYPE_LABELS
from litwatch.classifiers.design.text import text_view
from litwatch.classifiers.design.training_data import LabelledRecord, training_weights
from litwatch.core.records import Record
from sklearn.metrics import f1_score, precision_recall_fscore_support

# Any word of random allocation, written independently of the classifier's own rules so that
# the "stated" subset is not defined by what the rules already catch.
_STATES_RANDOM = re.compile(r"(?<!non-)(?<!non)(?<!quasi-)\brandom(ly|i[sz]|\b)")


def states_random_allocation(record: Record) -> bool:
    """Whether the title or abstract says, in any words, that something was random."""
    return bool(_STATES_RANDOM.search(text_view(record).text))


def source_grouped_scores(labelled: Sequence[LabelledRecord], folds: int = 5) -> dict:
    """Per-label precision/recall/F1 of text-only predictions, CV grouped by source file.

    Labels are scored on the PubMed-labelled records only; one-design sets (trial abstracts)
    train every fold but are scored apart, as recall of their design."""
    examples = [(item.record, item.label) for item in labelled]
    calls = cross_validated_calls(
        examples, [item.group for item in labelled], folds, weights=training_weights(labelled)
    )
    mixed = [i for i, item in enumerate(labelled) if not item.single_design]
    truth = [labelled[i].label for i in mixed]
    predicted = [calls[i].label for i in mixed]
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
        "single_design_recall": single_design_recall(labelled, calls),
        "truth": truth,
        "predicted": predicted,
        "calls": calls,
    }


def single_design_recall(labelled: Sequence[LabelledRecord], calls: Sequence[ModelCall]) -> dict:
    """Held-out recall on each one-design set, overall and where the text states randomness."""
    scores: dict[str, dict] = {}
    for name in sorted({item.source_name for item in labelled if item.single_design}):
        rows = [
            (item, call)
            for item, call in zip(labelled, calls, strict=True)
            if item.single_design and item.source_name == name
        ]
        stated = [(item, call) for item, call in rows if states_random_allocation(item.record)]
        scores[name] = {
            "label": rows[0][0].label,
            "records": len(rows),
            "recall": _recall(rows),
            "stated_random": len(stated),
            "recall_stated_random": _recall(stated),
        }
    return scores


def _recall(rows: Sequence[tuple[LabelledRecord, ModelCall]]) -> float:
    if not rows:
        return 0.0
    return round(sum(call.label == item.label for item, call in rows) / len(rows), 4)
