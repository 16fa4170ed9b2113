"""The task inbox: one indexed query per source (each group, my claims), merged.

An ``OR`` over group and assignee defeats the indexes; a ``UNION ALL`` of index-ordered scans
stays fast with a million open tasks, so each source is its own ordered, limited SELECT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask
from workflows import clock
from workflows.actors import Actor
from workflows.errors import InvalidInput, Problem

COUNT_CAP = 10_000


@dataclass(frozen=True)
class InboxFilter:
    process_id: str | None = None
    group: str | None = None
    status: str | None = None  # "ready" (unclaimed, my groups) or "claimed" (by me)
    business_key: str | None = None
    overdue: bool | None = None
    sort: str = "id"  # "id" (oldest first) or "due" (earliest due first)


@dataclass(frozen=True)
class InboxPage:
    tasks: list[HumanTask]
    total: int
    total_is_exact: bool
    page: int
    per_page: int


def list_inbox(session: Session, actor: Actor, filters: InboxFilter, *, page: int = 1,
               per_page: int = 50) -> InboxPage:
    """Tasks the actor can act on: unclaimed in their groups, or claimed by them."""
    if filters.group is not None and filters.group not in actor.groups:
        raise InvalidInput("you can only filter by one of your own groups", problems=[
            Problem(f"not a member of group '{filters.group}'", pointer="/group")])
    sources = _sources(actor, filters)
    if not sources:
        return InboxPage([], 0, True, page, per_page)
    limit = page * per_page
    order = _order(filters.sort)
    branches = [q.order_by(*order).limit(limit) for q in sources]
    union = sa.union_all(*[sa.select(b.subquery()) for b in branches]).subquery()
    ids_query = sa.select(union.c.id).order_by(*_order(filters.sort, union.c))
    ids = list(session.scalars(ids_query.limit(per_page).offset((page - 1) * per_page)))
    rows = {t.id: t for t in session.scalars(sa.select(HumanTask).where(HumanTask.id.in_(ids)))}
    total, exact = _count(session, sources)
    return InboxPage([rows[i] for i in ids], total, exact, page, per_page)


def _sources(actor: Actor, filters: InboxFilter) -> list[sa.Select]:
    sources: list[sa.Select] = []
    base = sa.select(HumanTask.id, HumanTask.due_at)
    if filters.status in (None, "ready") and actor.role != "applicant":
        groups = [filters.group] if filters.group else sorted(actor.groups)
        for group in groups:
            sources.append(base.where(HumanTask.candidate_group == group,
                                      HumanTask.status == "ready"))
    if filters.status in (None, "claimed"):
        mine = base.where(HumanTask.assignee_id == actor.id, HumanTask.status == "claimed")
        if filters.group:
            mine = mine.where(HumanTask.candidate_group == filters.group)
        sources.append(mine)
    return [_apply_filters(q, filters, clock.utcnow()) for q in sources]


def _apply_filters(query: sa.Select, filters: InboxFilter, now: datetime) -> sa.Select:
    if filters.process_id:
        query = query.where(HumanTask.process_id == filters.process_id)
    if filters.business_key:
        query = query.where(HumanTask.business_key == filters.business_key)
    if filters.overdue is True:
        query = query.where(HumanTask.due_at < now)
    elif filters.overdue is False:
        query = query.where(sa.or_(HumanTask.due_at.is_(None), HumanTask.due_at >= now))
    return query


def _order(sort: str, columns: object = None) -> list[sa.ColumnElement[object]]:
    cols = columns if columns is not None else HumanTask.__table__.c
    if sort == "due":
        return [cols.due_at.is_(None), cols.due_at, cols.id]  # type: ignore[attr-defined]
    return [cols.id]  # type: ignore[attr-defined]


def _count(session: Session, sources: list[sa.Select]) -> tuple[int, bool]:
    """Exact up to COUNT_CAP; beyond that the inbox says "10000+" instead of scanning."""
    capped = [q.limit(COUNT_CAP + 1) for q in sources]
    union = sa.union_all(*[sa.select(c.subquery()) for c in capped]).subquery()
    total = session.scalar(sa.select(sa.func.count()).select_from(union)) or 0
    return (min(total, COUNT_CAP), total <= COUNT_CAP)
