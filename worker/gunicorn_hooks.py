"""gunicorn server hooks for ``certflow serve`` (``--config python:worker.gunicorn_hooks``).

In embedded mode each gunicorn worker starts the periodic-job thread after it has booted: a
thread started in the master before forking could hold an import or logging lock at fork time
and deadlock the child. Only one of the workers runs the jobs: the one holding the server's
leader lock (``worker/leader.py``); the others take over if it dies. (Several running them
would still be safe, timers are claimed atomically, but would only add contention.)
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from workflows.core.runtime import runtime_of

    app = worker.wsgi  # the app api.wsgi built, with its runtime and settings
    if not runtime_of(app).settings.broker_url:
        from worker.embedded import start_timer_thread
        from worker.leader import FileLeader, lock_path_for

        start_timer_thread(app, FileLeader(lock_path_for(worker.ppid)))


def on_exit(server: Any) -> None:
    from worker.leader import lock_path_for

    lock_path_for(server.pid).unlink(missing_ok=True)  # the master's: nobody holds it any more
