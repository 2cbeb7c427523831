"""Shared fixtures: the corpus in ../shared/corpus (read from there, never copied) and a real
SMTP server on loopback."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from litwatch.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def corpus_path() -> Path:
    return Path(os.environ.get("LITWATCH_CORPUS", REPO.parent / "shared" / "corpus")).resolve()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-PubMed corpus folder."""
    path = corpus_path()
    if not path.is_dir():
        pytest.fail(f"corpus folder not found at {path} (set LITWATCH_CORPUS)")
    return path


# The one login the loopback SMTP server accepts, and the NCBI key test runs send the stand-in.
SMTP_USER = "digest"
SMTP_PASSWORD = "s3cret-pw"
NCBI_KEY = "test-key-not-secret"


@dataclass
class SmtpServer:
    """A real SMTP server on loopback that keeps what it receives; `refuse` simulates an outage."""

    host: str
    port: int
    messages: list = field(default_factory=list)
    refuse: bool = False
    logins: list = field(default_factory=list)


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        if self.server.refuse:
            return "421 Service not available, closing transmission channel"
        self.server.messages.append(envelope)
        return "250 OK"


def _authenticator(server: SmtpServer):
    def authenticate(smtp, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.password == SMTP_PASSWORD.encode():
            server.logins.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return authenticate


@contextmanager
def loopback_smtp(handler, authenticator) -> Iterator[int]:
    """aiosmtpd on 127.0.0.1 with `handler` and `authenticator` (AUTH without TLS); yields its port."""
    # aiosmtpd 1.4 checks its own start by connecting to the given port, so port 0 cannot
    # be passed through: take a free loopback port, retrying if another process grabs it.
    for attempt in range(3):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(
            handler,
            hostname="127.0.0.1",
            port=port,
            authenticator=authenticator,
            auth_require_tls=False,
        )
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            if attempt == 2:
                raise
    try:
        yield port
    finally:
        controller.stop()


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on loopback that keeps what it receives; accepts any user with
    SMTP_PASSWORD."""
    server = SmtpServer(host="127.0.0.1", port=0)
    with loopback_smtp(_Handler(server), _authenticator(server)) as port:
        server.port = port
        yield server


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback for one test (see `running_smtp_server`)."""
    with running_smtp_server() as server:
        yield server


def loopback_settings(
    eutils_url: str, smtp_server: SmtpServer, data_dir: Path, watches_file: Path | None = None
) -> Settings:
    """Settings for runs against a stand-in and the loopback SMTP server, with fast back-off."""
    return Settings(
        eutils_url=eutils_url,
        data_dir=data_dir,
        watches_file=watches_file,
        ncbi_email="tests@example.org",
        ncbi_api_key=NCBI_KEY,
        entrez_timeout=5.0,
        entrez_backoff_base=0.05,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
        smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
    )
