"""Parse efetch XML (PubmedArticleSet) into Records, streaming in constant memory.

The parser never resolves entities, loads DTDs or touches the network, so a hostile file
can neither read local files (XXE) nor expand into gigabytes (billion laughs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import IO

from lxml import etree

from litwatch.errors import ParseError
from litwatch.records import AbstractSection, Author, CommentCorrection, MeshHeading, Record
from pubmed.formats import (
    Source,
    calendar_date,
    open_source,
    publication_date,
    registry_ids,
    unwrap_json_string,
)

ARTICLE_TAGS = ("PubmedArticle", "PubmedBookArticle")

# 'Cites' links are the reference list, not comments or corrections on this record.
_IGNORED_REF_TYPES = frozenset({"Cites"})
_ENTREZ_STATUSES = ("entrez", "pubmed")


def parse_xml(source: Source, *, source_name: str | None = None) -> Iterator[Record]:
    """Records from efetch XML, one at a time.

    Records before a point where the file breaks off are yielded first; then ParseError."""
    for element in iter_article_elements(source, source_name=source_name):
        yield record_from_element(element)


def iter_article_elements(
    source: Source, *, source_name: str | None = None
) -> Iterator[etree._Element]:
    """Each PubmedArticle / PubmedBookArticle element of an efetch XML export.

    An element is valid only until the next iteration: it is then cleared to keep memory flat,
    so copy what you need (e.g. `etree.tostring(element)`) before asking for the next one."""
    stream, name = open_source(source, source_name)
    try:
        yield from _iter_elements(unwrap_json_string(stream), name)
    finally:
        stream.close()


def record_from_element(element: etree._Element) -> Record:
    """The Record held by one PubmedArticle or PubmedBookArticle element."""
    if element.tag == "PubmedBookArticle":
        return _book_record(element)
    return _article_record(element)


def _iter_elements(stream: IO[bytes], name: str) -> Iterator[etree._Element]:
    events = etree.iterparse(
        stream,
        events=("end",),
        tag=ARTICLE_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        collect_ids=False,
        remove_comments=True,
        remove_pis=True,
    )
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
    except etree.XMLSyntaxError as error:
        message = (error.msg or "malformed XML").splitlines()[0]
        if articles:
            raise ParseError(
                f"{name}: XML breaks off after {articles} records ({message})"
            ) from None
        raise ParseError(f"{name}: not readable as PubMed XML ({message})") from None
    root = events.root
    if articles == 0 and (root is None or root.tag != "PubmedArticleSet"):
        found = f"root element <{root.tag}>" if root is not None else "no XML element"
        raise ParseError(f"{name}: not PubMed XML ({found})")


def _text(element: etree._Element | None) -> str:
    """The element's text with inline markup (<i>, <sup>, MathML) dropped and spaces collapsed."""
    if element is None:
        return ""
    text = "".join(element.itertext()) if len(element) else element.text or ""
    return " ".join(text.split())


def _leaf(element: etree._Element) -> str:
    """The text of an element NLM never marks up (names, MeSH terms, codes)."""
    return (element.text or "").strip()


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
                AbstractSection(body, text.get("Label", ""), text.get("NlmCategory", ""))
            )
    return tuple(sections)


def _authors(author_list: etree._Element | None) -> list[Author]:
    if author_list is None:
        return []
    authors = []
    for author in author_list.iterchildren("Author"):
        last = fore = initials = collective = ""
        affiliations = []
        for part in author:
            tag = part.tag
            if tag == "LastName":
                last = _leaf(part)
            elif tag == "ForeName" or tag == "FirstName":
                fore = _leaf(part)
            elif tag == "Initials":
                initials = _leaf(part)
            elif tag == "CollectiveName":
                collective = _text(part)
            elif tag == "AffiliationInfo":
                affiliations.append(_text(part.find("Affiliation")))
            elif tag == "Affiliation":
                affiliations.append(_text(part))
        authors.append(
            Author(last, fore, initials, collective, tuple(a for a in affiliations if a))
        )
    return authors


def _mesh_headings(mesh_list: etree._Element) -> list[MeshHeading]:
    headings = []
    for heading in mesh_list.iterchildren("MeshHeading"):
        descriptor = ui = ""
        major = False
        qualifiers = []
        for term in heading:  # DescriptorName first, then its QualifierNames
            # PubMed's [majr] matches a heading whose descriptor or any qualifier is starred.
            major = major or term.get("MajorTopicYN") == "Y"
            if term.tag == "DescriptorName":
                descriptor, ui = (term.text or "").strip(), term.get("UI", "")
            else:
                qualifiers.append((term.text or "").strip())
        if descriptor:
            headings.append(MeshHeading(descriptor, major, tuple(qualifiers), ui))
    return headings


