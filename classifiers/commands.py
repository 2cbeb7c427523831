"""The body of `litwatch classify`; the Typer wrapper in litwatch/cli.py only parses arguments
and calls it. (`litwatch train` lives in the face: `litwatch.train_command`.)"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from litwatch.classifiers.design import DesignCall
from litwatch.classifiers.judge import Judge
from litwatch.core.errors import LitwatchError
from litwatch.core.records import Record

FORMATS = ("jsonl", "csv", "table")
_BATCH = 2000  # records classified together: big enough to vectorise, small enough for memory


def run_classify(
    files: Sequence[Path],
    text_only: bool,
    fmt: str,
    out: TextIO,
    judge: Judge,
) -> int:
    """Classify every record in `files` (design, attributes, topic, gaps); one row per record."""
    from litwatch.pubmed.formats import parse_file

    if fmt not in FORMATS:
        raise LitwatchError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    write = (
        _csv_writer(out) if fmt == "csv" else {"jsonl": _write_jsonl, "table": _write_table}[fmt]
    )
    count = 0
    for path in files:
        batch: list[Record] = []
        for record in parse_file(path):
            batch.append(record)
            if len(batch) == _BATCH:
                write(judge.judge(batch, text_only=text_only), out)
                count += len(batch)
                batch = []
        if batch:
            write(judge.judge(batch, text_only=text_only), out)
            count += len(batch)
    return count


def design_row(record: Record, call: DesignCall) -> dict:
    """The design part of the JSON object `classify` writes for one record."""
    return {
        "pmid": record.pmid,
        "design": call.label,
        "design_confidence": call.confidence,
        "design_source": call.source,
        "design_evidence": list(call.evidence),
    }


def _write_jsonl(rows: list[dict], out: TextIO) -> None:
    out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


_CSV_COLUMNS = (
    "pmid",
    "design",
    "design_confidence",
    "design_source",
    "design_evidence",
    "topic_relevant",
)


def _csv_writer(out: TextIO):
    # The digest CSV's rule, so a record's text (even its PMID) never runs as a spreadsheet formula.
    from litwatch.outputs.csvexport import defuse

    writer = csv.writer(out)
    header_written = False

    def write(rows: list[dict], _: TextIO) -> None:
        nonlocal header_written
        for row in rows:
            gaps = row.get("gaps", {})
            if not header_written:
                writer.writerow([*_CSV_COLUMNS, "attributes", *(f"gap_{name}" for name in gaps)])
                header_written = True
            values = [row[column] for column in _CSV_COLUMNS]
            values[4] = "; ".join(values[4])
            attributes = {k: v for k, v in row["attributes"].items() if k != "evidence"}
            values.append(json.dumps(attributes, ensure_ascii=False))
            values += [call["relevance"] for call in gaps.values()]
            writer.writerow([defuse(value) for value in values])

    return write


def _write_table(rows: list[dict], out: TextIO) -> None:
    for row in rows:
        gaps = ",".join(
            name for name, call in row.get("gaps", {}).items() if call["relevance"] != "no"
        )
        topic = "on-topic" if row["topic_relevant"] else "off-topic"
        evidence = "; ".join(row["design_evidence"])[:60]
        out.write(
            f"{row['pmid']:<10} {row['design']:<21} {row['design_confidence']:5.2f} "
            f"{row['design_source']:<17} {topic:<9} {gaps or '-':<30} {evidence}\n"
        )
