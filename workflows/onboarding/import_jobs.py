"""An import confirmed as background work, its progress kept in the database.

Any API process answers the poll: the job's row (``directory_import_job``) holds its state,
phase, rows done, summary or failure. The confirmation is still the one use case
(``imports.confirm_import``): one transaction, every row or none. Its progress is written
beside it by a reporter thread, in short transactions of its own, at most once per
``report_every`` seconds; each write is also the job's heartbeat. A running job whose heartbeat
is older than ``stale_after`` is reported failed (its process died: its transaction was rolled
back with it), unless its runner is a live process on this very host (SQLite holds back the
heartbeat while the import's own transaction has the database's write lock).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import DirectoryImport, DirectoryImportJob
from models.database import write_transaction
from models.statuses import ImportStatus
from workflows.core.actors import Actor
from workflows.core.errors import CertflowError, Conflict, NotFound, Problem
from workflows.core.unit_of_work import UnitOfWork, UnitOfWorkFactory
from workflows.identity.users import load_actor
from workflows.onboarding import imports
from workflows.onboarding.imports import centre_of, own_import

log = logging.getLogger("certflow.onboarding")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
REPORT_SECONDS = 1.0  # at most one progress write a second; each is a heartbeat too
QUEUED_PATIENCE = 10  # a queued job may wait for a free worker this many stale periods


class ImportInterrupted(CertflowError):
    """The process confirming an import stopped before it ended (nothing was written)."""

    title = "导入中断"
    title_en = "Import interrupted"


class ImportFailed(CertflowError):
    """An unexpected error while confirming in the background (nothing was written)."""

    title = "导入失败"
    title_en = "Import failed"


class Live:
    """The phase and rows done of a job running in this process, as the import reports them."""

    def __init__(self) -> None:
        self.now: tuple[str, int, int] = ("planning", 0, 0)

    def report(self, phase: str, done: int, total: int) -> None:
        self.now = (phase, done, total)  # one assignment: the reporter reads it whole


def runner_name() -> str:
    """This process, as a job's ``runner`` names it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def queue_job(import_id: int, *, actor: Actor, uow: UnitOfWork,
              stale_after: timedelta) -> dict[str, Any]:
    """Record a background confirmation of a preview, to be run by ``run_job``; refused while
    another one of the same import is alive."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        record = own_import(session, import_id, tenant_id)
        if record.status != ImportStatus.PREVIEWED:
            raise Conflict(f"导入 {import_id} 已确认或已作废，不能再次确认")
        now = uow.runtime.now()
        query = sa.select(DirectoryImportJob).where(DirectoryImportJob.import_id == import_id)
        if session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update()
        job = session.execute(query).scalar_one_or_none()
        if job is not None and job.state in (QUEUED, RUNNING) and not _stale(job, now,
                                                                               stale_after):
            raise Conflict(f"导入 {import_id} 正在后台写入，请等待完成")
        if job is None:
            job = DirectoryImportJob(import_id=import_id)
            session.add(job)
        job.tenant_id, job.actor_id = tenant_id, actor.id
        job.state, job.phase, job.done, job.total = QUEUED, QUEUED, 0, len(record.rows)
        job.runner, job.summary, job.failure = None, None, None
        job.queued_at = job.heartbeat_at = now
        job.started_at = job.finished_at = None
        try:
            session.flush()
            view = _view(job, record.status, record.summary, now, stale_after, None)
            uow.commit()
        except IntegrityError as error:  # another request queued it at the same moment
            raise Conflict(f"导入 {import_id} 正在后台写入，请等待完成") from error
    return view


def job_view(import_id: int, *, actor: Actor, uow: UnitOfWork, stale_after: timedelta,
             live: Live | None = None) -> dict[str, Any]:
    """How far the background confirmation of an import has got; ``live`` is this process's
    own report of a job it runs (fresher than the last write)."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        # Not the import's parsed rows (megabytes for a large sheet): polled every moment.
        head = session.execute(sa.select(DirectoryImport.status, DirectoryImport.summary)
                               .where(DirectoryImport.id == import_id,
                                      DirectoryImport.tenant_id == tenant_id)).first()
        if head is None:
            raise NotFound(f"导入 {import_id} 不存在")
        job = session.get(DirectoryImportJob, import_id)
        if job is None:
            raise NotFound(f"导入 {import_id} 没有在后台确认")
        return _view(job, head.status, head.summary, uow.runtime.now(), stale_after, live)


def run_job(import_id: int, *, uows: UnitOfWorkFactory, live: Live | None = None,
            report_every: float = REPORT_SECONDS) -> str:
    """Run a queued confirmation (a job not queued is skipped: a message delivered twice
    runs it once) and record how it ended; returns the job's final state."""
    actor_id = _claim(import_id, uows)
    if actor_id is None:
        return "skipped"
    live = live or Live()
    probe = uows(write=False)
    reporter = _Reporter(import_id, live, probe.session.get_bind(), probe.runtime.now,
                         report_every)
    reporter.start()
    outcome: dict[str, Any]
    try:
        with uows(write=False) as uow:
            actor = load_actor(uow.session, actor_id)
        result = imports.confirm_import(import_id, actor=actor, uow=uows(),
                                        progress=live.report)
        outcome = {"state": DONE, "phase": "done", "summary": result["summary"],
                   "done": result["summary"]["rows"], "failure": None}
    except CertflowError as error:
        outcome = {"state": FAILED, "failure": failure_of(error)}
    except Exception:  # the poller must learn that it failed, not wait forever
        log.exception("background confirmation of import %s failed", import_id)
        outcome = {"state": FAILED, "failure": failure_of(ImportFailed(
            "后台写入时发生意外错误，未写入任何数据；请联系运维人员",
            detail_en="An unexpected error stopped the import; nothing was written. "
                      "Please contact the operators."))}
    finally:
        reporter.stop()
    with uows() as uow:
        now = uow.runtime.now()
        uow.session.execute(sa.update(DirectoryImportJob)
                            .where(DirectoryImportJob.import_id == import_id)
                            .values(**outcome, finished_at=now, heartbeat_at=now))
        uow.commit()
    return str(outcome["state"])


