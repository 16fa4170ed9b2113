"""Notifications that reach people outside the app: each new notification is e-mailed to its
recipients who gave an address (when SMTP is configured) and POSTed, signed, to the school's
webhook (when one is configured).

Never part of the transaction that made the notification: the periodic delivery job
(``worker/schedule.py``) plans what to send for notifications already committed, then sends
outside any transaction, each delivery taken by a guarded claim so two workers never send one
twice. A failed attempt waits with exponential backoff; after ``CERTFLOW_DELIVERY_MAX_ATTEMPTS``
(or a refusal for good) it is marked failed with its error. A worker that died mid-send leaves
its claim, which returns to pending after the claim lease (at most one more send).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from config import Settings
from models import Membership, Notification, NotificationDelivery, ProcessInstance, User
from models.statuses import DeliveryStatus
from workflows.automation.delivery_channels import (
    DeliveryError,
    DeliveryRefused,
    Outgoing,
    post_webhook,
    send_email,
)
from workflows.core.unit_of_work import UnitOfWorkFactory

log = logging.getLogger("certflow.delivery")

PLANNED, TOO_OLD = "planned", "too_old"
MAX_AGE = timedelta(days=1)  # older notifications, made while delivery was off, are not sent


@dataclass(frozen=True)
class DeliveryReport:
    planned: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_notifications(*, uows: UnitOfWorkFactory, settings: Settings,
                          batch_size: int = 100) -> DeliveryReport:
    """Plan deliveries of new notifications, then send every due one (one periodic tick)."""
    if not settings.delivers_notifications:
        return DeliveryReport()
    _return_stale_claims(uows, lease=timedelta(seconds=settings.claim_lease_seconds))
    planned = plan_deliveries(uows=uows, settings=settings, batch_size=batch_size)
    sent = retrying = failed = 0
    for delivery_id in _claim_due(uows, batch_size):
        outcome = _send_one(delivery_id, uows=uows, settings=settings)
        sent += outcome == DeliveryStatus.SENT
        retrying += outcome == DeliveryStatus.PENDING
        failed += outcome == DeliveryStatus.FAILED
    return DeliveryReport(planned, sent, retrying, failed)


def plan_deliveries(*, uows: UnitOfWorkFactory, settings: Settings, batch_size: int) -> int:
    """Turn notifications nobody planned yet into deliveries, in one transaction."""
    planned = 0
    with uows() as uow:
        session, now = uow.session, uow.runtime.now()
        session.execute(sa.update(Notification)
                        .where(Notification.delivery_state.is_(None),
                               Notification.created_at < now - MAX_AGE)
                        .values(delivery_state=TOO_OLD))
        rows = session.execute(
            sa.select(Notification.id, Notification.recipient_user_id,
                      Notification.recipient_group)
            .where(Notification.delivery_state.is_(None))
            .order_by(Notification.id).limit(batch_size)).all()
        for notification_id, user_id, group in rows:
            taken = session.execute(sa.update(Notification)
                                    .where(Notification.id == notification_id,
                                           Notification.delivery_state.is_(None))
                                    .values(delivery_state=PLANNED))
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker planned it
            planned += 1
            addresses: list[tuple[str, str]] = []
            if settings.smtp_host:
                addresses += [("email", email) for email in _emails(session, user_id, group)]
            if settings.webhook_url:
                addresses.append(("webhook", settings.webhook_url))
            session.add_all(NotificationDelivery(
                notification_id=notification_id, channel=channel, address=address,
                status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now)
                for channel, address in addresses)
        uow.commit()
    return planned


def _emails(session: sa.orm.Session, user_id: int | None, group: str | None) -> list[str]:
    query = sa.select(User.email).where(User.active.is_(True), User.email.is_not(None))
    if user_id is not None:
        query = query.where(User.id == user_id)
    elif group:
        query = query.join(Membership, Membership.user_id == User.id).where(
            Membership.group_id == group)
    else:
        return []
    return sorted({email for email in session.scalars(query) if email})


def _return_stale_claims(uows: UnitOfWorkFactory, *, lease: timedelta) -> None:
    with uows() as uow:
        uow.session.execute(sa.update(NotificationDelivery)
                            .where(NotificationDelivery.status == DeliveryStatus.SENDING,
                                   NotificationDelivery.claimed_at < uow.runtime.now() - lease)
                            .values(status=DeliveryStatus.PENDING, claimed_at=None))
        uow.commit()


def _claim_due(uows: UnitOfWorkFactory, batch_size: int) -> list[int]:
    claimed: list[int] = []
    with uows() as uow:
        now = uow.runtime.now()
        due = uow.session.scalars(
            sa.select(NotificationDelivery.id)
            .where(NotificationDelivery.status == DeliveryStatus.PENDING,
                   NotificationDelivery.next_attempt_at <= now)
            .order_by(NotificationDelivery.next_attempt_at, NotificationDelivery.id)
            .limit(batch_size)).all()
        for delivery_id in due:
            taken = uow.session.execute(
                sa.update(NotificationDelivery)
                .where(NotificationDelivery.id == delivery_id,
                       NotificationDelivery.status == DeliveryStatus.PENDING)
                .values(status=DeliveryStatus.SENDING, claimed_at=now))
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(delivery_id)
        uow.commit()
    return claimed


def _outgoing(uows: UnitOfWorkFactory, delivery_id: int) -> tuple[NotificationDelivery, Outgoing]:
    with uows(write=False) as uow:
        session = uow.session
        delivery = session.get_one(NotificationDelivery, delivery_id)
        note = session.get_one(Notification, delivery.notification_id)
        user = session.get(User, note.recipient_user_id) if note.recipient_user_id else None
        instance = session.get(ProcessInstance, note.instance_id) if note.instance_id else None
        session.expunge(delivery)
        return delivery, Outgoing(
            delivery_id=delivery.id, notification_id=note.id, kind=note.kind,
            subject=note.subject, body=note.body or "", created_at=note.created_at.isoformat(),
            recipient_user=user.username if user else None, recipient_group=note.recipient_group,
            instance_id=instance.id if instance else None,
            business_key=instance.business_key if instance else None,
            link=f"/cases/{instance.id}" if instance else None)


def _send_one(delivery_id: int, *, uows: UnitOfWorkFactory, settings: Settings) -> str:
    delivery, item = _outgoing(uows, delivery_id)
    attempt = delivery.attempts + 1
    error: DeliveryError | None = None
    try:
        if delivery.channel == "email":
            send_email(settings, delivery.address, item)
        else:
            now = uows(write=False).runtime.now()
            post_webhook(settings, item, timestamp=int(now.timestamp()))
    except DeliveryError as failure:
        error = failure
        log.warning("notification delivery %s (%s) attempt %s failed: %s", delivery_id,
                    delivery.channel, attempt, failure)
    return _record(delivery_id, attempt, error, uows=uows, settings=settings)


def _record(delivery_id: int, attempt: int, error: DeliveryError | None, *,
            uows: UnitOfWorkFactory, settings: Settings) -> str:
    with uows() as uow:
        now: datetime = uow.runtime.now()
        row = uow.session.get_one(NotificationDelivery, delivery_id)
        row.attempts, row.claimed_at = attempt, None
        if error is None:
            row.status, row.sent_at, row.last_error = DeliveryStatus.SENT, now, None
        elif isinstance(error, DeliveryRefused) or attempt >= settings.delivery_max_attempts:
            row.status, row.last_error = DeliveryStatus.FAILED, str(error)[:2000]
        else:
            row.status, row.last_error = DeliveryStatus.PENDING, str(error)[:2000]
            row.next_attempt_at = now + timedelta(seconds=backoff_seconds(attempt - 1))
        status = row.status
        uow.commit()
    return status


def backoff_seconds(retries: int, *, base: float = 30.0, cap: float = 3600.0) -> float:
    """30 s, 1 min, 2 min... at most an hour, times 0.5–1.0 (spread over workers)."""
    return min(cap, base * (2 ** retries)) * (0.5 + random.random() / 2)
