"""The `litwatch` command: one sub-command per user task.

Heavy libraries (Prefect, scikit-learn, pandas) are imported inside the commands so that
`litwatch --help` stays instant. User errors print one line on stderr and exit 1.
"""

from __future__ import annotations

import errno
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from litwatch.core.errors import ConfigError, LitwatchError

app = typer.Typer(
    name="litwatch",
    help="Watch PubMed for new evidence, classify it, and send a weekly digest.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# `--watch` names one watch of the watch file; what a command does without it differs (each
# help says). `--out` is always where the command writes what it makes: a folder or a file,
# never the store.
EveryWatchOption = Annotated[
    str | None, typer.Option("--watch", "-w", help="Watch name (default: every watch).")
]
JudgingWatchOption = Annotated[
    str | None,
    typer.Option(
        "--watch",
        "-w",
        help="Watch whose topic and gaps to judge by (default: the first in the watch file).",
    ),
]
WatchesFileOption = Annotated[
    Path | None, typer.Option("--watches", help="Watch file (default: the shipped one).")
]


def _settings(watches_file: Path | None = None, *, read=None, **overrides):
    """The settings with these overrides; invalid ones are one ConfigError unless `read` (e.g.
    the bare Settings class, which raises pydantic's error listing every problem) says otherwise."""
    from litwatch.settings import read_settings

    settings = (read or read_settings)()
    if watches_file is not None:
        overrides["watches_file"] = watches_file
    return settings.model_copy(update=overrides) if overrides else settings


@app.command()
def run(
    watch: EveryWatchOption = None,
    watches: WatchesFileOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the digest and summary files (default: the data folder's out/);"
            " the store stays where it is.",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(hidden=True, help="Run as if it were this ISO time (simulations, tests)."),
    ] = None,
) -> None:
    """Run the weekly flow now for one watch or all of them (real NCBI unless configured)."""
    from litwatch.embedded_api import flows_in_this_process
    from litwatch.flows.weekly import run_watches
    from litwatch.outputs.targets import check_output_folder

    settings = _settings(watches, **({"output_dir": out} if out else {}))
    check_output_folder(settings.out_dir, "--out" if out else "output folder")
    moment = _time_option("--now", now) if now else datetime.now(UTC)
    _user_errors_without_tracebacks_on_console()
    with flows_in_this_process(analytics=settings.prefect_analytics):
        for result in run_watches(settings, watch_name=watch, now=moment):
            typer.echo(result.summary_line())


@app.command()
def demo(
    weeks: Annotated[int, typer.Option(help="Simulated weeks to run.", min=1, max=104)] = 6,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Folder for everything the demo makes, its store included."
        ),
    ] = Path("demo-out"),
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus folder (default: ../shared/corpus).")
    ] = None,
) -> None:
    """Offline demo: a local E-utilities stand-in replays the corpus over simulated weeks."""
    from litwatch.embedded_api import flows_in_this_process
    from litwatch.flows.demo import offline_prefect, run_demo
    from litwatch.outputs.targets import check_output_folder

    settings = _settings(**({"corpus_dir": corpus} if corpus else {}))
    check_output_folder(out, "--out")
    with flows_in_this_process(analytics=settings.prefect_analytics), offline_prefect():
        run_demo(settings, weeks=weeks, out_dir=out, echo=typer.echo)


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="efetch XML (.xml/.xml.gz) or MEDLINE text.")],
    watch: Annotated[str, typer.Option("--watch", "-w", help="Watch whose store takes them.")],
    watches: WatchesFileOption = None,
) -> None:
    """Import PubMed files you already have into a watch's store."""
    from litwatch.embedded_api import flows_in_this_process
    from litwatch.flows.importing import import_files

    settings = _settings(watches)
    with flows_in_this_process(analytics=settings.prefect_analytics):
        summary = import_files(settings, watch, files, now=datetime.now(UTC))
    typer.echo(summary)


