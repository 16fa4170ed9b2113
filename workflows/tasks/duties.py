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
from workflows.engine import DutyRule, parse_rules


class SeparationOfDutiesViolation(NotAllowed):
    title = "Separation of duties"

    def __init__(self, rule: DutyRule, task: HumanTask, reason: str) -> None:
        detail = (f"separation of duties ({rule.name}): {reason}; you may not take "
                  f"'{task.title}'")
        super().__init__(detail, problems=[Problem(detail, extra={
            "rule": rule.name, "task": task.task_name})])
        self.rule = rule.name


def task_rules(session: Session, task: HumanTask) -> list[DutyRule]:
    """The rules stored for this task at deploy (none for definitions without any)."""
    # The cached definition (deployed definitions are immutable): no query per claim/complete.
    meta = (spec_cache.get_by_id(session, task.definition_id).task_meta or {}).get(
        task.task_name, {})
    return parse_rules(", ".join(meta.get("duties") or []))


def enforce(session: Session, task: HumanTask, instance: ProcessInstance, actor: Actor) -> None:
    """Raise ``SeparationOfDutiesViolation`` for the first rule the actor would break."""
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
        return f"you completed '{rule.argument}' in this case" if did_it else None
    if rule.kind == "not_initiator":
        return "you started this case" if instance.started_by == actor.id else None
    if rule.kind == "recusal":
        mine = _class_of(session, actor.id)
        if mine and mine in candidate_classes(session, instance):
            return f"the candidate is in your class {mine} (回避)"
        return None
    if rule.kind == "excludes":
        listed = data_at(instance.data or {}, rule.argument or "")
        ids = listed if isinstance(listed, list) else [listed]
        return (f"you are listed in '{rule.argument}' of this case"
                if actor.id in ids else None)
    return f"rule kind '{rule.kind}' is not enforced by this version"  # fail closed


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
