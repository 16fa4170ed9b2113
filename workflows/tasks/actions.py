"""Claim, release and complete user tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy.orm import Session

from models import Group, HumanTask, Person, ProcessInstance, User
from models.statuses import OPEN_TASK_STATUSES, TaskStatus
from workflows.attachments import fields as attachment_fields
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, NotAllowed, NotFound, TaskAlreadyClaimed, TaskNotOpen
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions import forms, spec_cache
from workflows.directory import acting, scope
from workflows.directory.addresses import role_name
from workflows.engine import EngineFailure, Run, RunawayRun
from workflows.instances.control import ensure_not_suspended
from workflows.instances.lifecycle import InstanceView, view_from, view_of
from workflows.instances.run_store import RECENT_STEPS, store_progress
from workflows.instances.runaway import record_runaway
from workflows.tasks import duties


def get_task(session: Session, task_id: int, *, actor: Actor) -> HumanTask:
    """A task the actor may see (their group's, theirs, or any for admin/auditor)."""
    task = session.get(HumanTask, task_id)
    if task is None or not _may_see(session, task, actor):
        raise NotFound(f"任务 {task_id} 不存在",
                       detail_en=f"task {task_id} does not exist")
    return task


def task_form_schema(session: Session, task: HumanTask) -> dict[str, Any] | None:
    return spec_cache.get_by_id(session, task.definition_id).form_schema(task.form_ref)


def claim_task(task_id: int, *, actor: Actor, uow: UnitOfWork) -> HumanTask:
    """Take an open task of one of my groups; exactly one claimer wins."""
    with uow:
        task, instance = _lock_task(uow, task_id, actor)
        ensure_not_suspended(instance)
        if task.status == TaskStatus.CLAIMED:
            if task.assignee_id == actor.id:
                return task  # claiming twice is harmless
            _refuse_claimed(uow.session, task)
        _ensure_open(task)
        _claim(uow, task, instance, actor)
        uow.commit(keep_loaded=True)  # the response is the task as written: no re-read
        return task


def _refuse_claimed(session: Session, task: HumanTask) -> NoReturn:
    holder = _name(session, task.assignee_id)
    raise TaskAlreadyClaimed(f"task {task.id} is already claimed by {holder}",
                             claimed_by={"id": task.assignee_id, "display_name": holder})


def _claim(uow: UnitOfWork, task: HumanTask, instance: ProcessInstance, actor: Actor) -> None:
    """Group membership and separation of duties, then the claim itself (caller commits)."""
    if task.address_unit_id is not None:
        if not _holds_address(uow.session, task, actor, uow.runtime.now()):
            raise NotAllowed(f"只有在该单元担任“{role_name(task.candidate_group or '')}”的人员"
                             "才能领取此任务")
    elif not actor.in_group(task.candidate_group):
        group = _group_name(uow.session, task.candidate_group)
        raise NotAllowed(f"只有「{group}」的成员才能领取此任务",
                         detail_en=f"only members of group '{task.candidate_group}' may claim "
                         "this task")
    duties.enforce(uow.session, task, instance, actor)  # separation of duties (403)
    task.status, task.assignee_id, task.claimed_at = TaskStatus.CLAIMED, actor.id, uow.runtime.now()
    uow.record(EventKind.TASK_CLAIMED, instance, actor_id=actor.id, task_name=task.task_name,
               payload={"task_id": task.id})


def release_task(task_id: int, *, actor: Actor, uow: UnitOfWork) -> HumanTask:
    """Give a claimed task back to its group (the claimer, or an administrator)."""
    with uow:
        task, instance = _lock_task(uow, task_id, actor)
        _ensure_open(task)
        if task.status != TaskStatus.CLAIMED:
            raise Conflict(f"任务 {task_id} 尚未被领取，无需退回",
                           detail_en=f"task {task_id} is not claimed")
        if task.assignee_id != actor.id and not actor.is_admin:
            holder = _name(uow.session, task.assignee_id)
            raise NotAllowed(f"任务 {task_id} 已由{holder}领取，只有领取人可以退回",
                             detail_en=f"task {task_id} is claimed by {holder}; "
                             "only they may release it")
        if task.candidate_group is None or task.candidate_group == "applicant":
            raise Conflict("指定给本人办理的任务不能退回给小组",
                           detail_en="a task assigned to one person cannot be released to a "
                           "group")
        task.status, task.assignee_id, task.claimed_at = TaskStatus.READY, None, None
        uow.record(EventKind.TASK_RELEASED, instance, actor_id=actor.id,
                   task_name=task.task_name, payload={"task_id": task.id})
        uow.commit(keep_loaded=True)
        return task


def complete_task(task_id: int, *, data: dict[str, Any], actor: Actor, uow: UnitOfWork,
                  claim_if_ready: bool = False) -> InstanceView:
    """Finish a task I claimed and run the process until it waits on people again.

    ``claim_if_ready`` (bulk work, 办理 in one request) claims an unclaimed task in the same
    transaction first, with the rules and history of ``claim_task``, so a completion that
    fails leaves the task exactly as it was, unclaimed; a task someone else holds is refused
    as a claim would be.
    """
    with uow:
        task, instance = _lock_task(uow, task_id, actor)
        _ensure_open(task)
        ensure_not_suspended(instance)
        if claim_if_ready and task.status == TaskStatus.READY:
            _claim(uow, task, instance, actor)
        elif (claim_if_ready and task.status == TaskStatus.CLAIMED
              and task.assignee_id != actor.id):
            _refuse_claimed(uow.session, task)
        if task.status != TaskStatus.CLAIMED:
            raise Conflict(f"任务 {task_id} 须先领取再办理",
                           detail_en=f"task {task_id} must be claimed before it is completed")
        if task.assignee_id != actor.id:
            holder = _name(uow.session, task.assignee_id)
            raise NotAllowed(f"任务 {task_id} 已由{holder}领取，只有领取人可以办理",
                             detail_en=f"task {task_id} is claimed by {holder}; "
                             "only they may complete it")
        duties.enforce(uow.session, task, instance, actor)  # re-checked: the case moved on
        definition = spec_cache.get_by_id(uow.session, instance.definition_id)
        schema = definition.form_schema(task.form_ref)
        forms.validate(schema, data, where=f"「{task.title}」")
        cited = attachment_fields.check_cited(
            uow.session, schema, data, actor=actor, instance_id=instance.id,
            case_limit=uow.runtime.settings.attachment_max_case_bytes)
        check = uow.runtime.task_checks.get((instance.process_id, task.task_name))
        if check is not None:
            data = check(uow.session, data, instance_data=instance.data or {},
                         now=uow.runtime.now())
        run = Run.resume(instance.state, definition.spec, definition.subprocess_specs,
                         context=uow.runtime.run_context())
        now = uow.runtime.now()
        attached = attachment_fields.attach(uow.session, cited, instance_id=instance.id, at=now)
        task.status, task.completed_at, task.completed_by = TaskStatus.COMPLETED, now, actor.id
        uow.record(EventKind.TASK_COMPLETED, instance, actor_id=actor.id,
                   task_name=task.task_name, payload={
                       "task_id": task.id, "data": data,
                       **({"attachments": attached} if attached else {}),
                       **_on_behalf(uow.session, task, actor, now)})
        failure = None
        try:
            run.complete(task.spiff_task_id, data)
            run.advance()
        except RunawayRun as runaway:  # the completion is rolled back with the run
            record_runaway(uow, instance.id, runaway, actor_id=actor.id)
            uow.commit()
            raise Conflict(f"任务 {task_id} 的提交未保存：流程随后的运行超出上限，已中止并回滚，"
                           "实例已转为事件等待管理员处理") from runaway
        except EngineFailure as error:
            failure = error
        tasks = store_progress(uow, instance, run.result(failure), definition,
                               actor_id=actor.id, all_tasks=True)
        if uow.commit(keep_loaded=True):  # the view holds what was written: no re-read
            return view_from(instance, tasks, definition.version,
                             recent_steps=RECENT_STEPS)
        return view_of(uow.session, instance)


def _lock_task(uow: UnitOfWork, task_id: int, actor: Actor) -> tuple[HumanTask, ProcessInstance]:
    """Lock the task's instance, then the task: one lock order for every use case.

    Both are locked and read in one statement (see ``UnitOfWork.find_locked_task``), so the
    task's status is current once the instance's lock is held. The same round trip reads
    whether the actor holds the task's address today (a task addressed by relation), which
    seeing, claiming and completing it ask.
    """
    today = acting.today_at(uow.runtime.now())
    found = uow.find_locked_task(task_id, acting.TASK_HOLDER,
                                 params={"person": actor.person_id, "today": today})
    if found is None:
        raise NotFound(f"任务 {task_id} 不存在", detail_en=f"task {task_id} does not exist")
    instance, task, (holder,) = found
    if task.address_unit_id is not None:
        acting.remember_holder(uow.session, actor, task.candidate_group, task.address_unit_id,
                               today=today, person_id=holder)
    if not _may_see(uow.session, task, actor, uow.runtime.now()):
        raise NotFound(f"任务 {task_id} 不存在", detail_en=f"task {task_id} does not exist")
    return task, instance


def _ensure_open(task: HumanTask) -> None:
    if task.status not in OPEN_TASK_STATUSES:
        raise TaskNotOpen(f"task {task.id} is {task.status}")


def _may_see(session: Session, task: HumanTask, actor: Actor,
             now: datetime | None = None) -> bool:
    if not scope.same_centre(actor, task.tenant_id):  # another centre's: as if absent
        return False
    if (actor.is_admin or actor.is_auditor or task.assignee_id == actor.id
            or task.completed_by == actor.id):
        return True
    if task.address_unit_id is not None:  # addressed by relation: its role's holders only
        return _holds_address(session, task, actor, now)
    return actor.role != "applicant" and actor.in_group(task.candidate_group)


def _on_behalf(session: Session, task: HumanTask, actor: Actor,
               now: datetime) -> dict[str, Any]:
    """For a substitute (代理): whose position they completed the task in, for the history."""
    if task.address_unit_id is None:
        return {}
    held_by = acting.holder(session, actor, task.candidate_group, task.address_unit_id,
                            today=acting.today_at(now))
    if held_by is None or held_by == actor.person_id:
        return {}
    person = session.get(Person, held_by)
    name = person.name if person is not None else str(held_by)
    return {"on_behalf_of": held_by, "note": f"由 {actor.display_name} 代 {name} 办理"}


def _holds_address(session: Session, task: HumanTask, actor: Actor,
                   now: datetime | None) -> bool:
    assert task.address_unit_id is not None
    return acting.holds(session, actor, task.candidate_group, task.address_unit_id,
                        today=acting.today_at(now))


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.display_name if user else "他人"


def _group_name(session: Session, group: str | None) -> str:
    """A candidate group as people call it (质量监督小组), its id when it has no name."""
    row = session.get(Group, group) if group else None
    return row.name if row is not None else role_name(group or "")


# The approval actions (workflows/tasks/approval_actions/) lock a task the same way.
lock_task = _lock_task
