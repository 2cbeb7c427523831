"""The body of `litwatch train`: gather labelled records (exports, and PubMed when asked), fit
the design model, score it by cross-validation, and write the model with its card."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from litwatch.classifiers.design.calibration import fit_calibration, reliability_table
from litwatch.classifiers.design.evaluation import source_grouped_scores
from litwatch.classifiers.design.model import ModelCall, learnable_labels, train_design_model
from litwatch.classifiers.design.model_io import save_model
from litwatch.classifiers.design.training_data import (
    CHECKED_DESIGN_WEIGHT,
    SINGLE_DESIGN_SHARE,
    LabelledRecord,
    training_weights,
)
from litwatch.core.errors import LitwatchError
from litwatch.core.files import write_file
from litwatch.progress import Update
from litwatch.training_sources import (
    EntrezSample,
    load_labelled,
    load_trial_abstracts,
    sample_entrez,
)


def run_train(
    sources: Sequence[Path],
    out_model: Path,
    *,
    trials: Sequence[Path] = (),
    checked: Sequence[LabelledRecord] = (),
    entrez_client=None,
    entrez_sample: EntrezSample | None = None,
    entrez_folder: Path | None = None,
    trained_on: date | None = None,
    command: str = "",
    out: TextIO | None = None,
    progress: Update | None = None,
) -> dict:
    """Train the design model from labelled exports, trial abstracts and (with a sample plan) a
    stratified sample of PubMed; calibrate it on held-out folds; save it with its cards.

    `checked` are designs reviewers checked in the store: the model learns from them (weighed
    CHECKED_DESIGN_WEIGHT each), the cross-validation and calibration do not, since they score
    and map the labels NLM's indexing gives."""
    labelled = load_labelled(sources)
    if entrez_sample is not None:
        if entrez_client is None or entrez_folder is None:
            raise LitwatchError("train: an Entrez sample needs a client and a folder to keep it in")
        known = {item.record.pmid for item in labelled}
        fetched = sample_entrez(entrez_client, entrez_folder, entrez_sample, progress)
        labelled += [item for item in fetched if item.record.pmid not in known]
    if not labelled:
        raise LitwatchError("train: no labelled records found in the given sources")
    labelled += load_trial_abstracts(trials)
    names = sorted({item.source_name for item in labelled})
    # Cross-validation first: records it cannot split into learnable folds are refused in one
    # line before any model is fitted.
    scores = source_grouped_scores(labelled)
    learnt = [*labelled, *checked]
    examples = [(item.record, item.label) for item in learnt]
    model, card = train_design_model(
        examples, trained_on=trained_on, sources=names, weights=training_weights(learnt)
    )
    card["reviewer_checked_labels"] = len(checked)
    card["reviewer_checked_weight"] = CHECKED_DESIGN_WEIGHT
    card["command"] = command
    card["trial_abstracts"] = sum(item.single_design for item in labelled)
    card["single_design_share"] = SINGLE_DESIGN_SHARE
    calls, truth = _pubmed_labelled(labelled, scores.pop("calls"))
    scores.pop("truth")
    scores.pop("predicted")
    card["cross_validation"] = scores
    groups = [item.group for item in labelled if not item.single_design]
    card["reliability"] = reliability_table(calls, truth, groups)
    judged = learnable_labels(truth)
    card["reliability_left_out"] = {
        label: sum(call.label == label for call in calls)
        for label in sorted({call.label for call in calls} - judged)
    }
    model.calibration = fit_calibration(calls, truth)
    card["calibration"] = model.calibration.to_json()
    out_model = Path(out_model)
    out_model.parent.mkdir(parents=True, exist_ok=True)
    model.card = card
    save_model(model, out_model)
    write_file(
        out_model.with_name(out_model.stem + "_card.json"),
        json.dumps(card, indent=2, sort_keys=True) + "\n",
    )
    write_file(out_model.with_name(out_model.stem + "_card.md"), card_markdown(card))
    if out is not None:
        out.write(
            f"trained on {card['examples']} records from {len(names)} files and"
            f" {len(checked)} reviewer-checked labels -> {out_model}\n"
        )
    return card