@app.command()
def backfill(
    watch: Annotated[str, typer.Option("--watch", "-w", help="Watch to build from its history.")],
    since: Annotated[str, typer.Option(help="First Entrez date, YYYY-MM-DD.")],
    until: Annotated[
        str | None, typer.Option(help="Last Entrez date, YYYY-MM-DD (default: today).")
    ] = None,
    deliver: Annotated[
        bool, typer.Option("--deliver", help="Also send the digest of the past.")
    ] = False,
    slice_days: Annotated[int, typer.Option(help="Days per resumable slice.", min=1)] = 365,
    watches: WatchesFileOption = None,
) -> None:
    """Build a watch's store and evidence summary from its history; a stopped backfill resumes."""
    from litwatch.embedded_api import flows_in_this_process
    from litwatch.flows.backfill import backfill_flow
    from litwatch.outputs.targets import check_output_folder
    from litwatch.progress import progress_bar
    from litwatch.pubmed.windows import backfill_span

    _user_errors_without_tracebacks_on_console()
    # Checked before any work, so a date PubMed cannot hold is one line, not six retries.
    first = _date_option("--since", since)
    last = _date_option("--until", until) if until else None
    backfill_span(first, last, date.today(), slice_days)
    settings = _settings(watches)
    check_output_folder(settings.out_dir, "output folder")  # the summary, after hours of work
    with (
        flows_in_this_process(analytics=settings.prefect_analytics),
        progress_bar(f"backfill {watch}") as update,
    ):
        result = backfill_flow(
            watch,
            since=first,
            until=last,
            settings=settings,
            deliver=deliver,
            slice_days=slice_days,
            progress=lambda done, total, window, stats: update(
                done, total, f"{window}: {stats.fetched} fetched"
            ),
        )
    typer.echo(result.summary_line())


