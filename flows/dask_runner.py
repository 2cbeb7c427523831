"""How local Dask workers for the bulk flow are started and stopped: forked from a server
process that has imported what a batch needs, and closed without a traceback in the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

# What every local worker imports before its first batch: the classifiers (scikit-learn, SciPy,
# lxml), the Parquet writer and the batch's own module. No Prefect: a batch is a Dask task.
WORKER_PRELOAD = (
    "distributed",
    "litwatch.flows.bulk_batches",
    "litwatch.classifiers.judge",
    "litwatch.classifiers.design",
    "litwatch.classifiers.findings.model",
    "litwatch.outputs.parquet",
    "litwatch.pubmed.xml",
)


def forked_worker_config() -> dict[str, str | bool]:
    """Dask settings under which local workers are forked from a server process that has
    imported WORKER_PRELOAD once, instead of each started afresh ("spawn", Dask's default), and
    the local cluster's servers keep LOCAL_CLUSTER_PACE.

    A spawned worker imports the classifiers itself (seconds of CPU, on the cores the other
    workers need), and when the cluster closes it tears down that whole interpreter: the
    nanny waited the 4 s it allows and then killed it (benchmarks/bulk.py). A forked worker
    exits without the teardown, so the cluster closes in a fraction of a second."""
    import multiprocessing

    import dask
    from distributed.utils import get_mp_context

    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        get_mp_context()  # Dask sets its own preload list once: ours replaces it after
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(WORKER_PRELOAD))
    return {"distributed.worker.multiprocessing-method": "forkserver"} | LOCAL_CLUSTER_PACE


# How often a local cluster's servers look at themselves. The scheduler and the nannies live in
# this process, beside the reading, and on two cores every CPU second they take is taken from a
# worker. Dask's defaults serve long-lived shared clusters with a dashboard: a check that the
# event loop is not blocked every 20 ms in every server, system metrics every 500 ms, each
# worker's memory every 100 ms, and work stealing every 100 ms, which a queue of like batches
# handed out as workers free up never needs. Together they cost this process 0.8 of its 2.3 CPU
# s on the benchmark's 30,000 records (benchmarks/bulk.py, two workers, twice each way).
# Each worker also sampled its own stack every 10 ms for the dashboard's profile, which no one
# looks at here: 3.5 of 62 CPU s over the same records with one worker.
LOCAL_CLUSTER_PACE: dict[str, str | bool] = {
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.worker.profile.enabled": False,
}


@contextmanager
def quiet_stream_closes() -> Iterator[None]:
    """While a local cluster runs and closes: `distributed` logs at INFO, with a traceback, each
    batched stream from the scheduler to a worker that the cluster's own shutdown closed
    ("Batched Comm Closed ... CommClosedError"). That is the normal end of a worker, not a
    fault; its warnings and errors still show."""
    logger = logging.getLogger("distributed.batched")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)
