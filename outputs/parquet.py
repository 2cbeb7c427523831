"""Classification results as Parquet, for bulk runs over baseline files: one row per record,
the columns a reviewer filters on first, the full attributes and gap calls as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from litwatch.core.classification import Classification
from litwatch.core.files import replace_file


def classification_schema(gap_names: Sequence[str]) -> pa.Schema:
    """The columns of a bulk classification file for a watch with these gaps."""
    columns: list[tuple[str, pa.DataType]] = [
        ("pmid", pa.string()),
        ("source_file", pa.string()),
        ("design", pa.string()),
        ("design_confidence", pa.float64()),
        ("design_source", pa.string()),
        ("design_evidence", pa.list_(pa.string())),
        ("topic_relevant", pa.bool_()),
        *((f"gap_{name}", pa.string()) for name in gap_names),  # addresses / partly / no
        ("attributes", pa.string()),  # JSON object
        ("gaps", pa.string()),  # JSON object: each gap's relevance, score and reasons
    ]
    return pa.schema(columns)


def classification_table(
    classifications: Sequence[Classification], source_file: str, schema: pa.Schema
) -> pa.Table:
    """Records' classifications (as `Judge.classify` returns them) as a table of `schema`."""
    gap_columns = [name for name in schema.names if name.startswith("gap_")]
    rows = [classification.to_json() for classification in classifications]
    columns: dict[str, list] = {
        "pmid": [row["pmid"] for row in rows],
        "source_file": [source_file] * len(rows),
        "design": [row["design"] for row in rows],
        "design_confidence": [row["design_confidence"] for row in rows],
        "design_source": [row["design_source"] for row in rows],
        "design_evidence": [row["design_evidence"] for row in rows],
        "topic_relevant": [row["topic_relevant"] for row in rows],
        **{
            column: [row["gaps"][column.removeprefix("gap_")]["relevance"] for row in rows]
            for column in gap_columns
        },
        "attributes": [json.dumps(row["attributes"], ensure_ascii=False) for row in rows],
        "gaps": [json.dumps(row["gaps"], ensure_ascii=False) for row in rows],
    }
    return pa.Table.from_pydict(columns, schema=schema)


@contextmanager
def parquet_writer(path: Path, schema: pa.Schema) -> Iterator[pq.ParquetWriter]:
    """A Parquet file that tables of `schema` are appended to as they come; it replaces `path`
    only when the block ends without an error, so a failed run leaves no partial results under
    the name a reader would trust (and writes through no link planted beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        replace_file(path) as handle,
        pq.ParquetWriter(handle, schema, compression="zstd") as writer,
    ):
        yield writer
