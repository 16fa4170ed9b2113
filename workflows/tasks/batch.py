"""Bulk work on one exam session: find the open tasks, complete many in one request.

Each task is completed in **its own unit of work** through the ordinary ``complete_task`` (form
validation, separation of duties, engine run, history), so one failing task never rolls back
the others and a failed task is left exactly as it was (an unclaimed task it had to claim stays
unclaimed). The caller gets one result per task, in request order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, ProcessInstance
from models.statuses import TaskStatus
from workflows.core.actors import Actor
from workflows.core.errors import CertflowError, InvalidInput, Problem
from workflows.core.unit_of_work import UnitOfWorkFactory
from workflows.directory import acting
from workflows.tasks import actions as human_tasks

log = logging.getLogger("certflow.batch")
MAX_ITEMS = 200
LIST_LIMIT = 500
# Case fields shown next to each task so a bulk form can show who is who (never the ID number).
SUMMARY_FIELDS = ("applicant_name", "class_name", "school", "employer", "occupation", "level",
                  "exam_session", "venue", "theory_score", "practical_score")


@dataclass(frozen=True)
class BatchItem:
    task_id: int
    data: dict[str, Any]


@dataclass(frozen=True)
class ItemResult:
    task_id: int
    ok: bool
    instance_id: int | None = None
    instance_status: str | None = None
    error: CertflowError | None = None


@dataclass(frozen=True)
class BatchTaskFilter:
    task_name: str
    process_id: str | None = None
    exam_session: str | None = None
    occupation: str | None = None
    level: int | None = None


def complete_many(items: list[BatchItem], *, actor: Actor, uows: UnitOfWorkFactory,
                  common: dict[str, Any] | None = None, claim: bool = True) -> list[ItemResult]:
    """Complete each task with ``common`` data overlaid by its own; one transaction per task
    (``uows`` makes each unit of work)."""
    _check(items)
    results = []
    for item in items:
        data = {**(common or {}), **item.data}
        try:
            view = human_tasks.complete_task(item.task_id, data=data, actor=actor, uow=uows(),
                                             claim_if_ready=claim)
        except CertflowError as error:
            results.append(ItemResult(item.task_id, False, error=error))
            continue
        except Exception as error:
            log.exception("bulk completion of task %s failed", item.task_id)
            results.append(ItemResult(item.task_id, False, error=CertflowError(
                f"task {item.task_id} could not be completed: {type(error).__name__}")))
            continue
        results.append(ItemResult(item.task_id, True, view.instance.id, view.instance.status))
    return results


def _check(items: list[BatchItem]) -> None:
    if not items:
        raise InvalidInput("请至少选择一项任务", detail_en="name at least one task", problems=[
            Problem("列表为空", pointer="/items", english="the list is empty")])
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"每次最多批量办理 {MAX_ITEMS} 项任务",
                           detail_en=f"at most {MAX_ITEMS} tasks per request", problems=[
            Problem(f"共 {len(items)} 项", pointer="/items", english=f"{len(items)} tasks")])
    seen: set[int] = set()
    for index, item in enumerate(items):
        if item.task_id in seen:
            raise InvalidInput(f"任务 {item.task_id} 重复列出",
                               detail_en=f"task {item.task_id} is listed twice", problems=[
                Problem("任务重复", pointer=f"/items/{index}/task_id",
                        english="duplicate task id")])
        seen.add(item.task_id)


def open_tasks(session: Session, actor: Actor, filters: BatchTaskFilter
               ) -> list[tuple[HumanTask, dict[str, Any]]]:
    """Open tasks of one kind the actor can do (their groups' unclaimed, or claimed by them),
    optionally of one exam session, occupation or level, with a summary of each case."""
    mine = sa.and_(HumanTask.assignee_id == actor.id, HumanTask.status == TaskStatus.CLAIMED)
    positions = acting.acting_positions(session, actor, today=acting.today_at())
    groups = sa.and_(acting.offered_to(actor, positions), HumanTask.status == TaskStatus.READY)
    query = (sa.select(HumanTask, ProcessInstance.data)
             .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .where(HumanTask.task_name == filters.task_name, sa.or_(mine, groups)))
    if filters.process_id:
        query = query.where(HumanTask.process_id == filters.process_id)
    data = ProcessInstance.data
    if filters.exam_session:
        query = query.where(data["exam_session"].as_string() == filters.exam_session)
    if filters.occupation:
        query = query.where(data["occupation"].as_string() == filters.occupation)
    if filters.level is not None:
        # Compared as text: casting every case's "level" to an integer fails on PostgreSQL
        # (500) as soon as any instance holds a level that is not a number ("三级").
        query = query.where(sa.cast(data["level"].as_string(), sa.String) == str(filters.level))
    rows = session.execute(query.order_by(HumanTask.id).limit(LIST_LIMIT)).all()
    return [(task, {k: (case or {}).get(k) for k in SUMMARY_FIELDS}) for task, case in rows]
