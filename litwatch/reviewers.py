"""Reviewer accounts for `litwatch review` on a non-loopback host: names with scrypt password
hashes in one JSON file beside the store, written through core/files.py. No password is ever
kept or logged in the clear."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from pathlib import Path

from litwatch.core.errors import ConfigError
from litwatch.core.files import write_file

# scrypt's cost: 2**14 rounds of 8-block mixing, about 16 MiB and a few hundredths of a second
# per check, as OWASP recommends for interactive logins.
_N, _R, _P = 2**14, 8, 1
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 ._-]{0,39}$")
MIN_PASSWORD = 10


def reviewers_file(data_dir: Path) -> Path:
    return data_dir / "reviewers.json"


def check_name(name: str) -> str:
    """A reviewer's name as stored, or ConfigError saying what a name may hold."""
    name = name.strip()
    if not _NAME.match(name):
        raise ConfigError(
            f"reviewer name {name[:40]!r}: 1 to 40 letters, digits, spaces, '.', '_' or '-',"
            " starting with a letter"
        )
    return name


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def read_reviewers(path: Path) -> dict[str, str]:
    """name -> "scrypt$salt$hash"; an absent file is no accounts."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"reviewers file {path}: cannot be read ({error})") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.startswith("scrypt$")
        for k, v in data.items()
    ):
        raise ConfigError(f"reviewers file {path}: not a litwatch reviewers file")
    return data


def add_reviewer(path: Path, name: str, password: str) -> None:
    """Add the reviewer, or set a new password for one who exists."""
    name = check_name(name)
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"password for {name}: at least {MIN_PASSWORD} characters")
    accounts = read_reviewers(path)
    salt = secrets.token_bytes(16)
    accounts[name] = f"scrypt${salt.hex()}${_hash(password, salt).hex()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, json.dumps(accounts, indent=2, sort_keys=True) + "\n")
    path.chmod(0o600)


def verify(accounts: dict[str, str], name: str, password: str) -> bool:
    """Whether the password is the reviewer's; an unknown name costs the same time."""
    stored = accounts.get(name, "scrypt$" + "00" * 16 + "$" + "00" * 32)
    _, salt, expected = stored.split("$")
    actual = _hash(password, bytes.fromhex(salt))
    return hmac.compare_digest(actual.hex(), expected) and name in accounts
