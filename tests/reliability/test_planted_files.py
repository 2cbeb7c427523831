"""Files another local user plants in a folder litwatch uses (issue #18, security 1 and 2): run as
two real users, root for litwatch and `nobody` (through setpriv) for the attacker, as the pace-file
tests do. A `.env` in the working folder must not send the SMTP password elsewhere, and no write
may follow a symlink planted at its target or beside it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import SMTP_PASSWORD, SMTP_USER, loopback_smtp, settings_for, write_watch_file
from litwatch.flows.weekly import watch_flow
from litwatch.outputs.mail import message_id_for
from litwatch.standin.testing import running_standin

from litwatch.settings import Settings

AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
two_users = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="two real users need root (to become `nobody` through setpriv)",
)
QUERY = "diabetes[tiab] OR diabetic[tiab] OR metformin[tiab] OR neuropathy[tiab]"
RUN_AT = datetime(2026, 12, 7, 7, 0)


def as_nobody(*command: str) -> None:
    subprocess.run([*AS_NOBODY, *command], check=True, timeout=30)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder anyone may write in, like a team's project folder (not sticky, so the kernel's
    protected_symlinks does not step in: litwatch must not follow the links itself)."""
    folder = Path(tempfile.mkdtemp(prefix="litwatch-shared-test-", dir="/tmp"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Listener:
    """An SMTP server that notes every login attempt, with the password it was sent."""

    port: int = 0
    attempts: list[tuple[str, str]] = field(default_factory=list)


class _Accept:
    async def handle_DATA(self, smtp, session, envelope):
        return "250 OK"


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()

    def note(smtp, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            found.attempts.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    with loopback_smtp(_Accept(), note) as port:
        found.port = port
        yield found


@pytest.fixture
def doctor(litwatch, monkeypatch, tmp_path) -> Callable[..., str]:
    """`litwatch doctor` in `cwd` with only these settings (in-process); its mail line."""

    def run(cwd: Path, settings_file: Path, **env: str) -> str:
        for name in list(os.environ):
            if name.startswith("LITWATCH_"):
                monkeypatch.delenv(name)
        monkeypatch.chdir(cwd)
        env = {
            "LITWATCH_SETTINGS_FILE": str(settings_file),
            "LITWATCH_DATA_DIR": str(tmp_path / "data"),
            "LITWATCH_EUTILS_URL": f"http://127.0.0.1:{closed_port()}/",
            **env,
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        result = litwatch("doctor")
        mail = [line for line in result.stdout.splitlines() if " mail: " in line]
        assert len(mail) == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
        return mail[0]

    return run


def own_settings(tmp_path: Path, port: int, security: str = "starttls") -> Path:
    """The user's settings file: their mail server, login and password."""
    path = tmp_path / "settings.toml"
    path.write_text(
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_user = "{SMTP_USER}"\n'
        f'smtp_password = "{SMTP_PASSWORD}"\nsmtp_security = "{security}"\n',
        encoding="utf-8",
    )
    return path


# --- 1. the SMTP password goes where the user's own settings say, and never in clear ----------


@two_users
def test_a_dotenv_planted_in_the_working_folder_cannot_send_the_password_elsewhere(
    doctor, shared_folder, tmp_path, listener
):
    own_port = closed_port()  # the user's server, out of reach in this test
    settings_file = own_settings(tmp_path, own_port)
    planted = (
        f"LITWATCH_SMTP_HOST=127.0.0.1\nLITWATCH_SMTP_PORT={listener.port}\n"
        "LITWATCH_SMTP_SECURITY=none\n"
    )
    as_nobody("sh", "-c", 'printf "%s" "$1" > "$2"', "-", planted, str(shared_folder / ".env"))

    mail = doctor(shared_folder, settings_file)

    assert listener.attempts == []  # before the fix: [("digest", "s3cret-pw")], in clear
    assert mail.startswith(f"FAIL mail: SMTP 127.0.0.1:{own_port}: ")
    assert SMTP_PASSWORD not in mail


def test_the_listener_hears_a_login_the_user_sets_up_in_one_place(doctor, tmp_path, listener):
    """Control: the same values, password included, in the user's own environment."""
    empty = tmp_path / "empty.toml"
    empty.write_text("")  # a named settings file must exist (issue #18 item 22)
    mail = doctor(
        tmp_path,
        empty,
        LITWATCH_SMTP_HOST="127.0.0.1",
        LITWATCH_SMTP_PORT=str(listener.port),
        LITWATCH_SMTP_SECURITY="none",
        LITWATCH_SMTP_USER=SMTP_USER,
        LITWATCH_SMTP_PASSWORD=SMTP_PASSWORD,
    )
    assert mail.startswith("ok   mail: ")
    assert listener.attempts == [(SMTP_USER, SMTP_PASSWORD)]


def test_a_login_in_clear_is_refused_unless_set_where_the_password_is(doctor, tmp_path, listener):
    settings_file = own_settings(tmp_path, closed_port())
    redirect = {
        "LITWATCH_SMTP_HOST": "127.0.0.1",
        "LITWATCH_SMTP_PORT": str(listener.port),
        "LITWATCH_SMTP_SECURITY": "none",
    }
    mail = doctor(tmp_path, settings_file, **redirect)
    assert mail == (
        'FAIL mail: smtp_security = "none" (from the environment) would send the SMTP password '
        "(from the settings file) in clear: set smtp_security in the same place as the "
        "password, or use starttls or ssl"
    )
    assert listener.attempts == []

    # Set beside the password, in the settings file, it is the user's own choice.
    settings_file = own_settings(tmp_path, listener.port, security="none")
    assert doctor(tmp_path, settings_file).startswith("ok   mail: ")
    assert listener.attempts == [(SMTP_USER, SMTP_PASSWORD)]


def test_run_refuses_a_login_in_clear_before_any_work(
    prefect_api, litwatch, monkeypatch, tmp_path, listener
):
    for name in list(os.environ):
        if name.startswith("LITWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LITWATCH_SETTINGS_FILE", str(own_settings(tmp_path, closed_port())))
    monkeypatch.setenv("LITWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LITWATCH_EUTILS_URL", f"http://127.0.0.1:{closed_port()}/")
    monkeypatch.setenv("LITWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LITWATCH_SMTP_PORT", str(listener.port))
    monkeypatch.setenv("LITWATCH_SMTP_SECURITY", "none")

    result = litwatch("run")

    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(
            'litwatch: smtp_security = "none" (from the environment) would send the SMTP password'
        )
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "litwatch.sqlite").exists()  # refused before the store
    assert listener.attempts == []


# --- 2. no write follows a planted link --------------------------------------------------------


def plant_links(victim: Path, *paths: Path) -> None:
    """As nobody: make each path's folder and a link at the path to `victim`."""
    for path in paths:
        as_nobody("mkdir", "-p", "-m", "0777", str(path.parent))
        as_nobody("ln", "-s", str(victim), str(path))


@two_users
def test_classify_bulk_writes_through_no_link_planted_beside_or_at_its_output(
    prefect_api, corpus, shared_folder, tmp_path
):
    from litwatch.flows.bulk import classify_bulk

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = shared_folder / "out.parquet"
    plant_links(victim, shared_folder / "out.parquet.partial", out)

    # The classify-bulk flow as the command runs it, on one local Dask worker: the Parquet file
    # is written by the flow itself.
    result = classify_bulk(
        [corpus / "ontopic" / "ontopic.xml"],
        out,
        settings=Settings(data_dir=tmp_path / "data"),
        workers=1,
    )

    assert result.records == 24
    assert victim.read_text() == "precious\n"  # before the fix: Parquet bytes
    assert not out.is_symlink()
    assert pq.read_table(out).num_rows == 24
    # Nothing of litwatch's is left beside it: its temporary file was renamed into place.
    assert sorted(p.name for p in shared_folder.iterdir()) == ["out.parquet", "out.parquet.partial"]


@two_users
def test_a_run_writes_through_no_link_planted_in_a_shared_data_folder(
    prefect_api, corpus, shared_folder, tmp_path
):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    data = shared_folder / "data"
    # A fresh store's first run of watch "sim": every name it writes can be known in advance.
    stem = f"sim-{RUN_AT:%Y%m%d}-run1"
    digest = data / "out" / "sim" / "digests" / stem
    week = "{}-W{:02d}".format(*RUN_AT.isocalendar()[:2])
    summary = data / "out" / "sim" / "summary"
    outbox = data / "outbox" / "sim" / message_id_for(stem).strip("<>").split("@")[0]
    planted = [
        *(digest / f"{stem}.{suffix}" for suffix in ("html", "txt", "md", "json", "ris", "csv")),
        *(summary / folder / name for folder in (week, "latest") for name in ("summary.md", "index.html")),
        outbox.with_suffix(".eml"),
        outbox.with_suffix(".tmp"),  # the outbox's old temporary name
    ]  # fmt: skip
    plant_links(victim, *planted)
    watches = write_watch_file(tmp_path, QUERY)

    with running_standin([corpus / "ontopic" / "ontopic.xml"], now=RUN_AT) as standin:
        settings = settings_for(standin.base_url, data, watches)
        result = watch_flow("sim", now=RUN_AT, settings=settings, since=date(2000, 1, 1))

    assert result.new > 0
    assert victim.read_text() == "precious\n"  # before the fix: a digest, a summary, a message
    written = [path for path in planted if path.suffix != ".tmp"]
    assert not any(path.is_symlink() for path in written)
    assert all(path.stat().st_size > 0 for path in written)
    assert outbox.with_suffix(".tmp").is_symlink()  # no longer a name litwatch uses
