"""Progress bars (rich, on stderr) for long CLI work; the flows only call a plain callback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

# (done, total if known, what was just finished)
Update = Callable[[int, int | None, str], None]


@contextmanager
def progress_bar(description: str) -> Iterator[Update]:
    """A bar on stderr while the block runs; yields the function that moves it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
    )
    # transient: the bar goes when the work ends, leaving the one-line summary on stdout.
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None, note="")

        def update(done: int, total: int | None, note: str) -> None:
            bar.update(task, completed=done, total=total, note=note)

        yield update


class LocalUpdate:
    """A progress callback that stays in the process drawing the bar.

    Prefect sends a flow's parameters to Dask workers with the flow run's context; the bar
    (its console and locks) cannot be pickled, and a worker has nothing to draw on, so a
    copy of this callback is a no-op."""

    def __init__(self, update: Update):
        self._update = update

    def __call__(self, done: int, total: int | None, note: str) -> None:
        if self._update is not None:
            self._update(done, total, note)

    def __reduce__(self):
        return (LocalUpdate, (None,))
