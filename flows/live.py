"""Task options for litwatch's tasks, whose inputs are live objects (the Entrez client, the
store): they are passed in-process, so nothing is hashed for a cache key and no result persisted."""

from __future__ import annotations

from typing import TypedDict

from prefect.cache_policies import NO_CACHE, CachePolicy


class TaskOptions(TypedDict):
    """The keyword arguments of `@task` given here (typed, so `@task(**LIVE_INPUTS)` checks)."""

    cache_policy: CachePolicy
    persist_result: bool


LIVE_INPUTS: TaskOptions = {"cache_policy": NO_CACHE, "persist_result": False}
