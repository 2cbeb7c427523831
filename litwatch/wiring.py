"""Settings to the clients of the edges, in one place: the Entrez client the flows search with,
and the SMTP connection they deliver through. The flows, `train` and `doctor` all build theirs here;
and a watch file's watch to what the renderers need of it (`watch_info`).
"""

from __future__ import annotations

from litwatch.config import Watch
from litwatch.core.errors import ConfigError
from litwatch.outputs.mail import SmtpConfig
from litwatch.outputs.watch import Question, WatchInfo
from litwatch.pubmed.entrez import EntrezClient, EntrezConfig
from litwatch.settings import Settings


def entrez_config(settings: Settings, *, api_key: str | None) -> EntrezConfig:
    """Who we are to NCBI and how patiently to ask; the key is passed in, already resolved,
    because reading it may ask a Prefect Secret block and the caller says what that failure means."""
    check_eutils_url(settings.eutils_url)
    return EntrezConfig(
        email=settings.ncbi_email,
        tool=settings.ncbi_tool,
        api_key=api_key,
        base_url=settings.eutils_url,
        timeout=settings.entrez_timeout,
        max_attempts=settings.entrez_max_attempts,
        backoff_base=settings.entrez_backoff_base,
        max_response_bytes=settings.entrez_max_response_mb * 2**20,
    )


def check_eutils_url(url: str) -> None:
    """An E-utilities address urllib can ask: http(s)://host/..., else a ConfigError naming it."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError as error:
        raise ConfigError(f"LITWATCH_EUTILS_URL {url!r}: not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"LITWATCH_EUTILS_URL {url!r}: expected an http:// or https:// address with a host,"
            " e.g. https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
        )


def entrez_client(settings: Settings) -> EntrezClient:
    """The production Entrez client, configured once from settings."""
    return EntrezClient(entrez_config(settings, api_key=settings.resolved_api_key()))


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """SMTP settings, or None when digests go to the outbox folder only; a ConfigError when they
    would send the password in clear without the password's own source saying so."""
    if not settings.smtp_host:
        return None
    check_plain_login(settings)
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_user,
        password=settings.resolved_smtp_password() or "",
    )


def check_plain_login(settings: Settings) -> None:
    """Refuse `smtp_security = "none"` with a login unless it was set where the password was."""
    if not settings.smtp_host or settings.plain_login_allowed():
        return
    password = "smtp_password" if settings.smtp_password is not None else "smtp_password_block"
    raise ConfigError(
        f'smtp_security = "none" (from the {settings.source_of("smtp_security")}) would send the '
        f"SMTP password (from the {settings.source_of(password)}) in clear: set smtp_security in "
        "the same place as the password, or use starttls or ssl"
    )


def watch_info(watch: Watch) -> WatchInfo:
    """What the renderers need of a watch."""
    gaps = tuple((gap.name, gap.question) for gap in watch.gaps)
    return WatchInfo(
        name=watch.name,
        title=watch.title,
        query=watch.query,
        gaps=gaps,
        gap_titles=tuple((gap.name, gap.title) for gap in watch.gaps if gap.title),
        intervention=watch.findings.label,
        domains=tuple((d.name, d.title or d.name) for d in watch.findings.domains),
        harms_domain=next((d.name for d in watch.findings.domains if d.harms), ""),
        questions=tuple(
            Question(
                key=q.name,
                title=q.title,
                domains=q.domains,
                population=q.population,
                head_to_head_only=q.comparison == "head-to-head",
                exposure=q.exposure.name if q.exposure else "",
                section=q.section,
                claims=tuple(q.claims.items()),
            )
            for q in watch.questions
        ),
        strata=watch.findings_definition.strata,
        review=watch.review,
        populations=tuple(p.population() for p in watch.summary.populations),
        words=watch.summary.words(),
        form_titles=tuple((f.name, f.title or f.name) for f in watch.findings.forms),
        combinations=tuple(
            (f.name, f"{f.combined_with} ({f.title or f.name})")
            for f in watch.findings.forms
            if f.combined_with
        ),
        head_to_head=watch.findings.head_to_head,
        dose_unit=watch.findings.dose_unit,
    )
