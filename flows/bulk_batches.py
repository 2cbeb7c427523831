"""The work of one bulk batch on a Dask worker: parse its articles and classify them into an
Arrow table. Plain functions, imported by the workers without Prefect: a batch is a Dask task,
not a Prefect task run (`flows/bulk.py` says why)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from litwatch.config import Watch

_judges: dict[str, tuple[Watch, Any]] = {}


def judge_for(watch_json: str, design_model: Path | None, findings_model: Path | None = None):
    """(the watch, its Judge) for the watch given as JSON, with the design model at
    `design_model` and the findings model at `findings_model` (None: the shipped ones),
    compiled once per worker process."""
    from litwatch.classifiers.design import load_design_model
    from litwatch.classifiers.findings.model import findings_model_at
    from litwatch.classifiers.judge import Judge

    key = f"{watch_json} {design_model} {findings_model}"
    if key not in _judges:
        watch = Watch.model_validate_json(watch_json)
        _judges[key] = (
            watch,
            Judge(
                watch.topic,
                watch.gaps,
                watch.findings_definition,
                findings_model_at(findings_model),
                design_model=load_design_model(design_model),
            ),
        )
        # The Judge and all the worker imported live as long as the worker. Frozen out of the
        # collector's reach, they are no longer walked by each full collection, which cost a
        # tenth of a batch's CPU and, run by two workers at once, slowed both on shared caches
        # (benchmarks/bulk.py).
        gc.freeze()
    return _judges[key]


def classify_batch(
    xml: bytes | Path,
    source_file: str,
    watch_json: str,
    text_only: bool,
    design_model: Path | None = None,
    findings_model: Path | None = None,
):
    """Parse one batch of articles (its XML, or the scratch file it was spooled to on this
    machine) and classify it with the `classify` command's Judge and the settings' models
    (paths: each worker process reads them once), as a table of the Parquet file's schema.

    The watch comes as its JSON: a string is pickled as it is, where a Watch is hundreds of
    nested models."""
    from litwatch.outputs.parquet import classification_schema, classification_table
    from litwatch.pubmed.xml import parse_xml

    watch, judge = judge_for(watch_json, design_model, findings_model)  # first: see judge_for
    if isinstance(xml, Path):
        xml = xml.read_bytes()
    records = list(parse_xml(xml, source_name=source_file))
    classifications = judge.classify(records, text_only=text_only)
    schema = classification_schema([gap.name for gap in watch.gaps])
    return classification_table(classifications, source_file, schema)
