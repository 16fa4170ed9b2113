"""What the periodic and background jobs do, as plain functions of a unit-of-work factory and
the settings read when they run. The Celery tasks (``worker/tasks.py``) and the embedded loop
(``worker/embedded.py``) both call these, on the intervals of one table (``worker/schedule.py``).
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from config import Settings
from workflows.attachments import uploads
from workflows.audit.verify import verify_trail
from workflows.automation import delivery, service_jobs, timer_claims, timers
from workflows.core.unit_of_work import UnitOfWorkFactory
from workflows.onboarding import position_end, position_start

log = logging.getLogger("certflow.worker")


def fire_due_timers(uows: UnitOfWorkFactory, settings: Settings, *,
                    batch_size: int | None = None,
                    max_batches: int | None = None) -> dict[str, Any]:
    """Claim and fire every due timer (returning stale claims first, after the claim lease)."""
    report = timers.fire_due_timers(
        uows=uows, batch_size=batch_size or settings.timer_batch_size, max_batches=max_batches,
        claim_lease=timedelta(seconds=settings.claim_lease_seconds))
    if report.fired:
        log.info("fired %s timer(s)", report.fired)
    return {"claimed": report.claimed, "fired": report.fired, "skipped": report.skipped,
            "errors": report.errors}


def sweep(uows: UnitOfWorkFactory, settings: Settings) -> dict[str, int]:
    """Hand back what a dead worker held: timer claims and service jobs past their leases;
    refuse the tokens of staff whose last position ended yesterday (an end given ahead); and
    give the role's group to holders of positions that began today (a start given ahead)."""
    lease = timedelta(seconds=settings.claim_lease_seconds)
    return {"released_claims": timer_claims.release_stale_claims(uows=uows, older_than=lease),
            "requeued_jobs": service_jobs.requeue_stale_jobs(
                uows=uows, older_than_s=settings.service_job_lease_seconds),
            "tokens_revoked": position_end.revoke_lapsed(uows=uows),
            "groups_joined": position_start.grant_started(uows=uows)}


def anchor_audit_trail(uows: UnitOfWorkFactory, settings: Settings) -> dict[str, Any]:
    """Verify every chain; if intact, anchor the heads that moved. A broken trail is logged as
    an error (operators alert on it) and answered with its first broken link."""
    report = verify_trail(key=settings.audit_signing_key, uows=uows, anchor_as="beat")
    if not report.ok:
        log.error("audit trail is broken, no anchor written: %s", report.findings[0])
    return {"ok": report.ok, "first_broken": report.findings[0] if report.findings else None,
            "new_anchor": report.new_anchor, "events_checked": report.events_checked}


def remove_orphan_attachments(uows: UnitOfWorkFactory, settings: Settings) -> dict[str, int]:
    """Remove uploads no form attached within ``CERTFLOW_ATTACHMENT_ORPHAN_HOURS``."""
    removed = uploads.remove_orphans(
        uows=uows, older_than=timedelta(hours=settings.attachment_orphan_hours))
    if removed:
        log.info("removed %s upload(s) never attached to a case", removed)
    return {"removed": removed}


def deliver_notifications(uows: UnitOfWorkFactory, settings: Settings) -> dict[str, int]:
    """E-mail new notifications and POST them to the webhook; retry the failed ones."""
    report = delivery.deliver_notifications(uows=uows, settings=settings)
    if report.sent or report.failed:
        log.info("notification deliveries: %s sent, %s failed", report.sent, report.failed)
    return {"planned": report.planned, "sent": report.sent, "retrying": report.retrying,
            "failed": report.failed}


def backoff_seconds(retries: int, *, base: float, cap: float) -> float:
    """Exponential backoff with jitter: base·2^n, capped, times 0.5–1.0."""
    return min(cap, base * (2 ** retries)) * (0.5 + random.random() / 2)
