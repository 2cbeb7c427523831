"""Reading a saved model (a skops archive) that anyone may have handed over: its sizes and every
array's are checked before anything is loaded, and only the caller's trusted types are built;
anything else is one ConfigError line naming the file. A 3 MB archive holding a 1.5 GB array
of zeros once took an import to 4.7 GB, and an untrusted type came out as skops' traceback."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio
from litwatch.core.errors import ConfigError
from skops.io.exceptions import UntrustedTypesFoundException

# The shipped design model is 1.7 MB on disk and 7 MB unpacked (its largest array 3.8 MB), the
# findings model 3 KB and 71 KB: these leave room for models trained on far more records.
MAX_ARCHIVE_BYTES = 128 * 2**20
MAX_UNPACKED_BYTES = 256 * 2**20
MAX_SCHEMA_BYTES = 32 * 2**20
MAX_MEMBERS = 10_000


def load_archive(path: Path, trusted: list[str], what: str) -> Any:
    """The object saved at `path`, once its sizes are checked and its types are all trusted.

    A missing file is FileNotFoundError (the caller says which setting named it); everything
    else wrong is a ConfigError "`what` PATH: ..." in one line."""
    path = Path(path)
    check_archive(path, what)
    try:
        return sio.load(path, trusted=trusted)
    except UntrustedTypesFoundException as error:
        names = str(error).partition(": ")[2].rstrip(".") or str(error)
        raise ConfigError(
            f"{what} {path}: refused, it holds types a litwatch model never has {_short(names)}"
        ) from None
    except RecursionError:
        raise ConfigError(f"{what} {path}: cannot be read (nested too deeply)") from None
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        # BadZipFile: a member that unpacks to other bytes than its size and CRC say.
        raise ConfigError(f"{what} {path}: cannot be read ({_reason(error)})") from None


def check_archive(path: Path, what: str) -> None:
    """Refuse, in one ConfigError line, an archive too big on disk or unpacked, or an array whose
    header declares more (or other) data than its member holds, before anything is unpacked."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise  # the caller says which setting named the file
    except OSError as error:
        raise ConfigError(f"{what} {path}: cannot be read ({_reason(error)})") from None
    if not path.is_file():
        kind = "Is a directory" if path.is_dir() else "not a regular file"
        raise ConfigError(f"{what} {path}: cannot be read ({kind})")
    if size > MAX_ARCHIVE_BYTES:
        raise ConfigError(f"{what} {path}: {_mb(size)} on disk, over {_mb(MAX_ARCHIVE_BYTES)}")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ConfigError(f"{what} {path}: {len(members)} members, over {MAX_MEMBERS}")
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_UNPACKED_BYTES:
                raise ConfigError(
                    f"{what} {path}: {_mb(unpacked)} unpacked, over {_mb(MAX_UNPACKED_BYTES)}"
                )
            names = {member.filename for member in members}
            if "schema.json" not in names:
                raise ConfigError(f"{what} {path}: cannot be read (not a skops model: no schema)")
            if archive.getinfo("schema.json").file_size > MAX_SCHEMA_BYTES:
                raise ConfigError(f"{what} {path}: its schema is over {_mb(MAX_SCHEMA_BYTES)}")
            for member in members:
                if member.filename.endswith(".npy"):
                    _check_array(archive, member, f"{what} {path}")
    except zipfile.BadZipFile as error:
        raise ConfigError(
            f"{what} {path}: cannot be read (not a skops model: {_reason(error)})"
        ) from None
    except OSError as error:
        raise ConfigError(f"{what} {path}: cannot be read ({_reason(error)})") from None


def _check_array(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str) -> None:
    """The .npy member's header declares plain data of exactly the size the member holds."""
    name = member.filename
    try:
        with archive.open(member) as stream:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise ValueError(f"array format {version}")
            header = stream.tell()
    except (ValueError, EOFError) as error:
        raise ConfigError(f"{where}: array {name} cannot be read ({_reason(error)})") from None
    if dtype.hasobject:
        raise ConfigError(f"{where}: array {name} holds Python objects, which are never loaded")
    declared = math.prod(shape) * dtype.itemsize
    if declared != member.file_size - header:
        raise ConfigError(
            f"{where}: array {name} declares {declared:,} bytes of data"
            f" but holds {member.file_size - header:,}"
        )


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _short(text: str) -> str:
    return text if len(text) <= 200 else text[:199] + "…"


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror  # not the path again
    return _short(" ".join(str(error).split()) or type(error).__name__)
