"""Test helpers shared across the suite: loopback SMTP, settings for runs against the stand-in,
watch files and store snapshots. Fixtures live in the conftest files and use these; tests import
them from here (`from helpers import ...`), never from a conftest."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from litwatch.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def corpus_path() -> Path:
    return Path(os.environ.get("LITWATCH_CORPUS_DIR", REPO.parent / "shared" / "corpus")).resolve()


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


def write_watch_file(
    folder: Path, query: str, names: tuple[str, ...] = ("sim",), **extra: str
) -> Path:
    """A watch file with one watch per name, all on `query`, no topic filter and no gaps."""
    lines = []
    for name in names:
        lines += [
            "[[watch]]",
            f'name = "{name}"',
            f"query = '''{query}'''",
            'recipients = ["team@example.org"]',
            "overlap_days = 7",
            "batch_size = 50",
            *(f"{key} = {value}" for key, value in extra.items()),
            "",
        ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "watches.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def command_env(folder: Path, **values: str) -> dict[str, str]:
    """The environment of a `litwatch` command a test starts in a process of its own: this
    process's without its LITWATCH_* settings, an empty settings file in `folder` (a named one
    must exist), and `values`."""
    settings_file = folder / "settings.toml"
    settings_file.write_text("")
    env = {key: value for key, value in os.environ.items() if not key.startswith("LITWATCH_")}
    return env | {"LITWATCH_SETTINGS_FILE": str(settings_file)} | values


def settings_for(standin_url: str, data_dir: Path, watches_file: Path, **overrides) -> Settings:
    """Settings for a test run: the stand-in as E-utilities, a temp data folder, fast back-off."""
    values = {
        "eutils_url": standin_url,
        "data_dir": data_dir,
        "watches_file": watches_file,
        "ncbi_email": "tests@example.org",
        "ncbi_api_key": "test-key-not-secret",
        "entrez_timeout": 2.0,
        "entrez_max_attempts": 8,
        "entrez_backoff_base": 0.05,
        "smtp_host": "",
    }
    values.update(overrides)
    return Settings(**values)


# Every table whose rows are data a user would miss; runs and locks are bookkeeping that a
# failed run is allowed to add to.
KEPT_TABLES = (
    "record_versions",
    "watch_records",
    "classifications",
    "digests",
    "deliveries",
    "watermarks",
)


def store_rows(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of the kept tables, in a stable order, read straight from the SQLite file."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in KEPT_TABLES
        }
    finally:
        connection.close()


def fetch_one_batch(client) -> list[bytes]:
    """One efetch by the history server, as a run makes after its esearch: for tests of how
    the client treats an answer (the server under test need not have searched anything)."""
    from datetime import date

    from litwatch.pubmed.entrez import SearchResult
    from litwatch.pubmed.windows import DateWindow

    day = date(2026, 11, 23)
    result = SearchResult(
        count=1,
        webenv="W",
        query_key="1",
        query_translation="",
        query="",
        window=DateWindow(day, day),
    )
    return list(client.fetch_xml(result))


# The fast lane (`./dev check`) runs what needs no server. A test is marked `server` by the
# fixtures it takes (their closure: a fixture built on `standin` counts too); a module whose tests
# start a stand-in, a Prefect flow or the CLI's flows themselves says so with
# `pytestmark = pytest.mark.server`.
SERVER_FIXTURES = frozenset(
    {"prefect_api", "smtp_server", "chromium", "standin", "make_standin", "hostile_eutils"}
)


def needs_server(fixtures: Iterable[str]) -> bool:
    """Whether a test taking `fixtures` (with their closure) needs a server."""
    return not SERVER_FIXTURES.isdisjoint(fixtures)


def one_line(text: str) -> str:
    """The one line a user error must be (on stderr, say); the assertion shows all of it."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


class ContainedServer(ThreadingHTTPServer):
    """A test's own HTTP server, contained in its test: closing it waits for its request
    threads, so none writes a late error into a later test's captured output (a doctor test
    that asserts no traceback on stderr saw one from an earlier test's server), and a client
    hanging up mid-answer, which these tests provoke, is not reported as a server error."""

    daemon_threads = False
    block_on_close = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def litwatch_cli(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """`litwatch ARGS` through the console entry point, in-process: (exit code, stdout, stderr)."""
    from litwatch.cli import main

    monkeypatch.setattr(sys, "argv", ["litwatch", *map(str, args)])
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err
