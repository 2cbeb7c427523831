"""Reading the small files a user hands litwatch whole (the settings file, the watch file, a
prompts CSV): one bounded read, so that /dev/zero, a FIFO, a folder or a huge file is one
litwatch error line, never a hang or gigabytes of memory.

PubMed exports are not read here: they are streamed record by record (pubmed/formats.py).
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from litwatch.core.errors import ConfigError, LitwatchError

# Far above any real one (the shipped watch file is 12 KB, the Evidence Inference dev prompts
# 0.2 MB), far below what could hurt.
SETTINGS_FILE_LIMIT = 1 << 20
WATCH_FILE_LIMIT = 4 << 20
PROMPTS_FILE_LIMIT = 64 << 20


_PIECE = 2**20


def read_small_file(
    path: Path, what: str, limit: int, error: type[LitwatchError] = ConfigError
) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes; else `error` naming the
    file, what it should be and the problem."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as problem:
        raise error(f"{path}: cannot read {what} ({problem.strerror or problem})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "it is a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise error(f"{path}: cannot read {what} ({kind})")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            # In pieces: one read(limit + 1) would reserve the whole limit for a small file.
            pieces: list[bytes] = []
            held = 0
            while held <= limit and (piece := handle.read(min(_PIECE, limit + 1 - held))):
                pieces.append(piece)
                held += len(piece)
        except OSError as problem:
            raise error(f"{path}: cannot read {what} ({problem.strerror or problem})") from None
    data = b"".join(pieces)
    if len(data) > limit:
        raise error(f"{path}: {what} is larger than {_size(limit)}; not read")
    return data


def read_toml(path: Path, what: str, limit: int) -> dict[str, Any]:
    """A TOML file read through `read_small_file`, as a dict; ConfigError for anything else."""
    data = read_small_file(path, what, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: {what} is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise ConfigError(f"{path}: invalid TOML: {problem}") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively: a few hundred levels
        # exhaust the stack. No configuration nests more than a handful.
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None


def _size(limit: int) -> str:
    return f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit} bytes"
