"""Where a record gets its study design: NLM indexing when it says one, the text model otherwise.

The one entry for the rest of the pipeline is `classify_design` (and its batch form); both the
indexing mapping (`classifiers.pubtypes`) and the model (`classifiers.design_model`) sit behind
it, so a better model can replace the shipped one without touching any caller."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from litwatch.classifiers.design_model import DesignModel, load_model
from litwatch.classifiers.pubtypes import design_from_indexing
from litwatch.core.classification import DesignCall
from litwatch.core.records import Record

MODEL_PATH = Path(__file__).resolve().parent / "models" / "design.skops"

# NLM indexing is the reference labels are derived from; not 1.0, since indexers err too.
INDEXING_CONFIDENCE = 0.98

_shipped_model: DesignModel | None = None
_load_lock = threading.Lock()


def shipped_model() -> DesignModel:
    """The model shipped in classifiers/models/design.skops, loaded once per process."""
    global _shipped_model
    with _load_lock:
        if _shipped_model is None:
            _shipped_model = load_model(MODEL_PATH)
        return _shipped_model


def classify_design(
    record: Record, *, text_only: bool = False, model: DesignModel | None = None
) -> DesignCall:
    """The study design of one record; `text_only` ignores publication types and MeSH."""
    return classify_designs([record], text_only=text_only, model=model)[0]


def classify_designs(
    records: Iterable[Record], text_only: bool = False, model: DesignModel | None = None
) -> list[DesignCall]:
    """The study design of each record, the unindexed ones run through the model in one batch."""
    records = list(records)
    calls: list[DesignCall | None] = [None] * len(records)
    unindexed: list[int] = []
    for index, record in enumerate(records):
        indexed = None if text_only else _from_indexing(record)
        if indexed is None:
            unindexed.append(index)
        else:
            calls[index] = indexed
    if unindexed:
        chosen = model or shipped_model()
        batch: Sequence[Record] = [records[index] for index in unindexed]
        for index, call in zip(unindexed, chosen.predict(batch), strict=True):
            calls[index] = DesignCall(call.label, round(call.confidence, 4), "model", call.evidence)
    return calls  # type: ignore[return-value]


def _from_indexing(record: Record) -> DesignCall | None:
    design = design_from_indexing(record.publication_types, record.mesh_terms)
    if design is None:
        return None
    return DesignCall(design.label, INDEXING_CONFIDENCE, "publication_type", design.evidence)
