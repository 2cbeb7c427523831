"""Delivery, the edge where a digest leaves: build the MIME message, keep it in an outbox, send it by SMTP.

A message is written to the outbox before any SMTP conversation and moved to
`sent/` only after the server accepted it, so an outage delays a digest but never
loses it, and the sent-marker (plus the caller's store check) keeps it from going twice.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from litwatch.core.crash import crash_point
from litwatch.core.digest import Digest
from litwatch.core.errors import DeliveryError
from litwatch.core.files import write_file
from litwatch.outputs.render import RenderedDigest, oneline
from litwatch.outputs.watch import WatchInfo

Security = Literal["starttls", "ssl", "none"]
DeliveryStatus = Literal["sent", "outbox", "already-sent"]

DIGEST_KEY_HEADER = "X-Litwatch-Digest-Key"


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send; the password is a secret value and never shown."""

    host: str
    port: int = 587
    security: Security = "starttls"
    username: str = ""
    password: object = field(default="", repr=False)  # str or pydantic SecretStr
    timeout: float = 30.0

    def secret(self) -> str:
        reveal = getattr(self.password, "get_secret_value", None)
        return reveal() if reveal else str(self.password or "")


@dataclass(frozen=True)
class DeliveryResult:
    """What became of one message: sent now, waiting in the outbox, or sent in an earlier run."""

    status: DeliveryStatus
    message_id: str
    path: Path


def message_id_for(digest_key: str) -> str:
    """The Message-ID of a digest's e-mail: the same key always gives the same id."""
    return f"<{hashlib.sha256(digest_key.encode('utf-8')).hexdigest()[:40]}@litwatch>"


def build_message(
    digest: Digest,
    rendered: RenderedDigest,
    watch_info: WatchInfo,
    sender: str,
    recipients: Sequence[str],
) -> EmailMessage:
    """One multipart message: plain text and HTML alternatives, the HTML's images as related parts."""
    message = EmailMessage()
    message["Subject"] = oneline(rendered.subject)
    message["From"] = sender
    if recipients:
        message["To"] = ", ".join(recipients)
    created = digest.created if digest.created.tzinfo else digest.created.replace(tzinfo=UTC)
    message["Date"] = format_datetime(created)
    message["Message-ID"] = message_id_for(digest.key)
    message[DIGEST_KEY_HEADER] = oneline(digest.key)
    message["X-Litwatch-Watch"] = oneline(watch_info.name)
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    _, html_part = message.iter_parts()  # the alternatives as added: plain text, then HTML
    for image in rendered.images:
        html_part.add_related(
            image.png, "image", "png", cid=f"<{image.content_id}>", filename=image.name
        )
    return message


def _file_name(message_id: str) -> str:
    return message_id.strip("<>").split("@", 1)[0] + ".eml"


@contextmanager
def _session(config: SmtpConfig) -> Iterator[smtplib.SMTP]:
    """An SMTP conversation, connected, secured and logged in as configured."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.security == "ssl":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        client.ehlo()
        if config.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if config.username:
            client.login(config.username, config.secret())
        yield client


def _send(message: EmailMessage, config: SmtpConfig) -> None:
    with _session(config) as client:
        client.send_message(message)


def check_login(config: SmtpConfig) -> None:
    """Connect, secure and log in as a delivery would, then say goodbye; DeliveryError if refused."""
    try:
        with _session(config) as client:
            client.noop()
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(
            f"{config.host}:{config.port}: {_one_line_reason(error, config)}"
        ) from None  # the chained exception may quote the SMTP dialogue, login included


def _one_line_reason(error: BaseException, config: SmtpConfig) -> str:
    reason = oneline(error) or type(error).__name__
    secret = config.secret()
    return reason.replace(secret, "***") if secret else reason


def _send_waiting(
    path: Path,
    message: EmailMessage,
    config: SmtpConfig,
    sent_dir: Path,
) -> DeliveryResult:
    message_id = message["Message-ID"]
    marker = sent_dir / path.name
    try:
        _send(message, config)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(
            f"could not send digest e-mail {message_id} via {config.host}:{config.port}: "
            f"{_one_line_reason(error, config)}; it waits in {path.parent} for the next run"
        ) from None  # the chained exception may quote the SMTP dialogue, login included
    crash_point("smtp-accepted")
    os.replace(path, marker)
    return DeliveryResult("sent", message_id, marker)


def deliver(
    message: EmailMessage,
    smtp_config: SmtpConfig | None,
    outbox_dir: Path,
) -> DeliveryResult:
    """Put the message in the outbox, then send it if SMTP is configured; never send it twice.

    Raises DeliveryError when the outbox cannot be written or SMTP fails; after an
    SMTP failure the message stays in the outbox, and the next run's call sends it.
    """
    outbox_dir = Path(outbox_dir)
    sent_dir = outbox_dir / "sent"
    message_id = message["Message-ID"]
    path = outbox_dir / _file_name(message_id)
    if (sent_dir / path.name).exists():
        return DeliveryResult("already-sent", message_id, sent_dir / path.name)
    try:
        sent_dir.mkdir(parents=True, exist_ok=True)
        write_file(path, message.as_bytes())  # whole or not at all, never through a link
    except OSError as error:
        raise DeliveryError(
            f"could not write to the outbox {outbox_dir}: {oneline(error)}"
        ) from None
    if smtp_config is None:
        return DeliveryResult("outbox", message_id, path)
    return _send_waiting(path, message, smtp_config, sent_dir)


def was_sent(message_id: str, outbox_dir: Path) -> bool:
    """Whether the message was filed under outbox/sent/ after a server accepted it."""
    return (Path(outbox_dir) / "sent" / _file_name(message_id)).exists()


def set_aside(message_id: str, outbox_dir: Path) -> Path | None:
    """Move a message whose sending was interrupted to outbox/unconfirmed/, out of the outbox's
    queue: no later call sends it again, and a person can check and resend it by hand."""
    path = Path(outbox_dir) / _file_name(message_id)
    if not path.exists():
        return None
    aside = path.parent / "unconfirmed" / path.name
    aside.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, aside)
    return aside
