"""Where parsing starts: open a PubMed export (path, bytes or file, gzip or not), tell XML from
MEDLINE text, and hold the conventions both record parsers share so the two agree."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import date
from os import PathLike
from pathlib import Path
from typing import IO, BinaryIO, cast

from isal import igzip, isal_zlib
from litwatch.core.errors import ParseError
from litwatch.core.records import Record

Source = str | PathLike | bytes | BinaryIO

log = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 4096

# Registry names as NLM writes them in DataBankName / MEDLINE "SI"; other data banks
# (GENBANK, PDB, Dryad, ...) hold data sets, not trials.
TRIAL_REGISTRIES = frozenset(
    {
        "ANZCTR",
        "ChiCTR",
        "ClinicalTrials.gov",
        "CRiS",
        "CTRI",
        "DRKS",
        "EudraCT",
        "IRCT",
        "ISRCTN",
        "JPRN",
        "NTR",
        "PACTR",
        "ReBec",
        "RPCEC",
        "SLCTR",
        "TCTR",
        "UMIN-CTR",
    }
)

# Trial ids as authors write them in abstracts; each pattern is anchored on the registry prefix.
_REGISTRY_ID = re.compile(
    r"\b(NCT\d{8}"
    r"|ISRCTN\d{8}"
    r"|ChiCTR(?:-[A-Z]{2,4})*-?\d{6,12}"
    r"|CTRI/\d{4}/\d{2,3}/\d{6}"
    r"|EudraCT(?:\s+(?:No\.?|number|Number))?[:\s]*\d{4}-\d{6}-\d{2}"
    r"|ACTRN\d{14}"
    r"|DRKS\d{8}"
    r"|UMIN\d{9}"
    r"|IRCT\d{6,}N\d+"
    r"|PACTR\d{15,16}"
    r"|KCT\d{7}"
    r"|TCTR\d{11})\b"
)
# Every registry prefix above contains "CT" except DRKS and UMIN: three substring tests let
# most abstracts skip the regular expression.
_REGISTRY_HINTS = ("CT", "DRKS", "UMIN")
_EUDRACT_NUMBER = re.compile(r"\d{4}-\d{6}-\d{2}")

_MONTHS = {
    name: index
    for index, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_YEAR = re.compile(r"\d{4}")


def open_source(source: Source, source_name: str | None = None) -> tuple[IO[bytes], str]:
    """A binary stream over `source` (gunzipped when needed) and a name for error messages: a
    path as the user gave it (its last part alone says nothing of `.` or `../x/`)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        stream: IO[bytes] = io.BytesIO(bytes(source))
        name = source_name or "<bytes>"
    elif isinstance(source, (str, PathLike)):
        path = Path(source)
        name = source_name or str(path)
        try:
            stream = path.open("rb")
        except OSError as error:
            raise ParseError(f"{name}: cannot be read ({error.strerror or error})") from error
    else:
        stream = source
        name = source_name or str(getattr(source, "name", "<stream>"))
    head = stream.read(2)
    stream = put_back(head, stream)
    if head == _GZIP_MAGIC:
        stream = cast(IO[bytes], _BoundedGzip(stream, name))  # a binary stream, typed as RawIOBase
    return stream, name


def unwrap_json_string(stream: IO[bytes], name: str = "<stream>") -> IO[bytes]:
    """The XML inside a file saved as one JSON string literal (a corpus quirk), else `stream`.

    Such a file is read whole to unquote it, so only one of at most JSON_STRING_LIMIT bytes is."""
    try:
        head = stream.read(1)
        if head != b'"':
            return put_back(head, stream)
        quoted = head + stream.read(JSON_STRING_LIMIT)
    except (OSError, EOFError) as error:  # a damaged or cut-off gzip stream
        raise ParseError(f"{name}: cannot be read ({error})") from None
    if len(quoted) > JSON_STRING_LIMIT:
        raise ParseError(
            f"{name}: a JSON-quoted export larger than {JSON_STRING_LIMIT >> 20} MB is not read"
        )
    try:
        text = quoted.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(f"{name}: not UTF-8 text (byte {error.start})") from None
    try:
        unquoted = json.loads(text)
    except ValueError:
        return io.BytesIO(quoted)
    return io.BytesIO(unquoted.encode("utf-8") if isinstance(unquoted, str) else quoted)


