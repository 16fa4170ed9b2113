"""The 质量监督小组's read-only view of its centre: every case of the centre, whoever holds it,
with its applicant and the steps it waits at. Reading only: a supervisor never acts through it
(completing, messaging, commenting keep their own rules)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, ProcessInstance, User
from models.statuses import OPEN_TASK_STATUSES
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed

SUPERVISORS = "quality_supervisor"


def supervises(instance: ProcessInstance, actor: Actor) -> bool:
    """A quality supervisor reads every case of their own centre."""
    return (actor.in_group(SUPERVISORS) and actor.tenant_id is not None
            and instance.tenant_id == actor.tenant_id)


LEVEL_NAMES = {"五级": 5, "四级": 4, "三级": 3, "二级": 2, "一级": 1}


def _level(value: Any) -> int | None:
    """A case's level as a number (1–5), whether its data says 3, "3" or "三级"; else none."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isdigit() else LEVEL_NAMES.get(text)
    return None


@dataclass(frozen=True)
class CentreCaseFilter:
    process_id: str | None = None
    status: str | None = None
    business_key: str | None = None  # exact, or a prefix ending in ``*``


def list_centre_cases(session: Session, actor: Actor, filters: CentreCaseFilter, *,
                      now: datetime, page: int = 1,
                      per_page: int = 50) -> tuple[list[dict[str, Any]], int]:
    """Every case of the supervisor's centre, newest first, with applicant and open steps."""
    if not actor.in_group(SUPERVISORS) or actor.tenant_id is None:
        raise NotAllowed("只有质量监督小组可以查看本机构的全部案件")
    query = sa.select(ProcessInstance).where(ProcessInstance.tenant_id == actor.tenant_id)
    if filters.process_id:
        query = query.where(ProcessInstance.process_id == filters.process_id)
    if filters.status:
        query = query.where(ProcessInstance.status == filters.status)
    if filters.business_key:
        key = filters.business_key
        query = query.where(ProcessInstance.business_key.startswith(key[:-1], autoescape=True)
                            if key.endswith("*") else ProcessInstance.business_key == key)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    instances = list(session.scalars(query.order_by(ProcessInstance.id.desc())
                                     .limit(per_page).offset((page - 1) * per_page)))
    ids = [instance.id for instance in instances]
    steps: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        holder = sa.orm.aliased(User)
        for instance_id, title, group, due_at, name in session.execute(
                sa.select(HumanTask.instance_id, HumanTask.title, HumanTask.candidate_group,
                          HumanTask.due_at, holder.display_name)
                .outerjoin(holder, holder.id == HumanTask.assignee_id)
                .where(HumanTask.instance_id.in_(ids),
                       HumanTask.status.in_(OPEN_TASK_STATUSES))
                .order_by(HumanTask.id)):
            steps[instance_id].append({"title": title, "group": group, "held_by": name,
                                       "due_at": due_at,
                                       "overdue": due_at is not None and due_at < now})
    starters = {row.id: row.display_name for row in session.execute(
        sa.select(User.id, User.display_name).where(
            User.id.in_({i.started_by for i in instances if i.started_by is not None})))}
    rows = [{"id": i.id, "process_id": i.process_id, "business_key": i.business_key,
             "status": i.status, "started_at": i.started_at, "ended_at": i.ended_at,
             "applicant": starters.get(i.started_by) if i.started_by else None,
             "occupation": (i.data or {}).get("occupation"),
             "level": _level((i.data or {}).get("level")),
             "open_steps": steps.get(i.id, [])} for i in instances]
    return rows, total
