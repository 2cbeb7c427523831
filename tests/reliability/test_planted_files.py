"""Files another local user plants in a folder litwatch uses (issue #18, security 1 and 2): run as
two real users, root for litwatch and `nobody` (through setpriv) for the attacker, as the pace-file
tests do. A `.env` in the working folder must not send the SMTP password elsewhere, and no write
may follow a symlink planted at its target or beside it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import SMTP_PASSWORD, SMTP_USER, loopback_smtp

LITWATCH = Path(sys.executable).parent / "litwatch"
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
two_users = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="two real users need root (to become `nobody` through setpriv)",
)


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


def doctor(cwd: Path, settings_file: Path, tmp_path: Path, **env: str):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LITWATCH_", "PREFECT_"))}
    clean |= {
        "LITWATCH_SETTINGS_FILE": str(settings_file),
        "LITWATCH_DATA_DIR": str(tmp_path / "data"),
        "LITWATCH_EUTILS_URL": f"http://127.0.0.1:{closed_port()}/",
    }
    done = subprocess.run(
        [LITWATCH, "doctor"],
        env=clean | env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    mail = [line for line in done.stdout.splitlines() if " mail: " in line]
    assert len(mail) == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    return mail[0]


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
    shared_folder, tmp_path, listener
):
    own_port = closed_port()  # the user's server, out of reach in this test
    settings_file = own_settings(tmp_path, own_port)
    planted = (
        f"LITWATCH_SMTP_HOST=127.0.0.1\nLITWATCH_SMTP_PORT={listener.port}\n"
        "LITWATCH_SMTP_SECURITY=none\n"
    )
    as_nobody("sh", "-c", 'printf "%s" "$1" > "$2"', "-", planted, str(shared_folder / ".env"))

    mail = doctor(shared_folder, settings_file, tmp_path)

    assert listener.attempts == []  # before the fix: [("digest", "s3cret-pw")], in clear
    assert mail.startswith(f"FAIL mail: SMTP 127.0.0.1:{own_port}: ")
    assert SMTP_PASSWORD not in mail


def test_the_listener_hears_a_login_the_user_sets_up_in_one_place(tmp_path, listener):
    """Control: the same values, password included, in the user's own environment."""
    mail = doctor(
        tmp_path,
        tmp_path / "absent.toml",
        tmp_path,
        LITWATCH_SMTP_HOST="127.0.0.1",
        LITWATCH_SMTP_PORT=str(listener.port),
        LITWATCH_SMTP_SECURITY="none",
        LITWATCH_SMTP_USER=SMTP_USER,
        LITWATCH_SMTP_PASSWORD=SMTP_PASSWORD,
    )
    assert mail.startswith("ok   mail: ")
    assert listener.attempts == [(SMTP_USER, SMTP_PASSWORD)]


def test_a_login_in_clear_is_refused_unless_set_where_the_password_is(tmp_path, listener):
    settings_file = own_settings(tmp_path, closed_port())
    redirect = {
        "LITWATCH_SMTP_HOST": "127.0.0.1",
        "LITWATCH_SMTP_PORT": str(listener.port),
        "LITWATCH_SMTP_SECURITY": "none",
    }
    mail = doctor(tmp_path, settings_file, tmp_path, **redirect)
    assert mail == (
        'FAIL mail: smtp_security = "none" (from the environment) would send the SMTP password '
        "(from the settings file) in clear: set smtp_security in the same place as the "
        "password, or use starttls or ssl"
    )
    assert listener.attempts == []

    # Set beside the password, in the settings file, it is the user's own choice.
    settings_file = own_settings(tmp_path, listener.port, security="none")
    assert doctor(tmp_path, settings_file, tmp_path).startswith("ok   mail: ")
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
