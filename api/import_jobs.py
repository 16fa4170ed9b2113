"""Confirming a large import as background work the web app polls (``…/confirm-job``).

The request that starts it records the job in the database and answers 202 at once; the job's
progress lives in the database too (``workflows/onboarding/import_jobs.py``), so any API
process answers the poll. Where it runs: with a broker configured (scale-out), on a Celery
worker (``certflow.confirm_import``); embedded, on this process's import thread (one at a
time: the confirmation holds the centre's lock anyway), which also tells this process's polls
its progress as it happens.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from api.errors import domain_problem
from models import db
from workflows.core.actors import Actor
from workflows.core.runtime import runtime_of
from workflows.core.unit_of_work import UnitOfWork, units_of
from workflows.onboarding import import_jobs as jobs

EXTENSION = "certflow.import_jobs"
CONFIRM_IMPORT_TASK = "certflow.confirm_import"  # worker/tasks.py


class ImportJobs:
    """Where this app sends background confirmations, and the ones running in it."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="certflow-import")
        self._live: dict[int, jobs.Live] = {}
        self._lock = threading.Lock()

    @property
    def _stale_after(self) -> timedelta:
        return timedelta(seconds=runtime_of(self._app).settings.import_job_stale_seconds)

    def start(self, import_id: int, *, actor: Actor) -> dict[str, Any]:
        runtime = runtime_of(self._app)
        view = jobs.queue_job(import_id, actor=actor, uow=UnitOfWork(runtime),
                              stale_after=self._stale_after)
        settings = runtime.settings
        if settings.broker_url:
            celery = self._app.extensions["celery"]
            celery.send_task(CONFIRM_IMPORT_TASK, args=(import_id,),
                             queue=settings.queue_name)
        else:
            live = jobs.Live()
            with self._lock:
                self._live[import_id] = live
            self._executor.submit(self._run, import_id, live)
        return shown(view)

    def find(self, import_id: int, *, actor: Actor) -> dict[str, Any]:
        with self._lock:
            live = self._live.get(import_id)
        return shown(jobs.job_view(import_id, actor=actor,
                                   uow=UnitOfWork(runtime_of(self._app), write=False),
                                   stale_after=self._stale_after, live=live))

    def _run(self, import_id: int, live: jobs.Live) -> None:
        with self._app.app_context():
            try:
                jobs.run_job(import_id, uows=units_of(runtime_of(self._app)), live=live)
            finally:
                with self._lock:
                    self._live.pop(import_id, None)
                db.session.remove()


def shown(view: dict[str, Any]) -> dict[str, Any]:
    """A job as the API answers it: its failure as the problem document, in the caller's
    language."""
    failure = view.pop("failure")
    view["problem"] = domain_problem(jobs.error_of(failure))[1] if failure else None
    return view


_CREATING = threading.Lock()


def import_jobs() -> ImportJobs:
    """The app's background confirmations (made at the first use)."""
    with _CREATING:
        found = current_app.extensions.get(EXTENSION)
        if found is None:
            app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
            found = current_app.extensions[EXTENSION] = ImportJobs(app)
    return found
