"""NCBI's E-utilities rate limit as the server enforces it: requests per second per client."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 1.0
LIMIT_WITHOUT_KEY = 3
LIMIT_WITH_KEY = 10


@dataclass(frozen=True)
class Refusal:
    """A request over the limit: what the 429 answer reports."""

    count: int
    limit: int
    retry_after: int


class SlidingWindowLimit:
    """At most `limit` accepted requests per client in any sliding one-second window.

    Refused requests are not counted, so a client that backs off gets through again."""

    def __init__(
        self,
        without_key: int = LIMIT_WITHOUT_KEY,
        with_key: int = LIMIT_WITH_KEY,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.without_key = without_key
        self.with_key = with_key
        self._monotonic = monotonic
        self._accepted: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, client: str, has_key: bool) -> Refusal | None:
        """Record the request if allowed; otherwise say why it is refused."""
        limit = self.with_key if has_key else self.without_key
        now = self._monotonic()
        with self._lock:
            accepted = self._accepted[client]
            while accepted and accepted[0] <= now - WINDOW_SECONDS:
                accepted.popleft()
            if len(accepted) < limit:
                accepted.append(now)
                return None
            wait = accepted[0] + WINDOW_SECONDS - now
            return Refusal(len(accepted) + 1, limit, max(1, math.ceil(wait)))