# The corpus's JSON-quoted exports are a few hundred KB; reading one whole costs about four times
# its size.
JSON_STRING_LIMIT = 16 << 20
# A gzip stream may give at most this many bytes per compressed byte once past the floor below.
# PubMed XML and MEDLINE text compress 5-10 fold (MEDLINE baseline files about 8); a bomb of
# zeros compresses a thousandfold.
GZIP_MAX_RATIO = 100
GZIP_FLOOR = 64 << 20


class _ReadStream(io.RawIOBase):
    """A raw stream whose subclasses only write `read`; `readinto` serves buffered readers."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _BoundedGzip(_ReadStream):
    """A gunzipping stream that stops with ParseError once it has given out more than
    GZIP_MAX_RATIO times the compressed bytes it has read (and more than GZIP_FLOOR): a small
    file can then never decompress into gigabytes in whatever reads it."""

    def __init__(self, compressed: IO[bytes], name: str):
        self._counted = _CountingReader(compressed)
        # ISA-L's gzip reader (python-isal), the standard library's interface at about three
        # times zlib's speed: a bulk run's one reading process gunzips a baseline file's 450 MB
        # while the workers classify (1.2 CPU s with zlib, 0.4 with ISA-L; benchmarks/bulk.py).
        self._gzip = igzip.GzipFile(fileobj=self._counted, mode="rb")
        self._name = name
        self._given = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            # Read in blocks so that the bound applies before the whole stream is in memory.
            return b"".join(iter(lambda: self.read(1 << 20), b""))
        try:
            data = self._gzip.read(size)
        except isal_zlib.error as error:  # type: ignore[misc]  # the stub makes it an instance
            # Damaged compressed data: the decompressor's own error, which is not an OSError.
            raise ParseError(f"{self._name}: damaged gzip data ({error})") from None
        self._given += len(data)
        if self._given > GZIP_FLOOR and self._given > GZIP_MAX_RATIO * self._counted.count:
            raise ParseError(
                f"{self._name}: decompresses to more than {GZIP_MAX_RATIO} times its size"
                " (a gzip bomb?); not read"
            )
        return data

    def close(self) -> None:
        self._gzip.close()
        self._counted.close()
        super().close()


_COUNTED_STEP = 16 << 10


class _CountingReader(_ReadStream):
    """A file object that counts the bytes read from it."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def readinto(self, buffer) -> int:
        # ISA-L's reader asks for 512 KB at a time: in 16 KB steps, how far a reader is into
        # the compressed file (`tell()` on it, `xml_batches.shrinking_sizes`) stays close to
        # what it has decompressed, also for a file of a few hundred KB.
        return super().readinto(memoryview(buffer)[:_COUNTED_STEP])

    def close(self) -> None:
        self._stream.close()
        super().close()


def with_valid_pmids(records: Iterable[Record], name: str) -> Iterator[Record]:
    """`records` but those whose PMID is not a positive integer, each skipped with one warning
    line naming the file and the record's position: a PMID names files, links and store rows,
    and two records without one would otherwise be taken for versions of each other."""
    for position, record in enumerate(records, 1):
        if _PMID.fullmatch(record.pmid):
            yield record
        else:
            problem = (
                f"its PMID {record.pmid[:40]!r} is not a positive integer"
                if record.pmid
                else "it has no PMID"
            )
            log.warning("%s: record %d skipped: %s", name, position, problem)


_PMID = re.compile(r"[1-9][0-9]{0,19}")  # ASCII digits only: \d would take other scripts' digits


def sniff_format(head: bytes) -> str | None:
    """'xml', 'medline' or None, judged from the first bytes of a (decompressed) export."""
    text = head.lstrip(b'\xef\xbb\xbf \t\r\n"')
    if text.startswith(b"<"):
        return "xml"
    if re.match(rb"(PMID|[A-Z]{2,4}) *- ", text):
        return "medline"
    return None


