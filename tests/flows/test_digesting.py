"""Delivery of recorded digests, record before send: a send a dead run began is never repeated,
a refused one is retried by the next run (outputs/delivery.py called as the deliver task calls
it, without Prefect: a real store and SMTP server)."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime

import pytest
from helpers import SMTP_PASSWORD, SMTP_USER, write_watch_file
from litwatch.core.digest import digest_key
from litwatch.outputs.delivery import deliver_pending
from litwatch.outputs.mail import deliver, message_id_for
from litwatch.outputs.recording import record_digest
from litwatch.outputs.render import digest_folder, digest_message, digest_stem
from litwatch.store import Store

from litwatch.config import load_watches
from litwatch.settings import Settings
from litwatch.wiring import smtp_config, watch_info

NOW = datetime(2026, 11, 23, 7, 0)


@pytest.fixture
def recorded(tmp_path, smtp_server):
    """A store holding one recorded, undelivered (empty) digest, with settings for the server."""
    watch = load_watches(write_watch_file(tmp_path, "metformin[tiab]"))[0]
    settings = Settings(
        data_dir=tmp_path / "data",
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
        smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
    )
    with Store.open(settings.db_path) as store:
        run = store.begin_run(watch.name, None, None, NOW)
        key = digest_key(watch.name, run, NOW)
        digest = record_digest(store, watch_info(watch), key, NOW).digest
        yield store, watch, settings, digest


def _send(store, watch, settings, warnings):
    out_dir = settings.out_dir / watch.name
    return deliver_pending(
        store,
        watch.name,
        smtp_config(settings),
        settings.outbox_dir / watch.name,
        lambda digest, changes: _message(digest, changes, watch, out_dir, settings),
        NOW,
        send_empty=watch.send_empty,
        log=warnings.append,
    )


def _message(digest, changes, watch, out_dir, settings):
    """The digest's .eml, as the deliver task asks for it."""
    info = watch_info(watch)
    return digest_message(digest, changes, info, out_dir, settings.mail_from, watch.recipients)


def _park_in_outbox(settings, watch, digest):
    """Leave the digest's message in the outbox, as a run does just before SMTP."""
    eml = _message(digest, (), watch, settings.out_dir / watch.name, settings)
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    return deliver(message, None, settings.outbox_dir / watch.name)


def test_a_send_a_dead_run_began_is_not_repeated_but_set_aside(recorded, smtp_server):
    store, watch, settings, digest = recorded
    parked = _park_in_outbox(settings, watch, digest)
    store.begin_delivery(digest.key, NOW, "smtp", message_id_for(digest.key))  # then the run died
    warnings: list[str] = []

    assert _send(store, watch, settings, warnings) == ()

    assert smtp_server.messages == []
    [entry] = store.digests(watch.name)
    assert [d.channel for d in entry.deliveries] == ["smtp-unconfirmed"] and entry.attempt is None
    aside = parked.path.parent / "unconfirmed" / parked.path.name
    assert aside.exists() and not parked.path.exists()
    assert len(warnings) == 1 and digest.key in warnings[0] and str(aside) in warnings[0]
    assert _send(store, watch, settings, warnings) == () and smtp_server.messages == []


def test_a_send_filed_as_sent_before_the_run_died_is_recorded_as_smtp(recorded, smtp_server):
    store, watch, settings, digest = recorded
    parked = _park_in_outbox(settings, watch, digest)
    sent = parked.path.parent / "sent" / parked.path.name
    parked.path.rename(sent)  # the server accepted it and the file moved; then the run died
    store.begin_delivery(digest.key, NOW, "smtp", message_id_for(digest.key))
    warnings: list[str] = []

    assert _send(store, watch, settings, warnings) == ()

    [entry] = store.digests(watch.name)
    assert [d.channel for d in entry.deliveries] == ["smtp"] and warnings == []
    assert smtp_server.messages == []


def test_a_refused_send_clears_its_attempt_and_the_next_run_sends_it_once(recorded, smtp_server):
    store, watch, settings, digest = recorded
    smtp_server.refuse = True
    warnings: list[str] = []

    assert _send(store, watch, settings, warnings) == ()
    [entry] = store.undelivered_digests(watch.name)
    assert entry.attempt is None and "waits in" in warnings[0]

    smtp_server.refuse = False
    assert _send(store, watch, settings, warnings) == (digest.key,)
    assert _send(store, watch, settings, warnings) == ()
    assert len(smtp_server.messages) == 1
    eml = digest_folder(settings.out_dir / watch.name, digest) / f"{digest_stem(digest)}.eml"
    assert eml.exists()
