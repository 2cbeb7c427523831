"""`litwatch doctor`: check the configuration and everything it points at before a scheduled run
does, and say in one line per check what is fine and what is wrong. Secrets are never shown.

Each check reaches its component through the edge module that owns it (the Entrez client, the
mail module), so a check passes only if a real run would get that far. Nothing here imports
Prefect unless a secret is to be read from a Prefect block.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from litwatch.core.errors import LitwatchError
from litwatch.settings import Settings

Outcome = Literal["ok", "FAIL", "note"]

# A doctor should answer within seconds: it does not wait out the retries of a weekly run.
ENTREZ_TIMEOUT = 10.0
SMTP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Finding:
    """The outcome of one check, as the user reads it."""

    check: str
    outcome: Outcome
    detail: str

    @property
    def failed(self) -> bool:
        return self.outcome == "FAIL"

    def line(self) -> str:
        return f"{self.outcome:<4} {self.check}: {self.detail}"


def load_settings(make: Callable[[], Settings]) -> tuple[Settings | None, list[Finding]]:
    """Build the settings; when they are invalid, one finding per wrong setting (never its value)."""
    try:
        return make(), []
    except ValidationError as error:
        return None, [
            Finding(
                "settings", "FAIL", f"LITWATCH_{_field(problem['loc']).upper()}: {problem['msg']}"
            )
            for problem in error.errors()
        ]
    except LitwatchError as error:
        return None, [Finding("settings", "FAIL", str(error))]


def diagnose(settings: Settings) -> Iterator[Finding]:
    """Every check in turn, each finding as soon as it is known."""
    watches = check_watches(settings)
    yield watches
    ncbi = check_ncbi(settings)
    yield ncbi
    if not (watches.failed or ncbi.failed):
        yield from check_queries(settings)
    yield check_smtp(settings)
    for name, folder in (
        ("data folder", settings.data_dir),
        ("output folder", settings.out_dir),
        ("outbox folder", settings.outbox_dir),
    ):
        yield check_writable(name, folder)
    yield check_store(settings)
    yield check_corpus(settings)
    yield check_design_model(settings)
    yield check_findings_model(settings)


def check_watches(settings: Settings) -> Finding:
    """The watch file reads and validates."""
    from litwatch.config import default_watch_file, load_watches

    path = settings.watches_file or default_watch_file()
    try:
        watches = load_watches(settings.watches_file)
    except LitwatchError as error:
        return Finding("watch file", "FAIL", str(error))
    names = ", ".join(watch.name for watch in watches)
    count = f"{len(watches)} watch{'es' if len(watches) != 1 else ''}"
    return Finding("watch file", "ok", f"{path}: {count} ({names})")


def check_ncbi(settings: Settings) -> Finding:
    """E-utilities answers an einfo request as PubMed, with the configured identity and key."""
    try:
        api_key = settings.resolved_api_key()
    except LitwatchError as error:  # a Prefect Secret block missing or out of reach
        return Finding("NCBI E-utilities", "FAIL", f"cannot read the API key: {error}")
    try:
        info = _doctor_client(settings, api_key).database_info()
    except LitwatchError as error:
        return Finding("NCBI E-utilities", "FAIL", f"{settings.eutils_url}: {error}")
    key = "with an API key (10 requests/s)" if api_key else "without an API key (3 requests/s)"
    return Finding(
        "NCBI E-utilities",
        "ok",
        f"{settings.eutils_url} answers: PubMed holds {info.count:,} records; {key}, "
        f"as {settings.ncbi_tool} <{settings.ncbi_email}>",
    )


def check_queries(settings: Settings) -> Iterator[Finding]:
    """Each watch's query as `litwatch query-check` sees it, in one line: PubMed's errors and
    warnings, and the share of the watch's known records it finds. Only searches and fetches."""
    from litwatch.config import load_watches
    from litwatch.query_check import check_query

    try:
        client = _doctor_client(settings, settings.resolved_api_key())
        watches = load_watches(settings.watches_file)
    except LitwatchError as error:  # checked above; a Secret block may go away in between
        yield Finding("query", "FAIL", str(error))
        return
    for watch in watches:
        check = f"query {watch.name}"
        try:
            report = check_query(watch, client)
        except LitwatchError as error:
            yield Finding(check, "FAIL", str(error))
            continue
        outcome: Outcome = "ok"
        if report.holes:
            outcome = "FAIL"
        elif report.notes or not watch.known:
            outcome = "note"  # PubMed's warnings are for the user to judge
        yield Finding(check, outcome, report.summary())


def _doctor_client(settings: Settings, api_key: str | None):
    """The Entrez client a run would use, with one attempt and a short timeout: doctor
    reports, it does not wait out an outage."""
    from dataclasses import replace

    from litwatch.pubmed.entrez import EntrezClient
    from litwatch.wiring import entrez_config

    config = entrez_config(settings, api_key=api_key)
    return EntrezClient(
        replace(config, timeout=min(settings.entrez_timeout, ENTREZ_TIMEOUT), max_attempts=1)
    )


