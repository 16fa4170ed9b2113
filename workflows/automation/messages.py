"""Deliver a named message to the instances of a business key that wait for it.

Correlation is certflow's, not the engine's: a waiting message catch event or receive task has a
``message_subscription`` row (business key, message name), so delivery is one indexed lookup.
Every instance of that key waiting on that name receives the message, each in the same
transaction (locked in id order). A message nobody (visible to the sender) waits for is stored
as an ``unmatched_message`` and answered 404, so it is never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import MessageSubscription, UnmatchedMessage
from models.statuses import InstanceStatus, SubscriptionStatus
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions import spec_cache
from workflows.engine import EngineFailure, Run, RunawayRun
from workflows.instances.lifecycle import may_view
from workflows.instances.run_store import store_progress
from workflows.instances.runaway import record_runaway

# Messages a service task hands from one process to another (the score re-check's filing and
# outcome, workflows/certification/appeals.py). Nobody sends them by hand: the candidate may see
# their own case, and could otherwise file and "decide" their own re-check.
SERVICE_ONLY_MESSAGES = frozenset({"cert_appeal_filed", "cert_appeal_decided"})
# Messages that carry who sent them only where the case's own people cannot read it: an
# objection to a result under notice (异议) goes through its own use case
# (workflows/certification/notices.py), which keeps the objector out of the case's data and
# history; delivered here it would record the sender in the history the candidate reads.
ROUTED_ELSEWHERE = {"cert_objection": "异议请通过「提出异议」（POST /api/v1/objections）提交"}


class MessageNotCorrelated(NotFound):
    title = "No instance waits for this message"


@dataclass(frozen=True)
class Delivery:
    message_name: str
    business_key: str
    instance_ids: list[int]


def deliver_message(name: str, *, business_key: str, payload: dict[str, Any], actor: Actor,
                    uow: UnitOfWork, by_service: bool = False) -> Delivery:
    """Hand the message to every waiting instance of the key; 404 (recorded) if none waits.

    ``by_service``: a service task delivers it, which alone may send ``SERVICE_ONLY_MESSAGES``.
    """
    if actor.is_auditor:
        raise NotAllowed("审计员只读，不能发送消息", detail_en="auditors cannot send messages")
    if name in SERVICE_ONLY_MESSAGES and not by_service:
        raise NotAllowed(f"消息「{name}」只能由成绩复查流程发送：请发起成绩复查申请",
                         detail_en=f"message '{name}' is delivered by the score re-check "
                         "process only (start certification_appeal)")
    if name in ROUTED_ELSEWHERE:
        raise NotAllowed(ROUTED_ELSEWHERE[name])
    delivered: list[int] = []
    with uow:
        waiting = list(uow.session.scalars(sa.select(MessageSubscription).where(
            MessageSubscription.business_key == business_key,
            MessageSubscription.message_name == name,
            MessageSubscription.status == SubscriptionStatus.WAITING).order_by(
            MessageSubscription.instance_id, MessageSubscription.id)))
        for instance_id in sorted({s.instance_id for s in waiting}):
            try:
                if _deliver_to(uow, instance_id, name, payload, actor):
                    delivered.append(instance_id)
            except RunawayRun as runaway:  # the whole delivery is rolled back
                record_runaway(uow, instance_id, runaway, actor_id=actor.id)
                uow.commit()
                raise Conflict(f"消息 '{name}' 未送达：实例 {instance_id} 随后的运行超出上限，"
                               "已中止并回滚，实例已转为事件等待管理员处理") from runaway
        if not delivered:
            unmatched = UnmatchedMessage(message_name=name, business_key=business_key,
                                         payload=payload, sent_by=actor.id,
                                         received_at=uow.runtime.now())
            uow.session.add(unmatched)
            uow.session.flush()
            uow.commit()
            raise MessageNotCorrelated(
                f"no instance with business key '{business_key}' waits for message '{name}'; "
                f"it was recorded as unmatched message {unmatched.id}")
        uow.commit()
    return Delivery(name, business_key, delivered)


def deliver_unattributed(uow: UnitOfWork, instance_id: int, name: str,
                         payload: dict[str, Any]) -> bool:
    """Deliver inside the caller's transaction with no sender recorded in the history (a
    public objection: the case's history, which its candidate reads, must not name the
    objector); False when the instance does not wait for it. The caller checked the sender."""
    return _deliver_to(uow, instance_id, name, payload, None)


def _deliver_to(uow: UnitOfWork, instance_id: int, name: str, payload: dict[str, Any],
                actor: Actor | None) -> bool:
    instance = uow.lock_instance(instance_id)
    moving = instance.status in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT)
    if not moving or (actor is not None and not may_view(uow.session, instance, actor)):
        return False
    subscription = uow.session.scalars(
        sa.select(MessageSubscription).where(
            MessageSubscription.instance_id == instance_id,
            MessageSubscription.message_name == name,
            MessageSubscription.status == SubscriptionStatus.WAITING)
        .order_by(MessageSubscription.id).limit(1)
        .execution_options(populate_existing=True)).first()
    if subscription is None:  # delivered concurrently, or no longer waiting
        return False
    definition = spec_cache.get_by_id(uow.session, instance.definition_id)
    run = Run.resume(instance.state, definition.spec, definition.subprocess_specs,
                     context=uow.runtime.run_context())
    failure = None
    try:
        run.deliver_message(subscription.spiff_task_id, name, payload)
    except LookupError:
        subscription.status = SubscriptionStatus.CANCELLED
        return False
    except RunawayRun:
        raise
    except EngineFailure as error:
        failure = error
    now = uow.runtime.now()
    subscription.status, subscription.delivered_at = SubscriptionStatus.DELIVERED, now
    actor_id = actor.id if actor is not None else None
    uow.record(EventKind.MESSAGE_RECEIVED, instance, actor_id=actor_id,
               task_name=subscription.task_name, payload={
                   "message": name, "business_key": instance.business_key, "payload": payload,
                   "spiff_task_id": subscription.spiff_task_id,
                   "subscription_id": subscription.id})
    if failure is None:
        try:
            run.advance()
        except RunawayRun:
            raise
        except EngineFailure as error:
            failure = error
    store_progress(uow, instance, run.result(failure), definition, actor_id=actor_id)
    return True


def list_unmatched(session: Session, *, actor: Actor, business_key: str | None = None,
                   limit: int = 100) -> list[UnmatchedMessage]:
    if not (actor.is_admin or actor.is_auditor):
        raise NotAllowed("未匹配的消息仅供系统管理员和审计员查看",
                         detail_en="unmatched messages are visible to administrators and "
                         "auditors")
    query = sa.select(UnmatchedMessage)
    if business_key:
        query = query.where(UnmatchedMessage.business_key == business_key)
    return list(session.scalars(query.order_by(UnmatchedMessage.id.desc()).limit(limit)))

