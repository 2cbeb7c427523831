"""An abstract read once for the findings readers: its sentences with their section, their
normalised words, and the abbreviations the abstract defines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from litwatch.classifiers.readers.spans import sentences
from litwatch.core.records import Record

# Section roles, from the journal's heading or NLM's category.
BACKGROUND, METHODS, RESULTS, CONCLUSIONS, OTHER, UNLABELLED = (
    "background",
    "methods",
    "results",
    "conclusions",
    "other",
    "",
)

# Checked in order: "METHODS AND RESULTS" and "METHODS AND FINDINGS" carry results.
_ROLE_WORDS = (
    (RESULTS, ("RESULT", "FINDING", "OUTCOME")),
    (CONCLUSIONS, ("CONCLU", "INTERPRETATION", "DISCUSSION", "SIGNIFICANCE", "IMPLICATION")),
    (
        METHODS,
        (
            "METHOD",
            "DESIGN",
            "SETTING",
            "PARTICIPANT",
            "PATIENT",
            "INTERVENTION",
            "MEASURE",
            "SUBJECT",
            "MATERIAL",
            "PROCEDURE",
            "ANALYSIS",
        ),
    ),
    (
        BACKGROUND,
        (
            "BACKGROUND",
            "INTRODUCTION",
            "OBJECTIVE",
            "AIM",
            "PURPOSE",
            "CONTEXT",
            "RATIONALE",
            "IMPORTANCE",
            "HYPOTHES",
        ),
    ),
)

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?", re.IGNORECASE)
# "vibration perception threshold (VPT)": the parenthesis right after a phrase names it.
_ABBREVIATION = re.compile(r"\(([A-Za-z][A-Za-z0-9\-/]{1,11})[;,)]")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "this",
        "that",
        "these",
        "those",
        "than",
        "then",
        "its",
        "their",
        "his",
        "her",
        "it",
        "into",
        "over",
        "after",
        "before",
        "during",
        "between",
        "among",
        "within",
        "versus",
        "vs",
        "per",
        "each",
        "both",
        "all",
        "any",
        "who",
        "which",
        "what",
        "when",
        "while",
        "group",
        "groups",
        "arm",
        "arms",
        "patients",
        "patient",
        "participants",
        "subjects",
        "study",
        "trial",
        "compared",
        "comparison",
    ]
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem, enough to match "scores"/"score", "reduced"/"reduction" is left alone."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The stemmed words of `text`, in order."""
    return [stem(w) for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """The stemmed words that carry meaning (no stopwords, no bare numbers)."""
    return [w for w in words(text) if w not in STOPWORDS and not w[0].isdigit()]


@dataclass(frozen=True)
class Sentence:
    text: str
    role: str  # the section role: background, methods, results, conclusions, other or ""
    index: int  # position in the abstract, 0-based
    position: float  # index / number of sentences, 0..1
    words: frozenset[str]


@dataclass(frozen=True)
class Abstract:
    title: str
    sentences: tuple[Sentence, ...]
    abbreviations: dict[str, str]  # "vpt" -> "vibration perception threshold"
    structured: bool
    vocabulary: frozenset[str]  # every content word of every sentence


def section_role(label: str, nlm_category: str = "") -> str:
    heading = (nlm_category or label).upper()
    if not heading:
        return UNLABELLED
    for role, keys in _ROLE_WORDS:
        if any(key in heading for key in keys):
            return role
    return OTHER


def read_abstract(record: Record) -> Abstract:
    """The record's abstract split once into sentences."""
    pieces: list[tuple[str, str]] = []
    for section in record.abstract:
        role = section_role(section.label, section.nlm_category)
        text = section.text
        for start, end in sentences(text):
            piece = text[start:end].strip()
            if piece:
                pieces.append((piece, role))
    count = max(len(pieces), 1)
    built = tuple(
        Sentence(text, role, index, index / count, frozenset(content_words(text)))
        for index, (text, role) in enumerate(pieces)
    )
    structured = any(s.role for s in built)
    vocabulary = frozenset().union(*(s.words for s in built))
    return Abstract(
        record.title, built, _abbreviations(record.title, pieces), structured, vocabulary
    )


def _abbreviations(title: str, pieces: list[tuple[str, str]]) -> dict[str, str]:
    """Abbreviations defined as "long form (LF)": the long form is the words before the
    parenthesis whose initials spell the abbreviation (or as many words as it has letters)."""
    found: dict[str, str] = {}
    for text in [title, *(p for p, _ in pieces)]:
        for match in _ABBREVIATION.finditer(text):
            short = match.group(1)
            letters = [c for c in short.lower() if c.isalpha()]
            if not letters or not any(c.isupper() for c in short):
                continue
            before = _WORD.findall(text[: match.start()])[-(len(letters) + 2) :]
            # Walk back to the word starting with the abbreviation's first letter.
            for back in range(min(len(before), len(letters) + 2), 0, -1):
                if before[-back][0].lower() == letters[0]:
                    found.setdefault(short.lower(), " ".join(before[-back:]).lower())
                    break
    return found
