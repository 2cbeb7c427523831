"""Split an efetch XML export into PubmedArticleSet documents of a few articles each, at the
byte level, for spreading a large file (a MEDLINE baseline file) over worker processes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import IO

from litwatch.core.errors import ParseError
from litwatch.pubmed.formats import Source, open_source, unwrap_json_string

# How many articles the next batch takes: (articles found so far, articles already in batches).
BatchSize = Callable[[int, int], int]


def article_batches(
    source: Source, size: int | BatchSize, *, source_name: str | None = None
) -> Iterator[bytes]:
    """The articles of an efetch XML export as PubmedArticleSet documents of `size` articles each
    (or as many as `size(found, batched)` says when each is cut, as `shrinking_sizes` does).

    For spreading a large file (a MEDLINE baseline file) over worker processes, where each
    batch is parsed by `parse_xml`. `article_batch_pieces` gives each batch as the buffers it is
    made of, to be written without being joined."""
    for pieces in article_batch_pieces(source, size, source_name=source_name):
        yield b"".join(pieces)


def article_batch_pieces(
    source: Source, size: int | BatchSize, *, source_name: str | None = None
) -> Iterator[list[bytes | memoryview]]:
    """`article_batches`, each batch as the pieces that make its document, in order: the
    XML head, views into the blocks read, the root's end tag.

    Only article start tags are looked for here, not parsed: splitting must cost the one
    process that reads the file far less than the parsing and classifying it hands out. The
    blocks read are never copied here: a baseline file inflates to about 450 MB, and each copy
    of it cost this process about 0.3 CPU s (benchmarks/bulk.py), taken from the workers on a
    machine whose cores they fill. A malformed article is reported by the worker that parses
    its batch."""
    batch_size: BatchSize = size if callable(size) else lambda found, batched: size
    batched = 0
    stream, name = open_source(source, source_name)
    blocks = _Blocks()
    try:
        stream = unwrap_json_string(stream)
        while block := stream.read(_BLOCK):
            blocks.add(block)
            while len(blocks.starts) > (
                articles := max(1, batch_size(batched + len(blocks.starts), batched))
            ):
                batched += articles
                yield _article_set(blocks.cut(articles))
            if not blocks.starts and blocks.held > _FIRST_LOOK:
                raise ParseError(f"{name}: not PubMed XML (no PubmedArticle in its first MB)")
    except (OSError, EOFError) as error:  # a damaged or cut-off gzip stream
        raise ParseError(f"{name}: cannot be read to its end ({error})") from None
    finally:
        stream.close()
    rest = blocks.rest()
    if blocks.starts:
        # To the end of the last article: what follows is the root's end tag (whichever the
        # root), perhaps DeleteCitation, and nothing a batch needs.
        first = blocks.starts[0] - blocks.offset
        ends = [
            found.end() for found in _ARTICLE_END.finditer(rest, blocks.starts[-1] - blocks.offset)
        ]
        yield _article_set([memoryview(rest)[first : ends[-1] if ends else len(rest)]])
    elif b"<PubmedArticleSet" not in rest:
        raise ParseError(f"{name}: not PubMed XML (no PubmedArticleSet)")


class _Blocks:
    """The blocks read and not yet handed out in a batch, with the offsets (from the start of
    the stream) of the article start tags found in them."""

    def __init__(self) -> None:
        self.blocks: list[bytes] = []
        self.offset = 0  # where the first held block begins in the stream
        self.held = 0  # bytes held
        self.starts: list[int] = []  # article start tags not yet handed out

    def add(self, block: bytes) -> None:
        end = self.offset + self.held
        if self.blocks:
            # A start tag that straddles blocks: looked for in their joined edges only.
            tail = b""
            for held in reversed(self.blocks):  # more than one if blocks were short
                tail = held[-_TAG_OVERLAP:] + tail
                if len(tail) >= _TAG_OVERLAP:
                    break
            tail = tail[-_TAG_OVERLAP:]
            edge = tail + block[:_TAG_OVERLAP]
            self.starts += [
                end - len(tail) + found.start()
                for found in _ARTICLE_START.finditer(edge)
                if found.start() < len(tail) < found.end()
            ]
        self.starts += [end + found.start() for found in _ARTICLE_START.finditer(block)]
        self.blocks.append(block)
        self.held += len(block)

    def cut(self, articles: int) -> list[memoryview]:
        """Views of the first `articles` articles held, which are then no longer held."""
        begin, end = self.starts[0], self.starts[articles]
        del self.starts[:articles]
        pieces: list[memoryview] = []
        while self.blocks:
            block = self.blocks[0]
            block_end = self.offset + len(block)
            if begin < block_end:
                pieces.append(memoryview(block)[max(begin - self.offset, 0) : end - self.offset])
            if end < block_end:
                break
            self.blocks.pop(0)
            self.offset = block_end
            self.held -= len(block)
        return pieces

    def rest(self) -> bytes:
        """Everything still held, as one buffer (the end of the stream: a small last batch)."""
        return b"".join(self.blocks)


def shrinking_sizes(
    raw: IO[bytes], total_bytes: int, workers: int, *, largest: int, smallest: int
) -> BatchSize:
    """Batch sizes for a file of `total_bytes` read through `raw` (gzipped or not): a share of
    the articles not yet batched, estimated from how far into the file the reading is, between
    `smallest` and `largest` ("guided" scheduling).

    Large batches while much is left keep the per-batch cost (a Dask task each) small; small ones
    at the end keep every worker busy to the end, instead of one worker finishing a whole large
    last batch while the others idle."""

    def size(found: int, batched: int) -> int:
        read = raw.tell()
        expected = found * total_bytes / read if read else found
        left = max(expected - batched, 0.0)
        return int(min(largest, max(smallest, left / (2 * workers))))

    return size


_BLOCK = 1 << 20  # read at a time
_FIRST_LOOK = 1 << 20  # read without an article start: not PubMed XML
_TAG_OVERLAP = len(b"<PubmedBookArticle ")
_ARTICLE_START = re.compile(rb"<Pubmed(?:Book)?Article[\s>]")
_ARTICLE_END = re.compile(rb"</Pubmed(?:Book)?Article\s*>")


def _article_set(articles: list[memoryview]) -> list[bytes | memoryview]:
    return [
        b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>',
        *articles,
        b"</PubmedArticleSet>",
    ]
