"""Where the design model's training examples come from: records labelled by their own NLM
indexing (through the one mapping in `classifiers.pubtypes`), read from local exports or
fetched from PubMed with publication-type queries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from litwatch.classifiers.pubtypes import design_from_indexing
from litwatch.core.errors import ParseError
from litwatch.core.records import AbstractSection, Author, Record

# One query per design a publication type names, so rare designs are asked for on purpose.
ENTREZ_QUERIES = (
    '"Randomized Controlled Trial"[pt]',
    '"Meta-Analysis"[pt]',
    '"Systematic Review"[pt]',
    '"Clinical Trial Protocol"[pt]',
    '"Case Reports"[pt]',
    '"Practice Guideline"[pt]',
    '"Review"[pt]',
    '"Clinical Trial"[pt] NOT "Randomized Controlled Trial"[pt]',
    '"Observational Study"[pt]',
    '"Case-Control Studies"[mh]',
    '"Cross-Sectional Studies"[mh]',
    '"Editorial"[pt] OR "Letter"[pt] OR "Comment"[pt]',
    '"Animals"[mh] NOT "Humans"[mh]',
    '"Journal Article"[pt] AND medline[sb]',
)

_INDEXED_STATUSES = frozenset({"MEDLINE", "OLDMEDLINE"})


@dataclass(frozen=True)
class LabelledRecord:
    """A record with the design its indexing states, and the file it came from (the CV group)."""

    record: Record
    label: str
    evidence: tuple[str, ...]
    source_name: str


def training_label(record: Record) -> tuple[str, tuple[str, ...]] | None:
    """The label indexing gives, `other` for indexed records it leaves open, None if not indexed."""
    design = design_from_indexing(record.publication_types, record.mesh_terms)
    if design is not None:
        return design.label, design.evidence
    if record.status in _INDEXED_STATUSES or record.mesh_headings:
        return "other", ("indexed without a design type",)
    return None


def label_records(records: Iterable[Record], source_name: str) -> Iterator[LabelledRecord]:
    """The records that indexing labels, each tagged with where it came from."""
    for record in records:
        labelled = training_label(record)
        if labelled is not None:
            yield LabelledRecord(record, labelled[0], labelled[1], source_name)


def load_labelled(sources: Iterable[Path]) -> list[LabelledRecord]:
    """Labelled records from files and folders of exports, each PMID once (first copy wins)."""
    seen: set[str] = set()
    labelled: list[LabelledRecord] = []
    for path in sources:
        for file, records in _records_by_file(Path(path)):
            for item in label_records(records, file.name):
                key = item.record.pmid or f"{file.name}:{item.record.title}"
                if key in seen:
                    continue
                seen.add(key)
                labelled.append(item)
    return labelled


def fetch_labelled(
    entrez_client, queries: Iterable[str] = ENTREZ_QUERIES, *, mindate=None, maxdate=None
) -> list[LabelledRecord]:
    """Labelled records fetched from PubMed, one search per publication-type query.

    Labels still come from each record's own indexing, not from the query that found it."""
    from litwatch.pubmed.xml import parse_xml

    seen: set[str] = set()
    labelled: list[LabelledRecord] = []
    for query in queries:
        result = entrez_client.search(query, mindate, maxdate)
        for batch in entrez_client.fetch_xml(result):
            for item in label_records(parse_xml(batch, source_name="entrez"), f"entrez:{query}"):
                if item.record.pmid not in seen:
                    seen.add(item.record.pmid)
                    labelled.append(item)
    return labelled


def _records_by_file(path: Path) -> Iterator[tuple[Path, Iterable[Record]]]:
    from litwatch.pubmed.formats import parse_file

    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if is_ovid(file):
                yield file, read_ovid(file)
            elif _looks_like_export(file):
                yield file, parse_file(file)
        return
    if is_ovid(path):
        yield path, read_ovid(path)
    else:
        yield path, parse_file(path)


def _looks_like_export(path: Path) -> bool:
    from litwatch.pubmed.formats import sniff_format

    with path.open("rb") as handle:
        return sniff_format(handle.read(4096)) is not None


# --- Ovid MEDLINE export: a training source only, not a format users import ------------------

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
        raise ParseError(f"{path.name}: cannot be read ({error.strerror or error})") from error
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
    return Record(
        pmid=pmid,
        title=" ".join(values("TI")),
        status="MEDLINE",  # the file is an Ovid MEDLINE(R) database export
        abstract=tuple(sections),
        authors=tuple(Author(last_name=name) for name in values("AU")),
        publication_types=tuple(values("PT")),
        source_format="ovid",
    )
