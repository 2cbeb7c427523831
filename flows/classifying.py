"""classify: the step between the store and the digest, run by every flow that ingests, and
the task the weekly and backfill flows run it as.

The judging itself is pure (classifiers/judge.py); this module only picks what the store has
not classified under the watch's current definitions and saves the results back.
"""

from __future__ import annotations

from pathlib import Path

from litwatch.classifiers.design import DesignModel
from litwatch.classifiers.findings.model import findings_model_at
from litwatch.classifiers.judge import Judge
from litwatch.core.crash import crash_point
from litwatch.core.errors import StoreError
from litwatch.core.records import Record
from litwatch.flows.live import LIVE_INPUTS
from litwatch.store import Store
from prefect import task

from litwatch.config import Watch

_BATCH = 500  # record versions judged together: the design model vectorises a batch at once


def classify_pending(
    store: Store,
    watch: Watch,
    design_model: DesignModel,
    batch: int = _BATCH,
    findings_model: Path | None = None,
) -> int:
    """Classify every record version of the watch the store holds no current classification for
    (a new record version or edited definitions both count), with the design model the entry
    point resolved from the settings and the findings model of LITWATCH_FINDINGS_MODEL (None:
    the shipped one); return how many."""
    judge = Judge(
        watch.topic,
        watch.gaps,
        watch.findings_definition,
        findings_model_at(findings_model),
        design_model=design_model,
    )
    todo = store.unclassified(watch.name, judge.definitions_hash)
    for first in range(0, len(todo), batch):
        chunk = todo[first : first + batch]
        records = [_stored(store, pmid, version) for pmid, version in chunk]
        for (pmid, version), classification in zip(chunk, judge.classify(records), strict=True):
            store.save_classification(
                pmid, version, watch.name, judge.definitions_hash, classification
            )
    return len(todo)


def _stored(store: Store, pmid: str, version: int) -> Record:
    record = store.get_record(pmid, version)
    if record is None:  # the store listed it as unclassified a moment ago, in this one process
        raise StoreError(f"PMID {pmid} version {version} is listed but not stored")
    return record


@task(name="classify", **LIVE_INPUTS)
def classify_task(
    store: Store, watch: Watch, design_model: DesignModel, findings_model: Path | None = None
) -> int:
    """Classify every record version of the watch not yet classified under its definitions."""
    classified = classify_pending(store, watch, design_model, findings_model=findings_model)
    crash_point("classify")
    return classified
