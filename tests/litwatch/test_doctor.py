"""`litwatch doctor` end to end: the real command against the E-utilities stand-in and a real SMTP
server on loopback, then against a closed port, a wrong password and a folder it cannot make."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SMTP_PASSWORD
from litwatch.standin.testing import running_standin

from litwatch.doctor import Finding, check_smtp
from litwatch.settings import Settings

# Its tests start a stand-in, a Prefect flow or the CLI's flows themselves: the `server` lane.
pytestmark = pytest.mark.server

LITWATCH = Path(sys.executable).parent / "litwatch"
API_KEY = "doctor-api-key-0123456789abcdef"


@pytest.fixture(scope="module")
def standin(corpus: Path):
    with running_standin([corpus / "ontopic" / "ontopic.xml"]) as running:
        yield running


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def doctor(tmp_path: Path, settings_toml: str = "", **env: str) -> tuple[int, list[str], str]:
    """Run `litwatch doctor` with only these settings; exit code, stdout lines, stderr."""
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(settings_toml, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LITWATCH_", "PREFECT_"))}
    clean |= {
        "LITWATCH_SETTINGS_FILE": str(settings_file),
        "LITWATCH_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [LITWATCH, "doctor"],
        check=False,
        env=clean | env,
        cwd=tmp_path,  # no stray .env file
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout.splitlines(), done.stderr


def by_check(lines: list[str]) -> dict[str, str]:
    """{check name: whole line}, each check appearing once."""
    checks = {line.split(":", 1)[0][5:]: line for line in lines}
    assert len(checks) == len(lines), lines
    return checks


def test_doctor_passes_when_ncbi_smtp_and_folders_are_all_reachable(tmp_path, standin, smtp_server):
    # SMTP from the settings file (a login in clear only because the password is set there
    # too), everything else from the environment: both sources count.
    settings_toml = f"""
