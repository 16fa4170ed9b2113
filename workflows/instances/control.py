"""An administrator's hand on a running instance: suspend, resume, terminate.

None of these touches the engine state: a suspension only stops people and background work
from moving the instance (claims, completions, timers, service jobs check the status), and a
termination closes every open row (human tasks, timers, message waits, service jobs,
incidents) and ends the instance as ``cancelled``. So replay stays a pure function of the
recorded inputs: it treats suspension and resumption as observed events and ends a replay at
``instance_terminated`` as cancelled (``workflows/audit/replayer.py``). Each action is one
transaction that also appends its event, with actor and reason, to the instance's hash chain.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from models import HumanTask, Incident, MessageSubscription, ProcessInstance, ServiceJob, Timer
from models.statuses import (
    INSTANCE_STATUS_NAMES,
    OPEN_JOB_STATUSES,
    OPEN_TASK_STATUSES,
    OPEN_TIMER_STATUSES,
    IncidentStatus,
    InstanceStatus,
    JobStatus,
    SubscriptionStatus,
    TaskStatus,
    TimerStatus,
)
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory import scope
from workflows.instances.lifecycle import InstanceView, view_of

SUSPENDABLE = (InstanceStatus.RUNNING, InstanceStatus.INCIDENT)
TERMINABLE = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.INCIDENT,
              InstanceStatus.FAILED)
MAX_REASON = 1000


class InstanceSuspended(Conflict):
    title = "Instance suspended"


def ensure_not_suspended(instance: ProcessInstance) -> None:
    """Called by the task use cases: a suspended instance's tasks wait for the resumption."""
    if instance.status == InstanceStatus.SUSPENDED:
        raise InstanceSuspended(
            f"instance {instance.id} is suspended by an administrator; its tasks cannot be "
            "claimed or completed until it is resumed")


def suspend_instance(instance_id: int, *, reason: str | None, actor: Actor,
                     uow: UnitOfWork) -> InstanceView:
    """Stop an instance moving on (tasks, timers, service jobs) until an admin resumes it."""
    _ensure_admin(actor, "suspend")
    with uow:
        instance = lock_case(uow, instance_id, actor)
        if instance.status not in SUSPENDABLE:
            raise Conflict(f"案件 {instance_id} {INSTANCE_STATUS_NAMES.get(instance.status, '')}，"
                           "只有办理中（或故障待处理）的案件可以暂停",
                           detail_en=f"instance {instance_id} is {instance.status}; only a "
                           "running instance (or one with an incident) can be suspended")
        previous = instance.status
        instance.status = InstanceStatus.SUSPENDED
        uow.record(EventKind.INSTANCE_SUSPENDED, instance, actor_id=actor.id,
                   payload={"reason": _clean(reason), "previous_status": previous})
        uow.commit()
        return view_of(uow.session, instance)


def resume_instance(instance_id: int, *, reason: str | None, actor: Actor,
                    uow: UnitOfWork) -> InstanceView:
    """Let a suspended instance move on: queued service jobs are sent again now, and timers
    that fell due meanwhile are still pending, so the next timer sweep fires them."""
    _ensure_admin(actor, "resume")
    with uow:
        instance = lock_case(uow, instance_id, actor)
        if instance.status != InstanceStatus.SUSPENDED:
            raise Conflict(f"案件 {instance_id} {INSTANCE_STATUS_NAMES.get(instance.status, '')}，"
                           "未暂停；只有已暂停的案件可以恢复",
                           detail_en=f"instance {instance_id} is {instance.status}, not "
                           "suspended; only a suspended instance can be resumed")
        open_incidents = uow.session.scalar(sa.select(sa.func.count(Incident.id)).where(
            Incident.instance_id == instance.id, Incident.status == IncidentStatus.OPEN)) or 0
        instance.status = InstanceStatus.INCIDENT if open_incidents else InstanceStatus.RUNNING
        uow.record(EventKind.INSTANCE_RESUMED, instance, actor_id=actor.id,
                   payload={"reason": _clean(reason), "status": instance.status})
        for job_id in uow.session.scalars(sa.select(ServiceJob.id).where(
                ServiceJob.instance_id == instance.id, ServiceJob.status == JobStatus.QUEUED)):
            uow.dispatch_after_commit(job_id)
        uow.commit()
        return view_of(uow.session, instance)


