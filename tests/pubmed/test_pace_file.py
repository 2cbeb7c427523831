"""The pace file against another local user: run as two real users (root for litwatch, `nobody`
for the attacker, through setpriv) in a private temporary folder that stands in for /tmp.

Where XDG_RUNTIME_DIR is unset (cron, services) the pace file lives in `<tmp>/litwatch-<uid>/`,
a name anyone can guess and create first. litwatch must neither write through a symlink planted
there, nor wait forever on a lock held there, nor wait without bound on its own pace file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from litwatch.core.errors import EntrezError
from litwatch.pubmed.ratelimit import RateLimiter, pace_file_name

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="two real users need root (to become `nobody` through setpriv)",
)

LITWATCH = Path(sys.executable).parent / "litwatch"
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
# The attacker's interpreter: the system one, which `nobody` may run (this venv's may sit in
# a folder only root can enter).
SYSTEM_PYTHON = "/usr/bin/python3"
# Nobody listens here: doctor's einfo request takes its pace turn, then fails at once.
EUTILS = "http://127.0.0.1:9/"

HOLD_LOCK = """
import fcntl, os, sys, time
path = sys.argv[1]
descriptor = os.open(path, os.O_RDONLY)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(600)
"""


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder like /tmp (world-writable, sticky) that only this test uses."""
    folder = Path(tempfile.mkdtemp(prefix="litwatch-pace-test-", dir="/tmp"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder)


def as_nobody(*command: str) -> None:
    subprocess.run([*AS_NOBODY, *command], check=True, timeout=30)


def hold_lock_as_nobody(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [*AS_NOBODY, SYSTEM_PYTHON, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def doctor(shared_tmp: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """`litwatch doctor` as root with the tmp base at `shared_tmp` and no runtime folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LITWATCH_", "PREFECT_"))}
    env.pop("XDG_RUNTIME_DIR", None)
    (tmp_path / "settings.toml").write_text("", encoding="utf-8")  # none of the user's
    env |= {
        "TMPDIR": str(shared_tmp),
        "LITWATCH_EUTILS_URL": EUTILS,
        "LITWATCH_DATA_DIR": str(tmp_path / "data"),
        "LITWATCH_SETTINGS_FILE": str(tmp_path / "settings.toml"),
    }
    return subprocess.run(
        [LITWATCH, "doctor"],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def pace_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("entrez-*.pace"))


def test_doctor_keeps_its_pace_file_in_its_own_folder_when_nobody_interferes(shared_tmp, tmp_path):
    """Control for the two attacks below: untouched, the guessable folder is used."""
    doctor(shared_tmp, tmp_path)
    own = shared_tmp / f"litwatch-{os.getuid()}"
    assert pace_files(shared_tmp) == [own / pace_file_name(EUTILS, keyed=False)]
    assert own.stat().st_mode & 0o777 == 0o700


def test_a_symlink_planted_by_another_user_is_not_written_through(shared_tmp, tmp_path):
    victim = tmp_path / "victim.conf"
    victim.write_text("precious\n")
    folder = shared_tmp / f"litwatch-{os.getuid()}"
    as_nobody("mkdir", "-m", "0777", str(folder))
    as_nobody("ln", "-s", str(victim), str(folder / pace_file_name(EUTILS, keyed=False)))

    result = doctor(shared_tmp, tmp_path)

    assert victim.read_text() == "precious\n"
    warning = [line for line in result.stderr.splitlines() if "pace file folder" in line]
    assert len(warning) == 1 and f"belongs to another user (uid {65534})" in warning[0]
    private = Path(warning[0].split(" using ")[1].split(",")[0])
    assert private.parent == shared_tmp and private.name.startswith(f"litwatch-{os.getuid()}-")
    # Issue 18, item 27: the private folder paced that process alone, and went with it.
    assert not private.exists()
    assert [path.name for path in shared_tmp.iterdir()] == [folder.name]


def test_a_lock_held_by_another_user_in_a_planted_folder_does_not_hang_doctor(shared_tmp, tmp_path):
    folder = shared_tmp / f"litwatch-{os.getuid()}"
    planted = folder / pace_file_name(EUTILS, keyed=False)
    as_nobody("mkdir", "-m", "0755", str(folder))
    as_nobody("touch", str(planted))
    holder = hold_lock_as_nobody(planted)
    try:
        started = time.monotonic()
        result = doctor(shared_tmp, tmp_path)  # before the fix: waits forever (timeout 60 s)
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
    assert "FAIL NCBI E-utilities" in result.stdout  # it went on to its request, and no further
    assert "pace file folder" in result.stderr


def test_the_wait_for_a_held_pace_file_lock_is_bounded_with_one_line(shared_tmp):
    """A pace file left readable by others (created before pace files were made private) can
    be locked by another user; the wait for it ends with one clear line."""
    folder = shared_tmp / "pace"
    folder.mkdir(mode=0o755)
    pace = folder / "entrez-test.pace"
    pace.write_bytes(b"")
    pace.chmod(0o644)
    holder = hold_lock_as_nobody(pace)
    try:
        limiter = RateLimiter(3, state_file=pace, lock_wait=1.0)
        started = time.monotonic()
        with pytest.raises(EntrezError) as failure:
            limiter.acquire()
        assert 1.0 <= time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert str(failure.value) == (
        f"pace file {pace} stayed locked for 1 s "
        "(a stuck litwatch process, or another user's?); not waiting longer"
    )
    assert "\n" not in str(failure.value)
    assert limiter.acquire() > 0  # control: once the holder is gone, the turn is granted
    assert pace.stat().st_mode & 0o777 == 0o600  # and the file is private from now on


def test_every_limiter_of_a_process_shares_one_private_folder_for_a_refused_one(shared_tmp):
    """The private folder stands in for the refused one for the whole process, so its clients
    still pace together, and no second folder or warning follows."""
    from litwatch.pubmed.ratelimit import limiter_for

    refused = shared_tmp / "planted"
    refused.mkdir(mode=0o700)
    os.chown(refused, 65534, 65534)  # as if `nobody` had made it first
    first = limiter_for("http://127.0.0.1:9/a/", keyed=False, rate=3, state_dir=refused)
    again = limiter_for("http://127.0.0.1:9/a/", keyed=False, rate=3, state_dir=refused)
    other = limiter_for("http://127.0.0.1:9/b/", keyed=True, rate=10, state_dir=refused)
    assert first is again
    assert first.state_file is not None and first.state_file.parent != refused
    assert other.state_file is not None and other.state_file.parent == first.state_file.parent
