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
    batch is parsed by `parse_xml`. Only article start tags are looked for here, not parsed:
    splitting must cost the one process that reads the file far less than the parsing and
    classifying it hands out (an lxml pass measured a twentieth of the classification time,
    this a hundredth). A malformed article is reported by the worker that parses its batch."""
    batch_size: BatchSize = size if callable(size) else lambda found, batched: size
    batched = 0
    stream, name = open_source(source, source_name)
    try:
        stream = unwrap_json_string(stream)
        pending = bytearray()
        starts: list[int] = []  # offsets of article start tags in `pending`
        searched = 0
        while block := stream.read(_BLOCK):
            pending += block
            # Look again a little before the old end: a start tag may straddle two blocks.
            for found in _ARTICLE_START.finditer(pending, max(0, searched - _TAG_OVERLAP)):
                if not starts or found.start() > starts[-1]:
                    starts.append(found.start())
            searched = len(pending)
            while len(starts) > (articles := max(1, batch_size(batched + len(starts), batched))):
                cut = starts[articles]
                batched += articles
                yield _article_set(memoryview(pending)[starts[0] : cut])
                del pending[:cut]
                starts = [offset - cut for offset in starts[articles:]]
                searched -= cut
            if not starts and len(pending) > _BLOCK:
                raise ParseError(f"{name}: not PubMed XML (no PubmedArticle in its first MB)")
    except (OSError, EOFError) as error:  # a damaged or cut-off gzip stream
        raise ParseError(f"{name}: cannot be read to its end ({error})") from None
    finally:
        stream.close()
    if starts:
        # To the end of the last article: what follows is the root's end tag (whichever the
        # root), perhaps DeleteCitation, and nothing a batch needs.
        ends = [found.end() for found in _ARTICLE_END.finditer(pending, starts[-1])]
        yield _article_set(memoryview(pending)[starts[0] : ends[-1] if ends else len(pending)])
    elif b"<PubmedArticleSet" not in pending:
        raise ParseError(f"{name}: not PubMed XML (no PubmedArticleSet)")


def shrinking_sizes(
    raw: IO[bytes], total_bytes: int, workers: int, *, largest: int, smallest: int
) -> BatchSize:
    """Batch sizes for a file of `total_bytes` read through `raw` (gzipped or not): a share of
    the articles not yet batched, estimated from how far into the file the reading is, between
    `smallest` and `largest` ("guided" scheduling).

    Large batches while much is left keep the per-batch cost (a task run each) small; small ones
    at the end keep every worker busy to the end, instead of one worker finishing a whole large
    last batch while the others idle."""

    def size(found: int, batched: int) -> int:
        read = raw.tell()
        expected = found * total_bytes / read if read else found
        left = max(expected - batched, 0.0)
        return int(min(largest, max(smallest, left / (2 * workers))))

    return size


_BLOCK = 1 << 20
_TAG_OVERLAP = len(b"<PubmedBookArticle ")
_ARTICLE_START = re.compile(rb"<Pubmed(?:Book)?Article[\s>]")
_ARTICLE_END = re.compile(rb"</Pubmed(?:Book)?Article\s*>")


def _article_set(articles: memoryview) -> bytes:
    # A view of the articles, not a slice: the batch's bytes are copied once, by the join. The
    # view ends with this call, before the buffer it looks into is cut.
    head = b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>'
    return b"".join([head, articles, b"</PubmedArticleSet>"])
