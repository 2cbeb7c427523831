"""A store as a reviewer finds it: the shared on-topic trials, classified by the default watch
with the design model and reported by one digest, so they feed the summary's statements."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

MONDAY = datetime(2026, 11, 23, 7, 0)


def build_review_store(db_path: Path, corpus: Path, pmids: set[str] | None = None):
    """Fill `db_path` with the on-topic records (or these of them); returns the default watch."""
    from digest_steps import make_digest
    from litwatch.classifiers.design import load_design_model
    from litwatch.flows.classifying import classify_pending
    from litwatch.pubmed.xml import parse_xml
    from litwatch.store import Store

    from litwatch.config import load_watches

    watch = load_watches()[0]
    records = [
        r for r in parse_xml(corpus / "ontopic" / "ontopic.xml") if pmids is None or r.pmid in pmids
    ]
    with Store.open(db_path) as store:
        run = store.begin_run(watch.name, None, None, MONDAY)
        store.upsert_records(run, watch.name, records, MONDAY)
        classify_pending(store, watch, load_design_model(None))
        make_digest(store, watch, run, MONDAY)
    return watch


def statement_of(summary: dict, key: str) -> dict:
    """One statement of a summary.json by its key."""
    return next(s for s in summary["statements"] if s["key"] == key)


def write_csv(path: Path, rows) -> Path:
    """A review sheet as `litwatch review --import` takes it: pmid,field,value,reviewer,note."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pmid", "field", "value", "reviewer", "note"])
        writer.writerows(rows)
    return path
