"""Keep the timer, message-subscription and service-job rows in step with the engine.

Called by ``store_progress`` after every engine run, inside the same transaction and without
autoflush, so rows are judged by their in-memory status. A row exists
exactly while the engine waits on it, so the firing job, ``POST /messages`` and the worker find
work with indexed queries instead of loading engine state.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa

from models import Incident, MessageSubscription, ProcessInstance, ServiceJob, Timer
from workflows.core.jobs import dispatch_after_commit
from workflows.core.unit_of_work import UnitOfWork
from workflows.engine import Run

T = TypeVar("T")
OPEN_TIMER = ("pending", "claimed")
OPEN_JOB = ("queued", "incident")


def sync_waits(uow: UnitOfWork, instance: ProcessInstance, run: Run, *, now: datetime,
               failed: bool = False) -> bool:
    """Add rows for new waits, cancel rows the engine no longer waits on.

    ``failed``: the instance waits on nothing any more. A kind of wait the definition cannot
    produce (no timer in the diagram...) costs no query. Returns whether a service task of the
    instance is in an open incident.
    """
    kinds = run.wait_kinds
    live = None if failed else run
    if "timer" in kinds:
        _sync_timers(uow, instance, live, now)
    if "message" in kinds:
        _sync_messages(uow, instance, live, now)
    return _sync_jobs(uow, instance, live, now) if "service" in kinds else False


def _with_pending(uow: UnitOfWork, model: type[T], instance: ProcessInstance,
                  query: sa.Select[T], run_stored_before: bool) -> list[T]:
    """The stored rows plus rows added earlier in this transaction (not flushed: no autoflush),
    e.g. by a previous timer fired in the same run."""
    if not run_stored_before:
        return []  # a new instance, stored for the first time: it has no rows yet
    pending = [row for row in uow.session.new
               if isinstance(row, model) and row.instance_id == instance.id]  # type: ignore[attr-defined]
    return [*uow.session.scalars(query), *pending]


def _stored(run: Run | None) -> bool:
    return run is None or run.stored_before


def _sync_timers(uow: UnitOfWork, instance: ProcessInstance, run: Run | None,
                 now: datetime) -> None:
    waiting = {t.spiff_task_id: t for t in (run.waiting_timers() if run else [])}
    rows = _with_pending(uow, Timer, instance, sa.select(Timer).where(
        Timer.instance_id == instance.id, Timer.status.in_(OPEN_TIMER)), _stored(run))
    known = set()
    for row in rows:
        if row.status not in OPEN_TIMER:
            continue  # fired in this transaction, not flushed yet (store_progress: no autoflush)
        known.add(row.spiff_task_id)
        if row.spiff_task_id not in waiting:
            row.status = "cancelled"
    for task_id, timer in waiting.items():
        if task_id in known:
            continue
        uow.session.add(Timer(
            instance_id=instance.id, spiff_task_id=task_id, task_name=timer.task_name,
            element_id=timer.element_id, kind=timer.kind, interrupting=timer.interrupting,
            attached_to=timer.attached_to, escalates_to=timer.escalates_to,
            expression=timer.expression, due_at=timer.due_at, status="pending",
            created_at=now, attempts=0))


def _sync_messages(uow: UnitOfWork, instance: ProcessInstance, run: Run | None,
                   now: datetime) -> None:
    waiting = {(m.spiff_task_id, m.message_name): m for m in (run.waiting_messages() if run
                                                              else [])}
    rows = _with_pending(uow, MessageSubscription, instance, sa.select(MessageSubscription).where(
        MessageSubscription.instance_id == instance.id, MessageSubscription.status == "waiting"),
        _stored(run))
    known = set()
    for row in rows:
        if row.status != "waiting":
            continue  # delivered in this transaction, not flushed yet
        key = (row.spiff_task_id, row.message_name)
        known.add(key)
        if key not in waiting:
            row.status = "cancelled"
    for key, message in waiting.items():
        if key in known:
            continue
        uow.session.add(MessageSubscription(
            instance_id=instance.id, business_key=instance.business_key,
            message_name=message.message_name, spiff_task_id=message.spiff_task_id,
            task_name=message.task_name, status="waiting", created_at=now))


def _sync_jobs(uow: UnitOfWork, instance: ProcessInstance, run: Run | None,
               now: datetime) -> bool:
    parked = {p.spiff_task_id: p for p in (run.parked_service_tasks() if run else [])}
    if run is not None:
        before, run.parked_when_synced = run.parked_when_synced, frozenset(parked)
        if not before and not parked:
            return False  # no job row can be open: nothing to cancel, add or report
    rows = _with_pending(uow, ServiceJob, instance, sa.select(ServiceJob).where(
        ServiceJob.instance_id == instance.id, ServiceJob.status.in_(OPEN_JOB)), _stored(run))
    known, incident = set(), False
    for row in rows:
        if row.status not in OPEN_JOB:
            continue  # finished in this transaction, not flushed yet
        known.add(row.spiff_task_id)
        if row.spiff_task_id not in parked:
            if row.status == "incident":  # e.g. a boundary timer interrupted the failing task
                uow.session.execute(sa.update(Incident).where(
                    Incident.job_id == row.id, Incident.status == "open").values(
                    status="cancelled"))
            row.status, row.updated_at = "cancelled", now
        elif row.status == "incident":
            incident = True
    for task_id, task in parked.items():
        if task_id in known:
            continue
        job = ServiceJob(instance_id=instance.id, spiff_task_id=task_id,
                         task_name=task.task_name, operation=task.operation, status="queued",
                         attempts=0, created_at=now, updated_at=now)
        uow.session.add(job)
        uow.session.flush()
        dispatch_after_commit(uow, job.id)
    return incident
