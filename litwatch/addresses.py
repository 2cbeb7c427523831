"""E-mail addresses as the watch file and the settings give them: each entry must be exactly one
address, since every one of them ends up in a message header."""

from __future__ import annotations

import re
from email.utils import getaddresses

# A plain addr-spec (dot-atom local part, host name domain): no comments, quotes, routes or
# groups, which mail servers read in ways a reader of the settings would not expect.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)
_DISPLAY_NAME = re.compile(r"[^\x00-\x1f\x7f<>@,;:\"()\[\]\\]*")


def one_address(entry: str) -> str:
    """`entry` (stripped) if it is one e-mail address, bare ("a@example.org") or with a plain display
    name ("Team <a@example.org>"); else ValueError saying why."""
    if any(character in entry for character in "\r\n\x00"):
        raise ValueError("is not one e-mail address (it holds a line break)")
    parsed = getaddresses([entry])
    if len(parsed) != 1 or not _ADDRESS.fullmatch(parsed[0][1]):
        raise ValueError("is not one e-mail address")
    address = parsed[0][1]
    text = entry.strip()
    bare = text == address
    named = text.endswith(f"<{address}>") and _DISPLAY_NAME.fullmatch(text[: -len(address) - 2])
    if not (bare or named):
        # "a(comment)evil@example.com" parses to one address that is not what was written.
        raise ValueError("is not one e-mail address")
    return text
