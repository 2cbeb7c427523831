"""A Dask worker preload (`distributed.worker.preload`) that makes the worker's interpreter
slow to tear down, as the classifiers' libraries make it on a busy machine (1.5 to 3 s
measured, past the 4 s the nanny allows under load): an exit that runs the teardown waits,
and the nanny kills the worker."""

from __future__ import annotations

import atexit
import time

TEARDOWN_SECONDS = 6.0


def dask_setup(worker) -> None:
    atexit.register(time.sleep, TEARDOWN_SECONDS)
