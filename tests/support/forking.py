"""A warm fork server: children forked from a process that has already imported a module (and
so everything it imports). Kept apart from what it preloads, so that it is cheap to import."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import sys
from pathlib import Path

SUPPORT = Path(__file__).resolve().parent


def warm_fork_server(module: str) -> multiprocessing.context.ForkServerContext:
    """A fork-server context whose server has imported `module` (from this folder), started.

    The fork server is a fresh interpreter that imports the preload by name and silently skips
    a name it cannot import; Python 3.11's does not take the parent's sys.path (where pytest
    put this folder), so it is started here with the folder on PYTHONPATH. Without it, every
    child imported Prefect, scikit-learn and the models itself: 3.5 s a child, not 0.01 s."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([module])
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(SUPPORT), before)))
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before
    return context


def exit_warm(module: str) -> None:
    """A child's target: exit 0 if `module` was imported before the child started (in the fork
    server: the preload worked), 1 if not."""
    sys.exit(0 if module in sys.modules else 1)
