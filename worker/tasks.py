"""The Celery tasks: thin adapters that call workflows/ use cases by id.

- ``certflow.fire_due_timers`` (beat, every few seconds): claim and fire due timers;
  concurrent runs on several workers never fire one timer twice
  (``workflows/automation/timers.py``).
- ``certflow.fire_timer``: fire one timer by id (idempotent; used by tools and tests).
- ``certflow.run_service_task``: one attempt at a service job; retries with exponential backoff
  and jitter, the last failure becomes an incident (``workflows/automation/service_jobs.py``).
- ``certflow.sweep`` (beat, every minute): return stale timer claims, re-send lost jobs.
- ``certflow.audit_anchor`` (beat, hourly): verify the audit trail and sign an anchor of it.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from celery import Celery, Task

from config import Settings
from workflows.automation import service_jobs as service_tasks
from workflows.automation import timers

log = logging.getLogger("certflow.worker")


def backoff_seconds(retries: int, *, base: float, cap: float) -> float:
    """Exponential backoff with jitter: base·2^n, capped, times 0.5–1.0."""
    return min(cap, base * (2 ** retries)) * (0.5 + random.random() / 2)


def register_tasks(celery: Celery[Any], settings: Settings) -> dict[str, Task[Any, Any]]:
    @celery.task(name="certflow.fire_due_timers")
    def fire_due_timers(batch_size: int | None = None,
                        max_batches: int | None = None) -> dict[str, Any]:
        report = timers.fire_due_timers(batch_size=batch_size or settings.timer_batch_size,
                                        max_batches=max_batches,
                                        script_time_limit_s=settings.script_time_limit_s)
        return {"claimed": report.claimed, "fired": report.fired, "skipped": report.skipped,
                "errors": report.errors}

    @celery.task(name="certflow.fire_timer")
    def fire_timer(timer_id: int) -> str:
        token = timers.worker_token()
        if not timers.claim_one(timer_id, token):
            return "skipped"
        return timers.fire_claimed(timer_id, token,
                                   script_time_limit_s=settings.script_time_limit_s).status

    @celery.task(name="certflow.run_service_task", bind=True,
                 max_retries=settings.service_task_max_retries)
    def run_service_task(self: Task[Any, Any], job_id: int) -> str:
        retries = self.request.retries or 0
        while True:
            outcome = service_tasks.run_service_job(
                job_id, attempt=retries + 1, final=retries >= settings.service_task_max_retries,
                script_time_limit_s=settings.script_time_limit_s)
            if outcome.status != "retry":
                return outcome.status
            if not self.request.is_eager:
                raise self.retry(countdown=backoff_seconds(
                    retries, base=settings.service_task_backoff_s,
                    cap=settings.service_task_backoff_max_s))
            # Embedded (eager): no broker holds a delayed retry, so the attempts run at once.
            retries += 1

    @celery.task(name="certflow.sweep")
    def sweep() -> dict[str, int]:
        lease = timedelta(seconds=settings.claim_lease_seconds)
        return {"released_claims": timers.release_stale_claims(older_than=lease),
                "requeued_jobs": service_tasks.requeue_stale_jobs(
                    older_than_s=settings.service_job_lease_seconds)}

    @celery.task(name="certflow.audit_anchor")
    def audit_anchor() -> dict[str, Any]:
        return anchor_audit_trail(settings)

    return {task.name: task for task in (fire_due_timers, fire_timer, run_service_task, sweep,
                                         audit_anchor)}


def anchor_audit_trail(settings: Settings) -> dict[str, Any]:
    """Verify every chain; if intact, anchor the heads that moved. A broken trail is logged as
    an error (operators alert on it) and answered with its first broken link."""
    from workflows.audit.verify import verify_trail

    report = verify_trail(key=settings.audit_signing_key, anchor_as="beat")
    if not report.ok:
        log.error("audit trail is broken, no anchor written: %s", report.findings[0])
    return {"ok": report.ok, "first_broken": report.findings[0] if report.findings else None,
            "new_anchor": report.new_anchor, "events_checked": report.events_checked}
