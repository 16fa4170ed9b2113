"""The two ways a notification leaves certflow: an e-mail through SMTP, and a signed POST to
the school's webhook. Plain functions of the settings; they raise ``DeliveryError`` (worth
retrying) or ``DeliveryRefused`` (the other end refused it for good)."""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from config import Settings
from workflows.automation import webhook_signature


class DeliveryError(Exception):
    """This attempt failed; a later one may succeed."""


class DeliveryRefused(DeliveryError):
    """The receiver refused it for good (a rejected address, a 4xx answer): no retry."""


@dataclass(frozen=True)
class Outgoing:
    """What is sent about one notification."""

    delivery_id: int
    notification_id: int
    kind: str
    subject: str
    body: str
    created_at: str  # ISO 8601, UTC
    recipient_user: str | None
    recipient_group: str | None
    instance_id: int | None
    business_key: str | None
    link: str | None  # the case in the web app, as a path


KIND_WORDS = {"info": "通知", "reminder": "提醒", "escalation": "升级"}


def send_email(settings: Settings, to: str, item: Outgoing) -> None:
    message = EmailMessage()
    message["Subject"] = f"[certflow {KIND_WORDS.get(item.kind, '通知')}] {item.subject}"
    message["From"] = formataddr(("certflow", settings.smtp_sender))
    message["To"] = to
    message["Message-ID"] = make_msgid(idstring=f"notification-{item.notification_id}")
    lines = [item.body or item.subject]
    if item.business_key:
        lines.append(f"申报编号：{item.business_key}")
    if item.link:
        lines.append(f"在 certflow 中打开：{item.link}")
    message.set_content("\n\n".join(lines) + "\n")
    try:
        if settings.smtp_security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s,
                context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                                  timeout=settings.smtp_timeout_s)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryRefused(f"SMTP refused {to}: {error.recipients}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {error}") from error


def webhook_payload(item: Outgoing) -> dict[str, Any]:
    return {"id": item.notification_id, "delivery": item.delivery_id, "kind": item.kind,
            "subject": item.subject, "body": item.body, "created_at": item.created_at,
            "recipient": {"user": item.recipient_user, "group": item.recipient_group},
            "case": ({"id": item.instance_id, "business_key": item.business_key,
                      "link": item.link} if item.instance_id is not None else None)}


def post_webhook(settings: Settings, item: Outgoing, *, timestamp: int) -> None:
    body = json.dumps(webhook_payload(item), ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(settings.webhook_url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "certflow-webhook",
        webhook_signature.TIMESTAMP_HEADER: str(timestamp),
        webhook_signature.SIGNATURE_HEADER: webhook_signature.sign(
            settings.webhook_secret, timestamp, body),
        webhook_signature.DELIVERY_HEADER: str(item.delivery_id),
    })
    try:
        with urllib.request.urlopen(request, timeout=settings.webhook_timeout_s) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as error:
        # 408, 425, 429 and 5xx may pass; any other 4xx will not.
        if 400 <= error.code < 500 and error.code not in (408, 425, 429):
            raise DeliveryRefused(f"webhook answered {error.code}") from error
        raise DeliveryError(f"webhook answered {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"webhook {settings.webhook_url}: {error}") from error
