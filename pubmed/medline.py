"""Parse MEDLINE text ("PubMed format", .txt/.nbib exports) into the same Records as the XML parser.

Bio.Medline reads the tagged lines; this module maps its tags onto Record fields."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO

from Bio import Medline
from litwatch.core.errors import ParseError
from litwatch.core.records import AbstractSection, Author, CommentCorrection, MeshHeading, Record
from litwatch.core.text import visible_record
from litwatch.pubmed.formats import (
    Source,
    calendar_date,
    open_source,
    publication_date,
    registry_ids,
    with_valid_pmids,
)

# MEDLINE tags of CommentsCorrectionsList, named by the XML RefType they stand for.
COMMENT_CORRECTION_TAGS = {
    "CIN": "CommentIn",
    "CON": "CommentOn",
    "CRI": "CorrectedandRepublishedIn",
    "CRF": "CorrectedandRepublishedFrom",
    "ECI": "ExpressionOfConcernIn",
    "ECF": "ExpressionOfConcernFor",
    "EIN": "ErratumIn",
    "EFR": "ErratumFor",
    "RIN": "RetractionIn",
    "ROF": "RetractionOf",
    "RRI": "RetractedandRepublishedIn",
    "RRF": "RetractedandRepublishedFrom",
    "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom",
    "UIN": "UpdateIn",
    "UOF": "UpdateOf",
    "SPIN": "SummaryForPatientsIn",
    "ORI": "OriginalReportIn",
}
# Bio.Medline keeps every value of one tag in one list, which loses which author an "AD" line
# follows; these are the tags whose order is remembered while the lines stream past.
_AUTHOR_TAGS = frozenset({"FAU", "AU", "CN", "AD"})

_DATE_STAMP = re.compile(r"(\d{4})/?(\d{2})/?(\d{2})")
_TAGGED_ID = re.compile(r"^(.*?)\s*\[(\w+)\]$")
_PMID_AT_END = re.compile(r"\.?\s*PMID:\s*(\d*)\s*$")
# An abstract is structured when it opens with "LABEL:"; later labels follow a sentence end.
_SECTION_LABEL = re.compile(r"(?:^|(?<=[.?!] ))([A-Z][A-Z0-9 ,&/()'-]*[A-Z)]):\s")
# Control characters (C0 but tab and line ends, DEL, C1) have no place in a citation and could
# steer a terminal ("\x1b[2J") or break formats downstream; XML refuses them, so drop them here.
_CONTROL_CHARACTERS = dict.fromkeys(
    [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
)


def parse_medline(source: Source, *, source_name: str | None = None) -> Iterator[Record]:
    """Records from MEDLINE text, one at a time; a record whose PMID is not a positive integer
    is skipped with a warning."""
    stream, name = open_source(source, source_name)
    yield from with_valid_pmids(_records(stream, name), name)


def _records(stream: IO[bytes], name: str) -> Iterator[Record]:
    # Old exports carry stray Latin-1 bytes: they become U+FFFD rather than stop the import.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline=None)
    author_order: list[str] = []
    lines = _tap_author_tags((line.translate(_CONTROL_CHARACTERS) for line in text), author_order)
    try:
        for medline in _entries(Medline.parse(lines), name):
            if "PMID" not in medline:
                raise ParseError(f"{name}: MEDLINE record without PMID (not MEDLINE text?)")
            yield visible_record(record_from_medline(medline, author_order))
            author_order.clear()
    except (EOFError, OSError) as error:  # a damaged or cut-off gzip stream
        raise ParseError(f"{name}: breaks off ({error})") from None
    finally:
        text.close()


def _entries(entries: Iterator[dict], name: str) -> Iterator[dict]:
    """Bio.Medline's records, its own failures as ParseError: it indexes a line's tag without
    checking, so text that opens with a continuation line raises KeyError (found by fuzzing)."""
    while True:
        try:
            medline = next(entries)
        except StopIteration:
            return
        except (KeyError, IndexError, ValueError) as error:
            raise ParseError(
                f"{name}: not MEDLINE text ({type(error).__name__} in Bio.Medline)"
            ) from None
        yield medline


def record_from_medline(medline: dict, author_order: Iterable[str] = ()) -> Record:
    """The Record held by one Bio.Medline record; `author_order` lists its FAU/AU/CN/AD tags in
    file order, so affiliations go to the author they follow."""
    abstract = _abstract(medline.get("AB", ""))
    date_text, year = publication_date(medline.get("DP", ""))
    ids = _tagged_ids(medline.get("AID", []))
    location_ids = _tagged_ids([medline["LID"]] if "LID" in medline else [])
    is_book = "BTI" in medline
    book_title = " ".join(" ".join(medline.get("BTI", [])).split())
    return Record(
        pmid=medline["PMID"].strip(),
        status=medline.get("STAT", "").strip(),
        title=_clean(medline.get("TI", "")) or book_title,
        abstract=abstract,
        authors=_authors(medline, list(author_order)),
        journal=book_title if is_book else _clean(medline.get("JT", "")),
        journal_abbrev=_clean(medline.get("TA", "")),
        volume=medline.get("VI", "").strip(),
        issue=medline.get("IP", "").strip(),
        pages=medline.get("PG", "").strip(),
        publication_date=date_text,
        publication_year=year,
        entrez_date=_entrez_date(medline),
        revision_date=_stamp_date(medline.get("LR", "")),
        completed_date=_stamp_date(medline.get("DCOM", "")),
        publication_types=tuple(_clean(value) for value in medline.get("PT", [])),
        mesh_headings=tuple(_mesh_heading(value) for value in medline.get("MH", [])),
        keywords=tuple(dict.fromkeys(_clean(v) for v in medline.get("OT", []) if v.strip())),
        doi=ids.get("doi") or location_ids.get("doi", ""),
        pmc=medline.get("PMC", "").strip() or ids.get("pmc", ""),
        registry_ids=registry_ids(
            (tuple(value.split("/", 1)) for value in medline.get("SI", []) if "/" in value),
            " ".join(section.text for section in abstract),
        ),
        languages=tuple(value.strip() for value in medline.get("LA", [])),
        comments_corrections=_comments_corrections(medline),
        is_book=is_book,
        source_format="medline",
    )


def _tap_author_tags(lines: Iterable[str], author_order: list[str]) -> Iterator[str]:
    for line in lines:
        tag = line[:4].rstrip()
        if tag in _AUTHOR_TAGS and line[4:6] == "- ":
            author_order.append(tag)
        yield line


def _clean(text: str) -> str:
    return " ".join(text.split())


def _abstract(text: str) -> tuple[AbstractSection, ...]:
    text = _clean(text)
    if not text:
        return ()
    labels = list(_SECTION_LABEL.finditer(text))
    if not labels or labels[0].start() != 0:
        return (AbstractSection(text),)
    sections = []
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        body = text[label.end() : end].strip()
        if body:
            sections.append(AbstractSection(body, label.group(1)))
    return tuple(sections)


def _authors(medline: dict, order: list[str]) -> tuple[Author, ...]:
    full_names = iter(medline.get("FAU", []))
    short_names = iter(medline.get("AU", []))
    collective_names = iter(medline.get("CN", []))
    affiliations = iter(medline.get("AD", []))
    authors: list[dict] = []
    leading_affiliations: list[str] = []
    previous = ""
    for tag in order:
        if tag == "FAU" or (tag == "AU" and previous != "FAU") or tag == "CN":
            authors.append({"affiliations": []})
        if tag == "FAU":
            last, _, fore = next(full_names, "").partition(",")
            authors[-1].update(last_name=last.strip(), fore_name=fore.strip())
        elif tag == "AU":
            last, initials = _split_short_name(next(short_names, ""))
            authors[-1].setdefault("last_name", last)
            authors[-1]["initials"] = initials
        elif tag == "CN":
            authors[-1]["collective_name"] = _clean(next(collective_names, ""))
        elif tag == "AD":
            affiliation = _clean(next(affiliations, ""))
            target = authors[-1]["affiliations"] if authors else leading_affiliations
            target.append(affiliation)
        previous = tag
    # Before 2014 one AD for the whole article came before the authors; XML gives it to the first.
    if authors and leading_affiliations and not authors[0]["affiliations"]:
        authors[0]["affiliations"] = leading_affiliations
    return tuple(
        Author(**{**fields, "affiliations": tuple(fields["affiliations"])}) for fields in authors
    )


def _split_short_name(text: str) -> tuple[str, str]:
    """('Casbon', 'JA') from 'Casbon JA'."""
    text = text.strip()
    last, _, initials = text.rpartition(" ")
    if last and initials.isupper() and initials.isalpha():
        return last, initials
    return text, ""


def _mesh_heading(text: str) -> MeshHeading:
    """'Diabetes Mellitus, Type 2/*drug therapy' -> descriptor, major, qualifiers."""
    descriptor, *qualifiers = _clean(text).split("/")
    major = descriptor.startswith("*") or any(q.startswith("*") for q in qualifiers)
    return MeshHeading(
        descriptor.lstrip("*"), major, tuple(qualifier.lstrip("*") for qualifier in qualifiers)
    )


def _tagged_ids(values: Iterable[str]) -> dict[str, str]:
    """{'doi': '10.1136/bmj.c2181', 'pii': ...} from AID/LID values such as '10.1136/... [doi]'."""
    ids: dict[str, str] = {}
    for value in values:
        match = _TAGGED_ID.match(_clean(value))
        if match:
            ids.setdefault(match.group(2), match.group(1))
    return ids


def _comments_corrections(medline: dict) -> tuple[CommentCorrection, ...]:
    links = []
    for tag, ref_type in COMMENT_CORRECTION_TAGS.items():
        for value in medline.get(tag, []):
            value = _clean(value)
            match = _PMID_AT_END.search(value)
            source, pmid = (value[: match.start()], match.group(1)) if match else (value, "")
            links.append(CommentCorrection(ref_type, pmid, source.strip()))
    return tuple(links)


def _stamp_date(text: str) -> date | None:
    """A date from '20190102' or '2019/01/02 06:00'."""
    match = _DATE_STAMP.match(text.strip())
    return calendar_date(*match.groups()) if match else None


def _entrez_date(medline: dict) -> date | None:
    history: dict[str, str] = {}
    for value in medline.get("PHST", []):
        match = _TAGGED_ID.match(value.strip())
        if match:
            history.setdefault(match.group(2), match.group(1))
    # The same order of preference as the XML parser: History 'entrez', then 'pubmed'; then the
    # creation, completion and electronic publication dates of records without a history.
    for text in (
        history.get("entrez"),
        (medline.get("CRDT") or [""])[0],
        history.get("pubmed"),
        medline.get("EDAT"),
        medline.get("DA"),
        medline.get("DCOM"),
        medline.get("DEP"),
    ):
        if text and (found := _stamp_date(text)):
            return found
    return None
