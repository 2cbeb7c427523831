"""Read an efetch XML export (PubmedArticleSet) safely and hand out its article elements: an
export of a few MB as one tree, a larger one streamed in constant memory.

The parser never resolves entities, loads DTDs or touches the network, so a hostile file
can neither read local files (XXE) nor expand into gigabytes (billion laughs)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from litwatch.core.errors import ParseError
from litwatch.pubmed.formats import Source, open_source, put_back, unwrap_json_string
from lxml import etree

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")


def iter_article_elements(
    source: Source, *, source_name: str | None = None
) -> Iterator[etree._Element]:
    """Each PubmedArticle / PubmedBookArticle element of an efetch XML export.

    An element is valid only until the next iteration: a streamed one is then cleared to keep
    memory flat, so copy what you need (e.g. `etree.tostring(element)`) before asking for the
    next one."""
    stream, name = open_source(source, source_name)
    try:
        yield from article_elements(stream, name)
    finally:
        stream.close()


def article_elements(stream: IO[bytes], name: str) -> Iterator[etree._Element]:
    """The article elements of an opened export (`formats.open_source`); the caller closes it."""
    yield from _iter_elements(unwrap_json_string(stream, name), name)


# The parser options that keep a hostile file harmless (no entities, DTDs or network) and
# drop what a Record never holds.
_SAFE_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "collect_ids": False,
    "remove_comments": True,
    "remove_pis": True,
}
# An export up to this size is parsed as one tree, which libxml2 builds about a fifth faster
# than iterparse hands out the same elements; a larger one streams, so memory stays flat.
# Most efetch answers and corpus files are far below it.
_WHOLE_TREE_BYTES = 4 << 20


def _iter_elements(stream: IO[bytes], name: str) -> Iterator[etree._Element]:
    head, broken = _read_up_to(stream, _WHOLE_TREE_BYTES + 1)
    if broken is not None:  # a damaged or cut-off gzip stream: what came before it counts
        yield from _streamed_elements(io.BytesIO(head), name)
        raise ParseError(f"{name}: cannot be read to its end ({broken})")
    if len(head) > _WHOLE_TREE_BYTES:
        yield from _streamed_elements(put_back(head, stream), name)
        return
    try:
        root = etree.fromstring(head, etree.XMLParser(**_SAFE_OPTIONS))
    except etree.XMLSyntaxError:
        # Streamed instead, to yield the records before the break and say where it is.
        yield from _streamed_elements(io.BytesIO(head), name)
    else:
        yield from _tree_elements(root, name)


def _read_up_to(stream: IO[bytes], limit: int) -> tuple[bytes, Exception | None]:
    """(At most `limit` bytes of `stream`, the error that stopped the reading if one did).

    Read in blocks: one read(limit) would allocate the whole limit for every small file."""
    blocks = []
    remaining = limit
    try:
        while remaining > 0 and (block := stream.read(min(remaining, _READ_BLOCK))):
            blocks.append(block)
            remaining -= len(block)
    except (OSError, EOFError) as error:
        return b"".join(blocks), error
    return b"".join(blocks), None


_READ_BLOCK = 1 << 16


def _tree_elements(root: etree._Element, name: str) -> Iterator[etree._Element]:
    articles = 0
    # Articles are the root's children in an efetch export: looking only there spares a walk
    # over every element of every article.
    candidates = root if root.tag == "PubmedArticleSet" else root.iter(ARTICLE_TAGS)
    for element in candidates:
        if element.tag not in ARTICLE_TAGS:
            continue
        articles += 1
        yield element
    if articles == 0:
        _refuse_unless_article_set(root, name)


def _streamed_elements(stream, name: str) -> Iterator[etree._Element]:
    events = etree.iterparse(stream, events=("end",), tag=ARTICLE_TAGS, **_SAFE_OPTIONS)
    articles = 0
    try:
        for _, element in events:
            articles += 1
            yield element
            # Free the finished article and everything before it, so memory stays flat.
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except (etree.XMLSyntaxError, EOFError, OSError) as error:
        # OSError and EOFError come from a damaged or cut-off gzip stream.
        detail = error.msg if isinstance(error, etree.XMLSyntaxError) else str(error)
        message = (detail or "malformed XML").splitlines()[0]
        if articles:
            raise ParseError(
                f"{name}: XML breaks off after {articles} records ({message})"
            ) from None
        raise ParseError(f"{name}: not readable as PubMed XML ({message})") from None
    if articles == 0:
        _refuse_unless_article_set(events.root, name)


def _refuse_unless_article_set(root: etree._Element | None, name: str) -> None:
    """For an export without articles: fine if it is an empty PubmedArticleSet, else refused."""
    if root is None or root.tag != "PubmedArticleSet":
        found = f"root element <{root.tag}>" if root is not None else "no XML element"
        raise ParseError(f"{name}: not PubMed XML ({found})")
