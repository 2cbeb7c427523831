"""Fixtures for the reliability tests: a hostile E-utilities server on loopback, store snapshots,
and the `litwatch` console entry point called in-process (its one-line error contract included)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import ContainedServer, litwatch_cli

# Prefect sets up its console log handler when first imported, bound to the stderr of that
# moment: import it at collection, or the first in-process CLI call does inside its capture and
# leaves the handler writing to a closed stream for every later call.
from prefect import task  # noqa: F401

ESEARCH = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n'
    b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
    b"<eSearchResult><Count>{count}</Count><RetMax>0</RetMax><RetStart>0</RetStart>"
    b"<QueryKey>1</QueryKey><WebEnv>MCID_hostile</WebEnv><IdList/><TranslationSet/>"
    b"<QueryTranslation>hostile</QueryTranslation></eSearchResult>\n"
)


@dataclass
class HostileEutils:
    """An E-utilities server on 127.0.0.1 that finds `count` records for any search and answers
    every efetch with `efetch` (bytes; "{request}" in it becomes the request path and query),
    or streams `stream_bytes` of XML-looking filler framed as `framing` says, with HTTP `status`."""

    base_url: str = ""
    count: int = 1
    efetch: bytes = b""
    status: int = 200
    stream_bytes: int = 0
    # "length": a true Content-Length; "close": none, the body ends with the connection;
    # "chunked": chunked, with a small Content-Length claimed as well (a lie http.client ignores)
    framing: str = "length"
    requests: list[str] = field(default_factory=list)  # the request paths with their queries
    streamed: list[int] = field(default_factory=list)  # bytes written before the client hung up


def _handler(state: HostileEutils) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet: the test reads `state.requests`
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            query = self.rfile.read(length).decode("latin-1")
            self._answer(urlsplit(self.path).path, query)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            self._answer(parts.path, parts.query)

        def _answer(self, path: str, query: str) -> None:
            state.requests.append(f"{path}?{query}")
            if path.endswith("esearch.fcgi"):
                self._send(200, ESEARCH.replace(b"{count}", str(state.count).encode()))
            elif state.stream_bytes:
                self._stream()
            else:  # "{request}" in the body echoes the request, as some proxies' error pages do
                self._send(
                    state.status, state.efetch.replace(b"{request}", f"{path}?{query}".encode())
                )

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self) -> None:
            chunk = b"<PubmedArticle>" + b"x" * (2**20 - 32) + b"</PubmedArticle>\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=UTF-8")
            chunked = state.framing == "chunked"
            if state.framing == "length":
                self.send_header("Content-Length", str(state.stream_bytes))
            elif chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Content-Length", "100")
            else:
                self.send_header("Connection", "close")  # the body ends when the socket does
                self.close_connection = True
            self.end_headers()
            written = 0
            try:
                head = b"<?xml version='1.0'?>\n<PubmedArticleSet>\n"
                while written < state.stream_bytes:
                    part = head + chunk if written == 0 else chunk
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
                    written += len(part)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client refused the rest: what the test wants
            state.streamed.append(written)

    return Handler


@pytest.fixture
def hostile_eutils() -> Iterator[HostileEutils]:
    """A HostileEutils running on a free loopback port for one test."""
    state = HostileEutils()
    server = ContainedServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def litwatch(capsys, monkeypatch) -> Callable[..., CliResult]:
    """Call `litwatch ARGS...` through the console entry point (`litwatch.cli:main`) in-process."""

    def run(*args: str) -> CliResult:
        return CliResult(*litwatch_cli(monkeypatch, capsys, *args))

    return run


def query_params(request: str) -> dict[str, list[str]]:
    return parse_qs(request.partition("?")[2])


@pytest.fixture
def data_dir(monkeypatch, tmp_path) -> Path:
    """LITWATCH_* pointing at a temporary data folder; the shipped watch file."""
    for name in list(os.environ):
        if name.startswith("LITWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "settings.toml").write_text("")  # a named settings file must exist
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(tmp_path / "settings.toml"))
    # Never the real NCBI: a run that got past its checks fails at once on a closed port.
    monkeypatch.setenv("LITWATCH_EUTILS_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("LITWATCH_ENTREZ_MAX_ATTEMPTS", "1")
    return tmp_path / "data"


@pytest.fixture
def cli_env(monkeypatch, tmp_path) -> Path:
    """No LITWATCH_* from outside; a temporary data folder; nothing listens for E-utilities."""
    for name in list(os.environ):
        if name.startswith("LITWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LITWATCH_EUTILS_URL", "http://127.0.0.1:9/")
    return tmp_path / "data"
