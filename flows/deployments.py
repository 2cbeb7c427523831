"""Scheduled runs the Prefect way: one deployment of the weekly flow per watch, on the watch's
cron and time zone, served by this process (`litwatch serve`).

`serve` polls the Prefect API (the embedded ephemeral one, or `PREFECT_API_URL`'s server) for
due runs of these deployments and starts each in its own subprocess, which inherits this
process's environment and so reads the same `LITWATCH_*` settings. Runs that overlap share
NCBI's rate limit through the machine-wide pace file of `pubmed.ratelimit`.
"""

from __future__ import annotations

from collections.abc import Sequence

from prefect import serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.weekly import watch_flow
from litwatch.config import Watch


def watch_deployments(watches: Sequence[Watch]) -> list[RunnerDeployment]:
    """One deployment per watch, named after it, scheduled by its `schedule`."""
    return [
        watch_flow.to_deployment(
            name=watch.name,
            schedules=[Cron(watch.schedule.cron, timezone=watch.schedule.timezone)],
            parameters={"watch_name": watch.name},
            description=f"Weekly litwatch run of {watch.title!r}.",
            tags=["litwatch"],
            # Found by module path, so a run starts the same from any working folder.
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        for watch in watches
    ]


def serve_watches(watches: Sequence[Watch], limit: int | None = None) -> None:
    """Create or update the watches' deployments and run their scheduled runs until stopped."""
    serve(*watch_deployments(watches), limit=limit)
