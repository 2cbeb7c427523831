"""The offline demo: the stand-in replays the corpus week by week and the real weekly flow runs
against it through Bio.Entrez over HTTP, writing each week's digest.

The scenario: everything PubMed held before the start date is back-filled first (recorded,
not mailed), then each simulated Monday the flow runs. The on-topic test records carry
Entrez dates in October-November 2026, so they arrive over the weeks; a few of them are
re-published three weeks later as NLM-indexed versions (status MEDLINE, publication types
and MeSH added), which the digest reports as revised. Those indexed versions are generated
here from the corpus records and say so in their DateRevised; nothing is written to the corpus.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from litwatch.core.files import write_file
from lxml import etree

from litwatch.settings import Settings

DEMO_START = datetime(2026, 10, 5, 7, 0)  # a Monday, the day before the first on-topic record
INDEXING_LAG = timedelta(weeks=3)
# The history before the demo starts is back-filled as one slice: the stand-in's corpus is
# small, and a slice per year since 1900 would only add empty searches.
HISTORY_START = date(1900, 1, 1)
HISTORY_SLICE_DAYS = (DEMO_START.date() - HISTORY_START).days + 1

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


@contextmanager
def offline_prefect() -> Iterator[None]:
    """Prefect as the demo wants it, unless the environment says otherwise: only warnings on
    screen, so the paths it prints stay readable. (Its temporary API sends no analytics, as for
    every command: litwatch/embedded_api.py.) Not written into this process's environment."""
    import prefect.main  # noqa: F401  (configures Prefect's loggers: the level below must come after)

    if "PREFECT_LOGGING_LEVEL" not in os.environ:
        # Prefect's flow and task run loggers inherit this level.
        logging.getLogger("prefect").setLevel(logging.WARNING)
    yield


def run_demo(
    settings: Settings, *, weeks: int, out_dir: Path, echo: Callable[[str], None] = print
) -> list:
    """Back-fill, then run the weekly flow once per simulated week; print where everything went."""
    from litwatch.flows.backfill import backfill_flow
    from litwatch.flows.weekly import watch_flow
    from litwatch.standin.testing import running_standin

    from litwatch.config import load_watches

    out_dir = out_dir.resolve()
    corpus = settings.corpus_dir
    sources = [corpus / "pubmed-xml", corpus / "ontopic" / "ontopic.xml"]
    for source in sources:
        if not source.exists():
            from litwatch.core.errors import ConfigError

            raise ConfigError(f"corpus not found at {source} (set --corpus or LITWATCH_CORPUS_DIR)")
    results = []
    with tempfile.TemporaryDirectory(prefix="litwatch-demo-") as scratch:
        version_files = write_indexed_versions(corpus / "ontopic" / "ontopic.xml", Path(scratch))
        echo(f"demo: starting the E-utilities stand-in over {corpus} (simulated clock, real HTTP)")
        with running_standin(
            sources, now=DEMO_START, version_files=tuple(version_files)
        ) as standin:
            demo_settings = settings.model_copy(
                update={"eutils_url": standin.base_url, "data_dir": out_dir, "smtp_host": ""}
            )
            watches = load_watches(demo_settings.watches_file)
            echo(f"demo: {len(standin.corpus.versions)} records served; writing to {out_dir}")
            for watch in watches:
                history = backfill_flow(
                    watch.name,
                    since=HISTORY_START,
                    until=DEMO_START.date(),
                    settings=demo_settings,
                    now=DEMO_START,
                    deliver=False,
                    slice_days=HISTORY_SLICE_DAYS,
                )
                echo(f"backfill  {history.summary_line()}")
            for week in range(1, weeks + 1):
                now = DEMO_START + timedelta(weeks=week)
                standin.clock.set(now)
                for watch in watches:
                    result = watch_flow(watch.name, now=now, settings=demo_settings)
                    results.append(result)
                    echo(f"week {week:>2}  {now:%Y-%m-%d}  {result.summary_line()}")
                    for kind, path in sorted(result.paths.items()):
                        echo(f"          {kind:<8} {path}")
    return results
