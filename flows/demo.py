"""The offline demo: the stand-in replays the corpus week by week and the real weekly flow runs
against it through Bio.Entrez over HTTP, writing each week's digest.

The scenario: everything PubMed held before the start date is back-filled first (recorded,
not mailed), then each simulated Monday the flow runs. The on-topic test records carry
Entrez dates in October-November 2026, so they arrive over the weeks; a few of them are
re-published three weeks later as NLM-indexed versions (status MEDLINE, publication types
and MeSH added), which the digest reports as revised. Those indexed versions are generated
from the corpus records (standin/indexed_versions.py) and say so in their DateRevised;
nothing is written to the corpus.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from litwatch.standin.indexed_versions import write_indexed_versions

from litwatch.settings import Settings

DEMO_START = datetime(2026, 10, 5, 7, 0)  # a Monday, the day before the first on-topic record
# The history before the demo starts is back-filled as one slice: the stand-in's corpus is
# small, and a slice per year since 1900 would only add empty searches.
HISTORY_START = date(1900, 1, 1)
HISTORY_SLICE_DAYS = (DEMO_START.date() - HISTORY_START).days + 1


@contextmanager
def offline_prefect() -> Iterator[None]:
    """Prefect as the demo wants it, unless the environment says otherwise: only warnings on
    screen, so the paths it prints stay readable. (Its temporary API sends no analytics, as for
    every command: litwatch/embedded_api.py.) Not written into this process's environment."""
    import prefect.main  # noqa: F401  (configures Prefect's loggers: the level below must come after)

    if "PREFECT_LOGGING_LEVEL" not in os.environ:
        # Prefect's flow and task run loggers inherit this level.
        logging.getLogger("prefect").setLevel(logging.WARNING)
    yield


def run_demo(
    settings: Settings, *, weeks: int, out_dir: Path, echo: Callable[[str], None] = print
) -> list:
    """Back-fill, then run the weekly flow once per simulated week; print where everything went."""
    from litwatch.flows.backfill import backfill_flow
    from litwatch.flows.weekly import watch_flow
    from litwatch.standin.testing import running_standin

    from litwatch.config import load_watches

    out_dir = out_dir.resolve()
    corpus = settings.corpus_dir
    sources = [corpus / "pubmed-xml", corpus / "ontopic" / "ontopic.xml"]
    for source in sources:
        if not source.exists():
            from litwatch.core.errors import ConfigError

            raise ConfigError(f"corpus not found at {source} (set --corpus or LITWATCH_CORPUS_DIR)")
    results = []
    with tempfile.TemporaryDirectory(prefix="litwatch-demo-") as scratch:
        version_files = write_indexed_versions(corpus / "ontopic" / "ontopic.xml", Path(scratch))
        echo(f"demo: starting the E-utilities stand-in over {corpus} (simulated clock, real HTTP)")
        with running_standin(
            sources, now=DEMO_START, version_files=tuple(version_files)
        ) as standin:
            demo_settings = settings.model_copy(
                update={"eutils_url": standin.base_url, "data_dir": out_dir, "smtp_host": ""}
            )
            watches = load_watches(demo_settings.watches_file)
            echo(f"demo: {len(standin.corpus.versions)} records served; writing to {out_dir}")
            for watch in watches:
                history = backfill_flow(
                    watch.name,
                    since=HISTORY_START,
                    until=DEMO_START.date(),
                    settings=demo_settings,
                    now=DEMO_START,
                    deliver=False,
                    slice_days=HISTORY_SLICE_DAYS,
                )
                echo(f"backfill  {history.summary_line()}")
            for week in range(1, weeks + 1):
                now = DEMO_START + timedelta(weeks=week)
                standin.clock.set(now)
                for watch in watches:
                    result = watch_flow(watch.name, now=now, settings=demo_settings)
                    results.append(result)
                    echo(f"week {week:>2}  {now:%Y-%m-%d}  {result.summary_line()}")
                    for kind, path in sorted(result.paths.items()):
                        echo(f"          {kind:<8} {path}")
    return results
