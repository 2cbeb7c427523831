"""Where a command will write, checked before it starts its work: a folder or file litwatch
could not write there fails in one line at once, not with a traceback after minutes of work."""

from __future__ import annotations

import os
from pathlib import Path

from litwatch.core.errors import LitwatchError


def check_output_folder(folder: Path, flag: str) -> None:
    """`folder` is a folder litwatch can write into, or one it can make."""
    if folder.exists() and not folder.is_dir():
        raise LitwatchError(f"{flag} {folder}: not a folder (give a folder to write into)")
    _check_makeable(folder, folder, flag)


def check_output_file(path: Path, flag: str) -> None:
    """`path` names a file litwatch can write (in a folder it can write into, or make)."""
    if path.is_dir():
        raise LitwatchError(
            f"{flag} {path}: is a folder (give a file name, e.g. {path}/out.parquet)"
        )
    _check_makeable(path.parent, path, flag)


def _check_makeable(folder: Path, named: Path, flag: str) -> None:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise LitwatchError(f"{flag} {named}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise LitwatchError(f"{flag} {named}: cannot write in {existing} (permission denied)")
