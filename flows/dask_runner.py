"""Prefect's DaskTaskRunner, submitting every task run under a fresh key.

Dask names a submitted call by hashing it unless told the call is impure, and the hashing
pickles the Prefect task, its run context and its arguments: a fifth of a second per batch in
the one process that also reads the input and writes the results (benchmarks/bulk.py, py-spy).
A Prefect task run can never share a key anyway, since each carries its own run id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prefect_dask import DaskTaskRunner
from prefect_dask.task_runners import PrefectDaskFuture


class FreshKeyDaskTaskRunner(DaskTaskRunner):
    """DaskTaskRunner whose submissions are impure (a random key, no hash of the arguments)."""

    # prefect_dask declares DaskTaskRunner a TaskRunner of the default future type rather than
    # of PrefectDaskFuture, so mypy finds DaskTaskRunner's own submit incompatible too.
    def submit(  # type: ignore[override]
        self,
        task,
        parameters: dict,
        wait_for: Iterable | None = None,
        dependencies: dict | None = None,
    ) -> PrefectDaskFuture:
        if not self._started:
            raise RuntimeError("The task runner must be started before submitting work.")
        future = self.client.submit(
            task,
            parameters=self._optimize_futures(parameters),
            wait_for=self._optimize_futures(wait_for) if wait_for else None,
            dependencies=dependencies,
            return_type="state",
            pure=False,
        )
        return PrefectDaskFuture(wrapped_future=future, task_run_id=future.task_run_id)


# What every local worker imports before its first batch: the classifiers (scikit-learn, SciPy,
# lxml), the Parquet writer, and Prefect's task engine, which runs each batch. A task run's
# settings come with it from this process (`prefect.context.hydrated_context` enters them, and
# reads the environment the nanny gives the worker after the fork for what is not set here, the
# API address), so a Prefect imported before the fork reports to the right API.
WORKER_PRELOAD = (
    "distributed",
    "prefect.task_engine",
    "prefect_dask",
    "litwatch.classifiers.judge",
    "litwatch.classifiers.design",
    "litwatch.classifiers.findings.model",
    "litwatch.outputs.parquet",
    "litwatch.pubmed.xml",
)


def forked_worker_config() -> dict[str, str]:
    """Dask settings under which local workers are forked from a server process that has
    imported WORKER_PRELOAD once, instead of each started afresh ("spawn", Dask's default).

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
    return {"distributed.worker.multiprocessing-method": "forkserver"}


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
