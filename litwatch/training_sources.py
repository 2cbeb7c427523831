"""Where the design model's training records come from: local exports (PubMed XML, MEDLINE text,
Ovid MEDLINE) and PubMed itself through the Entrez client, each labelled by its own indexing."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from litwatch.classifiers.design.training_data import LabelledRecord, label_records
from litwatch.core.files import write_file
from litwatch.core.records import Record
from litwatch.progress import Update
from litwatch.pubmed.formats import parse_file, sniff_format
from litwatch.pubmed.ovid import is_ovid, read_ovid
from litwatch.pubmed.xml import parse_xml

# One publication-type query per design, so that rare designs are asked for on purpose. Labels
# still come from each record's own indexing, not from the query that found it.
ENTREZ_QUERIES: tuple[tuple[str, str], ...] = (
    ("rct", '"Randomized Controlled Trial"[pt]'),
    ("meta-analysis", '"Meta-Analysis"[pt]'),
    ("systematic-review", '"Systematic Review"[pt]'),
    ("protocol", '"Clinical Trial Protocol"[pt]'),
    ("case-report", '"Case Reports"[pt]'),
    ("guideline", '"Practice Guideline"[pt]'),
    ("narrative-review", '"Review"[pt]'),
    ("non-randomized-trial", '"Clinical Trial"[pt] NOT "Randomized Controlled Trial"[pt]'),
    ("cohort", '"Observational Study"[pt]'),
    ("case-control", '"Case-Control Studies"[mh]'),
    ("cross-sectional", '"Cross-Sectional Studies"[mh]'),
    ("commentary", '"Editorial"[pt] OR "Letter"[pt] OR "Comment"[pt]'),
    ("preclinical", '"Animals"[mh] NOT "Humans"[mh]'),
    ("other", '"Journal Article"[pt] AND medline[sb]'),
)


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


def load_trial_abstracts(sources: Iterable[Path]) -> list[LabelledRecord]:
    """Abstracts known to report randomised trials (a set built from PubMed's randomised-trial
    list, such as Evidence Inference's), labelled `rct` whatever their own indexing says."""
    labelled: list[LabelledRecord] = []
    for path in sources:
        for file, records in _records_by_file(Path(path)):
            evidence = (f"randomised-trial set: {file.name}",)
            labelled += [
                LabelledRecord(record, "rct", evidence, file.name, single_design=True)
                for record in records
            ]
    return labelled


@dataclass(frozen=True)
class EntrezSample:
    """How much of PubMed to draw: at most `cap` records per query, month by month from
    `latest` back over `months`, so recent indexing (and recent writing) comes first."""

    cap: int
    latest: date
    months: int = 60
    queries: tuple[tuple[str, str], ...] = ENTREZ_QUERIES


def sample_entrez(
    entrez_client, folder: Path, plan: EntrezSample, progress: Update | None = None
) -> list[LabelledRecord]:
    """A stratified sample of PubMed, fetched into `folder` and labelled by indexing.

    Each query's month is kept as its own folder of efetch batches, renamed into place only when
    whole: a stopped run resumes at the first month it had not finished, and a finished sample
    is read back without asking PubMed again."""
    folder.mkdir(parents=True, exist_ok=True)
    labelled: list[LabelledRecord] = []
    total = plan.cap * len(plan.queries)
    done = 0
    for label, query in plan.queries:
        taken: list[LabelledRecord] = []
        for first, last in _months_back(plan.latest, plan.months):
            if len(taken) >= plan.cap:
                break
            month = folder / _slug(label) / f"{first:%Y-%m}"
            if not month.is_dir():
                _fetch_month(entrez_client, query, first, last, month, plan.cap - len(taken))
            taken += _read_month(month, f"entrez {label} {first:%Y-%m}")
            if progress:
                progress(done + min(len(taken), plan.cap), total, f"{label} {first:%Y-%m}")
        done += plan.cap
        labelled += taken[: plan.cap]
    return _first_copies(labelled)


def _fetch_month(entrez_client, query: str, first: date, last: date, month: Path, want: int):
    partial = month.with_name(month.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)  # an interrupted month: its batches may be incomplete
    partial.mkdir(parents=True)
    result = entrez_client.search(query, first, last)
    fetched = 0
    for number, batch in enumerate(entrez_client.fetch_xml(result)):
        write_file(partial / f"{number:04d}.xml", batch)
        fetched += len(_PMID.findall(batch))
        if fetched >= want:
            break
    partial.rename(month)


def _read_month(month: Path, source_name: str) -> list[LabelledRecord]:
    return [
        item
        for file in sorted(month.glob("*.xml"))
        for item in label_records(parse_xml(file.read_bytes(), source_name="entrez"), source_name)
    ]


def _months_back(latest: date, months: int) -> Iterator[tuple[date, date]]:
    year, month = latest.year, latest.month
    for _ in range(months):
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        yield first, min(last, latest)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def _first_copies(labelled: list[LabelledRecord]) -> list[LabelledRecord]:
    # A record found by two queries (a trial that is also a case report) is kept once.
    seen: set[str] = set()
    kept = []
    for item in labelled:
        if item.record.pmid not in seen:
            seen.add(item.record.pmid)
            kept.append(item)
    return kept


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


# A record's own PMID opens its MedlineCitation; cited PMIDs elsewhere do not count.
_PMID = re.compile(rb"<MedlineCitation[^>]*>\s*<PMID")


def _records_by_file(path: Path) -> Iterator[tuple[Path, Iterable[Record]]]:
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
    with path.open("rb") as handle:
        return sniff_format(handle.read(4096)) is not None
