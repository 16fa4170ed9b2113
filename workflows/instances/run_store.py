"""Apply what one engine run did to the tables: history, human tasks, status and state.

Shared by every use case that moves an instance (start, complete, timers, messages, service
tasks), so they all store the same things in the same transaction: human tasks, and the timer,
message and service-job rows (``workflows/instances/wait_rows.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from models import HumanTask, Notification, ProcessInstance, User
from models.statuses import OPEN_TASK_STATUSES, InstanceStatus, TaskStatus
from workflows.core.calendar_store import warn_uncovered
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.core.working_days import WorkCalendar
from workflows.definitions.spec_cache import CachedDefinition
from workflows.directory import addresses
from workflows.engine import ReadyUserTask, RunResult, add_duration
from workflows.instances.wait_rows import sync_waits

# Tasks in this lane belong to the person who started the instance (e.g. 销假), not a group.
INITIATOR_GROUP = "applicant"
# Completed steps a start/complete response lists (the newest); GET of the instance lists all.
RECENT_STEPS = 50


def store_progress(uow: UnitOfWork, instance: ProcessInstance, result: RunResult,
                   definition: CachedDefinition, *, actor_id: int | None,
                   new_instance: bool = False, all_tasks: bool = False) -> list[HumanTask]:
    """Record engine decisions, sync human tasks and waits, and save state/data/status.

    Reads only ``result`` (``Run.result``). A ``new_instance`` (started in this transaction)
    has no task, timer, message or job rows yet, so none are looked for. Nothing is flushed
    in between (``no_autoflush``): the rows read here are filtered on their in-memory status,
    new human tasks get their ids from one ``INSERT … RETURNING``, and the instance row is
    written once, at commit. Returns the instance's open tasks (with ``all_tasks``: also the
    newest completed ones, for a response that lists recent steps), by id.
    """
    with uow.session.no_autoflush:
        return _store(uow, instance, result, definition, actor_id=actor_id,
                      new_instance=new_instance, all_tasks=all_tasks)


def _store(uow: UnitOfWork, instance: ProcessInstance, result: RunResult,
           definition: CachedDefinition, *, actor_id: int | None, new_instance: bool,
           all_tasks: bool) -> list[HumanTask]:
    for step in result.steps:
        uow.record(EventKind(step.kind), instance, actor_id=None, task_name=step.task_name,
                   payload=step.payload)
    now = uow.runtime.now()
    rows = [] if new_instance else _task_rows(uow, instance.id, all_tasks=all_tasks)
    failure = result.failure
    if failure is not None:
        instance.status = InstanceStatus.FAILED
        instance.error = failure.to_dict()
        instance.ended_at = None
        uow.record(EventKind.INSTANCE_FAILED, instance, actor_id=actor_id,
                   task_name=failure.task_name, payload={"error": failure.to_dict()})
        _cancel_open_tasks(uow, instance, keep=set(), actor_id=actor_id, rows=rows)
        sync_waits(uow, instance, result, now=now, new_instance=new_instance)
    else:
        rows += _sync_human_tasks(uow, instance, result.ready, definition, rows, now=now,
                                  actor_id=actor_id, data=result.data)
        in_incident = sync_waits(uow, instance, result, now=now, new_instance=new_instance)
        if result.completed:
            instance.status = InstanceStatus.COMPLETED
            instance.ended_at = now
            uow.record(EventKind.INSTANCE_COMPLETED, instance, actor_id=actor_id,
                       payload={"outcome": result.data.get("outcome")})
        else:
            # An open incident keeps the instance flagged until an administrator retries it.
            instance.status = InstanceStatus.INCIDENT if in_incident else InstanceStatus.RUNNING
    instance.state = result.state
    instance.serializer_version = result.serializer_version
    instance.data = result.data
    hook = uow.runtime.progress_hooks.get(instance.process_id)
    if hook is not None:
        hook(uow, instance, frozenset(task.task_name for task in result.ready))
    return rows if all_tasks else [row for row in rows if row.status in OPEN_TASK_STATUSES]


def open_tasks(uow: UnitOfWork, instance_id: int) -> list[HumanTask]:
    return list(uow.session.scalars(_OPEN_ROWS, {"instance_id": instance_id}))


_OPEN = HumanTask.status.in_(OPEN_TASK_STATUSES)
_OF_INSTANCE = HumanTask.instance_id == sa.bindparam("instance_id")
# Built once (a statement built per call is compiled and keyed again every time).
_OPEN_ROWS = sa.select(HumanTask).where(_OF_INSTANCE, _OPEN).order_by(HumanTask.id)
_OPEN_AND_RECENT_ROWS = (
    sa.select(HumanTask)
    .where(_OF_INSTANCE, sa.or_(_OPEN, HumanTask.id.in_(
        sa.select(HumanTask.id)
        .where(_OF_INSTANCE, HumanTask.status == TaskStatus.COMPLETED)
        .order_by(HumanTask.id.desc()).limit(RECENT_STEPS + 1).scalar_subquery())))
    .order_by(HumanTask.id)
)


def _task_rows(uow: UnitOfWork, instance_id: int, *, all_tasks: bool) -> list[HumanTask]:
    """The instance's open task rows, oldest first; with ``all_tasks`` also its newest
    ``RECENT_STEPS + 1`` completed ones (one more than a response lists, to tell it the list
    was cut). A long-running instance's finished history stays out of the hot path: a
    completion's cost must not grow with the steps before it."""
    query = _OPEN_AND_RECENT_ROWS if all_tasks else _OPEN_ROWS
    return list(uow.session.scalars(query, {"instance_id": instance_id}))


