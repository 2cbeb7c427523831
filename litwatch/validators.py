"""Checks the watch file's models share (`litwatch/config.py`, `litwatch/summary_words.py`,
`litwatch/attribute_words.py`): one place, so a message reads the same wherever it comes from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator


def unique_names(kind: str, items: Sequence[Any]) -> Any:
    """`items` unless two share a name: "What this changes", the summary and the conditions key
    by name."""
    seen: set[str] = set()
    for item in items:
        if item.name in seen:
            raise ValueError(f"{kind} name {item.name!r} is used twice")
        seen.add(item.name)
    return items


def terms(value: Sequence[str]) -> tuple[str, ...]:
    """Written terms, each stripped; ValueError for an empty one."""
    if any(not term.strip().strip("*") for term in value):
        raise ValueError("a term is empty")
    return tuple(term.strip() for term in value)


def _stripped_terms(value: object) -> object:
    return terms(value) if isinstance(value, (list, tuple)) else value


# A list of written terms in a watch file: each stripped, none empty, before the field's own
# checks (anything but a list is left to the type to refuse).
Terms = Annotated[tuple[str, ...], BeforeValidator(_stripped_terms)]