def failure_of(error: CertflowError) -> dict[str, Any]:
    """A domain error as the job keeps it: rebuilt by ``error_of`` and rendered when polled,
    in the poller's language."""
    return {"error": type(error).__name__, "detail": error.detail,
            "detail_en": error.detail_en, "problems": [asdict(p) for p in error.problems]}


def error_of(failure: dict[str, Any]) -> CertflowError:
    """The domain error a job's failure records (its class found by name)."""
    cls = _error_classes().get(failure.get("error", ""), CertflowError)
    error = cls.__new__(cls)
    CertflowError.__init__(error, failure.get("detail", ""),
                           problems=[Problem(**p) for p in failure.get("problems", [])],
                           detail_en=failure.get("detail_en"))
    return error


def _error_classes() -> dict[str, type[CertflowError]]:
    found: dict[str, type[CertflowError]] = {}
    todo: list[type[CertflowError]] = [CertflowError]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found


def _claim(import_id: int, uows: UnitOfWorkFactory) -> int | None:
    """Mark a queued job running by this process; the actor who queued it, or None."""
    with uows() as uow:
        now = uow.runtime.now()
        row = uow.session.execute(
            sa.update(DirectoryImportJob)
            .where(DirectoryImportJob.import_id == import_id,
                   DirectoryImportJob.state == QUEUED)
            .values(state=RUNNING, phase="planning", started_at=now, heartbeat_at=now,
                    runner=runner_name())
            .returning(DirectoryImportJob.actor_id)).first()
        uow.commit()
    return int(row[0]) if row is not None else None


class _Reporter:
    """Writes a running job's progress and heartbeat on its own connection, in short
    transactions, never inside the import's (it must not wait on the import's thread)."""

    def __init__(self, import_id: int, live: Live, engine: Any, now: Any,
                 every: float) -> None:
        self.import_id, self.live, self.engine, self.clock, self.every = (
            import_id, live, engine, now, every)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"certflow-import-{import_id}-progress")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        write_transaction.set(True)  # SQLite: take the write lock at BEGIN, then wait for it
        written: tuple[str, int, int] | None = None
        while not self._stop.wait(self.every):
            now = self.live.now
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        sa.update(DirectoryImportJob)
                        .where(DirectoryImportJob.import_id == self.import_id,
                               DirectoryImportJob.state == RUNNING)
                        .values(phase=now[0], done=now[1], total=now[2] or
                                DirectoryImportJob.total, heartbeat_at=self.clock()))
                written = now
            except Exception:  # a missed report is made good by the next one
                log.warning("could not write the progress of import %s (last written: %s)",
                            self.import_id, written, exc_info=True)


def _stale(job: DirectoryImportJob, now: datetime, stale_after: timedelta) -> bool:
    """Whether a queued or running job has stopped: no heartbeat for ``stale_after`` (a
    queued one: for ``QUEUED_PATIENCE`` times that), and its runner is not alive here."""
    if job.state == QUEUED:
        return now - job.heartbeat_at > stale_after * QUEUED_PATIENCE
    if job.state != RUNNING or now - job.heartbeat_at <= stale_after:
        return False
    return not _alive_here(job.runner)


def _alive_here(runner: str | None) -> bool:
    host, _, pid = (runner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _view(job: DirectoryImportJob, import_status: str, import_summary: dict[str, Any],
          now: datetime, stale_after: timedelta, live: Live | None) -> dict[str, Any]:
    state, phase, done, total = job.state, job.phase, job.done, job.total
    summary, failure, finished = job.summary, job.failure, job.finished_at
    if _stale(job, now, stale_after):
        if import_status == ImportStatus.CONFIRMED:  # it died after its commit
            state, phase, done, summary = DONE, "done", total, import_summary
        else:
            seconds = int(stale_after.total_seconds())
            state, failure = FAILED, failure_of(ImportInterrupted(
                f"导入没有完成：执行它的进程已停止（超过 {seconds} 秒没有进度报告），"
                "未写入任何数据；请重新确认导入",
                detail_en=f"The import did not finish: the process running it stopped (no "
                          f"progress report for over {seconds} s). Nothing was written; "
                          "please confirm the import again."))
    elif live is not None and state == RUNNING:
        phase, done, total = live.now[0], live.now[1], live.now[2] or total
    percent = 100 if state == DONE else (int(done * 100 / total) if total else 0)
    return {"import_id": job.import_id, "state": state, "phase": phase, "done": done,
            "total": total, "percent": percent, "queued_at": job.queued_at,
            "started_at": job.started_at, "finished_at": finished,
            "heartbeat_at": job.heartbeat_at, "summary": summary, "failure": failure}