def terminate_instance(instance_id: int, *, reason: str, actor: Actor,
                       uow: UnitOfWork) -> InstanceView:
    """End an instance for good (status ``cancelled``), closing everything it still waits on."""
    _ensure_admin(actor, "terminate")
    cleaned = _clean(reason)
    if not cleaned:
        raise InvalidInput("终止案件须填写原因",
                           detail_en="a reason is required to terminate an instance")
    with uow:
        instance = lock_case(uow, instance_id, actor)
        if instance.status not in TERMINABLE:
            raise Conflict(f"案件 {instance_id} "
                           f"{INSTANCE_STATUS_NAMES.get(instance.status, '已结束')}，"
                           "只有尚未结束的案件可以终止",
                           detail_en=f"instance {instance_id} is already {instance.status}; "
                           "only an instance that has not ended can be terminated")
        now = uow.runtime.now()
        previous = instance.status
        instance.status, instance.ended_at = InstanceStatus.CANCELLED, now
        uow.record(EventKind.INSTANCE_TERMINATED, instance, actor_id=actor.id,
                   payload={"reason": cleaned, "previous_status": previous})
        _close_open_rows(uow, instance, actor_id=actor.id, now=now)
        uow.commit()
        return view_of(uow.session, instance)


def _close_open_rows(uow: UnitOfWork, instance: ProcessInstance, *, actor_id: int,
                     now: datetime) -> None:
    session = uow.session
    tasks = session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.status.in_(OPEN_TASK_STATUSES))
        .order_by(HumanTask.id))
    for task in tasks:
        task.status, task.completed_at = TaskStatus.CANCELLED, now
        uow.record(EventKind.TASK_CANCELLED, instance, actor_id=actor_id,
                   task_name=task.task_name, payload={"task_id": task.id})
    for model, column, open_statuses, cancelled in (
            (Timer, Timer.status, OPEN_TIMER_STATUSES, TimerStatus.CANCELLED),
            (MessageSubscription, MessageSubscription.status, (SubscriptionStatus.WAITING,),
             SubscriptionStatus.CANCELLED),
            (ServiceJob, ServiceJob.status, OPEN_JOB_STATUSES, JobStatus.CANCELLED),
            (Incident, Incident.status, (IncidentStatus.OPEN,), IncidentStatus.CANCELLED)):
        session.execute(sa.update(model).where(model.instance_id == instance.id,
                                               column.in_(open_statuses))
                        .values(status=cancelled)
                        .execution_options(synchronize_session=False))
    hook = uow.runtime.progress_hooks.get(instance.process_id)
    if hook is not None:
        hook(uow, instance, frozenset())


def lock_case(uow: UnitOfWork, instance_id: int, actor: Actor) -> ProcessInstance:
    """Lock a case of the actor's centre; another centre's is as absent (404)."""
    instance = uow.lock_instance(instance_id)
    if not scope.same_centre(actor, instance.tenant_id):
        raise NotFound(f"instance {instance_id} does not exist")
    return instance


ACTION_NAMES = {"suspend": "暂停", "resume": "恢复", "terminate": "终止"}


def _ensure_admin(actor: Actor, action: str) -> None:
    if not actor.is_admin:
        raise NotAllowed(f"只有系统管理员可以{ACTION_NAMES.get(action, action)}案件",
                         detail_en=f"only administrators may {action} an instance")


def _clean(reason: str | None) -> str:
    return (reason or "").strip()[:MAX_REASON]


# The applicant's withdrawal (workflows/tasks/approval_actions/case.py) closes the same rows.
close_open_rows = _close_open_rows
