"""Demo mode's "fire this timer now": an administrator trying certflow out moves a case past a
wait. Kept apart from the timer firing that production runs, which it only calls."""

from __future__ import annotations

import sqlalchemy as sa

from models import Timer
from models.statuses import InstanceStatus, TimerStatus
from workflows.automation.timer_claims import claim_one, worker_token
from workflows.automation.timers import FireOutcome, fire_claimed
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWorkFactory


def fire_timer_now(timer_id: int, *, actor: Actor, uows: UnitOfWorkFactory) -> FireOutcome:
    """Demo only: bring a waiting timer forward to now and fire it, so someone trying certflow
    out can move a case past a wait (a notice period, a re-check window) without editing the
    policy. Who did it, and when the timer was due, is recorded in the case's history."""
    uow = uows()
    with uow:
        if not uow.runtime.settings.demo:
            raise NotAllowed("只有演示环境可以提前触发定时器")
        instance_id = uow.session.scalar(sa.select(Timer.instance_id).where(Timer.id == timer_id))
        if instance_id is None:
            raise NotFound(f"timer {timer_id} does not exist")
        instance = uow.lock_instance(instance_id)
        timer = uow.session.get_one(Timer, timer_id, populate_existing=True)
        if timer.status != TimerStatus.PENDING:
            raise Conflict("该定时器已不在等待中，无需提前触发")
        if instance.status != InstanceStatus.RUNNING:
            raise Conflict("该案件当前不在办理中，不能提前触发定时器")
        now = uow.runtime.now()
        uow.record(EventKind.TIMER_BROUGHT_FORWARD, instance, actor_id=actor.id,
                   task_name=timer.task_name,
                   payload={"timer_id": timer.id, "element_id": timer.element_id,
                            "was_due_at": timer.due_at.isoformat(), "fired_at": now.isoformat()})
        timer.due_at = now
        uow.commit()
    token = worker_token()
    if not claim_one(timer_id, token, uows=uows):
        raise Conflict("该定时器刚被其他进程触发")
    return fire_claimed(timer_id, token, uows=uows)