def _pubmed_labelled(labelled: Sequence[LabelledRecord], calls: Sequence[ModelCall]):
    # Calibration learns from the records whose labels come in PubMed's own mix of designs; a
    # one-design set would teach it that every uncertain abstract is a trial.
    rows = [(c, i.label) for i, c in zip(labelled, calls, strict=True) if not i.single_design]
    return [c for c, _ in rows], [label for _, label in rows]


def card_markdown(card: dict) -> str:
    """The model card as Markdown, for people."""
    cv = card.get("cross_validation", {})
    lines = [
        "# Study-design model card",
        "",
        "Linear SVM (sigmoid-calibrated) over title + abstract TF-IDF, abstract structure and",
        "phrase-rule features; decisive phrases in which authors name their own design (a",
        "protocol, meta-analysis or systematic review in the title; random allocation of the",
        "study's own participants; a patient's age or 'we report a case'; 'in this review'; a",
        "cross-sectional, case-control or retrospective study, a survey or an experiment in named",
        "laboratory animals, in the authors' words) override the model.",
        "A secondary or post-hoc analysis of a trial's participants counts",
        "as the trial, as NLM indexes it; a title that calls the paper a review keeps the model",
        "(though not a decisive phrase) from calling it a trial. Labels come from NLM",
        "publication types and study MeSH through",
        "`classifiers/design/pubtypes.py`; abstracts from a randomised-trial set join as `rct`",
        "examples, weighted together as "
        + f"{card.get('single_design_share')} times the PubMed-labelled RCTs so the label's",
        "prior stays PubMed's. `design_confidence` is mapped to held-out accuracy (isotonic, fitted",
        "on the cross-validation calls of the PubMed-labelled records).",
        "",
        f"* Trained on: {card.get('trained_on')}",
        f"* Command: `{card.get('command', '')}`",
        f"* Examples: {card.get('examples')} (seed {card.get('seed')})",
        f"* Source files: {len(card.get('sources', []))}",
        f"* Labels left to rules (too few examples): {card.get('labels_left_to_rules')}",
        f"* Trial abstracts (`rct`, counted in the table below): {card.get('trial_abstracts', 0)}",
        (
            f"* {card.get('reviewer_checked_labels', 0)} reviewer-checked labels, each weighing"
            f" {card.get('reviewer_checked_weight', CHECKED_DESIGN_WEIGHT)} records (learnt from,"
            " not in the cross-validation)"
        ),
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
        "Held-out recall on one-design sets (scored apart from the table above):",
        "",
        *(
            f"* {name}: {m['label']} recall {m['recall']:.3f} over {m['records']} records;"
            f" {m['recall_stated_random']:.3f} over the {m['stated_random']} that state randomness"
            for name, m in cv.get("single_design_recall", {}).items()
        ),
        "",
        "## Reliability of `design_confidence` (held-out, PubMed-labelled records)",
        "",
        "Calibrated columns are cross-fitted: each half of the source files is mapped by a",
        "calibration fitted on the other half.",
        "",
        "| confidence band | calls (raw) | stated | right | calls (calibrated) | stated | right |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {row['band']} | {row['raw_calls']} | {_cell(row['raw_confidence'])} |"
            f" {_cell(row['raw_accuracy'])} | {row['calibrated_calls']} |"
            f" {_cell(row['calibrated_confidence'])} | {_cell(row['calibrated_accuracy'])} |"
            for row in card.get("reliability", [])
        ),
        "",
        *_left_out(card.get("reliability_left_out", {})),
    ]
    return "\n".join(lines)


def _left_out(calls_by_label: dict[str, int]) -> list[str]:
    if not calls_by_label:
        return []
    calls = ", ".join(f"{n} of `{label}`" for label, n in calls_by_label.items())
    return [
        (
            f"Left out of the table and the maps: {calls}, calls of labels the held-out records hold"
            " too few of to judge."
        ),
        "",
    ]


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