def _time_option(flag: str, text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise LitwatchError(
            f"{flag}: expected an ISO time YYYY-MM-DD[THH:MM], got {text!r}"
        ) from None


def _date_option(flag: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LitwatchError(f"{flag}: expected a date YYYY-MM-DD, got {text!r}") from None


@app.command()
def classify(
    files: Annotated[list[Path], typer.Argument(help="efetch XML (.xml/.xml.gz) or MEDLINE text.")],
    text_only: Annotated[
        bool,
        typer.Option("--text-only", help="Ignore publication types and MeSH (as if unindexed)."),
    ] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or table.")] = "jsonl",
    watch: JudgingWatchOption = None,
    watches: WatchesFileOption = None,
) -> None:
    """Classify records: design, attributes, topic relevance and the watch's gaps."""
    from litwatch.classifiers.design import load_design_model
    from litwatch.classifiers.findings.model import findings_model_at
    from litwatch.classifiers.judge import Judge
    from litwatch.classify_command import run_classify
    from litwatch.config import find_watch, load_watches

    settings = _settings(watches)
    chosen = find_watch(load_watches(settings.watches_file), watch)[0]
    findings_model = findings_model_at(settings.findings_model)
    # The model doctor names: LITWATCH_DESIGN_MODEL, or the shipped one.
    model = load_design_model(settings.design_model)
    run_classify(
        files,
        text_only,
        format,
        sys.stdout,
        judge=Judge(
            chosen.topic,
            chosen.gaps,
            chosen.findings_definition,
            findings_model,
            design_model=model,
        ),
    )


def _require_bulk_extra() -> None:
    """classify-bulk's libraries come with the `bulk` extra: say how to get them, in one line."""
    try:
        import dask.distributed  # noqa: F401
        import prefect_dask  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as missing:
        raise ConfigError(
            f"classify-bulk needs {missing.name or 'its libraries'}, which come with the bulk "
            "extra: pip install 'litwatch[bulk]'"
        ) from None


@app.command("classify-bulk")
def classify_bulk(
    files: Annotated[
        list[Path], typer.Argument(help="PubMed XML files (.xml/.xml.gz), e.g. baseline.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Parquet file to write.")],
    workers: Annotated[
        int, typer.Option(help="Local Dask worker processes (one thread each).", min=1)
    ] = os.cpu_count() or 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler (tcp://HOST:PORT).")
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(help="Records per Dask task (default: fewer towards each file's end).", min=1),
    ] = None,
    text_only: Annotated[
        bool,
        typer.Option("--text-only", help="Ignore publication types and MeSH (as if unindexed)."),
    ] = False,
    watch: JudgingWatchOption = None,
    watches: WatchesFileOption = None,
) -> None:
    """Classify large PubMed XML files on a Dask cluster (local by default) into Parquet."""
    import logging

    _require_bulk_extra()

    from litwatch.embedded_api import flows_in_this_process
    from litwatch.flows.bulk import classify_bulk as run_bulk
    from litwatch.progress import LocalUpdate, progress_bar

    settings = _settings(watches)
    _user_errors_without_tracebacks_on_console()
    # Dask logs each worker's start and stop at INFO: noise around the progress bar.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    with (
        flows_in_this_process(analytics=settings.prefect_analytics),
        progress_bar("classify-bulk") as update,
    ):
        result = run_bulk(
            files,
            out,
            settings=settings,
            watch_name=watch,
            workers=workers,
            scheduler=scheduler,
            text_only=text_only,
            batch_size=batch_size,
            progress=LocalUpdate(update),
        )
    typer.echo(result.summary_line())


@app.command()
def train(
    sources: Annotated[
        list[Path] | None, typer.Argument(help="Labelled files (default: the shared corpus).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Where to write the model (default: DATA_DIR/models/design.skops)."
        ),
    ] = None,
    trials: Annotated[
        list[Path] | None,
        typer.Option(
            "--trials",
            help="Abstracts known to report randomised trials, taught as `rct` "
            "(default: the corpus' evidence-inference set, if present).",
        ),
    ] = None,
    entrez: Annotated[
        bool,
        typer.Option("--entrez", help="Also draw a sample of labelled records from PubMed."),
    ] = False,
    per_label: Annotated[
        int, typer.Option("--per-label", min=1, help="With --entrez: most records per design.")
    ] = 2000,
    months: Annotated[
        int, typer.Option(min=1, help="With --entrez: how many months back to look, newest first.")
    ] = 60,
    watch: Annotated[
        str | None,
        typer.Option("--watch", "-w", help="Learn the checked designs of this watch only."),
    ] = None,
    watches: WatchesFileOption = None,
    relevance: Annotated[
        bool,
        typer.Option(
            "--relevance",
            help="Train each watch's relevance model from its reviewers' topic decisions "
            "instead (it orders the review queue and the digest).",
        ),
    ] = False,
) -> None:
    """Train the study-design model from publication-type-labelled records and the designs
    reviewers checked in the store (or, with --relevance, each watch's relevance model)."""
    from litwatch.checked_labels import read_checked_labels

    if relevance:
        from litwatch.review_command import train_relevance

        for said in train_relevance(_settings(watches), watch):
            typer.echo(said)
        return
    from litwatch.outputs.targets import check_output_file
    from litwatch.progress import progress_bar
    from litwatch.train_command import run_train
    from litwatch.training_sources import EntrezSample
    from litwatch.wiring import entrez_client

    settings = _settings(watches)
    checked = read_checked_labels(settings, watch)
    corpus = settings.corpus_dir
    sources = sources or [corpus / "pubmed-xml", corpus / "medline", corpus / "labeled"]
    if trials is None:
        default_trials = corpus / "evidence-inference" / "ei_dev_abstracts.xml"
        trials = [default_trials] if default_trials.exists() else []
    out = out or settings.data_dir / "models" / "design.skops"
    check_output_file(out, "--out")  # before minutes of training
    client = None
    if entrez:
        client = entrez_client(settings)
    with progress_bar("sampling PubMed") as update:
        run_train(
            sources,
            out,
            trials=trials,
            checked=checked.designs,
            entrez_client=client,
            entrez_sample=EntrezSample(per_label, date.today(), months) if entrez else None,
            entrez_folder=settings.data_dir / "training" / "entrez",
            trained_on=date.today(),
            command="litwatch " + " ".join(sys.argv[1:]),
            out=sys.stdout,
            progress=update,
        )
    # after training: bad input is one line on stderr, nothing on stdout
    if (line := checked.none_line("train")) is not None:
        typer.echo(line)
    typer.echo(f"to classify with it: LITWATCH_DESIGN_MODEL={out}")


@app.command()
def findings(
    files: Annotated[list[Path], typer.Argument(help="efetch XML (.xml/.xml.gz) or MEDLINE text.")],
    prompts: Annotated[
        Path | None,
        typer.Option(help="CSV of prompt_id,pmid,outcome,intervention,comparator to answer."),
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or table.")] = "jsonl",
    watch: JudgingWatchOption = None,
    watches: WatchesFileOption = None,
) -> None:
    """What each record found: its key finding and the effect per outcome domain (or per prompt)."""
    from litwatch.findings_command import run_findings

    settings = _settings(watches)
    run_findings(
        files,
        prompts,
        format,
        watch,
        settings.watches_file,
        sys.stdout,
        findings_model=settings.findings_model,
    )


@app.command("train-findings")
def train_findings(
    abstracts: Annotated[
        Path | None, typer.Option(help="PubMed XML of the labelled abstracts.")
    ] = None,
    prompts: Annotated[Path | None, typer.Option(help="Labelled prompts CSV.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the model (default: DATA_DIR/models/findings.skops).",
        ),
    ] = None,
    watch: Annotated[
        str | None,
        typer.Option("--watch", "-w", help="Learn the checked domain calls of this watch only."),
    ] = None,
    watches: WatchesFileOption = None,
) -> None:
    """Train the findings model (default: the Evidence Inference set in the shared corpus) and
    the domain calls reviewers checked in the store."""
    from litwatch.checked_labels import read_checked_labels
    from litwatch.findings_command import run_train_findings
    from litwatch.outputs.targets import check_output_file

    settings = _settings(watches)
    checked = read_checked_labels(settings, watch)
    folder = settings.corpus_dir / "evidence-inference"
    # Under the data folder, like `train`: never over the shipped model, whatever the folder.
    out = out or settings.data_dir / "models" / "findings.skops"
    check_output_file(out, "--out")  # before minutes of training
    run_train_findings(
        abstracts or folder / "ei_dev_abstracts.xml",
        prompts or folder / "ei_dev_prompts.csv",
        out,
        checked=checked.findings,
        checked_records=list(checked.records.values()),
        command="litwatch " + " ".join(sys.argv[1:]),
        echo=sys.stdout,
    )
    if (line := checked.none_line("train-findings")) is not None:
        typer.echo(line)
    typer.echo(f"to read findings with it: LITWATCH_FINDINGS_MODEL={out}")


@app.command()
def serve(
    watch: EveryWatchOption = None,
    watches: WatchesFileOption = None,
    limit: Annotated[
        int | None, typer.Option(help="Most flow runs at once (default: no limit).", min=1)
    ] = None,
    pool: Annotated[
        str | None,
        typer.Option(help="Put the deployments in this work pool for its workers, then exit."),
    ] = None,
) -> None:
    """Create one Prefect deployment per watch on its schedule and run them until stopped."""
    from litwatch.config import find_watch, load_watches

    settings = _settings(watches)
    chosen = find_watch(load_watches(settings.watches_file), watch)
    # Without PREFECT_API_URL, serving (or deploying) starts Prefect's temporary API too: no
    # analytics from it either. Prefect may start it from another thread, whose end would end
    # it too: it is not tied to a thread; instead serve ends, in one line, should it die.
    from litwatch.embedded_api import end_with_this_process

    end_with_this_process(
        analytics=settings.prefect_analytics, end_with_process=False, exit_with_api=pool is None
    )
    # Each run starts in a subprocess that reads its settings from the environment: hand it
    # the same watch file (served: this process's environment; in a pool: the job's).
    env = {"LITWATCH_WATCHES_FILE": str(watches.resolve())} if watches is not None else {}
    if pool is not None:
        from litwatch.flows.deployments import deploy_watches

        deploy_watches(chosen, pool, env)
        names = ", ".join(f"litwatch-watch/{w.name}" for w in chosen)
        typer.echo(
            f"{names} in work pool {pool!r}; run them with: prefect worker start --pool {pool}"
        )
        return
    os.environ.update(env)
    import httpx
    from websockets.exceptions import ConnectionClosed

    from litwatch.flows.deployments import serve_watches

    # Losing the API is said in one line (embedded_api); Prefect's warnings on the way need no
    # traceback of the connection that broke.
    _user_errors_without_tracebacks_on_console(ConnectionClosed, httpx.TransportError)
    try:
        serve_watches(chosen, limit=limit)
    except Exception:
        # Its API killed while the runner was still starting: the one line, not the runner's
        # traceback (and nothing of Prefect's after it).
        from litwatch.embedded_api import end_if_api_died

        end_if_api_died()
        raise


@app.command()
def summary(
    watch: Annotated[
        str | None, typer.Option("--watch", "-w", help="Watch (default: the first).")
    ] = None,
    watches: WatchesFileOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for the summary (default: the output folder)."),
    ] = None,
) -> None:
    """Rebuild the evidence summary now, from the store, with the values reviewers checked."""
    from litwatch.review_command import one_watch, rebuild_summary

    settings = _settings(watches)
    paths = rebuild_summary(settings, one_watch(settings, watch), out)
    for path in paths.values():
        typer.echo(str(path))


@app.command()
def review(
    watch: Annotated[
        str | None, typer.Option("--watch", "-w", help="Watch (default: the first).")
    ] = None,
    watches: WatchesFileOption = None,
    host: Annotated[
        str, typer.Option(help="Address to serve on; other than loopback needs accounts.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free port).", min=0, max=65535)] = 8790,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write every call to this CSV (pmid,field,value,...)."),
    ] = None,
    import_file: Annotated[
        Path | None,
        typer.Option("--import", help="Record the decisions of this CSV: all rows or none."),
    ] = None,
    add_reviewer: Annotated[
        str | None,
        typer.Option("--add-reviewer", help="Add a reviewer account (asks for a password)."),
    ] = None,
) -> None:
    """Check and correct what the machine read: a web app on the store (or CSV out and in)."""
    from litwatch.review_command import review as run_review

    run_review(
        _settings(watches),
        watch,
        host,
        port,
        export,
        import_file,
        add_reviewer,
        lambda name: typer.prompt(
            f"password for {name}", hide_input=True, confirmation_prompt=True
        ),
        typer.echo,
    )


