"""Parse efetch XML (PubmedArticleSet) into Records: an export of a few MB as one tree, a
larger one streamed in constant memory.

The parser never resolves entities, loads DTDs or touches the network, so a hostile file
can neither read local files (XXE) nor expand into gigabytes (billion laughs)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import IO

from litwatch.core.errors import ParseError
from litwatch.core.records import (
    AbstractSection,
    Author,
    CommentCorrection,
    MeshHeading,
    Record,
    assemble,
)
from litwatch.pubmed.formats import (
    Source,
    calendar_date,
    open_source,
    publication_date,
    put_back,
    registry_ids,
    unwrap_json_string,
)
from lxml import etree

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")

# 'Cites' links are the reference list, not comments or corrections on this record.
_IGNORED_REF_TYPES = frozenset({"Cites"})


def parse_xml(source: Source, *, source_name: str | None = None) -> Iterator[Record]:
    """Records from efetch XML, one at a time.

    Records before a point where the file breaks off are yielded first; then ParseError."""
    for element in iter_article_elements(source, source_name=source_name):
        yield record_from_element(element)


def iter_article_elements(
    source: Source, *, source_name: str | None = None
) -> Iterator[etree._Element]:
    """Each PubmedArticle / PubmedBookArticle element of an efetch XML export.

    An element is valid only until the next iteration: a streamed one is then cleared to keep
    memory flat, so copy what you need (e.g. `etree.tostring(element)`) before asking for the
    next one."""
    stream, name = open_source(source, source_name)
    try:
        yield from _iter_elements(unwrap_json_string(stream), name)
    finally:
        stream.close()


def article_batches(
    source: Source, size: int, *, source_name: str | None = None
) -> Iterator[bytes]:
    """The articles of an efetch XML export as PubmedArticleSet documents of `size` articles each.

    For spreading a large file (a MEDLINE baseline file) over worker processes, where each
    batch is parsed by `parse_xml`. Only article start tags are looked for here, not parsed:
    splitting must cost the one process that reads the file far less than the parsing and
    classifying it hands out (an lxml pass measured a twentieth of the classification time,
    this a hundredth). A malformed article is reported by the worker that parses its batch."""
    stream, name = open_source(source, source_name)
    try:
        stream = unwrap_json_string(stream)
        pending = bytearray()
        starts: list[int] = []  # offsets of article start tags in `pending`
        searched = 0
        while block := stream.read(_BLOCK):
            pending += block
            # Look again a little before the old end: a start tag may straddle two blocks.
            for found in _ARTICLE_START.finditer(pending, max(0, searched - _TAG_OVERLAP)):
                if not starts or found.start() > starts[-1]:
                    starts.append(found.start())
            searched = len(pending)
            while len(starts) > size:
                cut = starts[size]
                yield _article_set(pending[starts[0] : cut])
                del pending[:cut]
                starts = [offset - cut for offset in starts[size:]]
                searched -= cut
            if not starts and len(pending) > _BLOCK:
                raise ParseError(f"{name}: not PubMed XML (no PubmedArticle in its first MB)")
    except (OSError, EOFError) as error:  # a damaged or cut-off gzip stream
        raise ParseError(f"{name}: cannot be read to its end ({error})") from None
    finally:
        stream.close()
    if starts:
        # To the end of the last article: what follows is the root's end tag (whichever the
        # root), perhaps DeleteCitation, and nothing a batch needs.
        ends = [found.end() for found in _ARTICLE_END.finditer(pending, starts[-1])]
        yield _article_set(pending[starts[0] : ends[-1] if ends else len(pending)])
    elif b"<PubmedArticleSet" not in pending:
        raise ParseError(f"{name}: not PubMed XML (no PubmedArticleSet)")


_BLOCK = 1 << 20
_TAG_OVERLAP = len(b"<PubmedBookArticle ")
_ARTICLE_START = re.compile(rb"<Pubmed(?:Book)?Article[\s>]")
_ARTICLE_END = re.compile(rb"</Pubmed(?:Book)?Article\s*>")


def _article_set(articles: bytes | bytearray) -> bytes:
    head = b'<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>'
    return b"".join([head, articles, b"</PubmedArticleSet>"])


def record_from_element(element: etree._Element) -> Record:
    """The Record held by one PubmedArticle or PubmedBookArticle element."""
    if element.tag == "PubmedBookArticle":
        return _book_record(element)
    return _article_record(element)


# The parser options that keep a hostile file harmless (no entities, DTDs or network) and
# drop what a Record never holds.
_SAFE_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "collect_ids": False,
    "remove_comments": True,
    "remove_pis": True,
}
# An export up to this size is parsed as one tree, which libxml2 builds about a fifth faster
# than iterparse hands out the same elements; a larger one streams, so memory stays flat.
# Most efetch answers and corpus files are far below it.
_WHOLE_TREE_BYTES = 4 << 20


def _iter_elements(stream: IO[bytes], name: str) -> Iterator[etree._Element]:
    head, broken = _read_up_to(stream, _WHOLE_TREE_BYTES + 1)
    if broken is not None:  # a damaged or cut-off gzip stream: what came before it counts
        yield from _streamed_elements(io.BytesIO(head), name)
        raise ParseError(f"{name}: cannot be read to its end ({broken})")
    if len(head) > _WHOLE_TREE_BYTES:
        yield from _streamed_elements(put_back(head, stream), name)
        return
    try:
        root = etree.fromstring(head, etree.XMLParser(**_SAFE_OPTIONS))
    except etree.XMLSyntaxError:
        # Streamed instead, to yield the records before the break and say where it is.
        yield from _streamed_elements(io.BytesIO(head), name)
    else:
        yield from _tree_elements(root, name)


def _read_up_to(stream: IO[bytes], limit: int) -> tuple[bytes, Exception | None]:
    """(At most `limit` bytes of `stream`, the error that stopped the reading if one did).

    Read in blocks: one read(limit) would allocate the whole limit for every small file."""
    blocks = []
    remaining = limit
    try:
        while remaining > 0 and (block := stream.read(min(remaining, _READ_BLOCK))):
            blocks.append(block)
            remaining -= len(block)
    except (OSError, EOFError) as error:
        return b"".join(blocks), error
    return b"".join(blocks), None


_READ_BLOCK = 1 << 16


def _tree_elements(root: etree._Element, name: str) -> Iterator[etree._Element]:
    articles = 0
    # Articles are the root's children in an efetch export: looking only there spares a walk
    # over every element of every article.
    candidates = root if root.tag == "PubmedArticleSet" else root.iter(ARTICLE_TAGS)
    for element in candidates:
        if element.tag not in ARTICLE_TAGS:
            continue
        articles += 1
        yield element
    if articles == 0:
        _refuse_unless_article_set(root, name)


def _streamed_elements(stream, name: str) -> Iterator[etree._Element]:
    events = etree.iterparse(stream, events=("end",), tag=ARTICLE_TAGS, **_SAFE_OPTIONS)
    articles = 0
    try:
        for _, element in events:
            articles += 1
            yield element
            # Free the finished article and everything before it, so memory stays flat.
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except (etree.XMLSyntaxError, EOFError, OSError) as error:
        # OSError and EOFError come from a damaged or cut-off gzip stream.
        detail = error.msg if isinstance(error, etree.XMLSyntaxError) else str(error)
        message = (detail or "malformed XML").splitlines()[0]
        if articles:
            raise ParseError(
                f"{name}: XML breaks off after {articles} records ({message})"
            ) from None
        raise ParseError(f"{name}: not readable as PubMed XML ({message})") from None
    if articles == 0:
        _refuse_unless_article_set(events.root, name)


def _refuse_unless_article_set(root: etree._Element | None, name: str) -> None:
    """For an export without articles: fine if it is an empty PubmedArticleSet, else refused."""
    if root is None or root.tag != "PubmedArticleSet":
        found = f"root element <{root.tag}>" if root is not None else "no XML element"
        raise ParseError(f"{name}: not PubMed XML ({found})")


def _child(element: etree._Element | None, tag: str) -> etree._Element | None:
    """The first child named `tag`.

    A plain loop: for the few children PubMed elements have, it measures about twice as fast as
    iterchildren(tag) and four times as fast as find(tag)."""
    if element is not None:
        for child in element:
            if child.tag == tag:
                return child
    return None


def _child_text(element: etree._Element | None, tag: str) -> str:
    child = _child(element, tag)
    return (child.text or "").strip() if child is not None else ""


def _text(element: etree._Element | None) -> str:
    """The element's text with inline markup (<i>, <sup>, MathML) dropped and spaces collapsed."""
    if element is None:
        return ""
    if len(element):
        text = "".join(element.itertext())
    else:
        text = element.text
        if not text:
            return ""
        # Most texts are already clean, and two C-level scans say so for less than splitting
        # and joining costs: isprintable() is false for every whitespace but the ASCII space.
        if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
            return text
    return " ".join(text.split())


