"""The stand-in's PubMed: records read with the project parser, their versions over time, and search.

Every distinct XML body (a corpus record, its unindexed past, a version from a file) is one
*document*, indexed once; a version is a PMID serving a document over a span of simulated
time. Synthetic clones reuse their source's document, so a large corpus loads fast.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from litwatch.core.errors import ConfigError, ParseError
from litwatch.core.records import Record
from litwatch.pubmed.xml import iter_article_elements, record_from_element
from litwatch.standin.dates import covered_days, day_range
from litwatch.standin.index import TextIndex
from litwatch.standin.query import Node, Term, evaluate
from litwatch.standin.timeline import Replay, entrez_times, spread
from litwatch.standin.versions import (
    IndexingRevisions,
    Version,
    VersionFile,
    chain,
    is_indexed,
    unindexed,
)
from litwatch.standin.vintage import to_current_dtd
from lxml import etree

log = logging.getLogger(__name__)

# The checkout's sibling ../shared/corpus, as litwatch.settings finds it.
_SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_CORPUS = (_SHARED_CORPUS / "pubmed-xml", _SHARED_CORPUS / "ontopic" / "ontopic.xml")
CLONE_PMID_BASE = 90_000_000
SORT_ORDERS = ("most recent", "pub_date", "first_author", "journal", "title", "relevance")


@dataclass(frozen=True)
class Document:
    """One distinct XML body, already in the current DTD's shape, and what it parses to."""

    xml: bytes
    record: Record


@dataclass(frozen=True)
class CorpusOptions:
    """How the corpus is laid out in simulated time."""

    replay: Replay | None = None
    indexing: IndexingRevisions = field(default_factory=IndexingRevisions)
    version_files: tuple[VersionFile, ...] = ()
    expand_to: int = 0  # clone records until the corpus holds this many PMIDs


