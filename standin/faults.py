"""Fault injection: which E-utilities requests fail, and how, decided before a request is answered.

Random faults come from a generator seeded once, with exactly two draws per request, so the
same request sequence meets the same faults. Forced faults ("the next N requests get X") go
first. A fault only ever replaces or delays an answer; it never changes the data of one that
succeeds.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable

FAULT_KINDS = (
    "429",  # a rate-limit refusal although the client kept to the limit
    "500",
    "502",
    "503",  # HTTP errors with NCBI's HTML error page
    "stall",  # answer only after `stall_seconds` (past a client's timeout)
    "drop",  # wait `stall_seconds`, then close the connection without an answer
    "truncate",  # valid headers, the XML body cut in the middle
    "error",  # a 200 answer holding an <ERROR> element
    "expired-webenv",  # efetch by history: "Unable to obtain query #1"
    "html",  # a 200 answer with an HTML page instead of XML
)

# expired-webenv only makes sense for requests that use the history server.
_HISTORY_ONLY = frozenset({"expired-webenv"})


class Faults:
    """A fault plan: a random rate over chosen kinds, plus a queue of forced faults."""

    def __init__(
        self,
        rate: float = 0.0,
        kinds: Iterable[str] = FAULT_KINDS,
        seed: int = 0,
        stall_seconds: float = 5.0,
    ) -> None:
        self.kinds = _checked(kinds)
        self.rate = rate
        self.stall_seconds = stall_seconds
        self._random = random.Random(seed)
        self._forced: deque[str] = deque()
        self._lock = threading.Lock()

    def force(self, kind: str, count: int = 1) -> None:
        """Give the next `count` E-utilities requests fault `kind`."""
        _checked([kind])
        with self._lock:
            self._forced.extend([kind] * count)

    def clear(self) -> None:
        """Drop forced faults and stop random ones."""
        with self._lock:
            self._forced.clear()
            self.rate = 0.0

    def draw(self, uses_history: bool) -> str | None:
        """The fault for the next request, or None to answer it normally."""
        with self._lock:
            chance, pick = self._random.random(), self._random.random()
            if self._forced:
                return self._forced.popleft()
            applicable = [k for k in self.kinds if uses_history or k not in _HISTORY_ONLY]
            if chance >= self.rate or not applicable:
                return None
            return applicable[int(pick * len(applicable))]


def _checked(kinds: Iterable[str]) -> tuple[str, ...]:
    kinds = tuple(kinds)
    unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
    if unknown:
        raise ValueError(f"unknown fault kind(s) {unknown}; known: {', '.join(FAULT_KINDS)}")
    return kinds
