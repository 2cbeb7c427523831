"""`litwatch review` and `litwatch summary`: the commands around the review app, kept out of
cli.py so that `--help` stays light."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from litwatch.config import Watch, find_watch, load_watches
from litwatch.core.errors import ConfigError
from litwatch.core.files import write_file
from litwatch.reviewers import add_reviewer, read_reviewers, reviewers_file
from litwatch.settings import Settings


def one_watch(settings: Settings, name: str | None) -> Watch:
    """The watch named, or the first of the watch file."""
    return find_watch(load_watches(settings.watches_file), name)[0]


def train_relevance(settings: Settings, watch_name: str | None) -> list[str]:
    """`litwatch train --relevance`: each watch's (or the named one's) relevance model from the
    store's topic decisions; one line per watch."""
    from litwatch.relevance import train_watch_relevance
    from litwatch.store import Store

    watches = find_watch(load_watches(settings.watches_file), watch_name)
    if not settings.db_path.exists():
        raise ConfigError(f"no store at {settings.db_path}: run `litwatch run` first")
    with Store.open(settings.db_path) as store:
        return [train_watch_relevance(store, watch) for watch in watches]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def rebuild_summary(settings: Settings, watch: Watch, out: Path | None) -> dict[str, Path]:
    """Write the evidence summary now, from the store, with checked values."""
    from litwatch.outputs.recording import update_summary
    from litwatch.outputs.targets import check_output_folder
    from litwatch.store import Store
    from litwatch.wiring import watch_info

    out_dir = out or settings.out_dir
    check_output_folder(out_dir, "--out" if out else "output folder")
    if not settings.db_path.exists():
        raise ConfigError(f"no store at {settings.db_path}: run `litwatch run` first")
    with Store.open(settings.db_path) as store:
        return update_summary(store, watch_info(watch), out_dir / watch.name, datetime.now(UTC))


def review(
    settings: Settings,
    watch_name: str | None,
    host: str,
    port: int,
    export: Path | None,
    import_file: Path | None,
    new_reviewer: str | None,
    ask_password: Callable[[str], str],
    echo: Callable[[str], None],
) -> None:
    """What `litwatch review` was asked to do: one of add a reviewer, export, import, serve."""
    if new_reviewer is not None:
        path = reviewers_file(settings.data_dir)
        add_reviewer(path, new_reviewer, ask_password(new_reviewer))
        echo(f"reviewer {new_reviewer.strip()} can sign in (accounts in {path})")
        return
    accounts = read_reviewers(reviewers_file(settings.data_dir))
    if not is_loopback(host) and not accounts:
        raise ConfigError(
            f"--host {host} lets other machines in: add reviewer accounts first"
            " (litwatch review --add-reviewer NAME), or keep the default 127.0.0.1"
        )
    watch = one_watch(settings, watch_name)
    if not settings.db_path.exists():
        raise ConfigError(f"no store at {settings.db_path}: run `litwatch run` first")
    from litwatch.reviewing import ReviewDesk
    from litwatch.store import Store

    if export is not None or import_file is not None:
        with Store.open(settings.db_path) as store:
            desk = ReviewDesk(store, watch)
            if export is not None:
                if export.is_dir():
                    raise ConfigError(f"--export {export}: a folder; give a file name (.csv)")
                try:
                    export.parent.mkdir(parents=True, exist_ok=True)
                    write_file(export, desk.export_csv())
                except OSError as error:
                    reason = error.strerror or type(error).__name__
                    raise ConfigError(f"--export {export}: cannot be written ({reason})") from None
                echo(f"{export}: every call of watch {watch.name}, checked or machine-read")
            if import_file is not None:
                count = desk.import_csv(import_file, datetime.now(UTC))
                echo(f"{import_file}: {count} decision(s) recorded for watch {watch.name}")
        return
    from litwatch.review_app import serve

    serve(settings, watch, host, port, accounts, echo)
