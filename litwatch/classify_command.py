"""The body of `litwatch classify`: read PubMed files, judge each record, print one row per record.

The Typer wrapper in litwatch/cli.py only parses arguments and calls `run_classify`. The JSON
each row is printed from is `Classification.to_json`, the shape the store keeps.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from litwatch.classifiers.judge import Judge
from litwatch.core.classification import Classification
from litwatch.core.errors import LitwatchError
from litwatch.core.records import Record
from litwatch.core.text import terminal_cell
from litwatch.outputs.csvexport import defuse
from litwatch.pubmed.formats import parse_file

FORMATS = ("jsonl", "csv", "table")
_BATCH = 2000  # records classified together: big enough to vectorise, small enough for memory

Writer = Callable[[list[Classification]], None]


def run_classify(
    files: Sequence[Path],
    text_only: bool,
    fmt: str,
    out: TextIO,
    judge: Judge,
) -> int:
    """Classify every record in `files` (design, attributes, topic, gaps); one row per record."""
    if fmt not in FORMATS:
        raise LitwatchError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    write = {"jsonl": jsonl_writer, "csv": csv_writer, "table": table_writer}[fmt](out)
    count = 0
    for path in files:
        batch: list[Record] = []
        for record in parse_file(path):
            batch.append(record)
            if len(batch) == _BATCH:
                write(judge.classify(batch, text_only=text_only))
                count += len(batch)
                batch = []
        if batch:
            write(judge.classify(batch, text_only=text_only))
            count += len(batch)
    return count


def jsonl_writer(out: TextIO) -> Writer:
    """One JSON object per line, as the store keeps it."""

    def write(classifications: list[Classification]) -> None:
        out.writelines(
            json.dumps(classification.to_json(), ensure_ascii=False) + "\n"
            for classification in classifications
        )

    return write


_CSV_COLUMNS = (
    "pmid",
    "design",
    "design_confidence",
    "design_source",
    "design_evidence",
    "topic_relevant",
)


def csv_writer(out: TextIO) -> Writer:
    """A header (with one column per gap of the first record), then one row per record."""
    writer = csv.writer(out)
    header_written = False

    def write(classifications: list[Classification]) -> None:
        nonlocal header_written
        for classification in classifications:
            if not header_written:
                gap_columns = (f"gap_{name}" for name in classification.gaps)
                writer.writerow([*_CSV_COLUMNS, "attributes", *gap_columns])
                header_written = True
            design = classification.design
            attributes = classification.attributes.to_json()
            del attributes["evidence"]
            values: list[object] = [
                classification.pmid,
                design.label,
                design.confidence,
                design.source,
                "; ".join(design.evidence),
                classification.topic_relevant,
                json.dumps(attributes, ensure_ascii=False),
                *(call.relevance for call in classification.gaps.values()),
            ]
            # The digest CSV's rule: a record's text (even its PMID) never runs as a formula.
            writer.writerow([defuse(value) for value in values])

    return write


def table_writer(out: TextIO) -> Writer:
    """Fixed-width lines for a terminal: PMID, design, confidence, source, topic, gaps, evidence."""

    def write(classifications: list[Classification]) -> None:
        for classification in classifications:
            design = classification.design
            gaps = ",".join(
                name for name, call in classification.gaps.items() if call.relevance != "no"
            )
            topic = "on-topic" if classification.topic_relevant else "off-topic"
            evidence = terminal_cell("; ".join(design.evidence))[:60]
            pmid, label, source = map(
                terminal_cell, (classification.pmid, design.label, design.source)
            )
            gaps = terminal_cell(gaps)
            out.write(
                f"{pmid:<10} {label:<21} {design.confidence:5.2f} "
                f"{source:<17} {topic:<9} {gaps or '-':<30} {evidence}\n"
            )

    return write
