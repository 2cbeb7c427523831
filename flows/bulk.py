"""Bulk classification: large PubMed XML files (MEDLINE baseline files, `.xml.gz`) cut into
batches of records, each batch classified on a Dask worker of the flow's DaskTaskRunner, the
results written to one Parquet file in input order.

A local Dask cluster of worker processes (one thread each: classification is CPU-bound Python,
so threads would share one core) by default, or an existing Dask scheduler when given. Batches
are submitted as the files are read, a few per worker at a time, so memory stays bounded.

A batch is a Dask task (`flows/bulk_batches.py`), handed to the Dask client of the flow's task
runner, not a Prefect task run: a task run cost about 140 ms of CPU (its settings context
serialised at submission, its states recorded by the Prefect API, its engine and settings set
up on the worker), and on two cores the API server and this process take theirs from the
workers. The flow run is Prefect's record of the bulk run; its log says what was done.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger

from litwatch.config import find_watch, load_watches
from litwatch.settings import Settings

# Records per batch, unless a fixed size is asked for: a share of what is left of the file, from
# LARGEST_BATCH down to SMALLEST_BATCH at its end (`pubmed.xml_batches.shrinking_sizes`). Large
# batches keep the per-batch cost (a scratch file, a Dask task, a Parquet row group) small;
# small ones at the end keep both workers busy to the end (issue #20 item 7).
LARGEST_BATCH = 2000
SMALLEST_BATCH = 200
BATCHES_PER_WORKER = 3  # in flight per worker: enough to keep it busy while results are written
DEFAULT_IN_FLIGHT = 16  # for an existing scheduler, whose worker count this process does not know

# Called after each batch is written: (records done, total if known, what was done).
BatchProgress = Callable[[int, int | None, str], None]


@dataclass(frozen=True)
class BulkResult:
    """What one bulk classification did, for the CLI line and the benchmark."""

    files: int
    records: int
    batches: int
    out: Path
    seconds: float
    cluster: str

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def summary_line(self) -> str:
        return (
            f"classified {self.records} records from {self.files} file(s) in {self.batches} batches "
            f"on {self.cluster}: {self.seconds:.1f} s, {self.records_per_second:.0f} records/s "
            f"-> {self.out}"
        )


@flow(name="litwatch-classify-bulk", log_prints=True)
def bulk_classify_flow(
    files: list[Path],
    out: Path,
    watch_name: str | None = None,
    settings: Settings | None = None,
    text_only: bool = False,
    batch_size: int | None = None,
    in_flight: int = DEFAULT_IN_FLIGHT,
    progress: BatchProgress | None = None,
    workers: int = 1,
    spool: bool = False,
) -> tuple[int, int]:
    """Classify every article of `files` into the Parquet file `out`; (records, batches).

    Batches of `batch_size` records, or (None) shrinking to each file's end over `workers`.
    With `spool` (workers on this machine), each batch is written to a private scratch file and
    the workers are sent its path: its bytes (15 MB a thousand records) no longer pass through
    the scheduler and its connections, which share this process's CPU with the reading.

    The batches go to the Dask client of the flow's task runner, which must be a
    DaskTaskRunner (`dask_task_runner`)."""
    from litwatch.core.files import scratch_folder, write_scratch
    from litwatch.flows.bulk_batches import classify_batch
    from litwatch.outputs.parquet import classification_schema, parquet_writer

    dask = _dask_client()
    settings = settings or Settings()
    watch = find_watch(load_watches(settings.watches_file), watch_name)[0]
    schema = classification_schema([gap.name for gap in watch.gaps])
    watch_json = watch.model_dump_json()
    pending: deque = deque()  # (future, its scratch file or None), oldest first
    records = batches = submitted = 0
    spooling = scratch_folder("litwatch-batches-") if spool else nullcontext(None)
    with parquet_writer(out, schema) as writer, spooling as scratch:

        def write_oldest() -> None:
            nonlocal records, batches
            future, spooled = pending.popleft()
            table = future.result()
            if spooled:
                spooled.unlink()
            writer.write_table(table)
            records += table.num_rows
            batches += 1
            if progress:
                progress(records, None, f"{batches} batches")

        for path in files:
            for pieces in _batches(path, batch_size, workers):
                spooled = scratch / f"{submitted}.xml" if scratch else None
                if spooled:
                    write_scratch(spooled, pieces)
                submitted += 1
                future = dask.submit(
                    classify_batch,
                    spooled or b"".join(pieces),
                    path.name,
                    watch_json,
                    text_only,
                    settings.design_model,
                    settings.findings_model,
                    pure=False,  # a key of its own, with no hash of the batch's bytes
                )
                pending.append((future, spooled))
                if len(pending) >= in_flight:
                    write_oldest()
        while pending:
            write_oldest()
    get_run_logger().info("classified %d records in %d batches into %s", records, batches, out)
    return records, batches


def _dask_client():
    """The Dask client of the running flow's task runner (the runner starts its cluster at the
    first use)."""
    from litwatch.core.errors import LitwatchError
    from prefect.context import FlowRunContext
    from prefect_dask import DaskTaskRunner

    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if not isinstance(runner, DaskTaskRunner):
        raise LitwatchError("classify-bulk: the flow needs a DaskTaskRunner (dask_task_runner)")
    return runner.client


def _batches(
    path: Path, batch_size: int | None, workers: int
) -> Iterator[list[bytes | memoryview]]:
    """Each batch of `path` as its pieces (`article_batch_pieces`)."""
    from litwatch.pubmed.xml_batches import article_batch_pieces, shrinking_sizes

    if batch_size:
        yield from article_batch_pieces(path, batch_size)
        return
    with path.open("rb") as raw:
        sizes = shrinking_sizes(
            raw, path.stat().st_size, workers, largest=LARGEST_BATCH, smallest=SMALLEST_BATCH
        )
        yield from article_batch_pieces(raw, sizes, source_name=str(path))


def check_scheduler(address: str, timeout: float = 5.0) -> None:
    """A Dask scheduler answers at `address` (tcp://HOST:PORT or tls://HOST:PORT), else one line
    now: Dask itself waits 30 s and then raises OSError."""
    import socket
    from urllib.parse import urlsplit

    from litwatch.core.errors import LitwatchError

    try:
        parts = urlsplit(address)
        scheme, host, port = parts.scheme, parts.hostname, parts.port
    except ValueError:  # a port that is not a number, or past 65535
        scheme, host, port = "", None, None
    if scheme not in ("tcp", "tls") or not host or not port:
        raise LitwatchError(f"--scheduler {address!r}: expected tcp://HOST:PORT")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise LitwatchError(
            f"--scheduler {address}: no Dask scheduler answers ({reason})"
        ) from None


def dask_task_runner(workers: int, scheduler: str | None):
    """Prefect's DaskTaskRunner on an existing scheduler, or on a local cluster of `workers`
    single-threaded processes listening on loopback only (no dashboard). The workers run Dask
    tasks only, so they never talk to the Prefect API."""
    from prefect_dask import DaskTaskRunner

    if scheduler:
        return DaskTaskRunner(address=scheduler)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": None,
        },
    )


def classify_bulk(
    files: Sequence[Path],
    out: Path,
    *,
    settings: Settings,
    watch_name: str | None = None,
    workers: int = 2,
    scheduler: str | None = None,
    text_only: bool = False,
    batch_size: int | None = None,
    progress: BatchProgress | None = None,
) -> BulkResult:
    """Run the bulk flow on a Dask cluster: a local one of `workers` processes, or `scheduler`'s."""
    from litwatch.core.errors import LitwatchError
    from litwatch.outputs.targets import check_output_file

    missing = [str(path) for path in files if not Path(path).is_file()]
    if missing:
        raise LitwatchError(f"classify-bulk: no such file: {', '.join(missing)}")
    # Everything that can be checked is checked before minutes of work: the output, the model
    # and the scheduler.
    check_output_file(Path(out), "--out")
    if scheduler:
        check_scheduler(scheduler)
    from litwatch.classifiers.design import load_design_model

    load_design_model(settings.design_model)  # a missing or broken model fails before the work
    import dask
    from litwatch.flows.dask_runner import forked_worker_config, quiet_stream_closes

    runner = dask_task_runner(workers, scheduler)
    started = time.perf_counter()
    # A batch is data shipped once to one worker (about 15 MB for 1,000 records), not a task
    # graph that grew by accident, which is what Dask's 10 MB warning is for.
    config = {"distributed.admin.large-graph-warning-threshold": "256MB"}
    local = {**config, **forked_worker_config()} if not scheduler else None
    with dask.config.set(local or config), quiet_stream_closes() if local else nullcontext():
        records, batches = bulk_classify_flow.with_options(task_runner=runner)(
            [Path(path) for path in files],
            Path(out),
            watch_name=watch_name,
            settings=settings,
            text_only=text_only,
            batch_size=batch_size,
            in_flight=DEFAULT_IN_FLIGHT if scheduler else BATCHES_PER_WORKER * workers,
            progress=progress,
            workers=DEFAULT_IN_FLIGHT // BATCHES_PER_WORKER if scheduler else workers,
            spool=not scheduler,  # a scheduler's workers may be on other machines
        )
    seconds = time.perf_counter() - started
    cluster = f"Dask scheduler {scheduler}" if scheduler else f"{workers} local Dask worker(s)"
    return BulkResult(len(files), records, batches, Path(out), seconds, cluster)
