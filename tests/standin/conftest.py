"""Fixtures for the stand-in: corpora loaded once per session, servers started per test."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from urllib.request import urlopen

import pytest
from Bio import Entrez
from litwatch.pubmed.entrez import entrez_request
from litwatch.standin.corpus import Corpus, CorpusOptions, load_corpus
from litwatch.standin.testing import RunningStandIn, running_standin
from litwatch.standin.timeline import Replay
from litwatch.standin.versions import IndexingRevisions

INDEXING = IndexingRevisions(fraction=0.1, seed=7, lag_days=(14, 42))
REPLAY = Replay(start=datetime(2026, 9, 7), weeks=12, stream_from=datetime(2023, 1, 1).date())


def corpus_files(corpus: Path) -> list[Path]:
    return [corpus / "pubmed-xml", corpus / "ontopic" / "ontopic.xml"]


@pytest.fixture(scope="session")
def standin_corpus(corpus: Path) -> Corpus:
    """The shared corpus on real entrez dates, a tenth of its MEDLINE records indexed late."""
    return load_corpus(corpus_files(corpus), CorpusOptions(indexing=INDEXING))


@pytest.fixture(scope="session")
def replay_corpus(corpus: Path) -> Corpus:
    """The shared corpus replayed: records from 2023 on stream in over 12 weeks from 2026-09-07."""
    options = CorpusOptions(replay=REPLAY, indexing=IndexingRevisions(fraction=0.5, seed=3))
    return load_corpus(corpus_files(corpus), options)


@pytest.fixture(scope="session")
def replay() -> Replay:
    """How `replay_corpus` lays the corpus out in simulated time."""
    return REPLAY


@pytest.fixture(scope="session")
def big_corpus(corpus: Path) -> Corpus:
    """The shared corpus cloned up to 10,100 PMIDs, so one search can exceed 9,999 hits."""
    return load_corpus(corpus_files(corpus), CorpusOptions(expand_to=10_100))


@pytest.fixture
def standin(standin_corpus: Corpus) -> Iterator[RunningStandIn]:
    """A stand-in as NCBI behaves (rate limit on, no faults) over the shared corpus."""
    with running_standin(corpus=standin_corpus) as running:
        yield running


@pytest.fixture
def make_standin(standin_corpus: Corpus) -> Iterator[Callable[..., RunningStandIn]]:
    """Start stand-ins with other options (defaults to the shared corpus); all stop at teardown."""
    stack = []

    def make(corpus: Corpus | None = None, **options: object) -> RunningStandIn:
        context = running_standin(corpus=corpus or standin_corpus, **options)
        stack.append(context)
        return context.__enter__()

    yield make
    for context in reversed(stack):
        context.__exit__(None, None, None)


# Only a guard against a hung stand-in: no test here times these calls, and an efetch of 5,000
# records took over 10 s while other work loaded both cores.
CALL_TIMEOUT = 120


def call(running: RunningStandIn, utility: str, **params: object) -> bytes:
    """One E-utilities request built as the Entrez client builds it (GET, or POST for long id
    lists) over HTTP."""
    request = entrez_request(
        running.base_url + utility + ".fcgi",
        {"db": "pubmed", "email": "tests@example.org", "tool": "litwatch-tests", **params},
    )
    with urlopen(request, timeout=CALL_TIMEOUT) as response:
        return response.read()


def read(body: bytes) -> dict:
    """Parse with Bio.Entrez, validating every element against the DTDs Biopython ships."""
    return Entrez.read(io.BytesIO(body), validate=True)


@pytest.fixture(scope="session")
def eutil() -> Callable[..., bytes]:
    """`eutil(standin, "esearch", term=...)`: the raw answer body."""
    return call


@pytest.fixture(scope="session")
def entrez_read() -> Callable[[bytes], dict]:
    return read
