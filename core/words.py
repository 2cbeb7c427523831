"""The reader's words for litwatch's vocabulary tokens: what people read says "symptom scores"
and "indexed by NLM", while JSON and CSV keep `symptom-score` and `publication_type`."""

from __future__ import annotations

from collections.abc import Iterable

_WORDS = {
    # outcome domains of the shipped watches, where a format names a domain without its watch
    "symptom-score": "symptom scores",
    "pain-scale": "pain scales",
    "quality-of-life": "quality of life",
    "nerve-conduction": "nerve conduction",
    "vibration-threshold": "vibration threshold",
    "corneal-confocal": "corneal confocal microscopy",
    "sudomotor": "sudomotor function",
    "other": "other outcomes",
    # designs, where a sentence names one
    "rct": "RCT",
    # comparators (head-to-head is in the watch's words: `outputs/watch.WatchInfo.head_to_head`)
    "active": "another treatment",
    # where a design came from
    "publication_type": "indexed by NLM",
    "model": "from the text",
    # what a finding says
    "favours-intervention": "favours",
    "favours-comparator": "favours the comparator",
    "no-difference": "no difference",
    "unclear": "unclear",
}


def word(token: str) -> str:
    """One token in the reader's words; an unknown token loses its hyphens."""
    return _WORDS.get(token, token.replace("_", " ").replace("-", " "))


def first_upper(text: str) -> str:
    """Upper-case the first letter only, keeping "RCT" and "eGFR" as written."""
    return text[:1].upper() + text[1:]


def joined(items: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def words(tokens: Iterable[str]) -> str:
    """Tokens in the reader's words, joined as a sentence would: "pain scales and quality of life"."""
    return joined([word(token) for token in tokens])


WEEKS_PER_YEAR = 52.18


def length_words(weeks: float) -> str:
    """A study's length as a reader says it: "26 weeks", "52 weeks"; two years and more in
    years ("4.3 years", "5 years"), as nobody counts 223.6 weeks."""
    if weeks < 104:
        return f"{weeks:g} weeks"
    years = f"{weeks / WEEKS_PER_YEAR:.1f}".removesuffix(".0")
    return f"{years} years"
