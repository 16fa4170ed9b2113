"""Celery configured from Settings.

Embedded (no ``BROKER_URL``): tasks run eagerly, in-process, right where they are sent — and
certflow only sends them after the sending transaction commits — so the demo needs no broker;
``certflow serve`` fires due timers from a daemon thread (``worker/embedded.py``).
Scale-out (``BROKER_URL=redis://…`` or ``amqp://…``): any number of ``celery -A worker.main
worker`` processes consume the queue, and one ``celery -A worker.main beat`` schedules the
timer-firing and sweep jobs.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

from config import Settings
from workflows.automation import service_registry
from workflows.core import jobs as background
from workflows.core import working_days


def celery_init_app(app: Flask) -> Celery[Any]:
    """Create the Celery app bound to a Flask app (tasks run inside its app context)."""
    settings = app.config["CERTFLOW_SETTINGS"]

    class FlaskTask(Task[Any, Any]):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    embedded = not settings.broker_url
    celery: Celery[Any] = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=settings.broker_url or "memory://",
        task_always_eager=embedded,
        task_eager_propagates=embedded,
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        timezone="UTC",
        enable_utc=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.queue_name,
        broker_connection_retry_on_startup=True,
        beat_schedule=beat_schedule(settings),
    )
    from worker.tasks import register_tasks

    tasks = register_tasks(celery, settings)
    celery.set_default()
    app.extensions["celery"] = celery
    working_days.configure(settings.holidays_file)
    service_registry.load_modules(settings.service_modules)
    run_service_task = tasks["certflow.run_service_task"]

    def dispatch(job_id: int) -> None:
        run_service_task.apply_async(args=(job_id,), queue=settings.queue_name)

    background.set_dispatcher(dispatch)
    return celery


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """What ``celery -A worker.main beat`` sends, and how often."""
    schedule: dict[str, dict[str, Any]] = {
        "certflow-fire-due-timers": {
            "task": "certflow.fire_due_timers", "schedule": settings.timer_poll_seconds,
            # A tick nobody picked up in time is replaced by the next one.
            "options": {"expires": max(settings.timer_poll_seconds * 2, 1.0)}},
        "certflow-sweep": {"task": "certflow.sweep", "schedule": settings.sweep_seconds,
                           "options": {"expires": settings.sweep_seconds}},
    }
    if settings.audit_anchor_seconds > 0:
        schedule["certflow-audit-anchor"] = {
            "task": "certflow.audit_anchor", "schedule": settings.audit_anchor_seconds,
            "options": {"expires": settings.audit_anchor_seconds}}
    return schedule
