"""Every file litwatch writes goes through `replace_file` (or `write_file`), so that no one can
redirect a write: the bytes go to a new temporary file, created exclusively (O_CREAT|O_EXCL|
O_NOFOLLOW, under an unguessable name) in the target's own folder, which is then renamed over the
target. A symlink planted at the target or at any name beside it is never written through (the
rename replaces a link at the target, it does not follow it), and a reader never sees half a file.
pip and git write their own files the same way.

The one edge of the core: it touches the file system, but nothing else of litwatch, so every
room may use it."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_TEMPORARY_SUFFIX = ".litwatch-tmp"


def is_temporary(path: Path) -> bool:
    """Whether `path` is one of replace_file's temporary files (left behind by a killed run)."""
    return path.name.startswith(".") and path.name.endswith(_TEMPORARY_SUFFIX)


def _create_beside(path: Path) -> tuple[Path, int]:
    # 16 random hex digits: a name nobody can plant in advance; a clash just tries another.
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}{_TEMPORARY_SUFFIX}")
        try:
            # 0o666 less the umask, as open() would give the file itself.
            return temporary, os.open(temporary, _FLAGS, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent}: no free temporary name after 100 tries")


@contextmanager
def replace_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file whose contents replace `path` when the block ends without an error; on an
    error the target is left as it was and the temporary file removed. The caller (a Parquet or
    skops writer, say) may close the handle itself."""
    path = Path(path)
    temporary, descriptor = _create_beside(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            if not handle.closed:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_file(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` (text is written as UTF-8), whole or not at all."""
    with replace_file(path) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A new folder of this user's alone (mode 0700, in the system's temporary folder) for files
    that only this run reads, removed with everything in it when the block ends, on an error
    too. Its name carries this process's id: a folder of the same prefix left by a process
    that was killed (SIGKILL) is removed by the next one, once it is an hour old and that
    process is gone."""
    _remove_abandoned(prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


ABANDONED_AFTER = 3600.0  # seconds untouched: a live run writes and removes files all along


def _remove_abandoned(prefix: str) -> None:
    name = re.compile(re.escape(prefix) + r"(\d+)-")
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        found = name.match(folder.name)
        try:
            status = folder.lstat()
        except OSError:
            continue
        if (
            not found
            or not stat.S_ISDIR(status.st_mode)  # a link or a file: not ours to follow
            or status.st_uid != os.getuid()
            or time.time() - status.st_mtime < ABANDONED_AFTER
            or process_alive(int(found.group(1)))
        ):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this host may still be running: True unless it surely is not
    (another user's process, or a number no process can have, counts as alive: not ours to
    touch)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's, or not a process id: not to be touched
    return True


def write_scratch(path: Path, pieces: Iterable[bytes | memoryview]) -> None:
    """Write `pieces`, one after another, to the new file `path` in a `scratch_folder`: created
    exclusively and never through a link, but neither renamed into place nor synced to disk,
    since nothing reads it after a crash (a bulk run's batches: hundreds of MB that live for
    seconds). In pieces, so that a batch is never joined into one buffer first."""
    with os.fdopen(os.open(path, _FLAGS, 0o600), "wb") as handle:
        handle.writelines(pieces)