def check_smtp(settings: Settings) -> Finding:
    """The SMTP server accepts a connection and, when a user is set, the login."""
    from dataclasses import replace

    from litwatch.outputs.mail import check_login
    from litwatch.wiring import smtp_config

    try:
        config = smtp_config(settings)
    except LitwatchError as error:  # a Prefect Secret block out of reach, or a login in clear
        return Finding("mail", "FAIL", str(error))
    if config is None:
        return Finding("mail", "note", f"no SMTP host set: digests go to {settings.outbox_dir}")
    try:
        check_login(replace(config, timeout=SMTP_TIMEOUT))
    except LitwatchError as error:
        return Finding("mail", "FAIL", f"SMTP {error}")
    login = f", logged in as {settings.smtp_user}" if settings.smtp_user else ", no login"
    return Finding(
        "mail",
        "ok",
        f"SMTP {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_security}){login}",
    )


def check_writable(name: str, folder: Path) -> Finding:
    """The folder is one we may write in, or the nearest existing folder above it is one we may
    make it in. Only looks: doctor creates nothing (a run makes the folders it needs)."""
    missing = []
    existing = folder
    while not os.path.lexists(existing) and existing != existing.parent:
        missing.append(existing.name)
        existing = existing.parent
    if not existing.is_dir():
        return Finding(name, "FAIL", f"{folder}: not writable ({existing} is not a folder)")
    if not os.access(existing, os.W_OK | os.X_OK):
        why = f"{existing} does not let this user make it" if missing else "permission denied"
        return Finding(name, "FAIL", f"{folder}: not writable ({why})")
    if missing:
        return Finding(name, "ok", f"{folder} can be made (the first run makes it)")
    return Finding(name, "ok", f"{folder} is writable")


def check_store(settings: Settings) -> Finding:
    """The store, if there is one yet: a SQLite file SQLite finds intact, of a schema version
    this litwatch reads. Opened read-only."""
    from litwatch.store.db import inspect

    path = settings.db_path
    if not os.path.lexists(path):
        return Finding("store", "note", f"no store yet at {path}: the first run makes it")
    if not path.is_file():
        return Finding("store", "FAIL", f"{path}: not a file")
    try:
        described = inspect(path)
    except LitwatchError as error:
        return Finding("store", "FAIL", str(error))
    return Finding("store", "ok", f"{path}: {described}")


def check_corpus(settings: Settings) -> Finding:
    """The shared corpus, which only the demo, the stand-in and `train` read."""
    folder = settings.corpus_dir
    if folder.is_dir() and os.access(folder, os.R_OK):
        return Finding("corpus", "ok", f"{folder} (for demo, standin and train)")
    return Finding("corpus", "note", f"not found at {folder}: only demo, standin and train need it")


def check_design_model(settings: Settings) -> Finding:
    """The study-design model the flows classify with, loaded as a run loads it (sizes checked,
    only trusted types built), and described by the card its training wrote."""
    from importlib.resources import files

    from litwatch.classifiers.design import read_design_model

    shipped = Path(str(files("litwatch.classifiers") / "models" / "design.skops")).resolve()
    path = settings.design_model or shipped
    which = "LITWATCH_DESIGN_MODEL" if settings.design_model else "shipped"
    if not path.exists():
        return Finding("design model", "FAIL", f"{path}: no such file ({which})")
    try:
        card = read_design_model(path).card
    except LitwatchError as error:
        problem = str(error).removeprefix("design model ")
        return Finding("design model", "FAIL", f"{problem} ({which})")
    trained = f"trained {card.get('trained_on')} on {card.get('examples')} records"
    return Finding("design model", "ok", f"{path} ({which}; {trained})")


def check_findings_model(settings: Settings) -> Finding:
    """The findings model every command that reads findings uses: the shipped one, or the one
    LITWATCH_FINDINGS_MODEL names, loaded as those commands load it (sizes checked, only
    trusted types built), with what its card says it learnt from."""
    import json
    from importlib.resources import files

    from litwatch.classifiers.findings.model import findings_model_at

    shipped = Path(str(files("litwatch.classifiers") / "models" / "findings.skops")).resolve()
    path = settings.findings_model or shipped
    which = "LITWATCH_FINDINGS_MODEL" if settings.findings_model else "shipped"
    if not path.is_file():
        return Finding("findings model", "FAIL", f"{path}: no such file ({which})")
    try:
        findings_model_at(settings.findings_model)
    except LitwatchError as error:
        problem = str(error).removeprefix("findings model ")
        return Finding("findings model", "FAIL", f"{problem} ({which})")
    try:
        card = json.loads(path.with_name(path.stem + "_card.json").read_text(encoding="utf-8"))
        trained = f"trained on {card.get('n_prompts')} prompts from {card.get('prompts')}"
    except (OSError, ValueError, AttributeError):
        trained = "no model card beside it"
    return Finding("findings model", "ok", f"{path} ({which}; {trained})")


def _field(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "settings"
