"""转交: the holder of a claimed task hands it to a named colleague who may do it."""

from __future__ import annotations

from models import HumanTask
from models.statuses import TaskStatus
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.instances.control import ensure_not_suspended
from workflows.tasks import duties
from workflows.tasks.actions import lock_task
from workflows.tasks.approval_actions.common import (
    clean_text,
    notify,
    person,
    require_action,
    require_holder,
)


def transfer_task(task_id: int, *, to_username: str, reason: str | None, actor: Actor,
                  uow: UnitOfWork) -> HumanTask:
    """Give my claimed task to a colleague of its group who passes its separation of duties;
    the task stays claimed (now by them) and they are notified."""
    with uow:
        task, instance = lock_task(uow, task_id, actor)
        ensure_not_suspended(instance)
        require_holder(task, actor)
        require_action(uow.session, task, "transfer")
        note = clean_text(reason, "转交说明", required=False)
        colleague = person(uow.session, to_username, field="转交对象")
        if colleague.id == actor.id:
            raise InvalidInput("不能转交给自己")
        if not colleague.in_group(task.candidate_group):
            raise InvalidInput(f"{colleague.display_name}不在可办理“{task.title}”的小组中，"
                                "不能转交给他/她")
        try:
            duties.enforce(uow.session, task, instance, colleague)
        except duties.SeparationOfDutiesViolation as violation:
            raise InvalidInput(f"{colleague.display_name}按回避规则不能办理“{task.title}”"
                                f"（{violation.rule}）") from violation
        task.status, task.assignee_id = TaskStatus.CLAIMED, colleague.id
        task.claimed_at = uow.runtime.now()
        uow.record(EventKind.TASK_TRANSFERRED, instance, actor_id=actor.id,
                   task_name=task.task_name,
                   payload={"task_id": task.id, "to_user_id": colleague.id,
                            "to": colleague.display_name, "reason": note})
        notify(uow, instance, user_id=colleague.id, kind="info", task_name=task.task_name,
               subject=f"{actor.display_name}把“{task.title}”（{instance.business_key}）转交给您",
               body=note)
        uow.commit(keep_loaded=True)
        return task
