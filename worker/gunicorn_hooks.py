"""gunicorn server hooks for ``certflow serve`` (``--config python:worker.gunicorn_hooks``).

In embedded mode each gunicorn worker starts the periodic-job thread after it has booted: a
thread started in the master before forking could hold an import or logging lock at fork time
and deadlock the child. Several serving workers each running the loop is safe (timers are
claimed atomically); the embedded default is one worker.
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from workflows.core.runtime import runtime_of

    app = worker.wsgi  # the app api.wsgi built, with its runtime and settings
    if not runtime_of(app).settings.broker_url:
        from worker.embedded import start_timer_thread

        start_timer_thread(app)
