"""Each watch's relevance model on disk, beside the store: trained from the reviewers' topic
decisions (`litwatch train --relevance`), read by the review queue and the digest to put the
records likely not relevant last, each of them saying so."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from litwatch.classifiers.relevance import (
    RelevanceModel,
    fit_relevance,
    relevance_order,
    relevance_text,
    too_few,
)
from litwatch.config import Watch
from litwatch.core.errors import ConfigError
from litwatch.core.files import write_file
from litwatch.core.records import Record
from litwatch.core.review import TOPIC_VALUES


def relevance_path(db_path: Path, watch: str) -> Path:
    """Where a watch's relevance model lives: `relevance/WATCH.json` beside the store."""
    return Path(db_path).parent / "relevance" / f"{watch}.json"


def train_watch_relevance(store, watch: Watch) -> str:
    """Learn the watch's relevance model from its checked topic values (those that need a
    re-check left out) and write it; one line saying what was done, or why nothing was."""
    states = store.review_states(watch.name, watch.review)
    records = {v.record.pmid: v.record for v in store.latest_versions(watch.name)}
    texts, relevant = [], []
    for pmid, fields in sorted(states.items()):
        checked = fields["topic"].checked if "topic" in fields else None
        if checked is None or checked.needs_recheck or pmid not in records:
            continue
        texts.append(relevance_text(records[pmid]))
        relevant.append(checked.value == TOPIC_VALUES[0])
    why = too_few(sum(relevant), len(relevant) - sum(relevant))
    if why is not None:
        return f"relevance model for {watch.name} not trained: {why}; the order stays as it was"
    model = fit_relevance(watch.name, texts, relevant)
    path = relevance_path(store.path, watch.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(model.to_json(), sort_keys=True) + "\n")
    return (
        f"relevance model for {watch.name}: {model.relevant} relevant and {model.not_relevant}"
        f" not relevant reviewed records -> {path}"
    )


def load_relevance(db_path: Path, watch: str) -> RelevanceModel | None:
    """The watch's relevance model, None when none was trained; a damaged file is one line."""
    path = relevance_path(db_path, watch)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"relevance model {path}: cannot be read ({error})") from None
    try:
        return RelevanceModel.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError) as error:
        why = f"lacks {error}" if isinstance(error, KeyError) else str(error)
        raise ConfigError(
            f"relevance model {path}: damaged ({why}); retrain it: litwatch train --relevance"
        ) from None


def rank_records(
    db_path: Path, watch: str, records: Sequence[Record]
) -> tuple[list[str], set[str]]:
    """The records' PMIDs with those the watch's model finds likely not relevant last, and
    those PMIDs; the order given, and none lowered, without a model or with a damaged one."""
    keys = [record.pmid for record in records]
    try:
        model = load_relevance(db_path, watch)
    except ConfigError as damaged:
        # A damaged model must not stop the queue or a weekly run: the order stays, one line.
        logging.getLogger("litwatch.relevance").warning("%s; the order stays as it was", damaged)
        return keys, set()
    if model is None or not records:
        return keys, set()
    chance = dict(zip(keys, model.probabilities([relevance_text(r) for r in records]), strict=True))
    return relevance_order(keys, chance)


def digest_ranking(store, watch: str):
    """What the digest asks of the watch's relevance model: which of its records go last."""
    return lambda records: rank_records(store.path, watch, records)[1]