def _leaf(element: etree._Element | None) -> str:
    """The text of an element NLM never marks up (names, MeSH terms, codes)."""
    return (element.text or "").strip() if element is not None else ""


def _date(element: etree._Element | None) -> date | None:
    if element is None:
        return None
    parts = {part.tag: part.text or "" for part in element}
    return calendar_date(parts.get("Year", ""), parts.get("Month", ""), parts.get("Day", ""))


def _pub_date(element: etree._Element | None) -> tuple[str, int | None]:
    if element is None:
        return "", None
    parts = {part.tag: (part.text or "").strip() for part in element}
    if parts.get("MedlineDate"):
        return publication_date(parts["MedlineDate"])
    return publication_date(
        " ".join(parts[tag] for tag in ("Year", "Month", "Day") if parts.get(tag))
    )


def _abstract(element: etree._Element | None) -> tuple[AbstractSection, ...]:
    if element is None:
        return ()
    sections = []
    for text in element.iterchildren("AbstractText"):
        body = _text(text)
        if body:
            sections.append(
                assemble(
                    AbstractSection,
                    {
                        "text": body,
                        "label": text.get("Label", ""),
                        "nlm_category": text.get("NlmCategory", ""),
                    },
                )
            )
    return tuple(sections)


def _authors(author_list: etree._Element | None) -> list[Author]:
    if author_list is None:
        return []
    authors = []
    for author in author_list.iterchildren("Author"):
        last = fore = initials = collective = ""
        affiliations = []
        # One pass with the common tags first: authors are most of a record's elements.
        for part in author:
            tag = part.tag
            if tag == "LastName":
                last = part.text or ""
            elif tag == "ForeName":
                fore = part.text or ""
            elif tag == "Initials":
                initials = part.text or ""
            elif tag == "AffiliationInfo":
                text = _text(part[0]) if len(part) else ""  # Affiliation comes first (DTD)
                if text:
                    affiliations.append(text)
            elif tag == "CollectiveName":
                collective = _text(part)
            elif tag == "FirstName":  # older DTDs
                fore = part.text or ""
            elif tag == "Affiliation":  # older DTDs, before AffiliationInfo
                text = _text(part)
                if text:
                    affiliations.append(text)
        authors.append(
            assemble(
                Author,
                {
                    "last_name": last.strip(),
                    "fore_name": fore.strip(),
                    "initials": initials.strip(),
                    "collective_name": collective,
                    "affiliations": tuple(affiliations),
                },
            )
        )
    return authors