def _comments_corrections(comments_list: etree._Element) -> list[CommentCorrection]:
    links = []
    for link in comments_list.iterchildren("CommentsCorrections"):
        ref_type = link.get("RefType", "")
        if ref_type in _IGNORED_REF_TYPES:
            continue
        links.append(
            CommentCorrection(ref_type, link.findtext("PMID") or "", _text(link.find("RefSource")))
        )
    return links


def _history_entrez_date(history: etree._Element | None) -> date | None:
    if history is None:
        return None
    by_status = {entry.get("PubStatus"): entry for entry in history.iterchildren("PubMedPubDate")}
    for status in _ENTREZ_STATUSES:
        if status in by_status:
            return _date(by_status[status])
    return None


def _article_ids(id_list: etree._Element | None) -> dict[str, str]:
    if id_list is None:
        return {}
    ids: dict[str, str] = {}
    for article_id in id_list.iterchildren("ArticleId"):
        ids.setdefault(article_id.get("IdType", ""), (article_id.text or "").strip())
    return ids


def _article_record(element: etree._Element) -> Record:
    citation = element.find("MedlineCitation")
    if citation is None:
        raise ParseError("PubmedArticle without MedlineCitation")
    pubmed_data = element.find("PubmedData")
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
            medline_ta = part.findtext("MedlineTA") or ""
    ids: dict[str, str] = {}
    entrez = None
    if pubmed_data is not None:
        ids = _article_ids(pubmed_data.find("ArticleIdList"))
        entrez = _history_entrez_date(pubmed_data.find("History"))
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
                    fields["volume"] = journal_part.findtext("Volume") or ""
                    fields["issue"] = journal_part.findtext("Issue") or ""
                    date_text, year = _pub_date(journal_part.find("PubDate"))
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
                bank_name = (bank.findtext("DataBankName") or "").strip()
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


def _pages(pagination: etree._Element) -> str:
    medline_pages = pagination.findtext("MedlinePgn")
    if medline_pages:
        return medline_pages.strip()
    start = (pagination.findtext("StartPage") or "").strip()
    end = (pagination.findtext("EndPage") or "").strip()
    return f"{start}-{end}" if start and end else start


def _book_record(element: etree._Element) -> Record:
    document = element.find("BookDocument")
    if document is None:
        raise ParseError("PubmedBookArticle without BookDocument")
    pmid_element = document.find("PMID")
    book = document.find("Book")
    author_list = None
    for candidate in document.iterchildren("AuthorList"):
        if candidate.get("Type", "authors") == "authors":
            author_list = candidate
            break
    book_title = _text(book.find("BookTitle")) if book is not None else ""
    date_text, year = _pub_date(book.find("PubDate") if book is not None else None)
    abstract = _abstract(document.find("Abstract"))
    book_data = element.find("PubmedBookData")
    ids = _article_ids(book_data.find("ArticleIdList") if book_data is not None else None)
    ids = {**_article_ids(document.find("ArticleIdList")), **ids}
    entrez = _history_entrez_date(book_data.find("History") if book_data is not None else None)
    return Record(
        pmid=(pmid_element.text or "").strip() if pmid_element is not None else "",
        version=int(pmid_element.get("Version") or 1) if pmid_element is not None else 1,
        title=_text(document.find("ArticleTitle")) or book_title,
        abstract=abstract,
        authors=tuple(_authors(author_list)),
        journal=book_title,
        pages=_pages(document.find("Pagination"))
        if document.find("Pagination") is not None
        else "",
        publication_date=date_text,
        publication_year=year,
        entrez_date=entrez or _date(document.find("ContributionDate")),
        revision_date=_date(document.find("DateRevised")),
        publication_types=tuple(_text(p) for p in document.iter("PublicationType")),
        keywords=tuple(
            dict.fromkeys(_text(k) for k in document.iter("Keyword") if len(k) or k.text)
        ),
        doi=ids.get("doi", ""),
        pmc=ids.get("pmc", ""),
        registry_ids=registry_ids((), " ".join(s.text for s in abstract)),
        languages=tuple((lang.text or "").strip() for lang in document.iterchildren("Language")),
        is_book=True,
    )