def parse_file(path: str | PathLike) -> Iterator[Record]:
    """Records from a PubMed export on disk, whichever of the two formats (gzipped or not) it is."""
    # Imported here: both parsers import this module for opening input and shared conventions.
    from litwatch.pubmed.medline import parse_medline
    from litwatch.pubmed.xml import parse_xml

    stream, name = open_source(path)
    try:
        head = stream.read(_SNIFF_BYTES)
    except (OSError, EOFError) as error:
        stream.close()
        raise ParseError(f"{name}: cannot be read ({error})") from error
    kind = sniff_format(head)
    if kind is None:
        stream.close()
        raise ParseError(f"{name}: not PubMed XML or MEDLINE text")
    parse = parse_xml if kind == "xml" else parse_medline
    return parse(cast(BinaryIO, _Rewound(head, stream)), source_name=name)


def publication_date(text: str) -> tuple[str, int | None]:
    """('2019-01-02', 2019) from '2019 Jan 2'; year only for ranges and seasons ('1998 Dec-1999 Jan')."""
    parts = text.split()
    year_match = _YEAR.search(text)
    year = int(year_match.group()) if year_match else None
    if year is None:
        return "", None
    if not parts or not _YEAR.fullmatch(parts[0]) or len(parts) > 3:
        return str(year), year
    month = _month_number(parts[1]) if len(parts) > 1 else None
    if month is None:
        return str(year), year
    if len(parts) == 3 and parts[2].isdigit() and 1 <= int(parts[2]) <= 31:
        return f"{year:04d}-{month:02d}-{int(parts[2]):02d}", year
    if len(parts) == 3:
        return str(year), year
    return f"{year:04d}-{month:02d}", year


def calendar_date(year: str, month: str = "", day: str = "") -> date | None:
    """A date from PubMed's parts (month as '03', '3' or 'Mar'; missing parts read as the 1st)."""
    try:
        month_number = _month_number(month) if month else 1
        return date(int(year), month_number or 1, int(day) if day else 1)
    except ValueError:
        return None


def registry_ids(accessions: Iterable[tuple[str, str]], abstract: str) -> tuple[str, ...]:
    """Trial registry ids from (data bank, accession) pairs, then any written in the abstract."""
    found: dict[str, None] = {}
    for bank, accession in accessions:
        if bank in TRIAL_REGISTRIES and accession:
            found[accession.strip()] = None
    if abstract and any(hint in abstract for hint in _REGISTRY_HINTS):
        for match in _REGISTRY_ID.finditer(abstract):
            text = match.group()
            if text.startswith("EudraCT"):
                text = _EUDRACT_NUMBER.search(text).group()  # type: ignore[union-attr]
            found[text] = None
    return tuple(found)


def _month_number(text: str) -> int | None:
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    # Only a whole month name: "Mar-Apr" is a range, which MedlineDate leaves at year precision.
    return _MONTHS.get(text[:3].lower()) if text.isalpha() else None


def put_back(head: bytes, stream: IO[bytes]) -> IO[bytes]:
    """`stream` as it was before `head` was read from it."""
    # Seeking back keeps the parser reading the file directly: a _Rewound in between costs
    # a Python call on every read, about 5% of parsing a small efetch file.
    if isinstance(stream, io.BufferedReader) and stream.seekable():
        stream.seek(-len(head), io.SEEK_CUR)
        return stream
    return cast(IO[bytes], _Rewound(head, stream))  # a binary stream, typed as RawIOBase


class _Rewound(_ReadStream):
    """A stream whose first bytes were read to sniff it, with those bytes put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head = head
        self._offset = 0
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        head, offset = self._head, self._offset
        if offset >= len(head):
            return self._rest.read(size)
        if size is None or size < 0:
            self._offset = len(head)
            return head[offset:] + self._rest.read()
        # An offset rather than re-slicing the rest of `head`: it may be megabytes long.
        data = head[offset : offset + size]
        self._offset += len(data)
        if len(data) < size:
            data += self._rest.read(size - len(data))
        return data

    def close(self) -> None:
        self._rest.close()
        super().close()
