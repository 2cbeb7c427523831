"""The Entrez history server: esearch results kept under a WebEnv and query key for efetch."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DEFAULT_TTL = timedelta(hours=8)


class HistoryExpired(LookupError):
    """The WebEnv or query key is unknown or has expired (NCBI: "Unable to obtain query #N")."""


@dataclass
class _Session:
    created_at: datetime  # simulated time
    last_used: float  # monotonic seconds
    queries: list[tuple[str, ...]] = field(default_factory=list)


class History:
    """WebEnv sessions that expire after `ttl` idle (real time) or `ttl` of simulated time."""

    def __init__(
        self, ttl: timedelta = DEFAULT_TTL, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def store(self, webenv: str | None, pmids: list[str], now: datetime) -> tuple[str, int]:
        """Keep a result; reuse `webenv` when it is still alive. Returns (WebEnv, QueryKey)."""
        with self._lock:
            session = self._alive(webenv, now) if webenv else None
            if webenv is None or session is None:  # none given, or no longer alive
                webenv = "MCID_" + uuid.uuid4().hex[:24]
                session = _Session(now, self._monotonic())
                self._sessions[webenv] = session
            session.queries.append(tuple(pmids))
            session.last_used = self._monotonic()
            return webenv, len(session.queries)

    def get(self, webenv: str, query_key: int, now: datetime) -> tuple[str, ...]:
        """The PMIDs stored under a WebEnv and query key."""
        with self._lock:
            session = self._alive(webenv, now)
            if session is None or not 1 <= query_key <= len(session.queries):
                raise HistoryExpired(f"Unable to obtain query #{query_key}")
            session.last_used = self._monotonic()
            return session.queries[query_key - 1]

    def expire_all(self) -> None:
        """Forget every session, as NCBI does when its history server restarts."""
        with self._lock:
            self._sessions.clear()

    def _alive(self, webenv: str, now: datetime) -> _Session | None:
        session = self._sessions.get(webenv)
        if session is None:
            return None
        idle = timedelta(seconds=self._monotonic() - session.last_used)
        if idle > self.ttl or now - session.created_at > self.ttl:
            del self._sessions[webenv]
            return None
        return session
