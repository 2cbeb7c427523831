"""No secret leaks: with a recognisable NCBI API key and SMTP password set the way a deployment
sets them (LITWATCH_* environment), weekly runs that succeed and runs that fail leave neither
in any log, Prefect run, artifact, digest, summary, e-mail, outbox file or store byte.

The stand-in does receive the key (that is the real request) and the SMTP server the password
(that is the real login); those two are the only places they may go.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import fetch_one_batch, loopback_smtp, write_watch_file
from litwatch.core.errors import EntrezError
from litwatch.flows.weekly import watch_flow
from litwatch.standin.testing import running_standin

from litwatch.settings import Settings

API_KEY = "SEKRET-API-KEY-9f3a"
SMTP_PASSWORD = "SEKRET-SMTP-PW-77c1"
SMTP_USER = "digest"
START = datetime(2026, 12, 7, 7, 0)
QUERY = "diabetes[tiab] OR diabetic[tiab] OR metformin[tiab] OR neuropathy[tiab]"


def _forms(secret: str) -> list[bytes]:
    """The secret as it could appear: plain, base64 (SMTP AUTH LOGIN), and inside AUTH PLAIN."""
    plain = secret.encode()
    return [
        plain,
        base64.b64encode(plain),
        base64.b64encode(b"\0" + SMTP_USER.encode() + b"\0" + plain),
        plain.hex().encode(),
    ]


FORBIDDEN = _forms(API_KEY) + _forms(SMTP_PASSWORD)


def assert_no_secret(where: str, data: bytes | str) -> None:
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    found = [form for form in FORBIDDEN if form in raw]
    assert not found, f"secret {found[0]!r} found in {where}"


def scan_folder(folder: Path) -> int:
    """Every file under `folder`, as raw bytes (SQLite db, -wal and -shm included)."""
    scanned = 0
    for path in folder.rglob("*"):
        if path.is_file():
            assert_no_secret(str(path), path.read_bytes())
            scanned += 1
    return scanned


# --- a real SMTP server with AUTH on loopback --------------------------------------------------


@dataclass
class AuthSmtp:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[bytes] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    echo_password_on_refusal: bool = False  # a hostile server quoting the password it got


class _Keep:
    def __init__(self, server: AuthSmtp):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        self.server.messages.append(envelope.original_content or envelope.content)
        return "250 OK"


def _authenticator(server: AuthSmtp):
    def authenticate(smtp, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        if server.echo_password_on_refusal:
            return AuthResult(
                success=False,
                handled=False,
                message=f"535 5.7.8 password {auth_data.password.decode()} refused",
            )
        if auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode():
            server.logins.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return authenticate


@pytest.fixture
def auth_smtp() -> Iterator[AuthSmtp]:
    server = AuthSmtp()
    with loopback_smtp(_Keep(server), _authenticator(server)) as port:
        server.port = port
        yield server


class _Keeper(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


# aiosmtpd's own DEBUG log is the test SMTP server's, quoting what it was sent and answered:
# a server's log, not litwatch's.
_SERVER_LOGGERS = ("mail.log",)


@pytest.fixture
def process_logs() -> Iterator[_Keeper]:
    """Every log record of this process at DEBUG and above, litwatch's and its libraries'."""
    keeper = _Keeper()
    keeper.addFilter(lambda record: not record.name.startswith(_SERVER_LOGGERS))
    root = logging.getLogger()
    level = root.level
    root.addHandler(keeper)
    root.setLevel(logging.DEBUG)
    try:
        yield keeper
    finally:
        root.removeHandler(keeper)
        root.setLevel(level)


# --- the environment a deployment would set ----------------------------------------------------


@pytest.fixture
def secret_env(monkeypatch, tmp_path, auth_smtp) -> dict[str, str]:
    """LITWATCH_* as an operator sets them: the key and password come from the environment."""
    for name in list(os.environ):
        if name.startswith("LITWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    values = {
        "LITWATCH_NCBI_API_KEY": API_KEY,
        "LITWATCH_NCBI_EMAIL": "tests@example.org",
        "LITWATCH_DATA_DIR": str(tmp_path / "data"),
        "LITWATCH_WATCHES_FILE": str(write_watch_file(tmp_path / "watches", QUERY)),
        "LITWATCH_ENTREZ_TIMEOUT": "2",
        "LITWATCH_ENTREZ_MAX_ATTEMPTS": "2",
        "LITWATCH_ENTREZ_BACKOFF_BASE": "0.05",
        "LITWATCH_SMTP_HOST": auth_smtp.host,
        "LITWATCH_SMTP_PORT": str(auth_smtp.port),
        "LITWATCH_SMTP_USER": SMTP_USER,
        "LITWATCH_SMTP_PASSWORD": SMTP_PASSWORD,
        "LITWATCH_SMTP_SECURITY": "none",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def prefect_records() -> dict[str, str]:
    """What the Prefect API holds: logs, artifacts, flow runs (with parameters), task runs."""
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # logs reach the API in batches: send what is waiting

    async def every(read_page) -> list:
        # The API answers a page at a time (200 by default); the whole session's worth of
        # other tests' runs comes first, so read every page, not just the first.
        found, offset = [], 0
        while page := await read_page(limit=200, offset=offset):
            found += page
            offset += len(page)
        return found

    async def read() -> dict[str, str]:
        async with get_client() as client:
            logs = await every(client.read_logs)
            artifacts = await every(client.read_artifacts)
            flow_runs = await every(client.read_flow_runs)
            task_runs = await every(client.read_task_runs)
        return {
            "logs": "\n".join(entry.message for entry in logs),
            "artifacts": "\n".join(artifact.model_dump_json() for artifact in artifacts),
            "flow runs": "\n".join(run.model_dump_json() for run in flow_runs),
            "task runs": "\n".join(run.model_dump_json() for run in task_runs),
        }

    return asyncio.run(read())


def prefect_database() -> Path:
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    return Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split(":///", 1)[1])


# --- the tests ---------------------------------------------------------------------------------


def test_a_delivered_weekly_run_leaves_no_secret_anywhere(
    prefect_api, corpus, secret_env, auth_smtp, process_logs, tmp_path
):
    settings = Settings()
    assert settings.resolved_api_key() == API_KEY  # the secrets really are configured
    data_dir = Path(secret_env["LITWATCH_DATA_DIR"])
    with running_standin([corpus / "ontopic" / "ontopic.xml"], now=START) as standin:
        settings = Settings(eutils_url=standin.base_url)
        result = watch_flow("sim", now=START, settings=settings, since=date(2000, 1, 1))
        requests = standin.log.entries()
    # the key went where it belongs, and only there
    assert requests and all(entry.params.get("api_key") == "***" for entry in requests)
    assert result.delivered and auth_smtp.logins == [SMTP_USER] * len(auth_smtp.logins)
    assert len(auth_smtp.messages) == 1  # the digest, sent after SMTP AUTH

    assert_no_secret("this process's log records", "\n".join(process_logs.lines))
    for index, message in enumerate(auth_smtp.messages):
        assert_no_secret(f"e-mail {index} as received", message)
    scanned = scan_folder(data_dir)
    kinds = {path.suffix for path in data_dir.rglob("*") if path.is_file()}
    assert {".html", ".txt", ".md", ".json", ".ris", ".csv", ".eml", ".sqlite"} <= kinds, kinds
    assert any(path.name.endswith("-wal") for path in data_dir.rglob("*")) or scanned
    held = prefect_records()
    for where, text in held.items():
        assert_no_secret(f"Prefect {where}", text)
    # what was scanned is the real thing: the run's log, its digest artifacts, its parameters
    assert result.summary_line() in held["logs"]
    assert "sim-digest" in held["artifacts"] and "sim-records" in held["artifacts"]
    assert '"ncbi_api_key":"**********"' in held["flow runs"].replace(" ", "")
    # the stand-in's request log never reaches an artifact
    assert "fcgi" not in held["artifacts"] and "WebEnv" not in held["artifacts"]
    assert f"{settings.smtp_host}:{settings.smtp_port}" not in held["artifacts"]
    database = prefect_database()
    for path in database.parent.glob(database.name + "*"):
        assert_no_secret(f"Prefect database {path.name}", path.read_bytes())


def test_failures_that_quote_the_secrets_are_scrubbed(
    prefect_api, corpus, secret_env, auth_smtp, hostile_eutils, process_logs, tmp_path
):
    """A proxy that echoes the request URL (where Bio.Entrez puts api_key) in its error page and
    an SMTP server that quotes the password it refused: the errors reach logs and the CLI only
    with the secrets masked."""
    data_dir = Path(secret_env["LITWATCH_DATA_DIR"])

    # 1. SMTP refuses the login and quotes the password: the run goes on, the digest waits.
    auth_smtp.echo_password_on_refusal = True
    with running_standin([corpus / "ontopic" / "ontopic.xml"], now=START) as standin:
        result = watch_flow(
            "sim", now=START, settings=Settings(eutils_url=standin.base_url), since=date(2000, 1, 1)
        )
    assert result.delivered == () and auth_smtp.messages == []
    assert any("535, b'5.7.8 password *** refused'" in line for line in process_logs.lines)

    # 2. E-utilities answers 400 with an error page quoting the request, api_key included.
    hostile_eutils.status = 400
    hostile_eutils.efetch = b"<eFetchResult><ERROR>Bad request {request}</ERROR></eFetchResult>"
    with pytest.raises(
        EntrezError, match=r"PubMed efetch refused the request: HTTP 400"
    ) as refused:
        watch_flow(
            "sim",
            now=START + timedelta(weeks=1),
            settings=Settings(eutils_url=hostile_eutils.base_url),
        )
    assert any(API_KEY in request for request in hostile_eutils.requests)  # the echo did quote it
    assert "api_key=***" in str(refused.value)
    assert_no_secret("the EntrezError", str(refused.value))

    # 3. The same failure from `litwatch run`, as an operator sees it, with Prefect's debug logs.
    from prefect.settings import PREFECT_API_URL

    log_file = tmp_path / "litwatch-run.log"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")
    } | {
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_LOGGING_LEVEL": "DEBUG",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "LITWATCH_EUTILS_URL": hostile_eutils.base_url,
    }
    with log_file.open("wb") as log:
        completed = subprocess.run(
            [sys.executable, "-m", "litwatch.cli", "run", "--watch", "sim"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
    output = log_file.read_text(encoding="utf-8", errors="replace")
    assert completed.returncode == 1, output
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith("litwatch: PubMed efetch refused the request: HTTP 400")
    )

    assert_no_secret("litwatch run's console log", output)
    assert_no_secret("this process's log records", "\n".join(process_logs.lines))
    if (tmp_path / "prefect-home").exists():  # a client-only process may write nothing there
        scan_folder(tmp_path / "prefect-home")
    scan_folder(data_dir)
    held = prefect_records()
    for where, text in held.items():
        assert_no_secret(f"Prefect {where}", text)
    assert "password *** refused" in held["logs"] and "HTTP 400" in held["logs"]
    assert " | DEBUG   | " in output  # Prefect's debug logging was on
    database = prefect_database()
    for path in database.parent.glob(database.name + "*"):
        assert_no_secret(f"Prefect database {path.name}", path.read_bytes())


@pytest.mark.parametrize(
    "key", [API_KEY, "SEKRET/KEY+9f3a=x"], ids=["plain", "percent-encoded-in-url"]
)
def test_an_echoed_api_key_is_masked_in_the_error_as_sent_and_as_set(hostile_eutils, tmp_path, key):
    from urllib.parse import quote_plus

    from litwatch.pubmed.entrez import EntrezClient, EntrezConfig

    hostile_eutils.status = 400
    hostile_eutils.efetch = b"<eFetchResult><ERROR>Bad request {request}</ERROR></eFetchResult>"
    client = EntrezClient(
        EntrezConfig(
            email="t@example.org", api_key=key, base_url=hostile_eutils.base_url, pace_dir=tmp_path
        )
    )
    with pytest.raises(EntrezError) as refused:
        fetch_one_batch(client)
    assert quote_plus(key) in hostile_eutils.requests[0]  # the server did get, and echo, the key
    message = str(refused.value)
    assert "api_key=***" in message and key not in message and quote_plus(key) not in message
