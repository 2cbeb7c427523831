"""The order a digest lists its records in: gap-addressing records first, then by strength of design."""

from __future__ import annotations

from collections.abc import Iterable

from litwatch.core.classification import DESIGN_LABELS, Classification
from litwatch.core.digest import DigestItem

# Strongest design first; anything not named here ranks with "the rest".
DESIGN_RANK: dict[str, int] = {
    "meta-analysis": 0,
    "systematic-review": 1,
    "rct": 2,
    "non-randomized-trial": 3,
    "cohort": 4,
    "case-control": 4,
    "cross-sectional": 4,
}
_REST = 5

# The reader's name of each design label.
READER_NAMES: dict[str, str] = {
    "meta-analysis": "Meta-analysis",
    "systematic-review": "Systematic review",
    "rct": "RCT",
    "non-randomized-trial": "Non-randomized trial",
    "cohort": "Cohort",
    "case-control": "Case-control",
    "cross-sectional": "Cross-sectional",
    "case-report": "Case report",
    "narrative-review": "Narrative review",
    "guideline": "Guideline",
    "protocol": "Protocol",
    "commentary": "Commentary",
    "preclinical": "Preclinical",
    "other": "Other",
}

# Every known design in reading order, for tables and charts that list all of them.
DESIGNS: tuple[str, ...] = tuple(
    sorted(DESIGN_LABELS, key=lambda d: (DESIGN_RANK.get(d, _REST), DESIGN_LABELS.index(d)))
)


def design_rank(design: str) -> int:
    """0 for the strongest design (meta-analysis), 5 for the rest."""
    return DESIGN_RANK.get(design, _REST)


def design_label(design: str) -> str:
    """The reader's name for a design label, e.g. "RCT"."""
    return READER_NAMES.get(design, design.replace("-", " ").capitalize() or "Other")


def gap_rank(classification: Classification | None) -> int:
    """0 if the record addresses a gap, 1 if it partly does, 2 otherwise."""
    gaps = classification.gaps if classification else {}
    relevances = {call.relevance for call in gaps.values()}
    if "addresses" in relevances:
        return 0
    if "partly" in relevances:
        return 1
    return 2


def order_items(items: Iterable[DigestItem]) -> tuple[DigestItem, ...]:
    """Gap-addressing records first, then strongest design, then newest publication; those
    the watch's relevance model ranked lower after all others, in the same order."""
    return tuple(
        sorted(
            items,
            key=lambda item: (
                bool(item.ranked_lower),
                gap_rank(item.classification),
                design_rank(item.design),
                -(item.record.publication_year or 0),
                item.record.pmid,
            ),
        )
    )