def xml_files(paths: Iterable[Path | str]) -> list[Path]:
    """The XML files under the given folders (recursively) and files, in a stable order.

    A path that is missing, a folder that cannot be listed or a file that cannot be opened is a
    ConfigError: a stand-in serving part of its corpus would look like PubMed missing records."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(_walk_xml(path)))
        elif path.exists():
            found.append(path)
        else:
            raise ConfigError(f"corpus path {path}: not found")
    for path in found:
        try:
            path.open("rb").close()
        except OSError as error:
            raise ConfigError(f"corpus file {path}: cannot be read ({error.strerror})") from None
    return found


def _walk_xml(folder: Path) -> Iterator[Path]:
    # os.walk, unlike rglob, can be told not to skip folders it cannot list.
    def refuse(error: OSError) -> None:
        raise ConfigError(f"corpus folder {error.filename}: cannot be read ({error.strerror})")

    for root, _, names in os.walk(folder, onerror=refuse):
        yield from (Path(root, name) for name in names if name.endswith(".xml"))


def read_documents(path: Path) -> tuple[Document, ...]:
    """Every article of one efetch XML file, in current-DTD shape, parsed by the project parser."""
    stat = path.stat()
    return _read_documents(path.resolve(), stat.st_mtime_ns, stat.st_size)


# Documents are immutable, so stand-ins built in one process (tests, the demo) share the parsing.
@lru_cache(maxsize=1024)
def _read_documents(path: Path, mtime_ns: int, size: int) -> tuple[Document, ...]:
    documents = []
    for element in iter_article_elements(path):
        article = etree.fromstring(etree.tostring(element, with_tail=False))
        to_current_dtd(article)
        documents.append(Document(etree.tostring(article), record_from_element(article)))
    return tuple(documents)


class Corpus:
    """All documents, the version schedule per PMID, and search over what is visible at a time."""

    def __init__(self, documents: list[Document], versions: dict[str, list[Version]]) -> None:
        self.documents = documents
        self.versions = versions
        self.index = TextIndex()
        for number, document in enumerate(documents):
            self.index.add(number, document.record)
        self._serving: dict[int, list[Version]] = defaultdict(list)
        for chain_of_versions in versions.values():
            for version in chain_of_versions:
                self._serving[version.document].append(version)
        self.article_xml = lru_cache(maxsize=50_000)(self._render)

    @property
    def schedule(self) -> list[Version]:
        """Every version of every PMID, ordered by when it becomes current."""
        every = [v for chain_of_versions in self.versions.values() for v in chain_of_versions]
        return sorted(every, key=lambda v: (v.available_from, int(v.pmid), v.number))

    @property
    def end_of_timeline(self) -> datetime:
        """A moment at which every last version is current."""
        return max(v.available_from for v in self.schedule) + timedelta(days=1)

    def current(self, pmid: str, now: datetime) -> Version | None:
        """The version a PMID serves at `now`, or None before it enters PubMed."""
        for version in self.versions.get(pmid, ()):
            if version.current_at(now):
                return version
        return None

    def visible(self, now: datetime) -> list[Version]:
        """The current version of every PMID in PubMed at `now`."""
        found = (self.current(pmid, now) for pmid in self.versions)
        return [version for version in found if version is not None]

    def serving(self, documents: Iterable[int], now: datetime) -> frozenset[str]:
        """PMIDs whose current version at `now` is one of the documents."""
        return frozenset(
            version.pmid
            for document in documents
            for version in self._serving[document]
            if version.current_at(now)
        )

    def search(self, query: Node, now: datetime) -> frozenset[str]:
        """PMIDs visible at `now` whose current version satisfies the query."""
        return evaluate(query, _VisibleIndex(self, now))

    def term_found(self, term: Term) -> bool:
        """Whether a term matches any document at all, whatever the time (NCBI's PhraseNotFound)."""
        if term.unknown_tag:
            return False
        if term.field in ("dp", "edat", "mdat", "pmid"):
            return True
        return bool(self.index.documents(term))

    def in_date_window(
        self, pmids: Iterable[str], datetype: str, first: date, last: date, now: datetime
    ) -> set[str]:
        """PMIDs whose edat, pdat or mdat at `now` falls within the inclusive day range."""
        inside = set()
        for pmid in pmids:
            version = self.current(pmid, now)
            if version is not None and _overlaps(self._dates(version, datetype), first, last):
                inside.add(pmid)
        return inside

    def ordered(self, pmids: Iterable[str], sort: str, now: datetime) -> list[str]:
        """PMIDs in esearch order: most recent entrez date first unless `sort` says otherwise."""
        current = {
            pmid: version for pmid in pmids if (version := self.current(pmid, now)) is not None
        }
        by_recency = sorted(current, key=lambda p: (current[p].entrez, int(p)), reverse=True)
        key = sort.replace("+", " ").strip().lower()
        if key in ("", "most recent", "relevance", "date_desc"):
            return by_recency
        records = {pmid: self.documents[current[pmid].document].record for pmid in by_recency}
        if key in ("pub_date", "pub date", "pubdate"):
            return sorted(by_recency, key=lambda p: records[p].publication_date, reverse=True)
        if key in ("first_author", "author"):
            return sorted(by_recency, key=lambda p: _first_author(records[p]))
        if key in ("journal", "journalname"):
            return sorted(by_recency, key=lambda p: records[p].journal.lower())
        if key == "title":
            return sorted(by_recency, key=lambda p: records[p].title.lower())
        raise ValueError(f"Unknown sort order '{sort}'")

    def record(self, version: Version) -> Record:
        """The Record a client parses from this version's served XML."""
        return record_from_element(etree.fromstring(self.article_xml(version)))

    def _dates(self, version: Version, datetype: str) -> tuple[date, date] | None:
        if datetype == "edat":
            return version.entrez.date(), version.entrez.date()
        record = self.documents[version.document].record
        if datetype == "pdat":
            return covered_days(record.publication_date) if record.publication_date else None
        revised = version.revised or record.revision_date
        return (revised, revised) if revised else None

    def _render(self, version: Version) -> bytes:
        """The served XML of one version: its PMID, simulated entrez date and DateRevised."""
        article = etree.fromstring(self.documents[version.document].xml)
        if self.documents[version.document].record.pmid != version.pmid:
            for pmid in article.iterfind(".//PMID"):
                if pmid.getparent().tag in ("MedlineCitation", "BookDocument"):
                    pmid.text = version.pmid
            for article_id in article.iterfind(".//ArticleIdList/ArticleId[@IdType='pubmed']"):
                if article_id.getparent().getparent().tag in ("PubmedData", "PubmedBookData"):
                    article_id.text = version.pmid
        for status in ("entrez", "pubmed"):
            for history_date in article.iterfind(
                f".//History/PubMedPubDate[@PubStatus='{status}']"
            ):
                _write_time(history_date, version.entrez)
        if version.revised is not None:
            _write_date_revised(article, version.revised)
        return etree.tostring(article, encoding="UTF-8")


class _VisibleIndex:
    """The evaluator's view of the corpus at one moment."""

    def __init__(self, corpus: Corpus, now: datetime) -> None:
        self.corpus = corpus
        self.now = now

    def matching(self, term: Term) -> frozenset[str]:
        corpus, now = self.corpus, self.now
        if term.unknown_tag:
            return frozenset()
        if term.field == "pmid":
            pmid = term.text.strip()
            return frozenset([pmid] if corpus.current(pmid, now) else [])
        if term.field in ("dp", "edat", "mdat"):
            try:
                first, last = day_range(term.text)
            except ValueError:
                return frozenset()
            datetype = {"dp": "pdat", "edat": "edat", "mdat": "mdat"}[term.field]
            return frozenset(corpus.in_date_window(corpus.versions, datetype, first, last, now))
        return corpus.serving(corpus.index.documents(term), now)


def load_corpus(
    paths: Sequence[Path | str] = DEFAULT_CORPUS, options: CorpusOptions | None = None
) -> Corpus:
    """Read the corpus files once and lay every record out on the served timeline."""
    options = options or CorpusOptions()
    documents: list[Document] = []
    latest: dict[str, int] = {}
    for path in xml_files(paths):
        try:
            read = read_documents(path)
        except ParseError as error:
            log.warning("stand-in skips %s", error)
            continue
        for document in read:
            documents.append(document)
            latest[document.record.pmid] = _most_recent(documents, latest, document)
    real_dates = {
        pmid: entrez_date
        for pmid, number in latest.items()
        if (entrez_date := documents[number].record.entrez_date) is not None
    }
    entrez = entrez_times(real_dates, options.replay)
    steps: dict[str, list[tuple[str, datetime, int, date | None]]] = {}
    for pmid, number in latest.items():
        if pmid not in entrez:
            continue
        steps[pmid] = _first_steps(documents, number, entrez[pmid], options)
    for version_file in options.version_files:
        for document in read_documents(version_file.path):
            documents.append(document)
            pmid = document.record.pmid
            when = version_file.available_from
            entrez.setdefault(pmid, when)
            steps.setdefault(pmid, []).append(("file", when, len(documents) - 1, when.date()))
    versions = {pmid: chain(pmid, entrez[pmid], pmid_steps) for pmid, pmid_steps in steps.items()}
    if not versions:  # nothing to serve, and no timeline to set the clock on
        shown = ", ".join(str(path) for path in paths)[:300]
        raise ConfigError(f"corpus {shown}: no PubMed records with an entrez date to serve")
    _add_clones(versions, options.expand_to)
    return Corpus(documents, versions)


def _most_recent(documents: list[Document], latest: dict[str, int], document: Document) -> int:
    """Of duplicate PMIDs keep the most recent DateRevised (the later file on a tie)."""
    number = len(documents) - 1
    kept = latest.get(document.record.pmid)
    if kept is None:
        return number
    kept_revised = documents[kept].record.revision_date or date.min
    return number if (document.record.revision_date or date.min) >= kept_revised else kept


def _first_steps(
    documents: list[Document], number: int, entrez: datetime, options: CorpusOptions
) -> list[tuple[str, datetime, int, date | None]]:
    """A record's own versions: as in the corpus, or unindexed first and indexed after the lag."""
    document = documents[number]
    pmid = document.record.pmid
    # In a replay a record was last revised when it entered; real dates keep the corpus's own.
    revised = entrez.date() if options.replay is not None else None
    article = etree.fromstring(document.xml)
    if not (is_indexed(article) and options.indexing.chosen(pmid)):
        return [("corpus", entrez, number, revised)]
    before = unindexed(article, options.indexing.status)
    documents.append(Document(etree.tostring(before), record_from_element(before)))
    indexed_at = entrez + options.indexing.lag(pmid)
    return [
        ("pre-indexing", entrez, len(documents) - 1, entrez.date()),
        ("indexed", indexed_at, number, indexed_at.date()),
    ]


def _add_clones(versions: dict[str, list[Version]], expand_to: int) -> None:
    """Synthetic PMIDs from 90000000 up, reusing real documents, spread over the corpus's dates."""
    sources = sorted(versions, key=int)
    count = expand_to - len(sources)
    if count <= 0 or not sources:
        return
    entrez = [v.entrez for chain_of_versions in versions.values() for v in chain_of_versions]
    times = spread(count, min(entrez), max(entrez))
    for number, when in enumerate(times):
        source = versions[sources[number % len(sources)]][-1]
        pmid = str(CLONE_PMID_BASE + number)
        versions[pmid] = chain(pmid, when, [("clone", when, source.document, None)])


def _first_author(record: Record) -> str:
    return record.authors[0].display_name.lower() if record.authors else "~"


def _overlaps(days: tuple[date, date] | None, first: date, last: date) -> bool:
    return days is not None and days[0] <= last and days[1] >= first


def _write_time(history_date: etree._Element, when: datetime) -> None:
    """Set a PubMedPubDate to a moment, in NCBI's unpadded Year/Month/Day/Hour/Minute form."""
    for child in list(history_date):
        history_date.remove(child)
    for name, value in (
        ("Year", when.year),
        ("Month", when.month),
        ("Day", when.day),
        ("Hour", when.hour),
        ("Minute", when.minute),
    ):
        etree.SubElement(history_date, name).text = str(value)


def _write_date_revised(article: etree._Element, revised: date) -> None:
    """Set (or add, in DTD order after PMID and DateCompleted) the citation's DateRevised."""
    citation = article.find("MedlineCitation")
    if citation is None:
        return
    element = citation.find("DateRevised")
    if element is None:
        anchor = citation.find("DateCompleted")
        if anchor is None:
            anchor = citation.find("PMID")
        element = etree.Element("DateRevised")
        anchor.addnext(element)
    for child in list(element):
        element.remove(child)
    etree.SubElement(element, "Year").text = f"{revised.year:04d}"
    etree.SubElement(element, "Month").text = f"{revised.month:02d}"
    etree.SubElement(element, "Day").text = f"{revised.day:02d}"