@app.command()
def doctor(watches: WatchesFileOption = None) -> None:
    """Check the settings, the watch file, NCBI, SMTP and the folders: one line per check."""
    from litwatch.doctor import diagnose, load_settings
    from litwatch.settings import Settings

    settings, findings = load_settings(lambda: _settings(watches, read=Settings))
    failed = False
    for finding in findings if settings is None else diagnose(settings):
        typer.echo(finding.line())
        failed = failed or finding.failed
    if failed:
        raise typer.Exit(1)


@app.command("query-check")
def query_check(
    watch: EveryWatchOption = None,
    watches: WatchesFileOption = None,
) -> None:
    """Check a watch's PubMed query: PubMed's errors and warnings, and recall on its known PMIDs."""
    from litwatch.config import find_watch, load_watches
    from litwatch.query_check import check_query
    from litwatch.wiring import entrez_client

    settings = _settings(watches)
    chosen = find_watch(load_watches(settings.watches_file), watch)
    client = entrez_client(settings)
    holes = False
    for each in chosen:
        report = check_query(each, client)
        for line in report.lines():
            typer.echo(line)
        holes = holes or bool(report.holes)
    if holes:  # a known record missed or not in PubMed; PubMed's warnings are shown, not judged
        raise typer.Exit(1)


@app.command()
def standin(
    corpus: Annotated[
        Path | None, typer.Option(help="Folder of PubMed XML (default: ../shared/corpus).")
    ] = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    now: Annotated[
        str | None,
        typer.Option(
            help="Simulated clock start (ISO date or time, UTC unless it says otherwise);"
            " default: when every record is in."
        ),
    ] = None,
) -> None:
    """Serve a local E-utilities stand-in (esearch/efetch) over a folder of PubMed XML."""
    from litwatch.core.errors import ConfigError
    from litwatch.standin.server import serve

    settings = _settings()
    paths = (
        [corpus]
        if corpus
        else [settings.corpus_dir / "pubmed-xml", settings.corpus_dir / "ontopic"]
    )
    try:
        clock_start = datetime.fromisoformat(now) if now else None
    except ValueError:
        raise ConfigError(f"--now {now!r}: not an ISO date or time (e.g. 2026-09-07)") from None
    serve(paths, port=port, now=clock_start)


