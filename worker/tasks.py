"""The Celery tasks: module-level, each with an explicit name and time limits, thin adapters
that read the settings of the app they run in when they run (never when they are registered)
and call ``worker/jobs.py`` or a workflows use case by id.

- ``certflow.fire_due_timers`` (beat, every few seconds): claim and fire due timers;
  concurrent runs on several workers never fire one timer twice
  (``workflows/automation/timers.py``).
- ``certflow.fire_timer``: fire one timer by id (idempotent; used by tools and tests).
- ``certflow.run_service_task``: one attempt at a service job; retries with exponential backoff
  and jitter, the last failure becomes an incident (``workflows/automation/service_jobs.py``).
- ``certflow.sweep`` (beat, every minute): return stale timer claims, re-send lost jobs.
- ``certflow.audit_anchor`` (beat, hourly): verify the audit trail and sign an anchor of it.
- ``certflow.remove_orphan_attachments`` (beat, hourly): remove uploads never attached.
- ``certflow.confirm_import``: confirm an import queued as background work, writing its
  progress to the database as it goes (``workflows/onboarding/import_jobs.py``); a job not
  queued any more is skipped, so a message delivered twice runs it once.
- ``certflow.deliver_notifications`` (beat, every few seconds when configured): e-mail and
  webhook deliveries of new notifications, and retries of failed ones.

``@shared_task`` binds each to every Celery app ``worker.celery_app.celery_init_app`` makes;
the app's task class enters its Flask app, whose runtime the task reads.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from flask import current_app

from worker import jobs
from workflows.automation import service_jobs, timer_claims, timers
from workflows.core.runtime import Runtime, runtime_of
from workflows.core.unit_of_work import units_of
from workflows.onboarding import import_jobs

RUN_SERVICE_TASK = "certflow.run_service_task"


def _runtime() -> Runtime:
    return runtime_of(current_app)


@shared_task(name="certflow.fire_due_timers", soft_time_limit=540, time_limit=600)
def fire_due_timers(batch_size: int | None = None,
                    max_batches: int | None = None) -> dict[str, Any]:
    runtime = _runtime()
    return jobs.fire_due_timers(units_of(runtime), runtime.settings, batch_size=batch_size,
                                max_batches=max_batches)


@shared_task(name="certflow.fire_timer", soft_time_limit=110, time_limit=120)
def fire_timer(timer_id: int) -> str:
    uows = units_of(_runtime())
    token = timer_claims.worker_token()
    if not timer_claims.claim_one(timer_id, token, uows=uows):
        return "skipped"
    return timers.fire_claimed(timer_id, token, uows=uows).status


@shared_task(name=RUN_SERVICE_TASK, bind=True, soft_time_limit=270, time_limit=300)
def run_service_task(self: Task[Any, Any], job_id: int) -> str:
    runtime = _runtime()
    settings = runtime.settings
    retries = self.request.retries or 0
    while True:
        outcome = service_jobs.run_service_job(
            job_id, attempt=retries + 1, final=retries >= settings.service_task_max_retries,
            uows=units_of(runtime))
        if outcome.status != "retry":
            return outcome.status
        if not self.request.is_eager:
            raise self.retry(max_retries=settings.service_task_max_retries,
                             countdown=jobs.backoff_seconds(
                                 retries, base=settings.service_task_backoff_s,
                                 cap=settings.service_task_backoff_max_s))
        # Embedded (eager): no broker holds a delayed retry, so the attempts run at once.
        retries += 1


@shared_task(name="certflow.sweep", soft_time_limit=540, time_limit=600)
def sweep() -> dict[str, int]:
    runtime = _runtime()
    return jobs.sweep(units_of(runtime), runtime.settings)


@shared_task(name="certflow.audit_anchor", soft_time_limit=3300, time_limit=3500)
def audit_anchor() -> dict[str, Any]:
    runtime = _runtime()
    return jobs.anchor_audit_trail(units_of(runtime), runtime.settings)


@shared_task(name="certflow.remove_orphan_attachments", soft_time_limit=540, time_limit=600)
def remove_orphan_attachments() -> dict[str, int]:
    runtime = _runtime()
    return jobs.remove_orphan_attachments(units_of(runtime), runtime.settings)


@shared_task(name="certflow.deliver_notifications", soft_time_limit=540, time_limit=600)
def deliver_notifications() -> dict[str, int]:
    runtime = _runtime()
    return jobs.deliver_notifications(units_of(runtime), runtime.settings)


@shared_task(name="certflow.confirm_import", soft_time_limit=1700, time_limit=1800)
def confirm_import(import_id: int) -> str:
    return import_jobs.run_job(import_id, uows=units_of(_runtime()))
