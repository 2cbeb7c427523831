"""Bulk classification on a local Dask cluster of two worker processes, through Prefect."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import distributed  # noqa: F401  (its defaults in Dask's config: see below)
import pyarrow.parquet as pq
import pytest
from helpers import command_env
from litwatch.classifiers.design import load_design_model
from litwatch.classifiers.judge import Judge
from litwatch.flows.bulk import classify_bulk
from litwatch.pubmed.xml import iter_article_elements, parse_xml
from lxml import etree

from litwatch.config import find_watch, load_watches
from litwatch.settings import Settings

RECORDS = 300

# Tests set Dask options under "distributed" for a run. Before distributed is imported, that key
# is not in Dask's config, so leaving `dask.config.set` removed the whole "distributed" tree,
# the defaults that the run's import had meanwhile put there too, and the next test's run
# failed with KeyError: 'comm' (seen when the shutdown test ran first, as xdist may order
# them). Imported above, before any test, the tree is there and only the set keys are undone.


def baseline_file(corpus: Path, folder: Path) -> Path:
    """A gzipped baseline-like file of RECORDS distinct corpus articles, in two halves (files)."""
    articles: dict[str, bytes] = {}
    for source in sorted((corpus / "pubmed-xml").glob("*.xml")):
        for element in iter_article_elements(source):
            pmid = element.findtext(".//PMID")
            if pmid and pmid not in articles:
                articles[pmid] = etree.tostring(element)
            if len(articles) == RECORDS:
                break
        if len(articles) == RECORDS:
            break
    path = folder / "pubmed26n0001.xml.gz"
    path.write_bytes(
        gzip.compress(b"<PubmedArticleSet>" + b"".join(articles.values()) + b"</PubmedArticleSet>")
    )
    return path


def test_two_workers_write_one_row_per_record_with_the_single_process_designs(
    prefect_api, corpus, tmp_path
):
    source = baseline_file(corpus, tmp_path)
    settings = Settings(data_dir=tmp_path / "data")
    out = tmp_path / "results.parquet"
    result = classify_bulk([source], out, settings=settings, workers=2, batch_size=40)
    assert (result.records, result.batches) == (RECORDS, 8)

    table = pq.read_table(out).to_pylist()
    assert len(table) == RECORDS and len({row["pmid"] for row in table}) == RECORDS
    watch = find_watch(load_watches(settings.watches_file), None)[0]
    records = list(parse_xml(source))
    judge = Judge(
        watch.topic, watch.gaps, watch.findings_definition, design_model=load_design_model(None)
    )
    expected = judge.classify(records)
    assert [row["pmid"] for row in table] == [record.pmid for record in records]  # input order
    assert [(row["design"], row["design_source"]) for row in table] == [
        (c.design.label, c.design.source) for c in expected
    ]
    assert [row[f"gap_{name}"] for row in table for name in ("stratified_rct",)] == [
        c.relevance("stratified_rct") for c in expected
    ]
    assert {row["source_file"] for row in table} == {source.name}
    assert len({row["design"] for row in table}) >= 4  # the sample is not one kind of study
    # Recorded as one flow run; each batch a Dask task, not a Prefect task run (issue #20 item
    # 7: a task run cost about 140 ms of CPU, much of it in this process and the API server).
    assert bulk_flow_run() == ("COMPLETED", 0)


def test_by_default_the_last_batches_are_the_smallest_so_no_worker_idles_at_the_end(
    prefect_api, corpus, tmp_path
):
    """Issue #20 item 7: with a fixed batch size, one worker classified the whole last batch
    while the other idled. Without --batch-size the batches shrink towards the file's end, and
    the results are those of fixed batches (test above), in input order."""
    source = baseline_file(corpus, tmp_path)
    done: list[int] = []
    result = classify_bulk(
        [source],
        tmp_path / "out.parquet",
        settings=Settings(data_dir=tmp_path / "data"),
        workers=2,
        progress=lambda records, total, what: done.append(records),
    )
    sizes = [after - before for before, after in zip([0, *done], done)]
    assert sum(sizes) == result.records == RECORDS and len(sizes) == result.batches
    assert len(sizes) >= 2 and sizes[-1] < sizes[0], sizes  # was one batch of all 300
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [row["pmid"] for row in rows] == [record.pmid for record in parse_xml(source)]


def test_local_workers_get_each_batch_as_a_private_file_that_no_run_leaves_behind(
    prefect_api, corpus, tmp_path, request
):
    """Issue #20 item 7: every batch's XML (15 MB a thousand records) went to the workers
    through the scheduler, which runs in this process beside the reading: copied, pickled and
    sent twice. Local workers now read it from a scratch file in a private folder, removed as
    its batch is written, and with the folder at the end, also when the run fails; a folder
    left by a killed run is removed by the next run."""
    import os
    import tempfile

    source = baseline_file(corpus, tmp_path)
    scratch = Path(tempfile.gettempdir())
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    dead = int(ended.stdout)
    killed, recent, living = (
        Path(tempfile.mkdtemp(prefix=f"litwatch-batches-{pid}-", dir=scratch))
        for pid in (dead, dead, os.getpid())
    )
    for folder in (killed, recent, living):
        request.addfinalizer(lambda folder=folder: shutil.rmtree(folder, ignore_errors=True))
    for folder in (killed, living):
        (folder / "0.xml").write_bytes(b"<PubmedArticleSet/>")
        os.utime(folder, (0, os.stat(folder).st_mtime - 7200))  # two hours untouched
    before = set(scratch.glob("litwatch-batches-*"))  # another run's, if any, and the three
    seen: list[dict[Path, int]] = []  # after each batch written: scratch files and their modes

    def progress(records: int, total: int | None, what: str) -> None:
        # this run's folder only: a bulk test in the other xdist worker writes batches too
        folders = set(scratch.glob(f"litwatch-batches-{os.getpid()}-*")) - before
        seen.append(
            {path: path.stat().st_mode & 0o777 for ours in folders for path in ours.iterdir()}
        )

    settings = Settings(data_dir=tmp_path / "data")
    out = tmp_path / "out.parquet"
    result = classify_bulk(
        [source], out, settings=settings, workers=2, batch_size=50, progress=progress
    )
    assert (result.records, result.batches) == (RECORDS, 6)
    # Six in flight (three a worker): after each batch is written, the ones still to write.
    assert [len(files) for files in seen] == [5, 4, 3, 2, 1, 0]
    assert set(seen[0].values()) == {0o600}  # this user's alone
    assert len({path.parent for files in seen for path in files}) == 1  # one private folder
    ours = f"litwatch-batches-{os.getpid()}-*"  # another xdist worker's runs have their own
    assert set(scratch.glob(ours)) <= before  # nothing left behind
    rows = pq.read_table(out).to_pylist()
    assert [row["pmid"] for row in rows] == [record.pmid for record in parse_xml(source)]

    def failing(records: int, total: int | None, what: str) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        classify_bulk([source], out, settings=settings, workers=2, batch_size=50, progress=failing)
    assert set(scratch.glob(ours)) <= before  # removed on a failure too
    # Left by a killed process an hour ago and more: removed; a younger one, or a living
    # process's, kept (a run on another machine sharing the folder may still be at work).
    assert (killed.exists(), recent.exists(), living.exists()) == (False, True, True)


def test_the_local_cluster_shuts_down_at_once_without_a_traceback(
    prefect_api, corpus, tmp_path, capfd, caplog
):
    """Issue #20 item 7: a worker whose interpreter is slow to tear down (a preload makes it
    so, as the classifiers' libraries do on a busy machine) held every bulk run's end for the
    4 s the nanny allows, then was killed, and `distributed` logged the kill. Local workers
    are forked from a preloaded server and exit without the teardown."""
    import dask

    source = baseline_file(corpus, tmp_path)
    slow_exit = Path(__file__).parents[1] / "support" / "slow_worker_exit.py"
    settings = Settings(data_dir=tmp_path / "data")
    with dask.config.set({"distributed.worker.preload": [str(slow_exit)]}):
        result = classify_bulk(
            [source], tmp_path / "out.parquet", settings=settings, workers=2, batch_size=200
        )
    assert result.records == RECORDS
    said = capfd.readouterr().err + caplog.text
    assert "Traceback" not in said and "CommClosedError" not in said, said
    assert "still alive" not in said, said  # the nanny did not have to kill a worker


def test_local_workers_start_with_the_classifiers_already_imported_and_no_prefect(
    prefect_api, corpus, tmp_path
):
    """Issue #20 item 7: each local worker imported Prefect's task engine itself at its first
    batch (about 0.7 CPU s, on the cores the other worker and this process need), and one not
    told this process's API address started an API of its own. The server the workers are
    forked from imports the classifiers once, and a batch, a Dask task, needs no Prefect.

    Run as `litwatch classify-bulk`, in a process of its own as users run it: a process has one
    fork server, and in this one a test before may have started it with another preload (the
    reliability tests' children, which import Prefect)."""
    import json

    import worker_imports
    from prefect.settings import PREFECT_API_URL

    source = baseline_file(corpus, tmp_path)
    seen = tmp_path / "imports"
    seen.mkdir()
    env = command_env(
        tmp_path,
        LITWATCH_DATA_DIR=str(tmp_path / "data"),
        PREFECT_API_URL=str(PREFECT_API_URL.value()),
        # Dask reads its settings from DASK_* variables too (a list as a Python literal).
        DASK_DISTRIBUTED__WORKER__PRELOAD=json.dumps([worker_imports.__file__]),
        DASK_LITWATCH_TEST__WORKER_IMPORTS=str(seen),
    )
    command = [sys.executable, "-m", "litwatch", "classify-bulk", str(source)]
    command += ["--out", str(tmp_path / "out.parquet"), "--workers", "2", "--batch-size", "150"]
    done = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"classified {RECORDS} records" in done.stdout, done.stdout
    held = [path.read_text().split() for path in seen.iterdir()]
    # None of worker_imports.AVOIDED, and the local cluster's pace (LOCAL_CLUSTER_PACE).
    assert held == [[*worker_imports.NEEDED, "tick=500ms", "profiling=False"]] * 2, held
    assert bulk_flow_run() == ("COMPLETED", 0)


def bulk_flow_run() -> tuple[str, int]:
    """The state of the newest bulk flow run and how many task runs it has, read back from the
    Prefect API."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterId,
    )
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        (flow_run,) = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["litwatch-classify-bulk"])),
            sort=FlowRunSort.START_TIME_DESC,
            limit=1,
        )
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
        )
    return flow_run.state.type.value, len(task_runs)


def test_a_stream_the_cluster_closed_itself_is_not_reported_but_a_fault_is(caplog):
    """The scheduler logs each stream to a worker that closed during the cluster's shutdown at
    INFO, with a CommClosedError traceback (distributed.batched); seen in a clean-clone run of
    the test above. Within the local cluster's life that line is normal and kept out; a
    warning from the same place still shows, and outside, the logger is as it was."""
    import logging

    from litwatch.flows.dask_runner import quiet_stream_closes

    batched = logging.getLogger("distributed.batched")
    with caplog.at_level(logging.INFO), quiet_stream_closes():
        try:
            raise ConnectionError("closed")
        except ConnectionError:
            batched.info("Batched Comm Closed %r", "<TCP (closed)>", exc_info=True)
        batched.warning("a real fault")
    assert "Batched Comm Closed" not in caplog.text and "a real fault" in caplog.text
    with caplog.at_level(logging.INFO):  # control: outside it, the line is logged as before
        batched.info("Batched Comm Closed %r", "<TCP (closed)>")
    assert "Batched Comm Closed" in caplog.text


def test_a_workers_judge_and_imports_are_kept_out_of_the_collectors_walks():
    """Issue #20 item 7: each full garbage collection in a worker walked the Judge's models and
    every imported module, about a tenth of a batch's CPU. A worker builds its Judge once and
    then freezes what it holds, so collections walk only what batches create."""
    import gc

    from litwatch.flows.bulk_batches import judge_for

    watch = find_watch(load_watches(Settings().watches_file), None)[0]
    # A watch of its own: the Judge is built here, not taken from an earlier test's.
    watch_json = watch.model_copy(update={"name": "frozen-heap-probe"}).model_dump_json()
    try:
        _, judge = judge_for(watch_json, None)
        collected = gc.get_objects()
        assert gc.get_freeze_count() > 0
        assert not any(held is judge for held in collected)
        assert not any(held is judge.design_model for held in collected)
        batch_object = Settings()
        assert any(held is batch_object for held in gc.get_objects())
    finally:
        gc.unfreeze()  # this test process is not a worker
