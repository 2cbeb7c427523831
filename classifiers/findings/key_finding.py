"""A record's key finding: the one sentence a reader should see first, its main result or
conclusion, short enough for a digest line."""

from __future__ import annotations

import re

from litwatch.classifiers.findings.text import CONCLUSIONS, RESULTS, Abstract, read_abstract
from litwatch.core.records import Record

LIMIT = 280
# Sentences that close an abstract without saying what it found.
_NOT_A_FINDING = re.compile(
    r"^\s*(?:trial\s+registration|registration|clinical\s*trials?\.gov|funding|"
    r"(?:this\s+)?trial\s+(?:is|was)\s+registered|isrctn|nct\d|electronic\s+supplementary)",
    re.IGNORECASE,
)


def key_finding(record: Record) -> str:
    """The record's main result or conclusion in at most 280 characters ("" without abstract)."""
    return key_finding_in(read_abstract(record))


def key_finding_in(abstract: Abstract) -> str:
    candidates = [s for s in abstract.sentences if not _NOT_A_FINDING.match(s.text)]
    conclusions = [s for s in candidates if s.role == CONCLUSIONS]
    results = [s for s in candidates if s.role == RESULTS]
    if conclusions:
        chosen = conclusions[0].text
    elif results:
        chosen = results[-1].text
    elif candidates and not abstract.structured:
        # An unstructured abstract states its conclusion last.
        chosen = candidates[-1].text
    else:
        return ""
    return shorten(chosen)


def shorten(text: str, limit: int = LIMIT) -> str:
    """`text` cut at a word boundary to at most `limit` characters, an ellipsis marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"
