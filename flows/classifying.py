"""The classify step of a run: every stored record version of a watch gets its classification."""

from __future__ import annotations

from litwatch.core.crash import crash_point
from litwatch.flows.live import LIVE_INPUTS
from prefect import task

from litwatch.config import Watch


@task(name="classify", **LIVE_INPUTS)
def classify_task(store, watch: Watch) -> int:
    """Classify every record version of the watch not yet classified under its definitions."""
    from litwatch.classifiers.judge import classify_pending

    classified = classify_pending(store, watch)
    crash_point("classify")
    return classified
