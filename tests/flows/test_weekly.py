"""The weekly flow end to end: Bio.Entrez over HTTP to the stand-in, a real SQLite store, Prefect."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import settings_for, write_watch_file
from litwatch.core.digest import Digest
from litwatch.flows.weekly import watch_flow
from litwatch.standin.corpus import Corpus, CorpusOptions, load_corpus
from litwatch.standin.query import parse
from litwatch.standin.testing import running_standin
from litwatch.standin.timeline import Replay
from litwatch.standin.versions import IndexingRevisions
from litwatch.store import Store

START = datetime(2026, 9, 7, 7, 0)  # a Monday
WEEKS = 12
QUERY = "diabetes[tiab] OR diabetic[tiab] OR cancer[tiab] OR patients[tiab] OR metformin[tiab]"
REPLAY = Replay(start=START, weeks=WEEKS, stream_from=date(2019, 1, 1))
INDEXING = IndexingRevisions(fraction=0.4, seed=11, lag_days=(8, 30))


@pytest.fixture(scope="module")
def sim_corpus(corpus: Path) -> Corpus:
    """The shared corpus replayed: records since 2019 arrive over 12 weeks, 40% indexed late."""
    files = [corpus / "pubmed-xml", corpus / "ontopic" / "ontopic.xml"]
    return load_corpus(files, CorpusOptions(replay=REPLAY, indexing=INDEXING))


def expected_changes(corpus: Corpus, last_run: datetime) -> tuple[set[str], set[tuple[str, int]]]:
    """From the stand-in's own schedule: PMIDs that should arrive as new in the weekly runs,
    and (PMID, version number) pairs that should arrive as revisions."""
    matching = corpus.search(parse(QUERY), last_run)
    new: set[str] = set()
    revised: set[tuple[str, int]] = set()
    for version in corpus.schedule:
        if version.pmid not in matching or not START < version.available_from <= last_run:
            continue
        if version.number == 1:
            new.add(version.pmid)
        else:
            revised.add((version.pmid, version.number))
    return new, revised


def simulate(
    sim_corpus: Corpus, tmp_path: Path, deliver: bool = True, **standin_options
) -> tuple[list[Digest], object]:
    """Backfill to START, then one run per simulated Monday; the digests in order. Without
    `deliver`, each week's digest is recorded but neither rendered, summarised nor sent."""
    watches = write_watch_file(tmp_path, QUERY)
    with running_standin(corpus=sim_corpus, now=START, **standin_options) as standin:
        settings = settings_for(standin.base_url, tmp_path / "data", watches)
        watch_flow("sim", now=START, settings=settings, since=date(1900, 1, 1), deliver=False)
        for week in range(1, WEEKS + 1):
            now = START + timedelta(weeks=week)
            standin.clock.set(now)
            watch_flow("sim", now=now, settings=settings, deliver=deliver)
        with Store.open(settings.db_path) as store:
            entries = store.digests("sim")
        log = standin.log
    digests = [Digest.from_dict(entry.payload) for entry in entries[1:]]  # [0] is the backfill
    return digests, log


def reported(digests: list[Digest]) -> tuple[Counter, Counter]:
    new = Counter(item.record.pmid for d in digests for item in d.items if item.kind == "new")
    revised = Counter(
        item.record.pmid for d in digests for item in d.items if item.kind == "revised"
    )
    return new, revised


@pytest.fixture(scope="module")
def clean_digests(prefect_api, sim_corpus, tmp_path_factory) -> list[Digest]:
    """The twelve weekly digests of a fault-free simulation (shared: it takes half a minute)."""
    return simulate(sim_corpus, tmp_path_factory.mktemp("clean"))[0]


def test_every_matching_record_is_new_in_exactly_one_weekly_digest(sim_corpus, clean_digests):
    digests = clean_digests
    assert len(digests) == WEEKS
    expected_new, expected_revised = expected_changes(sim_corpus, START + timedelta(weeks=WEEKS))
    new, revised = reported(digests)
    assert len(expected_new) > 50 and len(expected_revised) > 5  # the simulation is not trivial
    assert set(new) == expected_new
    assert max(new.values()) == 1
    # every later version is reported once, as a revision of a record already reported
    assert sum(revised.values()) == len(expected_revised)
    assert set(revised) == {pmid for pmid, _ in expected_revised}
    weekly_new = [len(d.new) for d in digests]
    assert sum(1 for count in weekly_new if count) >= WEEKS - 1, weekly_new


@pytest.mark.slow
def test_faulted_requests_give_the_same_digests(prefect_api, sim_corpus, clean_digests, tmp_path):
    clean = clean_digests
    # The faults are in E-utilities: what the digests hold is compared, so they are recorded
    # and not rendered (the clean simulation renders and summarises every week).
    faulted, log = simulate(
        sim_corpus,
        tmp_path / "faulted",
        deliver=False,
        fault_rate=0.2,
        fault_seed=5,
        stall_seconds=3.0,
    )
    faults = Counter(entry.fault for entry in log.entries() if entry.fault)
    assert sum(faults.values()) >= 5, faults
    assert [sorted((i.kind, i.record.pmid) for i in d.items) for d in faulted] == [
        sorted((i.kind, i.record.pmid) for i in d.items) for d in clean
    ]


def test_a_run_that_fails_on_e_utilities_is_recorded_failed_with_its_reason(
    prefect_api, corpus, tmp_path
):
    """Issue 14, defect 9: the run was left `running`, later called abandoned, its error lost."""
    from litwatch.core.errors import EntrezError

    watches = write_watch_file(tmp_path, "metformin[tiab]")
    with running_standin([corpus / "ontopic" / "ontopic.xml"], now=START) as standin:
        settings = settings_for(standin.base_url, tmp_path / "data", watches, entrez_max_attempts=2)
        # Control: the same run without the fault commits, so the check below can tell them apart.
        watch_flow("sim", now=START, settings=settings, deliver=False)
        standin.faults.force("502", count=2)  # every attempt of the next esearch
        later = START + timedelta(weeks=1)
        with pytest.raises(EntrezError):
            watch_flow("sim", now=later, settings=settings, deliver=False)
    with Store.open(settings.db_path) as store:
        committed, failed = store.runs("sim")
        watermark = store.watermark("sim")
    assert (committed.status, committed.error) == ("committed", None)
    assert failed.status == "failed" and failed.finished_at == later
    assert "502" in failed.error and "\n" not in failed.error
    assert watermark == START.date()  # the failed run moved nothing
