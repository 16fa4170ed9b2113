"""Embedded mode: the periodic jobs of ``worker/schedule.py`` run from a daemon thread of
``certflow serve`` (no broker, no beat), started in each serving process by
``worker/gunicorn_hooks.py``; with a ``leader`` only the process holding it runs the jobs, the
others stand by and take over when it dies (``worker/leader.py``). The same jobs as the
beat-sent Celery tasks, on the same intervals and with the same leases; the jobs themselves are
tested by moving a frozen clock and calling them, the leader with real gunicorn processes.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask

from worker.leader import FileLeader
from worker.schedule import Periodic, active
from workflows.core.runtime import runtime_of
from workflows.core.unit_of_work import units_of

log = logging.getLogger("certflow.embedded")


STANDBY_SECONDS = 2.0  # how often a standing-by process tries to become the leader


def start_timer_thread(app: Flask, leader: FileLeader | None = None) -> threading.Thread:
    thread = threading.Thread(target=_loop, args=(app, leader), name="certflow-timers",
                              daemon=True)
    thread.start()
    return thread


def _loop(app: Flask, leader: FileLeader | None) -> None:
    while leader is not None and not leader.lead():
        time.sleep(STANDBY_SECONDS)
    if leader is not None:
        log.info("this process (pid %s) runs the periodic jobs", os.getpid())
    runtime = runtime_of(app)
    # Like beat: each entry first runs one interval after the start.
    next_run = {entry.entry: time.monotonic() + entry.interval(runtime.settings)
                for entry in active(runtime.settings)}
    while True:
        settings = runtime.settings  # read at each tick, as the Celery tasks do
        for entry in active(settings):
            if time.monotonic() >= next_run.get(entry.entry, 0.0):
                next_run[entry.entry] = time.monotonic() + entry.interval(settings)
                _run(app, entry)
        time.sleep(max(0.05, min(next_run.values(), default=time.monotonic() + 1.0)
                       - time.monotonic()))


def _run(app: Flask, entry: Periodic) -> None:
    runtime = runtime_of(app)
    with app.app_context():
        try:
            entry.run(units_of(runtime), runtime.settings)
        except Exception:
            log.exception("%s failed; trying again on its next turn", entry.task)
