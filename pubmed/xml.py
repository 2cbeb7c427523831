"""Parse efetch XML (PubmedArticleSet) into Records: `xml_document` reads the export safely
and hands out its article elements, `xml_record` maps each element to a Record, and
`xml_batches` splits a large export for worker processes."""

from __future__ import annotations

from collections.abc import Iterator

from litwatch.core.errors import ParseError
from litwatch.core.records import Record
from litwatch.pubmed.formats import Source, open_source, with_valid_pmids
from litwatch.pubmed.xml_batches import article_batches
from litwatch.pubmed.xml_document import ARTICLE_TAGS, article_elements, iter_article_elements
from litwatch.pubmed.xml_record import record_from_element

__all__ = [
    "ARTICLE_TAGS",
    "article_batches",
    "iter_article_elements",
    "parse_xml",
    "record_from_element",
]


def parse_xml(source: Source, *, source_name: str | None = None) -> Iterator[Record]:
    """Records from efetch XML, one at a time; an article whose PMID is not a positive integer
    is skipped with a warning.

    Records before a point where the file breaks off are yielded first; then ParseError."""
    stream, name = open_source(source, source_name)
    try:
        yield from with_valid_pmids(_records(article_elements(stream, name), name), name)
    finally:
        stream.close()


def _records(elements: Iterator, name: str) -> Iterator[Record]:
    for position, element in enumerate(elements, 1):
        try:
            yield record_from_element(element)
        except ParseError as error:
            raise ParseError(f"{name}: article {position}: {error}") from None