def _mesh_headings(mesh_list: etree._Element) -> list[MeshHeading]:
    headings = []
    # Plain loops and indexing: unpacking or iterchildren() cost twice as much per heading.
    for heading in mesh_list:
        if heading.tag != "MeshHeading":
            continue
        descriptor = heading[0]  # DescriptorName first, then its QualifierNames
        # PubMed's [majr] matches a heading whose descriptor or any qualifier is starred.
        major = descriptor.get("MajorTopicYN") == "Y"
        qualifiers: tuple[str, ...] = ()
        if len(heading) > 1:
            names = []
            for qualifier in heading[1:]:
                if qualifier.get("MajorTopicYN") == "Y":
                    major = True
                names.append((qualifier.text or "").strip())
            qualifiers = tuple(names)
        headings.append(
            assemble(
                MeshHeading,
                {
                    "descriptor": (descriptor.text or "").strip(),
                    "major": major,
                    "qualifiers": qualifiers,
                    "ui": descriptor.get("UI", ""),
                },
            )
        )
    return headings


def _comments_corrections(comments_list: etree._Element) -> list[CommentCorrection]:
    links = []
    for link in comments_list.iterchildren("CommentsCorrections"):
        ref_type = link.get("RefType", "")
        if ref_type in _IGNORED_REF_TYPES:
            continue
        links.append(
            CommentCorrection(ref_type, _child_text(link, "PMID"), _text(_child(link, "RefSource")))
        )
    return links


