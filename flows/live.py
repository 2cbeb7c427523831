"""Task options for litwatch's tasks, whose inputs are live objects (the Entrez client, the
store): they are passed in-process, so nothing is hashed for a cache key and no result persisted."""

from __future__ import annotations

from prefect.cache_policies import NO_CACHE

LIVE_INPUTS = {"cache_policy": NO_CACHE, "persist_result": False}
