"""Every request the stand-in answered, for tests and the demo to count and inspect."""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from datetime import datetime

REDACTED = "***"
_SECRET_PARAMS = frozenset({"api_key"})


@dataclass(frozen=True)
class LoggedRequest:
    """One request: when (real and simulated), what was asked, and how it was answered."""

    time: datetime
    simulated_time: datetime
    client: str
    method: str
    endpoint: str  # "esearch", "efetch", "einfo", "_control/clock", ...
    params: dict[str, str]
    status: int  # HTTP status sent, 0 when the connection was dropped
    fault: str | None
    ids_returned: int

    def to_json(self) -> dict:
        data = asdict(self)
        data["time"] = self.time.isoformat()
        data["simulated_time"] = self.simulated_time.isoformat()
        return data


def redacted(params: dict[str, str]) -> dict[str, str]:
    """The parameters with secrets (the API key) masked."""
    return {key: REDACTED if key in _SECRET_PARAMS else value for key, value in params.items()}


_SECRET_IN_QUERY = re.compile(r"\b(" + "|".join(sorted(_SECRET_PARAMS)) + r")=[^&\s\"']*")


def redacted_text(text: str) -> str:
    """A request line or URL with the values of secret parameters masked."""
    return _SECRET_IN_QUERY.sub(lambda found: f"{found.group(1)}={REDACTED}", text)


class RequestLog:
    """A thread-safe, append-only list of LoggedRequest."""

    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def append(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def count(self, endpoint: str | None = None, status: int | None = None) -> int:
        """How many requests went to `endpoint` (any when None) and got `status` (any when None)."""
        return sum(
            1
            for entry in self.entries()
            if (endpoint is None or entry.endpoint == endpoint)
            and (status is None or entry.status == status)
        )

    def calls(self, endpoint: str) -> int:
        """Requests to `endpoint` that got past the rate limit (answered, or met an injected fault).

        A busy host can deliver two paced requests closer together than they were sent, so the
        limit may refuse one that the client then retries; such refusals are not calls."""
        return sum(
            1
            for entry in self.entries()
            if entry.endpoint == endpoint and not (entry.status == 429 and entry.fault is None)
        )

    def esearch_calls(self) -> int:
        return self.calls("esearch")

    def efetch_calls(self) -> int:
        return self.calls("efetch")

    def faults(self) -> list[str]:
        """The fault kinds met, in request order."""
        return [entry.fault for entry in self.entries() if entry.fault]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
