"""Enforce a user task's separation-of-duties rules when someone claims or completes it.

The rules are declared in the diagram (``separationOfDuties``, see
``workflows/engine/duty_rules.py``) and stored in the definition's task metadata at deploy; they
are checked here, by the service, so no client (UI, script, bulk endpoint) can skip them. A
violation is a 403 whose detail names the rule and whose ``errors[0].rule`` carries it for
programs.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, ProcessInstance, User
from models.statuses import TaskStatus
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed, Problem
from workflows.definitions import spec_cache
from workflows.directory import relations
from workflows.directory.acting import today_at
from workflows.engine import DutyRule, parse_rules

# Whom a recusal keeps the actor from, in the refusal's words.
RECUSAL_WHOM = {"class": "本班考生", "employer": "同单位考生", "declared": "该考生"}


class SeparationOfDutiesViolation(NotAllowed):
    title = "回避与职责分离"

    def __init__(self, rule: DutyRule, task: HumanTask, reason: str) -> None:
        if rule.kind == "recusal":
            whom = RECUSAL_WHOM.get(rule.argument or "", "该考生")
            detail = f"按回避规定，您不能办理{whom}的「{task.title}」：{reason}（规则 {rule.name}）"
        elif rule.kind == "excludes":
            detail = f"按回避规定，您不能办理「{task.title}」：{reason}（规则 {rule.name}）"
        else:
            detail = f"按职责分离规定，您不能办理「{task.title}」：{reason}（规则 {rule.name}）"
        super().__init__(detail, problems=[Problem(detail, extra={
            "rule": rule.name, "task": task.task_name})])
        self.rule = rule.name


def task_rules(session: Session, task: HumanTask) -> list[DutyRule]:
    """The rules stored for this task at deploy (none for definitions without any)."""
    # The cached definition (deployed definitions are immutable): no query per claim/complete.
    meta = (spec_cache.get_by_id(session, task.definition_id).task_meta or {}).get(
        task.task_name, {})
    return parse_rules(", ".join(meta.get("duties") or []))


INITIATOR_RULE = DutyRule("not_initiator")


def enforce(session: Session, task: HumanTask, instance: ProcessInstance, actor: Actor) -> None:
    """Raise ``SeparationOfDutiesViolation`` for the first rule the actor would break.

    A task addressed by relation (a diagram's ``performer``) is never taken by the person who
    started the case: tasks that belong to the initiator are assigned to them, not addressed.
    """
    if task.address_unit_id is not None and instance.started_by == actor.id:
        raise SeparationOfDutiesViolation(INITIATOR_RULE, task, "本案件由您本人发起")
    for rule in task_rules(session, task):
        reason = _violation(session, rule, instance, actor)
        if reason is not None:
            raise SeparationOfDutiesViolation(rule, task, reason)


def _violation(session: Session, rule: DutyRule, instance: ProcessInstance,
               actor: Actor) -> str | None:
    if rule.kind == "differs_from":
        did_it = session.scalar(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance.id, HumanTask.task_name == rule.argument,
            HumanTask.status == TaskStatus.COMPLETED, HumanTask.completed_by == actor.id).limit(1))
        return f"您已在本案件中办理过「{_title(session, instance, rule.argument)}」" \
            if did_it else None
    if rule.kind == "not_initiator":
        return "本案件由您本人发起" if instance.started_by == actor.id else None
    if rule.kind == "recusal":
        return _recusal(session, rule.argument or "", instance, actor)
    if rule.kind == "excludes":
        listed = data_at(instance.data or {}, rule.argument or "")
        ids = listed if isinstance(listed, list) else [listed]
        return "您参与过本案件被复查的评分或审核" if actor.id in ids else None
    return f"本版本不支持规则类型“{rule.kind}”"  # fail closed


def _recusal(session: Session, subject: str, instance: ProcessInstance,
             actor: Actor) -> str | None:
    """回避 by a real relation between the actor and the candidate (who started the case)."""
    candidate = relations.person_of(session, instance.started_by)
    if subject == "class":
        mine = _class_of(session, actor.id)
        if mine and mine in candidate_classes(session, instance):
            return f"考生是您所在班级 {mine} 的学员"
        if actor.person_id is not None and relations.teaches_class_of(
                session, actor.person_id, candidate, today=today_at()):
            return "您是考生所在班级的班主任或任课教师"
        return None
    if actor.person_id is None or candidate is None:
        return None
    if subject == "employer":
        employer = relations.same_employer(session, actor.person_id, candidate)
        return f"您与考生同属工作单位「{employer}」" if employer else None
    if subject == "declared":
        reason = relations.declared_conflict(session, actor.person_id, candidate)
        return f"您已就该考生作出回避声明：{reason}" if reason else None
    return f"本版本不支持回避对象“{subject}”"  # fail closed


def _title(session: Session, instance: ProcessInstance, task_name: str | None) -> str:
    """A user task's display name (阅卷评分), from the case's diagram."""
    meta = spec_cache.get_by_id(session, instance.definition_id).task_meta or {}
    return str((meta.get(task_name or "") or {}).get("title") or task_name)


def candidate_classes(session: Session, instance: ProcessInstance) -> set[str]:
    """The candidate's class as applied for, and as recorded on the applicant's profile."""
    classes = set()
    applied = (instance.data or {}).get("class_name")
    if isinstance(applied, str) and applied.strip():
        classes.add(applied.strip())
    profile = _class_of(session, instance.started_by)
    if profile:
        classes.add(profile)
    return classes


def _class_of(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    value = session.scalar(sa.select(User.class_name).where(User.id == user_id))
    return value.strip() if value and value.strip() else None


def data_at(data: dict[str, Any], path: str) -> Any:
    """``a.b`` -> ``data["a"]["b"]``; None where the path does not exist."""
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value
