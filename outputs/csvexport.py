"""CSV export of a digest's records (pandas), safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from litwatch.core.classification import Classification
from litwatch.core.records import Record
from litwatch.outputs.view import attribute_texts, record_view
from litwatch.outputs.watch import WatchInfo

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "pmid", "title", "journal", "date", "design", "design_confidence", "design_source",
    "n_participants", "follow_up", "treatment", "comparator", "outcomes",
    "gaps", "key_finding", "findings", "registry_ids", "doi", "url", "checked",
)  # fmt: skip


def defuse(value: object) -> object:
    """Prefix a quote to a text cell a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _row(record: Record, classification: Classification | None, watch: WatchInfo) -> dict:
    view = record_view(record, classification, watch)
    attributes = attribute_texts(classification)
    return {
        "pmid": view["pmid"],
        "title": view["title"],
        "journal": view["journal"],
        "date": view["date"],
        "design": view["design"],
        "design_confidence": view["design_confidence"],
        "design_source": view["design_source"],
        "n_participants": attributes.get("n_participants", ""),
        "follow_up": attributes.get("follow_up_weeks", ""),
        "treatment": attributes.get("treatment", ""),
        "comparator": attributes.get("comparator", ""),
        "outcomes": attributes.get("outcomes", ""),
        "gaps": "; ".join(f"{gap['name']} ({gap['relevance']})" for gap in view["gaps"]),
        "key_finding": view["key_finding"],
        "findings": "; ".join(f"{f['domain']}: {f['direction']}" for f in view["findings"]),
        "registry_ids": "; ".join(view["registry_ids"]),
        "doi": view["doi"],
        "url": view["url"],
        "checked": view["checked"],
    }


def records_to_csv(
    records_with_classifications: Iterable[tuple[Record, Classification | None]],
    watch: WatchInfo,
) -> str:
    """One row per record, one column per key attribute; formula-looking cells defused."""
    rows = [
        _row(record, classification, watch)
        for record, classification in records_with_classifications
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.map(defuse).to_csv(index=False, lineterminator="\r\n")