def _sync_human_tasks(uow: UnitOfWork, instance: ProcessInstance,
                      ready: Sequence[ReadyUserTask],
                      definition: CachedDefinition, rows: list[HumanTask], *, now: Any,
                      actor_id: int | None, data: dict[str, Any]) -> list[HumanTask]:
    """Cancel open rows the engine no longer offers, insert the new ones; returns the new."""
    ready_ids = {task.spiff_task_id for task in ready}
    calendar = uow.runtime.calendar
    # In-memory status: the task completed in this transaction is not flushed yet.
    existing = {row.spiff_task_id for row in rows if row.status in OPEN_TASK_STATUSES}
    _cancel_open_tasks(uow, instance, keep=ready_ids, actor_id=actor_id, rows=rows)
    values = []
    fallbacks: dict[str, str] = {}  # spiff task id -> the role nobody held
    for task in ready:
        if task.spiff_task_id in existing:
            continue
        meta = definition.task_meta.get(task.task_name, {})
        group = meta.get("group")
        assignee = instance.started_by if group == INITIATOR_GROUP else None
        held_by = data.get(meta["assignee_field"]) if meta.get("assignee_field") else None
        if isinstance(held_by, int) and not isinstance(held_by, bool):
            assignee = held_by  # the one account the diagram names (a certificate's holder)
        address = _resolve(uow, instance, meta, now) if assignee is None else None
        if address is not None:
            group = address.role
            if address.fallback and address.wanted:
                fallbacks[task.spiff_task_id] = address.wanted
        values.append(dict(
            instance_id=instance.id, tenant_id=instance.tenant_id,
            spiff_task_id=task.spiff_task_id, task_name=task.task_name,
            title=meta.get("title") or task.title, process_id=instance.process_id,
            business_key=instance.business_key, candidate_group=group, assignee_id=assignee,
            address_unit_id=address.unit_id if address is not None else None,
            status=TaskStatus.CLAIMED if assignee else TaskStatus.READY, form_ref=meta.get("form"),
            definition_id=definition.definition_id,
            due_at=_due_at(meta, data, now, calendar),
            created_at=now,
            claimed_at=now if assignee else None,
        ))
    if not values:
        return []
    # One round trip for every new row, ids included (the TASK_READY events carry them).
    new_rows = list(uow.session.scalars(
        sa.insert(HumanTask).returning(HumanTask, sort_by_parameter_order=True), values))
    for row, value in zip(new_rows, values, strict=True):
        due_at = value["due_at"]
        payload = {"task_id": row.id, "title": value["title"], "group": value["candidate_group"],
                   "assignee_id": value["assignee_id"],
                   "due_at": due_at.isoformat() if due_at else None}
        due_in = str(definition.task_meta.get(row.task_name, {}).get("due_in") or "")
        if due_at is not None and ("WD" in due_in.upper() or ";" in due_in):
            payload["calendar"] = calendar.version  # the calendar the deadline counted with
            warn_uncovered(uow.session, calendar, now, due_at, now=now,
                           what=f"案件 {instance.business_key} 的任务“{row.title}”")
        if row.address_unit_id is not None:
            payload["unit_id"] = row.address_unit_id
        uow.record(EventKind.TASK_READY, instance, actor_id=None, task_name=row.task_name,
                   payload=payload)
        wanted = fallbacks.get(row.spiff_task_id)
        if wanted is not None:
            _report_fallback(uow, instance, row, wanted, now)
    return new_rows


