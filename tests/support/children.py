"""`litwatch` in child processes for the reliability tests: their settings and environment,
and a warm fork server.

A child forked from the fork server is its own OS process (killed with SIGKILL like any
other), but the server has already imported Prefect, scikit-learn, matplotlib and the design
model, so ten killed runs cost seconds rather than a minute of imports. Every child reads its
settings from the environment it is given, exactly as the `litwatch` command does.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from forking import warm_fork_server
from helpers import NCBI_KEY, SMTP_PASSWORD
from litwatch.classifiers.design import load_design_model

from litwatch.cli import main
from litwatch.settings import Settings

# What a run imports lazily, imported (and the design model loaded) once, before any fork.
for _module in (
    "litwatch.flows.weekly",
    "litwatch.flows.digesting",
    "litwatch.classifiers.judge",
    "litwatch.outputs.summary",
):
    importlib.import_module(_module)
load_design_model(None)


SUPPORT = Path(__file__).resolve().parent


def child_env(settings: Settings, crash_at: str = "") -> dict[str, str]:
    """The environment of a `litwatch` child: `settings` as LITWATCH_* variables, the kill
    point, and the Prefect API this test session runs."""
    from prefect.settings import get_current_settings

    env = {key: value for key, value in os.environ.items() if not key.startswith("LITWATCH_")}
    env.update(
        PYTHONPATH=str(SUPPORT),
        PREFECT_API_URL=str(get_current_settings().api.url),
        LITWATCH_EUTILS_URL=settings.eutils_url,
        LITWATCH_DATA_DIR=str(settings.data_dir),
        LITWATCH_WATCHES_FILE=str(settings.watches_file),
        LITWATCH_NCBI_EMAIL=settings.ncbi_email,
        LITWATCH_NCBI_API_KEY=NCBI_KEY,
        LITWATCH_ENTREZ_TIMEOUT=str(settings.entrez_timeout),
        LITWATCH_ENTREZ_BACKOFF_BASE=str(settings.entrez_backoff_base),
        LITWATCH_SMTP_HOST=settings.smtp_host,
        LITWATCH_SMTP_PORT=str(settings.smtp_port),
        LITWATCH_SMTP_SECURITY=settings.smtp_security,
        LITWATCH_SMTP_USER=settings.smtp_user,
        LITWATCH_SMTP_PASSWORD=SMTP_PASSWORD,
        LITWATCH_CRASH_AT=crash_at,
    )
    return env


def _litwatch(argv: Sequence[str], env: Mapping[str, str], output: str | None) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if output is not None:  # the child's stdout and stderr, for the test to read
        with open(output, "ab") as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["litwatch", *argv]
    # Prefect read its settings when the fork server imported it: point it at the test's API
    # (else each child would start, and orphan when killed, an ephemeral server of its own).
    with temporary_settings(updates={PREFECT_API_URL: env["PREFECT_API_URL"]}):
        main()


def fork_server() -> multiprocessing.context.ForkServerContext:
    """A fork-server context that preloads this module (and so everything it imports)."""
    return warm_fork_server(__name__)


def litwatch_process(
    context: multiprocessing.context.ForkServerContext,
    argv: Sequence[str],
    env: Mapping[str, str],
    output: Path | None = None,
) -> multiprocessing.Process:
    """Start `litwatch ARGV...` with environment `env` in a child of the fork server; its
    stdout and stderr go to the file `output` when given."""
    args = (list(argv), dict(env), str(output) if output else None)
    process = context.Process(target=_litwatch, args=args, daemon=True)
    process.start()
    return process
