"""The bodies of `litwatch findings` and `litwatch train-findings`: reading prompt files, printing
answers, and training the findings model from a labelled folder."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from litwatch.classifiers.findings.training import Prompt
from litwatch.core.errors import LitwatchError
from litwatch.core.files import write_file
from litwatch.core.records import Record
from litwatch.core.text import terminal_cell, visible_text
from litwatch.small_files import PROMPTS_FILE_LIMIT, read_small_file

PROMPT_COLUMNS = ("prompt_id", "pmid", "outcome", "intervention", "comparator")


def evidence_inference(folder: Path) -> tuple[dict, list[Prompt]]:
    """The benchmarks' Evidence Inference set: each abstract as the findings reader reads it,
    by PMID, and the prompts that carry a label."""
    from litwatch.classifiers.findings.text import read_abstract
    from litwatch.pubmed.formats import parse_file

    abstracts = {
        record.pmid: read_abstract(record) for record in parse_file(folder / "ei_dev_abstracts.xml")
    }
    return abstracts, [p for p in read_prompts(folder / "ei_dev_prompts.csv") if p.label]


def read_prompts(path: Path, *, labels: Sequence[str] = ()) -> list[Prompt]:
    """The prompts of a CSV with header prompt_id,pmid,outcome,intervention,comparator (other
    columns ignored; `label` and `evidence` kept when present); errors name file and line.

    Each `prompt_id` once, each column once. With `labels` (training), the header must have a
    `label` column and every row one of `labels`: an unknown one would be taught as a class."""
    raw = read_small_file(Path(path), "prompts CSV", PROMPTS_FILE_LIMIT, LitwatchError)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise LitwatchError(f"{path}: line {line}: not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    required = PROMPT_COLUMNS + (("label",) if labels else ())
    prompts = []
    first_line: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header is None:
            raise LitwatchError(f"{path}: line 1: empty file, expected a header row")
        header = [name.strip() for name in header]
        missing = [name for name in required if name not in header]
        if missing:
            raise LitwatchError(
                f"{path}: line 1: header lacks {', '.join(missing)} (expected {','.join(required)})"
            )
        twice = sorted({name for name in header if name and header.count(name) > 1})
        if twice:
            raise LitwatchError(
                f"{path}: line 1: column {', '.join(map(repr, twice))} appears more than once"
            )
        where = {name: header.index(name) for name in header}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise LitwatchError(
                    f"{path}: line {line}: {len(row)} fields, the header has {len(header)}"
                )
            values = {name: row[index].strip() for name, index in where.items()}
            if not values["prompt_id"] or not values["pmid"] or not values["outcome"]:
                raise LitwatchError(
                    f"{path}: line {line}: prompt_id, pmid and outcome must not be empty"
                )
            prompt_id = values["prompt_id"]
            if prompt_id in first_line:
                raise LitwatchError(
                    f"{path}: line {line}: prompt_id {_shown(prompt_id)} repeats line "
                    f"{first_line[prompt_id]}"
                )
            first_line[prompt_id] = line
            label = values.get("label", "")
            if labels and label not in labels:
                raise LitwatchError(
                    f"{path}: line {line}: label {_shown(label)} is not one of "
                    f"{', '.join(labels)} (prompt {_shown(prompt_id)})"
                )
            prompts.append(
                Prompt(
                    prompt_id,
                    values["pmid"],
                    values["outcome"],
                    values["intervention"],
                    values["comparator"],
                    label,
                    values.get("evidence", ""),
                )
            )
    except csv.Error as error:
        raise LitwatchError(f"{path}: line {reader.line_num}: malformed CSV ({error})") from None
    return prompts


def _shown(value: str) -> str:
    """A value from the file, quoted, cut and without control characters, for one error line."""
    printable = "".join(c if c.isprintable() else "?" for c in value)
    return repr(printable[:40] + ("..." if len(printable) > 40 else ""))


def run_train_findings(
    abstracts_file: Path,
    prompts_file: Path,
    out: Path,
    command: str,
    echo: TextIO,
    *,
    checked: Sequence[Prompt] = (),
    checked_records: Sequence[Record] = (),
) -> None:
    """Train the findings model on every labelled prompt, and on the domain calls reviewers
    checked (`checked`, read in `checked_records`, weighing CHECKED_WEIGHT each), and write it
    with its card."""
    from litwatch.classifiers.findings.model import LABELS, save_model
    from litwatch.classifiers.findings.text import read_abstract
    from litwatch.classifiers.findings.training import train_model
    from litwatch.pubmed.formats import parse_file

    labelled = read_prompts(prompts_file, labels=LABELS)
    abstracts = {record.pmid: read_abstract(record) for record in parse_file(abstracts_file)}
    prompts = [p for p in labelled if p.pmid in abstracts]
    if not prompts:
        raise LitwatchError(
            f"train-findings: none of the {len(labelled)} prompts of {prompts_file} names a PMID "
            f"among the {len(abstracts)} abstracts of {abstracts_file}"
        )
    card = {
        "trained_by": command,
        "abstracts": abstracts_file.name,
        "prompts": prompts_file.name,
        "n_prompts": len(prompts),
        "n_articles": len({p.pmid for p in prompts}),
        "labels": {label: sum(p.label == label for p in prompts) for label in LABELS},
    }
    for record in checked_records:
        abstracts.setdefault(record.pmid, read_abstract(record))
    checked = [p for p in checked if p.pmid in abstracts]
    card["reviewer_checked_labels"] = len(checked)
    model = train_model(abstracts, prompts, card, checked=checked)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, out)
    write_file(
        out.with_name(out.stem + "_card.json"),
        json.dumps(model.card, indent=2, sort_keys=True) + "\n",
    )
    write_file(out.with_name(out.stem + "_card.md"), _card_markdown(model.card))
    echo.write(
        f"findings model: {len(prompts)} prompts, {card['n_articles']} articles and"
        f" {len(checked)} reviewer-checked labels -> {out}\n"
    )


def run_findings(
    files: Sequence[Path],
    prompts_file: Path | None,
    fmt: str,
    watch_name: str | None,
    watches_file: Path | None,
    out: TextIO,
    err: TextIO | None = None,
    findings_model: Path | None = None,
) -> int:
    """Print what each record found (or each prompt's answer) by the findings model at
    `findings_model` (None: the shipped one); returns the rows written."""
    from litwatch.classifiers.findings.domains import read_findings_in
    from litwatch.classifiers.findings.key_finding import key_finding_in
    from litwatch.classifiers.findings.model import findings_model_at
    from litwatch.classifiers.findings.reader import effect_in
    from litwatch.classifiers.findings.text import read_abstract
    from litwatch.config import find_watch, load_watches
    from litwatch.pubmed.formats import parse_file

    if fmt not in FORMATS:
        raise LitwatchError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    prompts = read_prompts(prompts_file) if prompts_file is not None else None
    watch = find_watch(load_watches(watches_file), watch_name)[0]
    model = findings_model_at(findings_model)
    abstracts = {}
    for path in files:
        for record in parse_file(path):
            abstracts[record.pmid] = read_abstract(record)

    if prompts is not None:
        rows = []
        for prompt in prompts:
            abstract = abstracts.get(prompt.pmid)
            call = (
                effect_in(
                    abstract, prompt.outcome, prompt.intervention, prompt.comparator, model=model
                )
                if abstract is not None
                else None
            )
            rows.append(
                {
                    "prompt_id": prompt.prompt_id,
                    "pmid": prompt.pmid,
                    "label": call.label if call else "not-reported",
                    "evidence": call.evidence if call else "",
                    "confidence": call.confidence if call else 0.0,
                }
            )
        unknown = sum(1 for prompt in prompts if prompt.pmid not in abstracts)
        if unknown:
            (err or sys.stderr).write(
                f"litwatch: warning: {unknown} prompt(s) name a PMID not in the files; "
                "answered not-reported\n"
            )
        _write(rows, _ANSWER_COLUMNS, fmt, out)
        return len(rows)

    domains = watch.outcome_domains
    arms = watch.findings.intervention, watch.findings.comparator
    rows = []
    for pmid, abstract in abstracts.items():
        found = read_findings_in(abstract, domains, *arms, model=model)
        key = key_finding_in(abstract)
        if fmt == "jsonl":
            rows.append(
                {"pmid": pmid, "key_finding": key, "findings": [f.to_json() for f in found]}
            )
            continue
        for finding in found or [None]:
            row: dict[str, object] = {
                "pmid": pmid,
                "key_finding": key,
                **dict.fromkeys(_FINDING_COLUMNS[2:], ""),
            }
            if finding is not None:
                row |= finding.to_json()
            rows.append(row)
    _write(rows, _FINDING_COLUMNS, fmt, out)
    return len(rows)


def _card_markdown(card: dict) -> str:
    labels = ", ".join(f"{count} {label}" for label, count in card["labels"].items())
    return (
        "# Findings model\n\n"
        "Two logistic regressions (scikit-learn), saved with skops as plain weights: a sentence "
        "ranker (which sentence reports the outcome) and an effect classifier (increased, "
        "decreased or no difference in the intervention arm) over rule features.\n\n"
        f"* Trained by: `{card['trained_by']}`\n"
        f"* Data: {card['n_prompts']} prompts from {card['n_articles']} articles "
        f"({card['abstracts']}, {card['prompts']}): {labels}\n"
        f"* Effect classifier C = {card['effect_c']} (the most regularised within one standard "
        "error of the best macro-F1 of an inner article-grouped CV)\n"
        + (
            "* Confidence: the chance a call is right, from a logistic calibration fitted on "
            "out-of-fold calls (`benchmarks/review_budget.py` scores it)\n"
            if card.get("calibrated")
            else ""
        )
        + (
            f"* {card['n_checked']} reviewer-checked labels, each weighing "
            f"{card['checked_weight']} prompts in the effect classifier (a reviewer checks what "
            "a sentence says, not which sentence the ranker chose: they do not teach the ranker)\n"
            if card.get("n_checked")
            else "* 0 reviewer-checked labels\n"
        )
        + "* Scores: `python benchmarks/findings_eval.py` (5-fold article-grouped "
        "cross-validation; the model is retrained in each fold)\n"
    )


FORMATS = ("jsonl", "csv", "table")
_ANSWER_COLUMNS = ("prompt_id", "pmid", "label", "confidence", "evidence")
_FINDING_COLUMNS = (
    "pmid",
    "key_finding",
    "domain",
    "outcome",
    "effect",
    "direction",
    "confidence",
    "evidence",
)


def _write(rows: list[dict], columns: Sequence[str], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    elif fmt == "csv":
        # The digest CSV's rule: no cell a spreadsheet would run as a formula.
        from litwatch.outputs.csvexport import defuse

        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([defuse(_csv_cell(row[column])) for column in columns])
    else:
        widths = {column: len(column) for column in columns[:-1]}
        cells = [{c: _cell(row[c]) for c in columns} for row in rows]
        for row in cells:
            for column in columns[:-1]:
                widths[column] = min(max(widths[column], len(row[column])), 40)
        out.write(" ".join(f"{c:<{widths[c]}}" for c in columns[:-1]) + f" {columns[-1]}\n")
        for row in cells:
            line = " ".join(f"{row[c][:40]:<{widths[c]}}" for c in columns[:-1])
            out.write(f"{line} {row[columns[-1]]}\n")


def _csv_cell(value: object) -> object:
    # A prompts file's text reaches stdout here as well: no control or format character.
    return visible_text(value) if isinstance(value, str) else value


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return terminal_cell(value)
