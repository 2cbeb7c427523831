"""Record versions over time: which PMID serves which content from when.

NLM indexes a citation weeks after it enters PubMed: until then it is In-Process (or
Publisher) with no MeSH and only "Journal Article" as publication type; indexing then
replaces it with the MEDLINE version under a newer DateRevised. The stand-in replays that
for a deterministic subset of the corpus's MEDLINE records, and takes further versions
from extra XML files.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from lxml import etree

JOURNAL_ARTICLE_UI = "D016428"

# Elements NLM adds when it indexes a citation.
_INDEXING_ELEMENTS = ("DateCompleted", "MeshHeadingList", "ChemicalList", "SupplMeshList")


@dataclass(frozen=True)
class IndexingRevisions:
    """Which MEDLINE records are first served unindexed, and how long indexing takes.

    A record is chosen when listed in `pmids`, or else with probability `fraction` from a
    generator seeded by `seed` and its PMID, so the choice does not depend on load order."""

    fraction: float = 0.0
    seed: int = 0
    lag_days: tuple[int, int] = (14, 42)
    pmids: frozenset[str] = frozenset()
    status: str = "In-Process"

    def chosen(self, pmid: str) -> bool:
        return pmid in self.pmids or self._random(pmid, "choose").random() < self.fraction

    def lag(self, pmid: str) -> timedelta:
        low, high = self.lag_days
        return timedelta(days=self._random(pmid, "lag").randint(low, high))

    def _random(self, pmid: str, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{purpose}:{pmid}")


@dataclass(frozen=True)
class VersionFile:
    """An XML file whose records become new versions of their PMIDs at `available_from`."""

    path: Path
    available_from: datetime


@dataclass(frozen=True)
class Version:
    """One entry of the schedule: `pmid` serves `document` from `available_from` until `until`."""

    pmid: str
    number: int
    kind: str  # "corpus", "pre-indexing", "indexed", "file", "clone"
    available_from: datetime
    until: datetime | None
    document: int
    entrez: datetime  # the served PubMedPubDate entrez/pubmed time, the same for every version
    revised: date | None  # the served DateRevised; None keeps the document's own

    def current_at(self, now: datetime) -> bool:
        return self.available_from <= now and (self.until is None or now < self.until)


def is_indexed(article: etree._Element) -> bool:
    """Whether the article is a MEDLINE citation with MeSH headings, so it has an unindexed past."""
    citation = article.find("MedlineCitation")
    return (
        citation is not None
        and citation.get("Status") == "MEDLINE"
        and citation.find("MeshHeadingList") is not None
    )


def unindexed(article: etree._Element, status: str) -> etree._Element:
    """A copy of an indexed article as it read before NLM indexed it."""
    copy = etree.fromstring(etree.tostring(article))
    citation = copy.find("MedlineCitation")
    citation.set("Status", status)
    citation.attrib.pop("IndexingMethod", None)
    for name in _INDEXING_ELEMENTS:
        for element in citation.findall(name):
            citation.remove(element)
    type_list = citation.find("Article/PublicationTypeList")
    if type_list is not None:
        for publication_type in list(type_list):
            type_list.remove(publication_type)
        journal_article = etree.SubElement(type_list, "PublicationType", UI=JOURNAL_ARTICLE_UI)
        journal_article.text = "Journal Article"
    for medline_date in copy.findall("PubmedData/History/PubMedPubDate[@PubStatus='medline']"):
        medline_date.getparent().remove(medline_date)
    return copy


def chain(
    pmid: str, entrez: datetime, steps: Iterable[tuple[str, datetime, int, date | None]]
) -> list[Version]:
    """Versions from (kind, available_from, document, revised) steps, each ending at the next."""
    ordered = sorted(steps, key=lambda step: step[1])
    versions = []
    for number, (kind, available_from, document, revised) in enumerate(ordered, start=1):
        until = ordered[number][1] if number < len(ordered) else None
        versions.append(
            Version(pmid, number, kind, available_from, until, document, entrez, revised)
        )
    return versions
