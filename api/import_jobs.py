"""Confirming a large import as background work the web app polls (``…/confirm-job``).

A 10,000-row sheet takes seconds to write; the request that starts it answers 202 at once and
the confirmation runs on this process's import thread (one at a time: it holds the centre's
lock anyway), reporting its phase and rows done. The confirmation itself is the ordinary use
case, one transaction, all rows or none; only its progress lives here, in the memory of the API
process that runs it (with several API processes, poll the one that answered the 202, as a
sticky session does; the import's own status in the database is authoritative either way).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from models import db
from workflows.core.actors import Actor
from workflows.core.errors import CertflowError, Conflict
from workflows.core.runtime import runtime_of
from workflows.core.unit_of_work import UnitOfWork
from workflows.onboarding import imports

log = logging.getLogger("certflow.onboarding")
EXTENSION = "certflow.import_jobs"


@dataclass
class ImportJob:
    import_id: int
    tenant_id: int
    of_preview: datetime  # the import's creation time: an id reused after a wipe is not it
    state: str = "queued"  # queued -> running -> done | failed
    phase: str = "queued"  # planning, writing, committing
    done: int = 0
    total: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    summary: dict[str, Any] | None = None
    problem: dict[str, Any] | None = field(default=None)

    def view(self) -> dict[str, Any]:
        shown = asdict(self)
        shown.pop("tenant_id")
        shown.pop("of_preview")
        shown["percent"] = 100 if self.state == "done" else (
            int(self.done * 100 / self.total) if self.total else 0)
        return shown


class ImportJobs:
    """This process's background confirmations, by import id."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="certflow-import")
        self._jobs: dict[int, ImportJob] = {}
        self._lock = threading.Lock()

    def start(self, import_id: int, *, actor: Actor, tenant_id: int,
              of_preview: datetime) -> ImportJob:
        with self._lock:
            running = self._jobs.get(import_id)
            if running is not None and running.state in ("queued", "running"):
                raise Conflict(f"导入 {import_id} 正在后台写入，请等待完成")
            job = self._jobs[import_id] = ImportJob(import_id, tenant_id, of_preview)
        self._executor.submit(self._run, job, actor)
        return job

    def find(self, import_id: int) -> ImportJob | None:
        with self._lock:
            return self._jobs.get(import_id)

    def _run(self, job: ImportJob, actor: Actor) -> None:
        runtime = runtime_of(self._app)

        def report(phase: str, done: int, total: int) -> None:
            job.phase, job.done, job.total = phase, done, total

        with self._app.app_context():
            job.state, job.started_at = "running", runtime.now()
            try:
                result = imports.confirm_import(job.import_id, actor=actor,
                                                uow=UnitOfWork(runtime), progress=report)
                job.summary, job.state = result["summary"], "done"
                job.phase, job.done = "done", job.total
            except CertflowError as error:
                from api.errors import domain_problem

                job.state, job.problem = "failed", domain_problem(error)[1]
            except Exception:  # the poller must learn that it failed, not wait forever
                log.exception("background confirmation of import %s failed", job.import_id)
                job.state = "failed"
                job.problem = {"title": "导入失败", "status": 500,
                               "detail": "后台写入时发生意外错误，未写入任何数据；请联系运维人员"}
            finally:
                job.finished_at = runtime.now()
                db.session.remove()


_CREATING = threading.Lock()


def import_jobs() -> ImportJobs:
    """The app's background confirmations (made at the first use)."""
    with _CREATING:
        jobs = current_app.extensions.get(EXTENSION)
        if jobs is None:
            app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
            jobs = current_app.extensions[EXTENSION] = ImportJobs(app)
    return jobs
