"""Where a record gets its study design: NLM indexing when it says one, the text model otherwise.

The one entry for the rest of the pipeline is `classify_design` (and its batch form); both the
indexing mapping (`classifiers.design.pubtypes`) and the model (`classifiers.design.model`) sit behind
it, so a better model can replace the shipped one without touching any caller."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from litwatch.classifiers.design.model import DesignModel, ModelCall
from litwatch.classifiers.design.model_io import load_model
from litwatch.classifiers.design.pubtypes import design_from_indexing
from litwatch.classifiers.design.rules import PHRASE_RULES
from litwatch.classifiers.design.text import text_view
from litwatch.core.classification import DesignCall
from litwatch.core.errors import ConfigError
from litwatch.core.records import Record

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "design.skops"

# NLM indexing is the reference labels are derived from; not 1.0, since indexers err too.
INDEXING_CONFIDENCE = 0.98

# "Possible RCT": the top label is right less often than this on held-out records, and the
# calibrated RCT probability is at least this much (one in five).
UNCERTAIN_BELOW = 0.7
MATERIAL_RCT_PROBABILITY = 0.2

# The model this process classifies with: the shipped one unless the entry point names another
# (the LITWATCH_DESIGN_MODEL setting), each loaded once.
_model_path: Path = MODEL_PATH
_loaded: dict[Path, DesignModel] = {}
_load_lock = threading.Lock()


def use_design_model(path: Path | None) -> None:
    """Classify with the model at `path` from now on (None: the shipped model)."""
    global _model_path
    with _load_lock:
        _model_path = Path(path) if path is not None else MODEL_PATH


def model_in_use() -> DesignModel:
    """The model this process classifies with (the shipped classifiers/models/design.skops
    unless another is named), loaded once per process."""
    with _load_lock:
        path = _model_path
        if path not in _loaded:
            _loaded[path] = read_design_model(path)
        return _loaded[path]


def read_design_model(path: Path) -> DesignModel:
    """The model saved at `path`; a missing or unreadable file is a ConfigError naming it."""
    try:
        return load_model(path)
    except FileNotFoundError:
        raise ConfigError(f"design model {path}: no such file (LITWATCH_DESIGN_MODEL)") from None
    except (OSError, ValueError, KeyError) as error:
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise ConfigError(f"design model {path}: cannot be read ({reason})") from None


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
        chosen = model or model_in_use()
        batch: Sequence[Record] = [records[index] for index in unindexed]
        for index, call in zip(unindexed, chosen.predict(batch), strict=True):
            calls[index] = _from_model(call)
    return calls  # type: ignore[return-value]


def _from_model(call: ModelCall) -> DesignCall:
    possible_rct = (
        call.label != "rct"
        and call.confidence < UNCERTAIN_BELOW
        and call.rct_probability >= MATERIAL_RCT_PROBABILITY
    )
    return DesignCall(
        call.label,
        round(call.confidence, 4),
        "model",
        call.evidence,
        rct_probability=round(call.rct_probability, 4),
        runner_up="rct" if possible_rct else None,
    )


def _from_indexing(record: Record) -> DesignCall | None:
    design = design_from_indexing(record.publication_types, record.mesh_terms)
    if design is None:
        return None
    label, evidence = design.label, tuple(design.evidence)
    if label == "narrative-review":
        # NLM's plain "Review" covers systematic reviews not yet typed as such: one whose
        # abstract says the authors searched the literature and which studies qualified is one.
        searched = described_search(record)
        if searched:
            label, evidence = "systematic-review", (*evidence, *searched)
    return DesignCall(label, INDEXING_CONFIDENCE, "publication_type", evidence)


_INCLUSION = re.compile(
    r"\b(?:trials|studies|RCTs|articles|reports)\b[^.;]{0,40}\b(?:qualified|were included"
    r"|met (?:the |our )?(?:inclusion |eligibility )?criteria|were eligible|were selected)\b"
    r"|\b(?:included|identified|selected)\s+(?:\w+\s+){0,2}(?:trials|studies|RCTs)\b",
    re.IGNORECASE,
)


def described_search(record: Record) -> tuple[str, ...]:
    """The phrases saying the authors searched the literature and which studies qualified
    (both, or nothing): what makes a review systematic."""
    view = text_view(record)
    search = next((rule for rule in PHRASE_RULES if rule.name == "literature search"), None)
    found = search.search(view) if search is not None else None
    inclusion = _INCLUSION.search(view.text)
    if found is None or inclusion is None:
        return ()
    return (found.group(0), inclusion.group(0))
