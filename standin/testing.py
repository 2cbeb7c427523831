"""Run a stand-in in a background thread for tests and the demo: `with running_standin() as s:`."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import Request

from litwatch.standin.clock import Clock
from litwatch.standin.corpus import DEFAULT_CORPUS, Corpus, load_corpus
from litwatch.standin.faults import Faults
from litwatch.standin.requestlog import RequestLog
from litwatch.standin.server import (
    CONTROL_PATH,
    EUTILS_PATH,
    TOKEN_HEADER,
    StandIn,
    StandInOptions,
    base_url,
    start,
)
from litwatch.standin.versions import Version


@dataclass(frozen=True)
class RunningStandIn:
    """A live stand-in: where to reach it and the handles to steer and inspect it."""

    base_url: str  # e.g. "http://127.0.0.1:PORT/entrez/eutils/"
    standin: StandIn

    @property
    def clock(self) -> Clock:
        return self.standin.clock

    @property
    def log(self) -> RequestLog:
        return self.standin.log

    @property
    def faults(self) -> Faults:
        return self.standin.faults

    @property
    def corpus(self) -> Corpus:
        return self.standin.corpus

    @property
    def schedule(self) -> list[Version]:
        return self.standin.corpus.schedule

    @property
    def control_token(self) -> str:
        """What /_control/* requests carry in the X-Standin-Token header."""
        return self.standin.control_token

    def control_request(self, endpoint: str, body: bytes | None = None) -> Request:
        """A request to /_control/`endpoint` (POST with a body, GET without) carrying the token."""
        url = self.base_url.replace(EUTILS_PATH, CONTROL_PATH + endpoint)
        return Request(url, data=body, headers={TOKEN_HEADER: self.control_token})


@contextmanager
def running_standin(
    corpus_paths: Sequence[Path | str] = DEFAULT_CORPUS,
    *,
    corpus: Corpus | None = None,
    **options: Any,  # StandInOptions' fields, each of its own type
) -> Iterator[RunningStandIn]:
    """A stand-in on a free loopback port; pass `corpus` to reuse one already loaded."""
    settings = StandInOptions(**options)
    corpus = corpus or load_corpus(corpus_paths, settings.corpus_options())
    standin = StandIn(corpus, settings)
    server = start(standin)
    thread = threading.Thread(
        target=lambda: server.serve_forever(poll_interval=0.05), name="standin", daemon=True
    )
    thread.start()
    try:
        yield RunningStandIn(base_url(server), standin)
    finally:
        standin.stopping.set()  # wakes stalled requests so shutdown does not wait for them
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
