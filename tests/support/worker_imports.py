"""A Dask worker preload (`distributed.worker.preload`) that writes, when the worker starts and
before any batch, which of the modules a batch needs it already holds, which of those it must
not need it holds, and the Dask settings it runs under, into the folder named by the Dask
setting `litwatch-test.worker-imports`: one file per worker process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dask

NEEDED = ("litwatch.flows.bulk_batches", "litwatch.classifiers.judge", "litwatch.outputs.parquet")
AVOIDED = ("prefect", "prefect_dask")  # a batch is a Dask task: Prefect is this process's


def dask_setup(worker) -> None:
    folder = Path(dask.config.get("litwatch-test.worker-imports"))
    held = [name for name in NEEDED + AVOIDED if name in sys.modules]
    pace = [  # the cluster's pace, and whether the worker samples its own stack
        f"tick={dask.config.get('distributed.admin.tick.interval')}",
        f"profiling={'profile' in worker.periodic_callbacks}",
    ]
    (folder / f"{os.getpid()}.txt").write_text("\n".join(held + pace))
