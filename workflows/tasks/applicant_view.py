"""我的申请: what an applicant needs to know about each of their cases, in words.

For every case: the steps it waits on now and who holds each (a person's name, or the group
that will take it), and once it ended, how and why (refused, ineligible, absent, failed with
the parts that failed, certified with the certificate number), the notices sent to them about
it (exam time and place), and whether a score re-check may be asked for now. The words come
from the diagram's own data (``outcome``, ``closed_reason``, the scores), not from ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (
    Group,
    HumanTask,
    MessageSubscription,
    Notification,
    ProcessEvent,
    ProcessInstance,
    Timer,
    User,
)
from models.statuses import (
    OPEN_TASK_STATUSES,
    OPEN_TIMER_STATUSES,
    InstanceStatus,
    SubscriptionStatus,
)
from workflows.core.actors import Actor
from workflows.core.history import EventKind

MAX_CASES = 200
APPEAL_MESSAGE = "cert_appeal_filed"  # the application waits for it in its re-check window
APPEAL_TIMER = "appeal_window_closed"  # ... until this timer ends the window
PASS_MARK = 60
# ``outcome`` values of the bundled diagrams, in the applicant's words.
OUTCOME_WORDS = {
    "approved": "已批准", "rejected": "未获批准", "ineligible": "不符合申报条件",
    "correction_expired": "逾期未补正，已关闭", "absent": "缺考", "failed": "成绩不合格",
    "not_approved": "领导小组不予批准", "withheld": "公示异议成立，不予认定",
    "certified": "已通过，证书已发放", "refused": "未受理", "reissued": "证书已补发",
    "revoked": "证书已撤销", "identity_failed": "身份核验未通过",
}
REASON_FIELDS = ("closed_reason", "rejection_reason", "refusal_reason")
STATUS_WORDS = {
    InstanceStatus.RUNNING: "办理中", InstanceStatus.COMPLETED: "已办结",
    InstanceStatus.FAILED: "系统出错，等待管理员处理", InstanceStatus.CANCELLED: "已被管理员终止",
    InstanceStatus.INCIDENT: "办理中（系统故障，等待管理员处理）",
    InstanceStatus.SUSPENDED: "已暂停", InstanceStatus.WITHDRAWN: "已撤回",
}
PARTS = (("theory_score", "理论考试"), ("practical_score", "实操考核"),
         ("comprehensive_score", "综合评审"))


@dataclass(frozen=True)
class CurrentStep:
    task_id: int
    title: str
    holder: str  # a person's name, or the group that will take it
    held_by_person: bool
    mine: bool
    due_at: datetime | None


@dataclass(frozen=True)
class Outcome:
    code: str
    words: str
    reason: str | None = None
    failed_parts: list[str] = field(default_factory=list)
    certificate_no: str | None = None


@dataclass(frozen=True)
class PublishedResult:
    """成绩公布: what the candidate is told once results are out (never before)."""
    words: str  # 合格 / 不合格
    scores: dict[str, float]  # 理论考试 / 实操考核 / 综合评审 -> score
    failed_parts: list[str]
    recheck_until: datetime | None  # the re-check window's end while it is open
    rechecked: bool


@dataclass(frozen=True)
class Notice:
    at: datetime
    subject: str
    body: str


@dataclass(frozen=True)
class ApplicantCase:
    id: int
    process_id: str
    business_key: str
    status: str
    status_words: str
    started_at: datetime
    ended_at: datetime | None
    current: list[CurrentStep]
    outcome: Outcome | None
    notices: list[Notice]
    can_withdraw: bool
    can_remind: bool
    can_appeal: bool
    result: PublishedResult | None = None


def my_cases(session: Session, *, actor: Actor, status: str | None = None
             ) -> list[ApplicantCase]:
    """The cases I started, newest first, each told in words."""
    query = sa.select(ProcessInstance).where(ProcessInstance.started_by == actor.id)
    if status:
        query = query.where(ProcessInstance.status == status)
    instances = list(session.scalars(query.order_by(ProcessInstance.id.desc())
                                     .limit(MAX_CASES)))
    ids = [i.id for i in instances]
    if not ids:
        return []
    tasks = _by_instance(session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id.in_(ids), HumanTask.status.in_(OPEN_TASK_STATUSES))
        .order_by(HumanTask.id)))
    notices = _by_instance(session.scalars(sa.select(Notification).where(
        Notification.instance_id.in_(ids), Notification.recipient_user_id == actor.id,
        Notification.kind.in_(("info", "escalation"))).order_by(Notification.id)))
    acted = set(session.scalars(sa.select(ProcessEvent.instance_id).where(
        ProcessEvent.instance_id.in_(ids), ProcessEvent.actor_id.is_not(None),
        ProcessEvent.actor_id != actor.id,
        ProcessEvent.kind.in_((EventKind.TASK_CLAIMED, EventKind.TASK_COMPLETED)))))
    appealable = set(session.scalars(sa.select(MessageSubscription.instance_id).where(
        MessageSubscription.instance_id.in_(ids),
        MessageSubscription.message_name == APPEAL_MESSAGE,
        MessageSubscription.status == SubscriptionStatus.WAITING)))
    windows: dict[int, datetime] = {
        instance_id: due for instance_id, due in session.execute(
            sa.select(Timer.instance_id, Timer.due_at).where(
                Timer.instance_id.in_(appealable or {0}), Timer.element_id == APPEAL_TIMER,
                Timer.status.in_(OPEN_TIMER_STATUSES)))}
    names = _holder_names(session, [t for rows in tasks.values() for t in rows])
    cases = []
    for instance in instances:
        running = instance.status in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT)
        current = [_step(task, names, actor) for task in tasks.get(instance.id, [])]
        cases.append(ApplicantCase(
            id=instance.id, process_id=instance.process_id, business_key=instance.business_key,
            status=instance.status,
            status_words=STATUS_WORDS.get(InstanceStatus(instance.status), instance.status),
            started_at=instance.started_at, ended_at=instance.ended_at, current=current,
            outcome=outcome_of(instance), notices=[
                Notice(n.created_at, n.subject, n.body) for n in notices.get(instance.id, [])],
            can_withdraw=running and instance.id not in acted,
            can_remind=running and any(not step.mine for step in current),
            can_appeal=running and instance.id in appealable,
            result=published_result(instance, windows.get(instance.id))))
    return cases


def outcome_of(instance: ProcessInstance) -> Outcome | None:
    """How and why a case ended, from its data; None while it runs."""
    data: dict[str, Any] = instance.data or {}
    if instance.status == InstanceStatus.WITHDRAWN:
        return Outcome("withdrawn", "申请人已撤回")
    if instance.status == InstanceStatus.CANCELLED:
        return Outcome("cancelled", "已被管理员终止")
    if instance.status != InstanceStatus.COMPLETED:
        return None
    code = str(data.get("outcome") or "completed")
    reason = next((str(data[f]) for f in REASON_FIELDS if data.get(f)), None)
    failed = [_part_label(data, key, label) for key, label in PARTS
              if isinstance(data.get(key), int | float) and data[key] < PASS_MARK]
    return Outcome(code, OUTCOME_WORDS.get(code, "已办结"), reason,
                   failed if code == "failed" else [],
                   str(data["certificate_no"]) if data.get("certificate_no") else None)


def published_result(instance: ProcessInstance, recheck_until: datetime | None
                     ) -> PublishedResult | None:
    """The published result of a certification case; None before publication."""
    data: dict[str, Any] = instance.data or {}
    if data.get("results_published") is not True:
        return None
    scores = {label: float(data[key]) for key, label in PARTS
              if isinstance(data.get(key), int | float)
              and (key != "comprehensive_score" or int(data.get("level", 5)) <= 2)}
    labels = {label: key for key, label in PARTS}
    failed = [_part_label(data, labels[label], label) for label, value in scores.items()
              if value < PASS_MARK]
    passed = data.get("passed") is True
    return PublishedResult("合格" if passed else "不合格", scores, [] if passed else failed,
                           recheck_until, data.get("appeal_used") is True)


def _part_label(data: dict[str, Any], key: str, label: str) -> str:
    """A failed part's name, with （缺考） when the candidate missed it."""
    part = key.removesuffix("_score")
    return f"{label}（缺考）" if part in (data.get("absent_parts") or ()) else label


def _by_instance(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.instance_id, []).append(row)
    return grouped


def _holder_names(session: Session, tasks: list[HumanTask]) -> dict[str, str]:
    users = {t.assignee_id for t in tasks if t.assignee_id}
    groups = {t.candidate_group for t in tasks if t.candidate_group}
    names = {f"user:{u.id}": u.display_name for u in session.scalars(
        sa.select(User).where(User.id.in_(users)))} if users else {}
    if groups:
        names.update({f"group:{g.id}": g.name for g in session.scalars(
            sa.select(Group).where(Group.id.in_(groups)))})
    return names


def _step(task: HumanTask, names: dict[str, str], actor: Actor) -> CurrentStep:
    if task.assignee_id:
        holder = "您本人" if task.assignee_id == actor.id else names.get(
            f"user:{task.assignee_id}", "办理人")
    else:
        group = names.get(f"group:{task.candidate_group}", task.candidate_group or "")
        holder = f"{group}（待认领）"
    return CurrentStep(task.id, task.title, holder, bool(task.assignee_id),
                       task.assignee_id == actor.id, task.due_at)