def _history_entrez_date(history: etree._Element | None) -> date | None:
    """The date of History's 'entrez' entry, else of its 'pubmed' entry."""
    if history is None:
        return None
    pubmed_entry = None
    for entry in history:
        status = entry.get("PubStatus")
        if status == "entrez":
            return _date(entry)
        if status == "pubmed":
            pubmed_entry = entry
    return _date(pubmed_entry)


def _article_ids(id_list: etree._Element | None) -> dict[str, str]:
    if id_list is None:
        return {}
    ids: dict[str, str] = {}
    for article_id in id_list.iterchildren("ArticleId"):
        ids.setdefault(article_id.get("IdType", ""), (article_id.text or "").strip())
    return ids


def _article_record(element: etree._Element) -> Record:
    citation = _child(element, "MedlineCitation")
    if citation is None:
        raise ParseError("PubmedArticle without MedlineCitation")
    pubmed_data = _child(element, "PubmedData")
    fields: dict = {"status": citation.get("Status", "")}
    pmid = ""
    version = 1
    created = completed = article_date = None
    mesh: list[MeshHeading] = []
    keywords: list[str] = []
    links: list[CommentCorrection] = []
    accessions: list[tuple[str, str]] = []
    elocation_doi = ""
    medline_ta = ""
    for part in citation:
        tag = part.tag
        if tag == "PMID":
            pmid = (part.text or "").strip()
            version = int(part.get("Version") or 1)
        elif tag == "Article":
            elocation_doi, article_date = _read_article(part, fields, accessions)
        elif tag == "DateCompleted":
            completed = _date(part)
        elif tag == "DateRevised":
            fields["revision_date"] = _date(part)
        elif tag == "DateCreated":
            created = _date(part)
        elif tag == "MeshHeadingList":
            mesh = _mesh_headings(part)
        elif tag == "KeywordList":
            keywords.extend(_text(keyword) for keyword in part.iterchildren("Keyword"))
        elif tag == "CommentsCorrectionsList":
            links = _comments_corrections(part)
        elif tag == "MedlineJournalInfo":
            medline_ta = _child_text(part, "MedlineTA")
    ids: dict[str, str] = {}
    entrez = None
    if pubmed_data is not None:
        ids = _article_ids(_child(pubmed_data, "ArticleIdList"))
        entrez = _history_entrez_date(_child(pubmed_data, "History"))
    fields.setdefault("journal_abbrev", medline_ta)
    abstract = fields.get("abstract", ())
    return Record(
        pmid=pmid,
        version=version,
        completed_date=completed,
        entrez_date=entrez or created or completed or article_date,
        mesh_headings=tuple(mesh),
        keywords=tuple(dict.fromkeys(keyword for keyword in keywords if keyword)),
        comments_corrections=tuple(links),
        doi=ids.get("doi") or elocation_doi,
        pmc=ids.get("pmc", ""),
        registry_ids=registry_ids(accessions, " ".join(s.text for s in abstract)),
        **fields,
    )