def _user_errors_without_tracebacks_on_console(*also: type[BaseException]) -> None:
    """Prefect's console handler prints a failed run's exception with its traceback; for a
    LitwatchError, which `main` prints as one line, show Prefect's line without the traceback
    (and for the `also` types, whose line says enough). Prefect's API log (the UI) keeps the
    traceback: its handler sees the record first."""
    import logging

    from prefect.logging.handlers import PrefectConsoleHandler

    def drop_user_error_traceback(record: logging.LogRecord) -> bool:
        if record.exc_info and (
            isinstance(record.exc_info[1], (LitwatchError, *also))
            or _environment_failure(record.exc_info[1]) is not None
        ):
            record.exc_info = record.exc_text = None
        return True

    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler):
            handler.addFilter(drop_user_error_traceback)


# A full disk, a quota or a read-only file system is the machine's state, not a bug: one line.
_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def _environment_failure(error: BaseException | None) -> str | None:
    """The one line for an OSError the machine's state caused, or None for any other error."""
    if not isinstance(error, OSError) or error.errno not in _ENVIRONMENT_ERRNOS:
        return None
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror}; what was stored is kept, and the next run picks up from there"


def main() -> None:
    """Console entry point: user errors, and a full disk, become one line on stderr."""
    try:
        app()
    except LitwatchError as error:
        typer.echo(f"litwatch: {error}", err=True)
        sys.exit(1)
    except OSError as error:
        line = _environment_failure(error)
        if line is None:
            raise
        typer.echo(f"litwatch: {line}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("litwatch: interrupted; the next run picks up where this one stopped", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
