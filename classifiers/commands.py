"""The body of `litwatch train`; the Typer wrapper in litwatch/cli.py only parses arguments and
calls it. (`litwatch classify` lives in litwatch/classify_command.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from litwatch.classifiers.design_model import (
    cross_validated_predictions,
    save_model,
    train_design_model,
)
from litwatch.classifiers.pubtypes import PUBLICATION_TYPE_LABELS
from litwatch.classifiers.training_data import (
    ENTREZ_QUERIES,
    LabelledRecord,
    fetch_labelled,
    load_labelled,
)
from litwatch.core.errors import LitwatchError


def run_train(
    sources: Sequence[Path],
    out_model: Path,
    from_entrez_query: Iterable[str] | None = None,
    entrez_client=None,
    *,
    entrez_window: tuple[date, date] | None = None,
    trained_on: date | None = None,
    command: str = "",
    out: TextIO | None = None,
) -> dict:
    """Train the design model from labelled exports (and Entrez), save it and its cards.

    `from_entrez_query`: publication-type queries to fetch through `entrez_client` (an
    `pubmed.entrez.EntrezClient`); an empty list means the standard `ENTREZ_QUERIES`."""
    labelled = load_labelled(sources)
    if from_entrez_query is not None:
        if entrez_client is None:
            raise LitwatchError("train: Entrez queries given but no Entrez client configured")
        if entrez_window is None:
            raise LitwatchError("train: Entrez queries need a date window (mindate, maxdate)")
        queries = list(from_entrez_query) or list(ENTREZ_QUERIES)
        known = {item.record.pmid for item in labelled}
        mindate, maxdate = entrez_window
        fetched = fetch_labelled(entrez_client, queries, mindate=mindate, maxdate=maxdate)
        labelled += [item for item in fetched if item.record.pmid not in known]
    if not labelled:
        raise LitwatchError("train: no labelled records found in the given sources")
    examples = [(item.record, item.label) for item in labelled]
    names = sorted({item.source_name for item in labelled})
    model, card = train_design_model(examples, trained_on=trained_on, sources=names)
    card["command"] = command
    scores = source_grouped_scores(labelled)
    scores.pop("truth")
    scores.pop("predicted")
    card["cross_validation"] = scores
    out_model = Path(out_model)
    out_model.parent.mkdir(parents=True, exist_ok=True)
    model.card = card
    save_model(model, out_model)
    out_model.with_name(out_model.stem + "_card.json").write_text(
        json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    out_model.with_name(out_model.stem + "_card.md").write_text(card_markdown(card), "utf-8")
    if out is not None:
        out.write(f"trained on {card['examples']} records from {len(names)} files -> {out_model}\n")
    return card


def source_grouped_scores(labelled: Sequence[LabelledRecord], folds: int = 5) -> dict:
    """Per-label precision/recall/F1 of text-only predictions, CV grouped by source file."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

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


def card_markdown(card: dict) -> str:
    """The model card as Markdown, for people."""
    cv = card.get("cross_validation", {})
    lines = [
        "# Study-design model card",
        "",
        "Linear SVM (sigmoid-calibrated) over title + abstract TF-IDF, abstract structure and",
        "phrase-rule features; decisive phrases in which authors name their own design (a",
        "protocol, meta-analysis or systematic review in the title; random allocation; a",
        "patient's age or 'we report a case'; 'in this review') override the model. Labels",
        "come from NLM publication types and study MeSH through `classifiers/pubtypes.py`.",
        "",
        f"* Trained on: {card.get('trained_on')}",
        f"* Command: `{card.get('command', '')}`",
        f"* Examples: {card.get('examples')} (seed {card.get('seed')})",
        f"* Source files: {len(card.get('sources', []))}",
        f"* Labels left to rules (too few examples): {card.get('labels_left_to_rules')}",
        "",
        "## Label counts",
        "",
        "| label | records |",
        "| --- | ---: |",
        *(f"| {label} | {n} |" for label, n in card.get("label_counts", {}).items()),
        "",
        f"## Cross-validated, text only ({cv.get('folds')} folds grouped by source file)",
        "",
        "| label | precision | recall | F1 | support |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |"
            f" {m['support']} |"
            for label, m in cv.get("per_label", {}).items()
        ),
        "",
        "Macro-F1 over labels publication types define: "
        + str(cv.get("macro_f1_publication_type_labels")),
        "",
    ]
    return "\n".join(lines)
