"""Where a record gets its study design: NLM indexing when it says one, the text model otherwise.

The one entry for the rest of the pipeline is `classify_design` (and its batch form); both the
indexing mapping (`classifiers.design.pubtypes`) and the model (`classifiers.design.model`) sit behind
it, so a better model can replace the shipped one without touching any caller."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from litwatch.classifiers.design.features import structure_matrix
from litwatch.classifiers.design.model import DesignModel, ModelCall
from litwatch.classifiers.design.model_io import load_model
from litwatch.classifiers.design.pubtypes import design_from_indexing
from litwatch.classifiers.design.rules import deciding_rule
from litwatch.classifiers.design.text import text_view
from litwatch.core.classification import DesignCall
from litwatch.core.errors import ConfigError
from litwatch.core.records import Record

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "design.skops"

# NLM indexing is the reference labels are derived from; not 1.0, since indexers err too.
INDEXING_CONFIDENCE = 0.98

# What a plain `Review` publication type may be, by the review's own words: NLM had no type for
# systematic reviews before 2019, and indexes many since with `Review` alone.
SYNTHESIS_LABELS = frozenset({"systematic-review", "meta-analysis"})

# "Possible RCT": the top label is right less often than this on held-out records, and the
# calibrated RCT probability is at least this much (one in five).
UNCERTAIN_BELOW = 0.7
MATERIAL_RCT_PROBABILITY = 0.2

# Each model file read once per process (and again when the file changes): the entry point
# resolves the settings' model, and every classification is handed the model it is to use.
_loaded: dict[tuple[Path, int, int], DesignModel] = {}
_load_lock = threading.Lock()


def load_design_model(path: Path | None) -> DesignModel:
    """The model the LITWATCH_DESIGN_MODEL setting names (None: the shipped one), read once per
    version of its file; a missing or unreadable file is a ConfigError naming it."""
    path = Path(path) if path is not None else MODEL_PATH
    try:
        stat = path.stat()
    except OSError:
        return read_design_model(path)  # says why, in one line
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = read_design_model(path)
        return _loaded[key]


def read_design_model(path: Path) -> DesignModel:
    """The model saved at `path`; a missing or unreadable file is a ConfigError naming it."""
    try:
        return load_model(path)
    except FileNotFoundError:
        raise ConfigError(f"design model {path}: no such file (LITWATCH_DESIGN_MODEL)") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise ConfigError(f"design model {path}: cannot be read ({reason})") from None


def classify_design(record: Record, model: DesignModel, *, text_only: bool = False) -> DesignCall:
    """The study design of one record, by `model` where indexing says none; `text_only` ignores
    publication types and MeSH."""
    return classify_designs([record], model, text_only=text_only)[0]


def classify_designs(
    records: Iterable[Record], model: DesignModel, *, text_only: bool = False
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
        batch: Sequence[Record] = [records[index] for index in unindexed]
        for index, call in zip(unindexed, model.predict(batch), strict=True):
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
    if design.label == "narrative-review":
        # NLM's plain "Review" covers systematic reviews and meta-analyses not yet typed as such:
        # the abstract's own words (a search and the studies it included, pooling) say which.
        synthesis = _synthesis_named(record)
        if synthesis is not None:
            label, phrase = synthesis
            evidence = (*design.evidence, phrase)
            return DesignCall(label, INDEXING_CONFIDENCE, "publication_type", evidence)
    return DesignCall(design.label, INDEXING_CONFIDENCE, "publication_type", design.evidence)


def _synthesis_named(record: Record) -> tuple[str, str] | None:
    """The systematic review or meta-analysis a record indexed only as a `Review` says it is
    (a search and its included studies, pooling, the title), as the label and its phrase."""
    view = text_view(record)
    _, hits = structure_matrix([view])
    rule = deciding_rule(hits[0])
    if rule is None or rule.label not in SYNTHESIS_LABELS:
        return None
    return rule.label, f'{rule.where} phrase: "{hits[0][rule].group(0)}"'