def _read_article(article: etree._Element, fields: dict, accessions: list) -> tuple:
    """Fill `fields` from <Article>; returns (ELocationID DOI, ArticleDate)."""
    elocation_doi = ""
    article_date = None
    languages = []
    publication_types = []
    authors: list[Author] = []
    article_affiliation = ""
    for part in article:
        tag = part.tag
        if tag == "Journal":
            for journal_part in part:
                journal_tag = journal_part.tag
                if journal_tag == "Title":
                    fields["journal"] = _text(journal_part)
                elif journal_tag == "ISOAbbreviation":
                    fields["journal_abbrev"] = _text(journal_part)
                elif journal_tag == "JournalIssue":
                    fields["volume"] = _child_text(journal_part, "Volume")
                    fields["issue"] = _child_text(journal_part, "Issue")
                    date_text, year = _pub_date(_child(journal_part, "PubDate"))
                    fields["publication_date"] = date_text
                    fields["publication_year"] = year
        elif tag == "ArticleTitle":
            fields["title"] = _text(part)
        elif tag == "Pagination":
            fields["pages"] = _pages(part)
        elif tag == "ELocationID":
            if part.get("EIdType") == "doi" and not elocation_doi:
                elocation_doi = (part.text or "").strip()
        elif tag == "Abstract":
            fields["abstract"] = _abstract(part)
        elif tag == "AuthorList":
            authors = _authors(part)
        elif tag == "Affiliation":
            article_affiliation = _text(part)  # before 2014 one affiliation per article
        elif tag == "Language":
            languages.append((part.text or "").strip())
        elif tag == "PublicationTypeList":
            publication_types = [_leaf(p) for p in part.iterchildren("PublicationType")]
        elif tag == "DataBankList":
            for bank in part.iterchildren("DataBank"):
                bank_name = _child_text(bank, "DataBankName")
                for accession in bank.iter("AccessionNumber"):
                    accessions.append((bank_name, (accession.text or "").strip()))
        elif tag == "ArticleDate" and article_date is None:
            article_date = _date(part)
    if article_affiliation and authors and not authors[0].affiliations:
        first = authors[0]
        authors[0] = Author(
            first.last_name, first.fore_name, first.initials, first.collective_name,
            (article_affiliation,),
        )  # fmt: skip
    fields["authors"] = tuple(authors)
    fields["languages"] = tuple(language for language in languages if language)
    fields["publication_types"] = tuple(publication_types)
    return elocation_doi, article_date


def _pages(pagination: etree._Element | None) -> str:
    medline_pages = _child_text(pagination, "MedlinePgn")
    if medline_pages:
        return medline_pages
    start = _child_text(pagination, "StartPage")
    end = _child_text(pagination, "EndPage")
    return f"{start}-{end}" if start and end else start


def _book_record(element: etree._Element) -> Record:
    document = _child(element, "BookDocument")
    if document is None:
        raise ParseError("PubmedBookArticle without BookDocument")
    pmid = _child(document, "PMID")
    book = _child(document, "Book")
    book_title = _text(_child(book, "BookTitle"))
    date_text, year = _pub_date(_child(book, "PubDate"))
    # A book's AuthorList comes typed: the chapter's authors, or the book's editors.
    author_list = next(
        (a for a in document.iterchildren("AuthorList") if a.get("Type", "authors") == "authors"),
        None,
    )
    abstract = _abstract(_child(document, "Abstract"))
    book_data = _child(element, "PubmedBookData")
    ids = {
        **_article_ids(_child(document, "ArticleIdList")),
        **_article_ids(_child(book_data, "ArticleIdList")),
    }
    return Record(
        pmid=(pmid.text or "").strip() if pmid is not None else "",
        version=int(pmid.get("Version") or 1) if pmid is not None else 1,
        title=_text(_child(document, "ArticleTitle")) or book_title,
        abstract=abstract,
        authors=tuple(_authors(author_list)),
        journal=book_title,
        pages=_pages(_child(document, "Pagination")),
        publication_date=date_text,
        publication_year=year,
        entrez_date=_history_entrez_date(_child(book_data, "History"))
        or _date(_child(document, "ContributionDate")),
        revision_date=_date(_child(document, "DateRevised")),
        publication_types=tuple(_leaf(p) for p in document.iter("PublicationType")),
        keywords=tuple(dict.fromkeys(_text(k) for k in document.iter("Keyword") if _text(k))),
        doi=ids.get("doi", ""),
        pmc=ids.get("pmc", ""),
        registry_ids=registry_ids((), " ".join(section.text for section in abstract)),
        languages=tuple(_leaf(language) for language in document.iterchildren("Language")),
        is_book=True,
    )
