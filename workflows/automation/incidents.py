"""Failed service-task attempts, incidents (retries exhausted) and the administrator's retry.

An incident flags its instance (status ``incident``, ``error`` says why) without changing the
engine state: the task stays parked, so a retry after a fix picks up exactly where it stopped.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Incident, ProcessInstance, ServiceJob
from models.statuses import IncidentStatus, InstanceStatus, JobStatus
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory import scope

STACK_FRAMES = 6

# An incident's status inside a sentence (故障 3 已重试).
INCIDENT_WORDS = {"retried": "重试", "cancelled": "取消"}


def stack_summary(error: BaseException) -> list[dict[str, Any]]:
    """The innermost frames as file:line function — enough to find the bug, no locals."""
    frames = traceback.extract_tb(error.__traceback__)[-STACK_FRAMES:]
    return [{"file": _short(f.filename), "line": f.lineno, "function": f.name} for f in frames]


def _short(filename: str) -> str:
    parts = Path(filename).parts
    return "/".join(parts[-3:])


def _error_payload(error: BaseException) -> dict[str, Any]:
    return {"error_type": type(error).__name__, "message": str(error)[:2000]}


def record_failed_attempt(job_id: int, error: BaseException, *, attempt: int,
                          uow: UnitOfWork) -> None:
    """Count a failed attempt that will be retried; the history shows each one."""
    with uow:
        job, instance = _lock_job(uow, job_id)
        if job.status != JobStatus.QUEUED:
            return
        job.attempts += 1
        job.last_error = f"{type(error).__name__}: {error}"[:2000]
        job.updated_at = uow.runtime.now()
        uow.record(EventKind.SERVICE_TASK_FAILED, instance, actor_id=None,
                   task_name=job.task_name, payload={
                       "job_id": job.id, "operation": job.operation, "attempt": attempt,
                       "will_retry": True, **_error_payload(error)})
        uow.commit()


def raise_incident(job_id: int, error: BaseException, *, attempt: int, permanent: bool,
                   uow: UnitOfWork) -> Incident | None:
    """The job failed for good: open an incident and flag the instance."""
    with uow:
        job, instance = _lock_job(uow, job_id)
        if job.status != JobStatus.QUEUED:
            return None
        now = uow.runtime.now()
        job.attempts += 1
        job.status, job.updated_at = JobStatus.INCIDENT, now
        job.last_error = f"{type(error).__name__}: {error}"[:2000]
        incident = Incident(
            instance_id=instance.id, job_id=job.id, task_name=job.task_name,
            operation=job.operation, error_type=type(error).__name__,
            message=str(error)[:2000], stack=stack_summary(error), attempts=job.attempts,
            status=IncidentStatus.OPEN, created_at=now)
        uow.session.add(incident)
        uow.session.flush()
        uow.record(EventKind.SERVICE_TASK_FAILED, instance, actor_id=None,
                   task_name=job.task_name, payload={
                       "job_id": job.id, "operation": job.operation, "attempt": attempt,
                       "will_retry": False, "permanent": permanent, **_error_payload(error)})
        uow.record(EventKind.INCIDENT_RAISED, instance, actor_id=None, task_name=job.task_name,
                   payload={"incident_id": incident.id, "job_id": job.id,
                            "operation": job.operation, "attempts": job.attempts,
                            **_error_payload(error)})
        instance.status = InstanceStatus.INCIDENT
        instance.error = {"incident_id": incident.id, "task": job.task_name,
                          "operation": job.operation, "attempts": job.attempts,
                          "kind": "incident", **_error_payload(error)}
        uow.commit()
        return incident


def retry_incident(incident_id: int, *, actor: Actor, uow: UnitOfWork) -> Incident:
    """An administrator re-queues the failed job after a fix; the retry is in the history."""
    if not actor.is_admin:
        raise NotAllowed("只有系统管理员可以重试故障",
                         detail_en="only administrators retry incidents")
    with uow:
        instance_id = uow.session.scalar(sa.select(Incident.instance_id)
                                         .where(Incident.id == incident_id))
        if instance_id is None or not _of_centre(uow.session, instance_id, actor):
            raise NotFound(f"incident {incident_id} does not exist")
        instance = uow.lock_instance(instance_id)
        incident = uow.session.get_one(Incident, incident_id, populate_existing=True)
        if incident.status != IncidentStatus.OPEN:
            raise Conflict(f"故障 {incident_id} 已{INCIDENT_WORDS.get(incident.status, '处理')}，"
                           "不是待处理状态",
                           detail_en=f"incident {incident_id} is {incident.status}, not open")
        if incident.job_id is None:
            raise Conflict(f"事件 {incident_id} 是被中止的引擎运行，没有可重试的服务任务；"
                           "请修正流程图后终止该实例")
        job = uow.session.get_one(ServiceJob, incident.job_id, populate_existing=True)
        now = uow.runtime.now()
        incident.status = IncidentStatus.RETRIED
        incident.retried_at, incident.retried_by = now, actor.id
        job.status, job.updated_at = JobStatus.QUEUED, now
        others = uow.session.scalar(sa.select(sa.func.count(Incident.id)).where(
            Incident.instance_id == instance.id, Incident.status == IncidentStatus.OPEN,
            Incident.id != incident.id)) or 0
        # A suspended one stays suspended.
        if not others and instance.status == InstanceStatus.INCIDENT:
            instance.status, instance.error = InstanceStatus.RUNNING, None
        uow.record(EventKind.INCIDENT_RETRIED, instance, actor_id=actor.id,
                   task_name=incident.task_name, payload={
                       "incident_id": incident.id, "job_id": job.id,
                       "operation": incident.operation, "attempts": incident.attempts,
                       "previous_error": incident.message})
        uow.dispatch_after_commit(job.id)
        uow.commit()
    return incident


def get_incident(session: Session, incident_id: int, *, actor: Actor) -> Incident:
    _ensure_may_read(actor)
    incident = session.get(Incident, incident_id)
    if incident is None or not _of_centre(session, incident.instance_id, actor):
        raise NotFound(f"incident {incident_id} does not exist")
    return incident


def list_incidents(session: Session, *, actor: Actor, status: str | None = None,
                   instance_id: int | None = None, page: int = 1,
                   per_page: int = 50) -> tuple[list[Incident], int]:
    _ensure_may_read(actor)
    query = sa.select(Incident).where(scope.case_in_centre(Incident.instance_id, actor))
    if status:
        query = query.where(Incident.status == status)
    if instance_id is not None:
        query = query.where(Incident.instance_id == instance_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Incident.id.desc()).limit(per_page)
                           .offset((page - 1) * per_page))
    return list(rows), total


def _of_centre(session: Session, instance_id: int, actor: Actor) -> bool:
    return scope.same_centre(actor, session.scalar(
        sa.select(ProcessInstance.tenant_id).where(ProcessInstance.id == instance_id)))


def _ensure_may_read(actor: Actor) -> None:
    if not (actor.is_admin or actor.is_auditor):
        raise NotAllowed("故障仅供系统管理员和审计员查看",
                         detail_en="incidents are visible to administrators and auditors")


def _lock_job(uow: UnitOfWork, job_id: int) -> tuple[ServiceJob, ProcessInstance]:
    instance_id = uow.session.scalar(sa.select(ServiceJob.instance_id)
                                     .where(ServiceJob.id == job_id))
    if instance_id is None:
        raise NotFound(f"service job {job_id} does not exist")
    instance = uow.lock_instance(instance_id)
    job = uow.session.get_one(ServiceJob, job_id, populate_existing=True)
    return job, instance
