"""Embedded mode: fire due timers from a daemon thread of ``certflow serve`` (no broker, no
beat), started in the serving process by ``worker/gunicorn_hooks.py``. The same functions as
the Celery tasks, on the same interval; not used by tests, which move a frozen clock and call
the firing job themselves."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from config import Settings

log = logging.getLogger("certflow.embedded")


def start_timer_thread(settings: Settings, app: Flask | None = None) -> threading.Thread:
    thread = threading.Thread(target=_loop, args=(settings, app), name="certflow-timers",
                              daemon=True)
    thread.start()
    return thread


def _loop(settings: Settings, app: Flask | None) -> None:
    from worker.tasks import anchor_audit_trail
    from workflows.automation import service_jobs as service_tasks
    from workflows.automation import timers

    if app is None:
        from api import create_app

        app = create_app(settings)
    last_sweep = 0.0
    last_anchor = time.monotonic()  # the first anchor one interval after start, like beat
    while True:
        with app.app_context():
            try:
                report = timers.fire_due_timers(batch_size=settings.timer_batch_size,
                                                script_time_limit_s=settings.script_time_limit_s)
                if report.fired:
                    log.info("fired %s timer(s)", report.fired)
                if time.monotonic() - last_sweep > 60:
                    timers.release_stale_claims()
                    service_tasks.requeue_stale_jobs()
                    last_sweep = time.monotonic()
                anchor_every = settings.audit_anchor_seconds
                if anchor_every > 0 and time.monotonic() - last_anchor > anchor_every:
                    last_anchor = time.monotonic()
                    anchor_audit_trail(settings)
            except Exception:
                log.exception("timer thread: firing failed; trying again next tick")
        time.sleep(settings.timer_poll_seconds)
