"""退回: the holder sends the case back to an earlier step the diagram allows, with a reason.

The engine does it (``Run.send_back``: SpiffWorkflow resets to the newest run of that step), so
the earlier step is offered again as a new task, with the reason in its data
(``sent_back``), and replay repeats the same reset (``workflows/audit/replay_approval.py``).
"""

from __future__ import annotations

from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions import spec_cache
from workflows.engine import EngineFailure, Run, RunawayRun
from workflows.instances.control import ensure_not_suspended
from workflows.instances.lifecycle import InstanceView, view_of
from workflows.instances.run_store import store_progress
from workflows.instances.runaway import record_runaway
from workflows.tasks.actions import lock_task
from workflows.tasks.approval_actions.common import (
    clean_text,
    notify,
    require_action,
    require_holder,
)


def send_back_task(task_id: int, *, to_step: str, reason: str | None, actor: Actor,
                   uow: UnitOfWork) -> InstanceView:
    """Send the case from my claimed task back to ``to_step`` (a BPMN id in ``sendBackTo``)."""
    with uow:
        task, instance = lock_task(uow, task_id, actor)
        ensure_not_suspended(instance)
        require_holder(task, actor)
        meta = require_action(uow.session, task, "send_back")
        why = clean_text(reason, "退回理由")
        definition = spec_cache.get_by_id(uow.session, instance.definition_id)
        titles = {name: m.get("title") or name for name, m in definition.task_meta.items()}
        if to_step not in (meta.get("send_back_to") or []):
            allowed = "、".join(titles.get(t, t) for t in meta.get("send_back_to") or [])
            raise InvalidInput(f"“{task.title}”只能退回到：{allowed or '（无）'}")
        sent_back = {"from": task.task_name, "from_title": task.title, "reason": why,
                     "by": actor.display_name}
        run = Run.resume(instance.state, definition.spec, definition.subprocess_specs,
                         context=uow.runtime.run_context())
        try:
            run.send_back(task.spiff_task_id, to_step, {"sent_back": sent_back})
        except LookupError as error:
            raise Conflict(f"“{titles.get(to_step, to_step)}”在本案中尚未办理过，"
                                 "不能退回到这一步") from error
        uow.record(EventKind.TASK_SENT_BACK, instance, actor_id=actor.id,
                   task_name=task.task_name,
                   payload={"task_id": task.id, "to": to_step, "reason": why,
                            "data": {"sent_back": sent_back}})
        failure = None
        try:
            run.advance()
        except RunawayRun as runaway:  # the send-back is rolled back with the run
            record_runaway(uow, instance.id, runaway, actor_id=actor.id)
            uow.commit()
            raise Conflict("退回未保存：流程随后的运行超出上限，已中止并回滚，"
                                 "实例已转为事件等待管理员处理") from runaway
        except EngineFailure as error:
            failure = error
        tasks = store_progress(uow, instance, run.result(failure), definition,
                               actor_id=actor.id)
        for new in tasks:
            if new.task_name == to_step and new.assignee_id is not None:
                notify(uow, instance, user_id=new.assignee_id, kind="info",
                       task_name=new.task_name,
                       subject=f"“{instance.business_key}”被退回到“{new.title}”", body=why)
        uow.commit()
        return view_of(uow.session, instance)
