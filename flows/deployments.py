"""Scheduled runs the Prefect way: one deployment of the weekly flow per watch, on the watch's
cron and time zone, either served by this process or put in a work pool for workers to run
(`litwatch serve [--pool NAME]`).

Served, this process polls the Prefect API (the embedded ephemeral one, or `PREFECT_API_URL`'s
server) for due runs and starts each in its own subprocess, which inherits this process's
environment and so reads the same `LITWATCH_*` settings. In a work pool, a worker's subprocess
inherits the worker's environment plus the deployment's job variables. Either way, runs that
overlap on one machine share NCBI's rate limit through the pace file of `pubmed.ratelimit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from litwatch.flows.weekly import watch_flow
from prefect import deploy, serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from litwatch.config import Watch


def watch_deployments(
    watches: Sequence[Watch], env: Mapping[str, str] | None = None
) -> list[RunnerDeployment]:
    """One deployment per watch, named after it, scheduled by its `schedule`; `env` is set
    in a work-pool run's environment."""
    # to_deployment and deploy are typed "the result, or a coroutine when called from async
    # code": litwatch calls them from sync code only, where they return the result itself.
    return [
        watch_flow.to_deployment(  # type: ignore[misc]
            name=watch.name,
            schedules=[Cron(watch.schedule.cron, timezone=watch.schedule.timezone)],
            parameters={"watch_name": watch.name},
            description=f"Weekly litwatch run of {watch.title!r}.",
            tags=["litwatch"],
            # Found by module path, so a run starts the same from any working folder.
            entrypoint_type=EntrypointType.MODULE_PATH,
            job_variables={"env": dict(env)} if env else None,
        )
        for watch in watches
    ]


def serve_watches(watches: Sequence[Watch], limit: int | None = None) -> None:
    """Create or update the watches' deployments and run their scheduled runs until stopped."""
    serve(*watch_deployments(watches), limit=limit)


def deploy_watches(
    watches: Sequence[Watch], pool: str, env: Mapping[str, str] | None = None
) -> list[UUID]:
    """Create or update the watches' deployments in a work pool, for its workers to run."""
    # No image to build or push: the worker imports the flow from the installed package.
    return deploy(  # type: ignore[return-value]
        *watch_deployments(watches, env),
        work_pool_name=pool,
        build=False,
        push=False,
        print_next_steps_message=False,
    )
