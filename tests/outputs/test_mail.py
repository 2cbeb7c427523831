"""Delivery through a real SMTP server on loopback: one message per digest, outages wait in the outbox."""

from __future__ import annotations

import email
import email.policy

import pytest
from helpers import SMTP_PASSWORD
from litwatch.core.errors import DeliveryError
from litwatch.outputs.mail import SmtpConfig, build_message, deliver, message_id_for
from litwatch.outputs.render import render_digest, write_digest_files
from outputs_samples import WATCH, empty_digest, sample_digest

SENDER = "litwatch@example.org"
RECIPIENTS = ("evidence-team@example.org", "reviewer@example.org")
PASSWORD = SMTP_PASSWORD


def _message(digest=None):
    digest = digest or sample_digest()
    return build_message(digest, render_digest(digest, WATCH), WATCH, SENDER, RECIPIENTS)


def _config(server) -> SmtpConfig:
    return SmtpConfig(
        server.host, server.port, security="none", username="digest", password=PASSWORD, timeout=5
    )


def _received(server):
    return [
        email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        for envelope in server.messages
    ]


def test_digest_arrives_as_one_multipart_message_with_both_alternatives_and_inline_image(
    smtp_server, tmp_path
):
    result = deliver(_message(), _config(smtp_server), tmp_path / "outbox")

    assert result.status == "sent"
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.mail_from == SENDER and sorted(envelope.rcpt_tos) == sorted(RECIPIENTS)
    assert smtp_server.logins == ["digest"]
    message = _received(smtp_server)[0]
    assert message["Subject"].startswith("B12 & DPN — week 48: 1 meta-analysis, 1 RCT")
    assert message["Message-ID"] == message_id_for("b12-dpn:2026-W48")
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert "NEW RECORDS (4)" in plain.get_content()
    related = next(
        part for part in message.walk() if part.get_content_type() == "multipart/related"
    )
    images = [part for part in related.iter_parts() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")
    cid = images[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html.get_content()
    assert result.path.parent.name == "sent" and not list((tmp_path / "outbox").glob("*.eml"))


def test_password_is_never_in_the_message_files_or_errors(smtp_server, tmp_path):
    config = _config(smtp_server)
    assert PASSWORD not in repr(config)
    deliver(_message(), config, tmp_path / "outbox")
    paths = write_digest_files(sample_digest(), WATCH, tmp_path / "files", SENDER, RECIPIENTS)
    for path in [*(tmp_path / "outbox").rglob("*"), *(tmp_path / "files").iterdir()]:
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes()
    assert paths.eml.exists()
    wrong = SmtpConfig(
        smtp_server.host,
        smtp_server.port,
        security="none",
        username="digest",
        password="wrong-pw",
        timeout=5,
    )
    with pytest.raises(DeliveryError) as failure:
        deliver(_message(empty_digest()), wrong, tmp_path / "outbox2")
    assert "wrong-pw" not in str(failure.value) and "\n" not in str(failure.value)


def test_outage_keeps_the_message_in_the_outbox_and_the_next_run_sends_it_once(
    smtp_server, tmp_path
):
    outbox = tmp_path / "outbox"
    smtp_server.refuse = True
    with pytest.raises(DeliveryError, match="waits in"):
        deliver(_message(), _config(smtp_server), outbox)
    assert smtp_server.messages == []
    assert len(list(outbox.glob("*.eml"))) == 1

    smtp_server.refuse = False
    first = deliver(_message(), _config(smtp_server), outbox)  # the next run
    again = deliver(_message(), _config(smtp_server), outbox)  # the same digest, a later run

    assert (first.status, again.status) == ("sent", "already-sent")
    assert not list(outbox.glob("*.eml"))
    assert len(smtp_server.messages) == 1
    assert _received(smtp_server)[0]["Message-ID"] == message_id_for("b12-dpn:2026-W48")


def test_without_smtp_the_outbox_holds_an_eml_a_mail_client_opens(tmp_path):
    result = deliver(_message(), None, tmp_path / "outbox")
    assert result.status == "outbox" and result.path.suffix == ".eml"
    message = email.message_from_bytes(result.path.read_bytes(), policy=email.policy.default)
    assert message["To"] == ", ".join(RECIPIENTS)
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None


def test_unreachable_server_is_one_line_delivery_error(tmp_path):
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = SmtpConfig(
        "127.0.0.1", port, security="starttls", username="u", password=PASSWORD, timeout=2
    )
    with pytest.raises(DeliveryError) as failure:
        deliver(_message(), config, tmp_path / "outbox")
    assert f"127.0.0.1:{port}" in str(failure.value) and PASSWORD not in str(failure.value)
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
