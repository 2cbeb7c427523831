"""Ovid MEDLINE exports (`VN  - Ovid ...` starts each record), read into Records: a source of
labelled training records beside the MEDLINE and XML parsers, not a format users import."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from litwatch.core.errors import ParseError
from litwatch.core.records import AbstractSection, Author, Record
from litwatch.core.text import visible_record

_OVID_FIELD = re.compile(r"^([A-Za-z_]{2,16}) *- ?(.*)$")
_OVID_PMID = re.compile(r"[?&]AN=(\d+)")
_OVID_SECTION = re.compile(r"^([A-Z][A-Z ,&/-]{2,60}):\s+(.*)$", re.DOTALL)


def is_ovid(path: Path) -> bool:
    """Whether `path` is an Ovid MEDLINE export (it starts with a `VN  - Ovid` line)."""
    try:
        with path.open("rb") as handle:
            return handle.read(64).lstrip(b"\xef\xbb\xbf").startswith(b"VN  - Ovid")
    except OSError:
        return False


def read_ovid(path: Path) -> Iterator[Record]:
    """Records of an Ovid MEDLINE export (`VN  - Ovid ...` starts each record)."""
    fields: list[tuple[str, str]] = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ParseError(f"{path}: cannot be read ({error.strerror or error})") from error
    for line in text.splitlines():
        match = _OVID_FIELD.match(line)
        if match and match.group(1) == "VN" and fields:
            yield _ovid_record(fields)
            fields = []
        if match:
            fields.append((match.group(1), match.group(2).strip()))
        elif fields and line.strip():
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
    if fields:
        yield _ovid_record(fields)


def _ovid_record(fields: list[tuple[str, str]]) -> Record:
    def values(tag: str) -> list[str]:
        return [value for name, value in fields if name == tag and value]

    pmid = next((m.group(1) for v in values("XL") if (m := _OVID_PMID.search(v))), "")
    sections = []
    for paragraph in values("AB"):
        match = _OVID_SECTION.match(paragraph)
        if match:
            sections.append(AbstractSection(text=match.group(2), label=match.group(1)))
        else:
            sections.append(AbstractSection(text=paragraph))
    return visible_record(
        Record(
            pmid=pmid,
            title=" ".join(values("TI")),
            status="MEDLINE",  # the file is an Ovid MEDLINE(R) database export
            abstract=tuple(sections),
            authors=tuple(Author(last_name=name) for name in values("AU")),
            publication_types=tuple(values("PT")),
            source_format="ovid",
        )
    )