def _due_at(meta: dict[str, Any], data: dict[str, Any], now: datetime,
            calendar: WorkCalendar) -> datetime | None:
    """When a new task is due: at the moment its ``dueAt`` field holds, else ``dueIn`` on."""
    field = meta.get("due_at_field")
    if field and data.get(field):
        try:
            moment = datetime.fromisoformat(str(data[field]))
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=calendar.zone)
            return moment.astimezone(UTC)
    due_in = meta.get("due_in")
    return add_duration(now, due_in, calendar) if due_in else None


def _resolve(uow: UnitOfWork, instance: ProcessInstance, meta: dict[str, Any],
             now: Any) -> addresses.Resolved | None:
    """Where a task addressed by relation goes (None: offered to its group, as before). A
    learner's task without an address in a lane of a unit role (班主任…) goes to the holder
    nearest the learner when there is one."""
    text = meta.get("address")
    home = instance.unit_id  # the applicant's unit, None outside the directory
    if not text:
        group = meta.get("group")
        if home is None or not group or not _learners_case(uow, instance):
            return None
        today = now.astimezone(uow.runtime.calendar.zone).date()
        return addresses.nearest_holder(uow.session, str(group), home, today=today)
    if home is None:  # an applicant outside the directory: the administrators, never everyone
        return addresses.Resolved(addresses.ADMIN, None, fallback=True,
                                  wanted=addresses.parse_address(text).role)
    today = now.astimezone(uow.runtime.calendar.zone).date()
    return addresses.resolve(uow.session, addresses.parse_address(text), home, today=today)


def _learners_case(uow: UnitOfWork, instance: ProcessInstance) -> bool:
    """The case was started by a learner's (an applicant's) account."""
    if instance.started_by is None:
        return False
    role = uow.session.scalar(sa.select(User.role).where(User.id == instance.started_by))
    return role == "applicant"


def _report_fallback(uow: UnitOfWork, instance: ProcessInstance, row: HumanTask, wanted: str,
                     now: Any) -> None:
    """Nobody holds the role a task asks for: its unit's administrators get it, and are told."""
    reason = (f"无人担任“{addresses.role_name(wanted)}”，任务“{row.title}”已交给"
              "本单元的系统管理员办理，请指定人员")
    uow.record(EventKind.TASK_ADDRESS_FALLBACK, instance, actor_id=None, task_name=row.task_name,
               payload={"task_id": row.id, "wanted": wanted, "role": row.candidate_group,
                        "unit_id": row.address_unit_id, "reason": reason})
    today = now.astimezone(uow.runtime.calendar.zone).date()
    recipients = addresses.holders(uow.session, row.candidate_group or addresses.ADMIN,
                                   row.address_unit_id, today=today)
    for user_id in recipients:
        uow.session.add(Notification(recipient_user_id=user_id, instance_id=instance.id,
                                     task_name=row.task_name, kind="escalation",
                                     subject=f"任务无人办理：{row.title}", body=reason,
                                     created_at=now))
    if not recipients:
        uow.session.add(Notification(recipient_group=addresses.ADMIN, instance_id=instance.id,
                                     task_name=row.task_name, kind="escalation",
                                     subject=f"任务无人办理：{row.title}", body=reason,
                                     created_at=now))


def _cancel_open_tasks(uow: UnitOfWork, instance: ProcessInstance, *, keep: set[str],
                       actor_id: int | None, rows: list[HumanTask] | None = None) -> None:
    """Open rows whose engine task is no longer ready (a boundary event, a failure)."""
    for row in open_tasks(uow, instance.id) if rows is None else rows:
        if row.spiff_task_id in keep or row.status not in OPEN_TASK_STATUSES:
            continue
        row.status = TaskStatus.CANCELLED
        row.completed_at = uow.runtime.now()
        uow.record(EventKind.TASK_CANCELLED, instance, actor_id=actor_id,
                   task_name=row.task_name, payload={"task_id": row.id})
