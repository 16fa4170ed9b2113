"""Celery configured from Settings, bound to one Flask app (the API's or the worker's own).

Embedded (no ``BROKER_URL``): tasks run eagerly, in-process, right where they are sent — and
certflow only sends them after the sending transaction commits — so the demo needs no broker;
``certflow serve`` runs the periodic jobs from a daemon thread (``worker/embedded.py``).
Scale-out (``BROKER_URL=redis://…`` or ``amqp://…``): any number of ``celery -A worker.main
worker`` processes consume the queue, and one ``celery -A worker.main beat`` schedules the
periodic jobs of ``worker/schedule.py``.

Nothing here is process-wide: the Celery app is neither made the default nor the current one,
and the runtime's job dispatch is connected to this app's task.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

from config import Settings
from models.database import init_database
from worker.schedule import beat_schedule
from workflows.bootstrap import bootstrap
from workflows.core.runtime import EXTENSION, runtime_of

__all__ = ["beat_schedule", "celery_init_app", "create_worker_app"]


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app bound to a Flask app (tasks run inside its app context)."""
    runtime = runtime_of(app)
    settings = runtime.settings

    class FlaskTask(Task[Any, Any]):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    embedded = not settings.broker_url
    celery: Celery = Celery(app.name, task_cls=FlaskTask, set_as_current=False)
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
    from worker import tasks  # the shared tasks join this app when it is finalized

    celery.finalize()
    app.extensions["celery"] = celery
    run_service_task = celery.tasks[tasks.RUN_SERVICE_TASK]

    def send(job_id: int) -> None:
        run_service_task.apply_async(args=(job_id,), queue=settings.queue_name)

    runtime.jobs.connect(send)
    return celery


def create_worker_app(settings: Settings) -> Flask:
    """What ``celery -A worker.main`` runs with: database, runtime and Celery; no HTTP API,
    no Swagger UI, no web app."""
    from api.masking import install_log_masking

    app = Flask("certflow")
    app.config.from_mapping(settings.as_flask_config())
    init_database(app, settings.database_url)
    app.extensions[EXTENSION] = bootstrap(settings)
    celery_init_app(app)
    install_log_masking()  # the process's log records, as in the API (api/masking.py)
    return app
