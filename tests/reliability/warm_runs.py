"""`litwatch run` in child processes forked from a warm fork server, for the crash tests.

Each run is its own OS process (killed with SIGKILL like any other), but it is forked from a
server that has already imported Prefect, scikit-learn, matplotlib and the design model, so
ten killed runs cost seconds rather than a minute of imports. The child reads its settings
from the environment it is given, exactly as the `litwatch` command does.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections.abc import Mapping, Sequence

from classifiers.design import shipped_model
from litwatch.cli import main

# What a run imports lazily, imported (and the design model loaded) once, before any fork.
for _module in ("flows.weekly", "flows.digesting", "classifiers.judge", "outputs.summary"):
    importlib.import_module(_module)
shipped_model()


def _litwatch(argv: Sequence[str], env: Mapping[str, str]) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["litwatch", *argv]
    # Prefect read its settings when the fork server imported it: point it at the test's API
    # (else each child would start, and orphan when killed, an ephemeral server of its own).
    with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
        main()


def fork_server() -> multiprocessing.context.ForkServerContext:
    """A fork-server context that preloads this module (and so everything it imports)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def litwatch_process(
    context: multiprocessing.context.ForkServerContext, argv: Sequence[str], env: Mapping[str, str]
) -> multiprocessing.Process:
    """Start `litwatch ARGV...` with environment `env` in a child of the fork server."""
    process = context.Process(target=_litwatch, args=(list(argv), dict(env)), daemon=True)
    process.start()
    return process
