"""Delivery's record-before-send state machine (RELIABILITY.md, promises 2-3): every recorded
digest of a watch goes out at most once, oldest first, with the store noting each attempt
before the SMTP conversation and settling it after.

It is handed what it works with (the store, the SMTP config or None, the outbox folder, a way
to the digest's .eml and a logger) and reads no settings; the flow's deliver task resolves
those and calls it."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from litwatch.core.digest import Digest, EvidenceChange, payload_changes
from litwatch.core.errors import DeliveryError
from litwatch.outputs.mail import SmtpConfig, deliver, set_aside, was_sent

if TYPE_CHECKING:  # annotations only: the caller hands the live store in
    from litwatch.store.digests import DigestEntry
    from litwatch.store.store import Store

Log = Callable[[str], object]


def deliver_pending(
    store: Store,
    watch_name: str,
    smtp: SmtpConfig | None,
    outbox: Path,
    message_file: Callable[[Digest, tuple[EvidenceChange, ...]], Path],
    now: datetime,
    *,
    send_empty: bool,
    log: Log | None = None,
) -> tuple[str, ...]:
    """Deliver every recorded digest of the watch not yet delivered, oldest first, at most once each.

    Record before send: the store notes the attempt (with the Message-ID) before the SMTP
    conversation and settles it after. SMTP cannot be asked what it received, so a run that
    died during an attempt leaves the next one unsure; it does not send again, marks the
    digest "smtp-unconfirmed" (or "smtp" if the message had been filed under outbox/sent) and
    says where the copy is. A refused or failed conversation clears the attempt and leaves
    the message waiting; the next run's call sends it.

    `smtp` None sends to the `outbox` folder only; `message_file` gives a digest's .eml (from the digest and
    the statements it moved, as recorded), written first if it is missing; an empty digest is suppressed unless `send_empty`.
    """
    delivered: list[str] = []
    for entry in store.undelivered_digests(watch_name):
        if not entry.payload:
            continue
        digest = Digest.from_dict(entry.payload)
        if digest.is_empty and not send_empty:
            store.mark_delivered(digest.key, now, "suppressed", "")
            continue
        if entry.attempt is not None:
            settle_interrupted(store, entry, outbox, now, log)
            continue
        eml = message_file(digest, payload_changes(entry.payload))
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        if smtp is not None:
            store.begin_delivery(digest.key, now, "smtp", message["Message-ID"])
        try:
            result = deliver(message, smtp, outbox)
        except DeliveryError as error:
            store.abort_delivery(digest.key)
            if log:
                log(str(error))
            break  # keep the order: later digests wait behind this one
        if result.status == "outbox" and smtp is not None:
            break
        store.mark_delivered(digest.key, now, "smtp" if smtp else "outbox", result.message_id)
        delivered.append(digest.key)
    return tuple(delivered)


def settle_interrupted(
    store: Store, entry: DigestEntry, outbox: Path, now: datetime, log: Log | None = None
) -> None:
    """Close the attempt a dead run left: delivered if the message was filed as sent, else
    unconfirmed, set aside and never sent again by litwatch."""
    attempt = entry.attempt
    assert attempt is not None  # deliver_pending settles only entries with an open attempt
    if was_sent(attempt.message_id, outbox):
        store.mark_delivered(entry.digest_key, now, attempt.channel, attempt.message_id)
        return
    aside = set_aside(attempt.message_id, outbox)
    store.mark_delivered(
        entry.digest_key, now, f"{attempt.channel}-unconfirmed", attempt.message_id
    )
    if log:
        log(
            f"digest {entry.digest_key}: a run stopped while sending it, so the server may or may"
            f" not have it; it is not sent again (at most once); if it did not arrive, resend"
            f" {aside or 'it from the digest folder'}"
        )
