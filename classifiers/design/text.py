"""What the design classifier reads of a record: its title and abstract normalised (lower case,
no markup, NFKC), the abstract's section headings, and its sentences for the phrase rules."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from litwatch.core.records import Record

MAX_ABSTRACT_CHARS = 20_000  # longer abstracts add nothing but time

_TAG = re.compile(r"</?[a-zA-Z][^>]{0,40}>")
# Hyphens and dashes of every width read as "-" ("double–blind" is "double-blind").
_DASHES = re.compile("[\u2010-\u2015\u2212]")


@dataclass(frozen=True)
class TextView:
    """What the model reads of one record: normalised title and abstract, section headings."""

    title: str
    text: str
    sections: tuple[str, ...]
    has_registry_id: bool
    words: int
    sentences: tuple[str, ...] = ()
    sentence_starts: tuple[int, ...] = ()  # where each sentence begins in `text`


def text_view(record: Record) -> TextView:
    """The normalised title and abstract the text model reads."""
    title = normalise_text(record.title)
    abstract = normalise_text(record.abstract_text[:MAX_ABSTRACT_CHARS])
    sections = tuple(
        normalise_text(section.nlm_category or section.label) for section in record.abstract
    )
    sections += tuple(normalise_text(s.label) for s in record.abstract if s.nlm_category)
    text = f"{title} {abstract}"
    sentences = text.split(". ")
    starts = [0] * len(sentences)
    for index in range(1, len(sentences)):
        starts[index] = starts[index - 1] + len(sentences[index - 1]) + 2
    return TextView(
        title=title,
        text=text,
        sections=sections,
        has_registry_id=bool(record.registry_ids),
        words=abstract.count(" ") + 1 if abstract else 0,
        sentences=tuple(sentences),
        sentence_starts=tuple(starts),
    )


def normalise_text(text: str) -> str:
    """Lower-case text without inline markup or entities, in NFKC form, spaces collapsed."""
    # Most text has no markup: the test is cheaper than the pass it skips.
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text).lower()
    if not text.isascii():
        text = _DASHES.sub("-", text)
    # str.split() and the regex "\s" agree on what is white space (str.isspace); splitting and
    # joining collapses it several times faster than a substitution.
    return " ".join(text.split())
