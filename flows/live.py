"""Task options for litwatch's tasks, whose inputs are live objects (the Entrez client, the
store): they are passed in-process, so nothing is hashed for a cache key and no result persisted.
And `as_is`, for inputs Prefect need not walk."""

from __future__ import annotations

from typing import TypedDict, TypeVar, cast

from prefect.cache_policies import NO_CACHE, CachePolicy
from prefect.utilities.annotations import quote

T = TypeVar("T")


class TaskOptions(TypedDict):
    """The keyword arguments of `@task` given here (typed, so `@task(**LIVE_INPUTS)` checks)."""

    cache_policy: CachePolicy
    persist_result: bool


LIVE_INPUTS: TaskOptions = {"cache_policy": NO_CACHE, "persist_result": False}


def as_is(value: T) -> T:
    """`value` as a task's argument that Prefect hands over without walking it.

    Before each task call Prefect visits every element of its arguments, twice (to resolve
    futures, and to record the inputs of the task run). A watch's definitions, a digest and
    its statements hold thousands of elements and no future: 5 ms a watch, 1.6 of the demo's
    30 s. `quote` is Prefect's way to skip that, and Prefect unwraps it before the call (its
    UI then draws no edge from the task that returned the value). Typed as the value, so a
    task's signature is checked as for the value itself. Only for a task's argument, inline:
    anywhere else it is the wrapper, not the value."""
    return cast(T, quote(value))