smtp_host = "127.0.0.1"
smtp_port = {smtp_server.port}
smtp_user = "digest"
smtp_password = "{SMTP_PASSWORD}"
smtp_security = "none"
"""
    code, lines, stderr = doctor(
        tmp_path,
        settings_toml,
        LITWATCH_EUTILS_URL=standin.base_url,
        LITWATCH_NCBI_EMAIL="doctor@example.org",
        LITWATCH_NCBI_API_KEY=API_KEY,
    )
    assert code == 0, lines + [stderr]
    checks = by_check(lines)
    assert list(checks) == [
        "watch file",
        "NCBI E-utilities",
        "query b12-dpn",
        "mail",
        "data folder",
        "output folder",
        "outbox folder",
        "store",
        "corpus",
        "design model",
        "findings model",
    ]
    # The query check (issue #21): every known record found; PubMed's warnings on terms the
    # 24 on-topic records lack (MeSH headings, "cobalamin*") are shown as a note, not a failure.
    assert checks["query b12-dpn"].startswith(
        "note query b12-dpn: relative recall 1.00 on 21 known records; PubMed finds 21 records; "
        "PubMed says: error: phrase not found: cobalamin; "
    )
    notes = ("note store: no store yet", "note query b12-dpn: ")
    assert all(line.startswith(("ok   ", *notes)) for line in lines), lines
    visible = len(standin.corpus.visible(standin.clock.now()))
    assert f"PubMed holds {visible:,} records" in checks["NCBI E-utilities"]
    assert "with an API key" in checks["NCBI E-utilities"]
    assert f"127.0.0.1:{smtp_server.port} (none), logged in as digest" in checks["mail"]
    assert smtp_server.logins == ["digest"]
    assert not smtp_server.messages  # a check, not a delivery
    einfo = [entry for entry in standin.log.entries() if entry.endpoint == "einfo"]
    assert einfo and einfo[-1].params["email"] == "doctor@example.org"
    assert not (tmp_path / "data").exists()  # doctor looks, it makes nothing (issue #18, 23)
    assert "/data/outbox can be made (the first run makes it)" in checks["outbox folder"]
    assert API_KEY not in stderr + "\n".join(lines)
    assert SMTP_PASSWORD not in stderr + "\n".join(lines)


def test_without_an_smtp_host_the_mail_check_notes_the_outbox(tmp_path):
    settings = Settings(smtp_host="", data_dir=tmp_path)
    outbox = tmp_path / "outbox"
    assert check_smtp(settings) == Finding(
        "mail", "note", f"no SMTP host set: digests go to {outbox}"
    )


def test_doctor_names_each_problem_on_one_line_and_exits_non_zero(tmp_path, smtp_server):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    watches = tmp_path / "watches.toml"
    watches.write_text('[[watch]]\nname = "Bad Name"\nquery = "b12"\n', encoding="utf-8")
    wrong_password = "wrong-pw-never-shown"
    port = closed_port()
    code, lines, stderr = doctor(
        tmp_path,
        LITWATCH_EUTILS_URL=f"http://127.0.0.1:{port}/entrez/eutils/",
        LITWATCH_NCBI_API_KEY=API_KEY,
        LITWATCH_WATCHES_FILE=str(watches),
        LITWATCH_DATA_DIR=str(blocker / "data"),  # under a file: cannot be made, even by root
        LITWATCH_SMTP_HOST="127.0.0.1",
        LITWATCH_SMTP_PORT=str(smtp_server.port),
        LITWATCH_SMTP_USER="digest",
        LITWATCH_SMTP_PASSWORD=wrong_password,
        LITWATCH_SMTP_SECURITY="none",
    )
    assert code == 1
    checks = by_check(lines)
    assert checks["watch file"].startswith(f"FAIL watch file: {watches}: watch 'Bad Name': name:")
    assert checks["NCBI E-utilities"].startswith(f"FAIL NCBI E-utilities: http://127.0.0.1:{port}/")
    assert "cannot connect" in checks["NCBI E-utilities"]
    assert checks["mail"].startswith(f"FAIL mail: SMTP 127.0.0.1:{smtp_server.port}: ")
    assert "535" in checks["mail"]  # the server's "authentication failed"
    for folder in ("data folder", "output folder", "outbox folder"):
        assert checks[folder].startswith(f"FAIL {folder}: {blocker / 'data'}")
        assert f"not writable ({blocker} is not a folder)" in checks[folder]
    assert smtp_server.logins == []
    assert "Traceback" not in stderr
    for secret in (API_KEY, wrong_password):
        assert secret not in stderr + "\n".join(lines)

    # With the SMTP server gone as well, the mail line says the connection was refused.
    code, lines, _ = doctor(
        tmp_path,
        LITWATCH_EUTILS_URL=f"http://127.0.0.1:{port}/entrez/eutils/",
        LITWATCH_SMTP_HOST="127.0.0.1",
        LITWATCH_SMTP_PORT=str(closed_port()),
        LITWATCH_SMTP_SECURITY="none",
    )
    assert code == 1
    assert "Connection refused" in by_check(lines)["mail"]


def test_doctor_reports_invalid_settings_without_their_values(tmp_path):
    code, lines, stderr = doctor(
        tmp_path,
        'smtp_security = "tls-please"\n',
        LITWATCH_SMTP_PORT="five-eight-seven",
    )
    assert code == 1
    assert lines == [
        (
            "FAIL settings: LITWATCH_SMTP_PORT: Input should be a valid integer, "
            "unable to parse string as an integer"
        ),
        "FAIL settings: LITWATCH_SMTP_SECURITY: Input should be 'starttls', 'ssl' or 'none'",
    ]
    assert "Traceback" not in stderr
    assert "five-eight-seven" not in "\n".join(lines) and "tls-please" not in "\n".join(lines)


def test_a_broken_settings_file_is_one_line(tmp_path):
    code, lines, stderr = doctor(tmp_path, "smtp_port = [")
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(
        f"FAIL settings: {tmp_path / 'settings.toml'}: invalid TOML"
    )
    assert "Traceback" not in stderr


def test_doctor_fails_a_watch_file_and_sender_that_a_run_would_refuse(tmp_path):
    """doctor loads the watch file and settings through the same checks as a run: a recipient
    with a trailing newline, a query closed before it opens and a sender with CR/LF all fail."""
    watches = tmp_path / "watches.toml"
    good = '[[watch]]\nname = "b12"\nquery = "(b12 OR cobalamin)"\nrecipients = ["t@example.org"]\n'
    watches.write_text(good)
    env = {
        "LITWATCH_WATCHES_FILE": str(watches),
        "LITWATCH_EUTILS_URL": f"http://127.0.0.1:{closed_port()}/",
    }
    _, lines, _ = doctor(tmp_path, **env)
    assert by_check(lines)["watch file"].startswith("ok   watch file: ")  # control
    watches.write_text(good.replace('"t@example.org"', '"t@example.org\\n"'))
    _, lines, _ = doctor(tmp_path, **env)
    assert by_check(lines)["watch file"] == (
        f"FAIL watch file: {watches}: watch 'b12': recipients: 't@example.org\\n' "
        "is not one e-mail address (it holds a line break)"
    )
    watches.write_text(good.replace("(b12 OR cobalamin)", ")b12 OR cobalamin("))
    _, lines, _ = doctor(tmp_path, **env)
    assert by_check(lines)["watch file"] == (
        f"FAIL watch file: {watches}: watch 'b12': query: has a ')' before its '(' "
        "(unbalanced parentheses)"
    )
    code, lines, _ = doctor(tmp_path, **env, LITWATCH_MAIL_FROM="me@example.org\r\nBcc: x@y.org")
    assert code == 1
    assert lines == [
        (
            "FAIL settings: LITWATCH_MAIL_FROM: Value error, is not one e-mail address "
            "(it holds a line break)"
        )
    ]
