"""Notifications leave certflow after their transaction: e-mailed through a real SMTP server
(aiosmtpd, started here on loopback) and POSTed, signed, to a real local HTTP receiver; a
failed attempt is retried by the delivery job, never by the request that made the notice."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

from config import Settings
from models import NotificationDelivery, db
from tests.api_client import ApiClient
from worker import jobs
from workflows.automation import webhook_signature
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import units_of

WEBHOOK_SECRET = "a-webhook-secret-only-these-tests-use-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture()
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


class Receiver:
    """A local webhook receiver; answers 503 to its first ``failures`` requests."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes, int]] = []


@pytest.fixture()
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver(failures=1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = 503 if state.failures > 0 else 200
            state.failures -= 1
            state.requests.append((dict(self.headers.items()), body, status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/certflow"
    server.shutdown()
    server.server_close()


def deliver(app: Flask, runtime: Runtime, settings: Settings) -> dict[str, int]:
    with app.app_context():
        try:
            return jobs.deliver_notifications(units_of(runtime), settings)
        finally:
            db.session.remove()


def deliveries(app: Flask) -> list[NotificationDelivery]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(NotificationDelivery)
                                       .order_by(NotificationDelivery.id)))
        db.session.remove()
        return rows


def remind_zhang(api: ApiClient) -> int:
    """小明 reminds the teachers his leave request waits for: a notification for their group,
    of which 张老师 is a member."""
    started = api.start_leave(as_="xiaoming", days=1)
    assert started.status_code == 201, started.get_json()
    reminded = api.post(f"/api/v1/instances/{started.get_json()['id']}/remind", as_="xiaoming")
    assert reminded.status_code == 200, reminded.get_json()
    notes = api.get("/api/v1/notifications", as_="zhang").get_json()["items"]
    assert notes and "催办" in notes[0]["subject"]
    return int(started.get_json()["id"])


def test_an_email_reaches_the_smtp_server_after_a_failed_attempt_is_retried(
        app: Flask, settings: Settings, runtime: Runtime, leave_api: ApiClient,
        frozen_clock: FrozenClock, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    bad = leave_api.client.put("/api/v1/notifications/email", json={"email": "不是地址"},
                               headers=leave_api.headers("zhang"))
    assert bad.status_code == 422, bad.get_json()
    saved = leave_api.client.put("/api/v1/notifications/email",
                                 json={"email": "zhang@school.example"},
                                 headers=leave_api.headers("zhang"))
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["email"] == "zhang@school.example"
    instance_id = remind_zhang(leave_api)
    # Nothing configured: nothing planned, nothing sent.
    assert deliver(app, runtime, settings) == {"planned": 0, "sent": 0, "retrying": 0, "failed": 0}
    mail = dict(smtp_host="127.0.0.1", smtp_security="none",
                smtp_sender="certflow@school.example")

    down = deliver(app, runtime, settings.replace(**mail, smtp_port=free_port()))  # nobody listens
    assert down["retrying"] >= 1 and down["sent"] == 0, down
    assert inbox.messages == []
    waiting = [row for row in deliveries(app) if row.address == "zhang@school.example"]
    assert [(row.status, row.attempts) for row in waiting] == [("pending", 1)]
    assert waiting[0].last_error

    up = settings.replace(**mail, smtp_port=port)
    assert deliver(app, runtime, up)["sent"] == 0  # not due yet: the backoff holds it back
    frozen_clock.advance(minutes=2)
    assert deliver(app, runtime, up)["sent"] >= 1
    to_zhang = [raw for rcpt, raw in inbox.messages if rcpt == ["zhang@school.example"]]
    assert len(to_zhang) == 1
    message = message_from_bytes(to_zhang[0], policy=policy.default)
    assert "催办" in str(message["Subject"])
    assert message["From"].addresses[0].addr_spec == "certflow@school.example"
    assert f"/cases/{instance_id}" in message.get_body().get_content()
    # Sent once: a later tick sends nothing again.
    frozen_clock.advance(hours=1)
    assert deliver(app, runtime, up)["sent"] == 0
    assert len(inbox.messages) == len({row.id for row in deliveries(app)})


def test_a_webhook_arrives_signed_and_a_tampered_one_fails_verification(
        app: Flask, settings: Settings, runtime: Runtime, leave_api: ApiClient,
        frozen_clock: FrozenClock, receiver: tuple[Receiver, str]) -> None:
    state, url = receiver
    remind_zhang(leave_api)
    hook = settings.replace(webhook_url=url, webhook_secret=WEBHOOK_SECRET)
    first = deliver(app, runtime, hook)
    assert first["planned"] >= 1 and first["retrying"] >= 1, first  # the receiver said 503
    frozen_clock.advance(minutes=2)
    assert deliver(app, runtime, hook)["sent"] >= 1
    delivered = [(h, body) for h, body, status in state.requests if status == 200]
    assert delivered
    headers, body = next((h, b) for h, b in delivered if "催办" in json.loads(b)["subject"])
    payload = json.loads(body)
    recipient = payload["recipient"]  # the teacher the case waits for, or their group
    assert (recipient["user"] is None) != (recipient["group"] is None), recipient
    assert payload["case"]["business_key"]
    # The documented algorithm, computed here independently of certflow's own code.
    timestamp = headers[webhook_signature.TIMESTAMP_HEADER]
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body,
                                    hashlib.sha256).hexdigest()
    signature = headers[webhook_signature.SIGNATURE_HEADER]
    assert signature == expected
    now = frozen_clock().timestamp()
    assert webhook_signature.verify(WEBHOOK_SECRET, timestamp=timestamp, signature=signature,
                                    body=body, now=now)
    tampered = body.replace("催办".encode(), "批准".encode())
    assert tampered != body
    assert not webhook_signature.verify(WEBHOOK_SECRET, timestamp=timestamp,
                                        signature=signature, body=tampered, now=now)
    flipped = signature[:-1] + ("1" if signature[-1] == "0" else "0")
    assert not webhook_signature.verify(WEBHOOK_SECRET, timestamp=timestamp,
                                        signature=flipped, body=body, now=now)
    assert not webhook_signature.verify("another-secret-" * 3, timestamp=timestamp,
                                        signature=signature, body=body, now=now)
    assert not webhook_signature.verify(WEBHOOK_SECRET, timestamp=timestamp,
                                        signature=signature, body=body, now=now + 3600)
    # A retry is the same delivery: the receiver can tell it from a new notice.
    ids = [h[webhook_signature.DELIVERY_HEADER] for h, _, _ in state.requests]
    assert len(ids) > len(set(ids))


def test_a_refusing_webhook_is_marked_failed_without_retries(
        app: Flask, settings: Settings, runtime: Runtime, leave_api: ApiClient,
        frozen_clock: FrozenClock) -> None:
    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        remind_zhang(leave_api)
        hook = settings.replace(webhook_url=f"http://127.0.0.1:{server.server_address[1]}/",
                                webhook_secret=WEBHOOK_SECRET)
        assert deliver(app, runtime, hook)["failed"] >= 1
        rows = deliveries(app)
        assert rows and {row.status for row in rows} == {"failed"}
        assert all("401" in (row.last_error or "") for row in rows)
    finally:
        server.shutdown()
        server.server_close()
