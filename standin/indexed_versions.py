"""The demo's simulated NLM indexing: three on-topic records re-published three weeks after
their Entrez date as NLM-indexed versions (status MEDLINE, publication types and MeSH added),
written as XML files the stand-in serves from their dates (`VersionFile`). Generated from the
corpus records, saying so in their DateRevised; nothing is written to the corpus."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from litwatch.core.files import write_file
from lxml import etree

INDEXING_LAG = timedelta(weeks=3)

# Simulated NLM indexing of three on-topic records: (PMID, publication types, MeSH headings).
INDEXED_LATER: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "99000012",
        ("Journal Article", "Clinical Trial Protocol"),
        ("Diabetic Neuropathies", "Vitamin B 12", "Metformin", "Humans"),
    ),
    (
        "99000013",
        ("Journal Article", "Randomized Controlled Trial", "Comparative Study"),
        (
            "Diabetic Neuropathies",
            "Vitamin B 12",
            "Administration, Oral",
            "Injections, Intramuscular",
        ),
    ),
    (
        "99000015",
        ("Journal Article", "Observational Study"),
        (
            "Cohort Studies",
            "Metformin",
            "Vitamin B 12 Deficiency",
            "Peripheral Nervous System Diseases",
        ),
    ),
)


def indexed_copy(
    article: etree._Element, types: tuple[str, ...], mesh: tuple[str, ...], revised: date
) -> etree._Element:
    """A copy of an unindexed article as NLM's indexing would leave it."""
    copy = etree.fromstring(etree.tostring(article))
    citation = copy.find("MedlineCitation")
    citation.set("Status", "MEDLINE")
    type_list = citation.find("Article/PublicationTypeList")
    for old in list(type_list):
        type_list.remove(old)
    for name in types:
        etree.SubElement(type_list, "PublicationType", UI="").text = name
    heading_list = citation.find("MeshHeadingList")
    if heading_list is None:
        heading_list = etree.SubElement(citation, "MeshHeadingList")
    for name in mesh:
        heading = etree.SubElement(heading_list, "MeshHeading")
        etree.SubElement(heading, "DescriptorName", UI="", MajorTopicYN="N").text = name
    date_revised = citation.find("DateRevised")
    if date_revised is None:
        date_revised = etree.SubElement(citation, "DateRevised")
        for part in ("Year", "Month", "Day"):
            etree.SubElement(date_revised, part)
    date_revised.find("Year").text = f"{revised:%Y}"
    date_revised.find("Month").text = f"{revised:%m}"
    date_revised.find("Day").text = f"{revised:%d}"
    return copy


def write_indexed_versions(ontopic_xml: Path, folder: Path) -> list:
    """Write the demo's indexed versions as XML files the stand-in serves from their dates."""
    from litwatch.pubmed.xml import iter_article_elements, record_from_element
    from litwatch.standin.versions import VersionFile

    wanted = {pmid: (types, mesh) for pmid, types, mesh in INDEXED_LATER}
    files = []
    for article in iter_article_elements(ontopic_xml):
        record = record_from_element(article)
        if record.pmid not in wanted or record.entrez_date is None:
            continue
        available = datetime.combine(record.entrez_date, datetime.min.time()) + INDEXING_LAG
        types, mesh = wanted[record.pmid]
        copy = indexed_copy(article, types, mesh, available.date())
        path = folder / f"indexed-{record.pmid}.xml"
        document = etree.Element("PubmedArticleSet")
        document.append(copy)
        write_file(path, etree.tostring(document, xml_declaration=True, encoding="utf-8"))
        files.append(VersionFile(path, available))
    return files
