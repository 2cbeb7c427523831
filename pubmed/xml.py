"""Parse efetch XML (PubmedArticleSet) into Records: `xml_document` reads the export safely
and hands out its article elements, `xml_record` maps each element to a Record, and
`xml_batches` splits a large export for worker processes."""

from __future__ import annotations

from collections.abc import Iterator

from litwatch.core.records import Record
from litwatch.pubmed.formats import Source
from litwatch.pubmed.xml_batches import article_batches
from litwatch.pubmed.xml_document import ARTICLE_TAGS, iter_article_elements
from litwatch.pubmed.xml_record import record_from_element

__all__ = [
    "ARTICLE_TAGS",
    "article_batches",
    "iter_article_elements",
    "parse_xml",
    "record_from_element",
]


def parse_xml(source: Source, *, source_name: str | None = None) -> Iterator[Record]:
    """Records from efetch XML, one at a time.

    Records before a point where the file breaks off are yielded first; then ParseError."""
    for element in iter_article_elements(source, source_name=source_name):
        yield record_from_element(element)
