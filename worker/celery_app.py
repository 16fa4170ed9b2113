"""Celery configured from Settings; embedded mode runs tasks in-process (no broker)."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app bound to a Flask app (tasks run inside its app context)."""
    settings = app.config["CERTFLOW_SETTINGS"]

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    embedded = not settings.broker_url
    celery = Celery(app.name, task_cls=FlaskTask)
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
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
