"""Keep the timer, message-subscription and service-job rows in step with the engine.

Called by ``store_progress`` after every engine run, inside the same transaction and without
autoflush, so rows are judged by their in-memory status. A row exists
exactly while the engine waits on it, so the firing job, ``POST /messages`` and the worker find
work with indexed queries instead of loading engine state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import sqlalchemy as sa

from models import Incident, MessageSubscription, ProcessInstance, ServiceJob, Timer
from models.statuses import (
    OPEN_JOB_STATUSES,
    OPEN_TIMER_STATUSES,
    IncidentStatus,
    JobStatus,
    SubscriptionStatus,
    TimerStatus,
)
from workflows.core import working_days
from workflows.core.calendar_store import warn_uncovered
from workflows.core.unit_of_work import UnitOfWork
from workflows.engine import RunResult

T = TypeVar("T")
W = TypeVar("W", Timer, ServiceJob)


def sync_waits(uow: UnitOfWork, instance: ProcessInstance, result: RunResult, *,
               now: datetime, new_instance: bool = False) -> bool:
    """Add rows for new waits, cancel rows the engine no longer waits on.

    A failed run waits on nothing any more. A kind of wait the definition cannot produce (no
    timer in the diagram...) costs no query, and neither does a ``new_instance``, which has no
    rows yet. Returns whether a service task of the instance is in an open incident.
    """
    kinds = result.wait_kinds
    if "timer" in kinds:
        _sync_timers(uow, instance, result, now, new_instance)
    if "message" in kinds:
        _sync_messages(uow, instance, result, now, new_instance)
    return _sync_jobs(uow, instance, result, now, new_instance) if "service" in kinds else False


def _with_pending(uow: UnitOfWork, model: type[T], instance: ProcessInstance,
                  query: sa.Select[T], new_instance: bool) -> list[T]:
    """The stored rows plus rows added earlier in this transaction (not flushed: no autoflush),
    e.g. by a previous timer fired in the same run."""
    if new_instance:
        return []  # stored for the first time: it has no rows yet
    pending = [row for row in uow.session.new
               if isinstance(row, model) and row.instance_id == instance.id]  # type: ignore[attr-defined]
    return [*uow.session.scalars(query), *pending]


def _sync_timers(uow: UnitOfWork, instance: ProcessInstance, result: RunResult,
                 now: datetime, new_instance: bool) -> None:
    rows: dict[str, dict[str, Any]] = {timer.spiff_task_id: dict(
        instance_id=instance.id, spiff_task_id=timer.spiff_task_id, task_name=timer.task_name,
        element_id=timer.element_id, kind=timer.kind, interrupting=timer.interrupting,
        attached_to=timer.attached_to, escalates_to=timer.escalates_to,
        expression=timer.expression, due_at=timer.due_at, status=TimerStatus.PENDING.value,
        calendar_version=timer.calendar_version, created_at=now, attempts=0, last_error=None)
        for timer in result.timers}
    if new_instance:  # no rows yet: every timer is new
        _insert(uow, Timer, list(rows.values()))
        armed = set(rows)
    else:
        armed = _cancel_stale_and_arm(uow, instance.id, rows)
    for task_id in armed:
        timer = rows[task_id]
        expression = str(timer["expression"])
        if working_days.parse_working_days(expression.split(";")[0]) is not None \
                or working_days.parse_deadline(expression) is not None:
            warn_uncovered(uow.session, uow.runtime.calendar, now, timer["due_at"], now=now,
                           what=f"案件 {instance.business_key} 的“{timer['element_id']}”")


def _cancel_stale_and_arm(uow: UnitOfWork, instance_id: int,
                          rows: dict[str, dict[str, Any]]) -> set[str]:
    """Cancel the instance's open timer rows the engine no longer waits on and insert the rows
    of the timers it waits on that have none; returns the engine task ids of those inserted.

    Rows this transaction has loaded (the timer being fired) are judged by their in-memory
    status, as the changes made to them are flushed at commit (no autoflush). The stored rows
    are judged by the database, with no read of ORM rows: on PostgreSQL the cancel and the
    insert are one statement (the insert leaves out the timers the cancel found still open),
    elsewhere two.
    """
    loaded = _loaded(uow, Timer, instance_id)
    known = set()
    for row in loaded:
        if row.status not in OPEN_TIMER_STATUSES:
            continue  # fired in this transaction, not flushed yet
        if row.spiff_task_id in rows:
            known.add(row.spiff_task_id)
        else:
            row.status = TimerStatus.CANCELLED
    params = {"of_instance": instance_id, "waiting": sorted(rows),
              "loaded": [row.id for row in loaded]}
    wanted = [row for task_id, row in rows.items() if task_id not in known]
    connection = uow.session.connection()
    if wanted and connection.dialect.name == "postgresql":
        params["fresh"] = [{**row, "due_at": _utc_text(row["due_at"]),
                            "created_at": _utc_text(row["created_at"])} for row in wanted]
        return {task_id for task_id, armed in connection.execute(_CANCEL_AND_ARM, params)
                if armed}
    still = {task_id for task_id, status in connection.execute(_CANCEL_STALE_TIMERS, params)
             if status != TimerStatus.CANCELLED}
    fresh = [row for row in wanted if row["spiff_task_id"] not in still]
    _insert(uow, Timer, fresh)
    return {str(row["spiff_task_id"]) for row in fresh}


def _loaded(uow: UnitOfWork, model: type[W], instance_id: int) -> list[W]:
    """The instance's rows of ``model`` this transaction has loaded with their status: judged
    by their in-memory state, as their changes are written at commit (no autoflush)."""
    return [row for row in uow.session.identity_map.values()
            if isinstance(row, model) and "status" not in sa.inspect(row).unloaded
            and row.instance_id == instance_id]


def _utc_text(moment: Any) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


# Built once: expanding parameters render an empty list as a false condition.
_CANCEL_STALE_TIMERS = (
    sa.update(Timer)
    .where(Timer.instance_id == sa.bindparam("of_instance"),
           Timer.status.in_(OPEN_TIMER_STATUSES),
           Timer.id.not_in(sa.bindparam("loaded", expanding=True)))
    .values(status=sa.case((Timer.spiff_task_id.in_(sa.bindparam("waiting", expanding=True)),
                            Timer.status), else_=TimerStatus.CANCELLED.value))
    .returning(Timer.spiff_task_id, Timer.status)
)
_TIMER_COLUMNS = ("instance_id", "spiff_task_id", "task_name", "element_id", "kind",
                  "interrupting", "attached_to", "escalates_to", "expression", "due_at",
                  "status", "calendar_version", "created_at", "attempts", "last_error")

def _cancel_and_arm() -> sa.CompoundSelect[Any]:
    """PostgreSQL: the cancel above and the insert of the new rows (one JSON document,
    ``json_to_recordset``, so one statement shape for any number of rows) in one statement;
    rows (engine task id, whether it was inserted)."""
    table = cast(sa.Table, Timer.__table__)
    types = {"due_at": sa.DateTime(timezone=True), "created_at": sa.DateTime(timezone=True)}
    stale = _CANCEL_STALE_TIMERS.cte("stale")
    fresh = (sa.func.json_to_recordset(sa.bindparam("fresh", type_=sa.JSON))
             .table_valued(*(sa.column(name, types.get(name, table.c[name].type))
                             for name in _TIMER_COLUMNS))
             .render_derived(with_types=True))
    still_open = sa.select(stale.c.spiff_task_id).where(
        stale.c.status != TimerStatus.CANCELLED.value)
    armed = (sa.insert(Timer)
             .from_select(list(_TIMER_COLUMNS), sa.select(*fresh.c)
                          .where(fresh.c.spiff_task_id.not_in(still_open)))
             .returning(Timer.spiff_task_id).cte("armed"))
    return sa.union_all(sa.select(armed.c.spiff_task_id, sa.true()),
                        sa.select(stale.c.spiff_task_id, sa.false()))


_CANCEL_AND_ARM = _cancel_and_arm()  # built once


def _insert(uow: UnitOfWork, model: type[Timer | MessageSubscription],
            values: list[dict[str, object]]) -> None:
    """New wait rows, all in one statement (Core: no ORM objects to build and flush). Every
    row has the same keys, so the driver sends them as one batch."""
    if values:
        uow.session.connection().execute(sa.insert(model), values)


def _sync_messages(uow: UnitOfWork, instance: ProcessInstance, result: RunResult,
                   now: datetime, new_instance: bool) -> None:
    waiting = {(m.spiff_task_id, m.message_name): m for m in result.messages}
    rows = _with_pending(uow, MessageSubscription, instance, sa.select(MessageSubscription).where(
        MessageSubscription.instance_id == instance.id,
        MessageSubscription.status == SubscriptionStatus.WAITING), new_instance)
    known = set()
    for row in rows:
        if row.status != SubscriptionStatus.WAITING:
            continue  # delivered in this transaction, not flushed yet
        key = (row.spiff_task_id, row.message_name)
        known.add(key)
        if key not in waiting:
            row.status = SubscriptionStatus.CANCELLED
    _insert(uow, MessageSubscription, [dict(
        instance_id=instance.id, business_key=instance.business_key,
        message_name=message.message_name, spiff_task_id=message.spiff_task_id,
        task_name=message.task_name, status=SubscriptionStatus.WAITING, created_at=now)
        for key, message in waiting.items() if key not in known])


def _sync_jobs(uow: UnitOfWork, instance: ProcessInstance, result: RunResult,
               now: datetime, new_instance: bool) -> bool:
    parked = {p.spiff_task_id: p for p in result.parked}
    if result.failure is None and not result.parked_before and not parked:
        # Open job rows exist only for service tasks parked when the rows were last brought
        # in step (the loaded state, or the previous result of this run): none then, none now.
        return False  # nothing to cancel, add or report
    rows = [] if new_instance else _open_jobs(uow, instance.id, result.parked_before)
    known, incident = set(), False
    for row in rows:
        if row.status not in OPEN_JOB_STATUSES:
            continue  # finished in this transaction, not flushed yet
        known.add(row.spiff_task_id)
        if row.spiff_task_id not in parked:
            if row.status == JobStatus.INCIDENT:  # a boundary timer interrupted the failing task
                uow.session.execute(sa.update(Incident).where(
                    Incident.job_id == row.id, Incident.status == IncidentStatus.OPEN).values(
                    status=IncidentStatus.CANCELLED))
            row.status, row.updated_at = JobStatus.CANCELLED, now
        elif row.status == JobStatus.INCIDENT:
            incident = True
    fresh = [dict(instance_id=instance.id, spiff_task_id=task_id, task_name=task.task_name,
                  operation=task.operation, status=JobStatus.QUEUED, attempts=0,
                  last_error=None, created_at=now, updated_at=now, completed_at=None)
             for task_id, task in parked.items() if task_id not in known]
    if fresh:
        # Core, with the ids returned: no ORM object to flush (the commit stays one
        # statement on PostgreSQL), and the ids are what the workers are sent after commit.
        for job_id in uow.session.connection().execute(_INSERT_JOBS, fresh).scalars():
            uow.dispatch_after_commit(job_id)
    return incident


def _open_jobs(uow: UnitOfWork, instance_id: int, parked_before: frozenset[str],
               ) -> list[ServiceJob]:
    """The instance's open job rows (by their stored status). A row exists exactly while its
    service task is parked, so there are none when no task was parked before this result
    (a row this transaction inserted is for a task parked by its previous result); and when
    each task parked before has its row loaded in this transaction, read open (the job being
    completed), those are all of them and nothing is read."""
    if not parked_before:
        return []
    loaded = [row for row in _loaded(uow, ServiceJob, instance_id)
              if sa.inspect(row).committed_state.get("status", row.status) in OPEN_JOB_STATUSES]
    if parked_before <= {row.spiff_task_id for row in loaded}:
        return loaded
    return list(uow.session.scalars(_OPEN_JOBS, {"instance_id": instance_id}))


# Built once (a statement built per call is compiled and keyed again every time).
_OPEN_JOBS = sa.select(ServiceJob).where(ServiceJob.instance_id == sa.bindparam("instance_id"),
                                         ServiceJob.status.in_(OPEN_JOB_STATUSES))
_INSERT_JOBS = sa.insert(ServiceJob).returning(ServiceJob.id, sort_by_parameter_order=True)
