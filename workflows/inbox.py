"""The task inbox: one indexed query per source (each group, my claims), merged.

An ``OR`` over group and assignee defeats the indexes; a ``UNION ALL`` of index-ordered scans
stays fast with a million open tasks, so each source is its own ordered, limited SELECT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask
from workflows import clock
from workflows.actors import Actor
from workflows.errors import InvalidInput, Problem

# Beyond this an inbox shows "1000+": a larger cap makes every first page slower.
COUNT_CAP = 1_000


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
    tasks: list[sa.Row[Any]]  # read-only rows with HumanTask's column names as attributes
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
    # Each source is an index-ordered, limited scan of ids (index-only); the page of ids is cut
    # from their union and joined to its rows, and the capped total rides along as an
    # uncorrelated scalar subquery: one statement, one round trip.
    branches = [sa.select(HumanTask.id, HumanTask.due_at).where(*criteria).order_by(*order)
                .limit(limit).subquery() for criteria in sources]
    union = sa.union_all(*[sa.select(branch) for branch in branches]).subquery()
    page_ids = (sa.select(union.c.id, union.c.due_at)
                .order_by(*_order(filters.sort, union.c))
                .limit(per_page).offset((page - 1) * per_page).subquery())
    # Plain rows, not ORM objects: the page is only read and dumped, and building 50 tracked
    # objects cost more CPU than the whole statement.
    table = HumanTask.__table__
    query = (sa.select(*table.c, _capped_count(sources).label("capped_total"))
             .join(page_ids, table.c.id == page_ids.c.id)
             .order_by(*_order(filters.sort, page_ids.c)))
    found = session.execute(query).all()
    if found:
        total = int(found[0].capped_total)
    elif page == 1:
        total = 0
    else:  # past the end: the page is empty, so the total is asked for alone
        total = int(session.scalar(sa.select(_capped_count(sources))) or 0)
    return InboxPage(found, min(total, COUNT_CAP), total <= COUNT_CAP, page, per_page)


def _sources(actor: Actor, filters: InboxFilter) -> list[list[sa.ColumnElement[bool]]]:
    """The WHERE criteria of each source (one per group, plus "claimed by me")."""
    sources: list[list[sa.ColumnElement[bool]]] = []
    if filters.status in (None, "ready") and actor.role != "applicant":
        groups = [filters.group] if filters.group else sorted(actor.groups)
        for group in groups:
            sources.append([HumanTask.candidate_group == group, HumanTask.status == "ready"])
    if filters.status in (None, "claimed"):
        mine = [HumanTask.assignee_id == actor.id, HumanTask.status == "claimed"]
        if filters.group:
            mine.append(HumanTask.candidate_group == filters.group)
        sources.append(mine)
    now = clock.utcnow()
    return [criteria + _filters(filters, now) for criteria in sources]


def _filters(filters: InboxFilter, now: datetime) -> list[sa.ColumnElement[bool]]:
    criteria: list[sa.ColumnElement[bool]] = []
    if filters.process_id:
        criteria.append(HumanTask.process_id == filters.process_id)
    if filters.business_key:
        criteria.append(HumanTask.business_key == filters.business_key)
    if filters.overdue is True:
        criteria.append(HumanTask.due_at < now)
    elif filters.overdue is False:
        criteria.append(sa.or_(HumanTask.due_at.is_(None), HumanTask.due_at >= now))
    return criteria


def _order(sort: str, columns: object = None) -> list[sa.ColumnElement[object]]:
    cols = columns if columns is not None else HumanTask.__table__.c
    if sort == "due":
        return [cols.due_at.is_(None), cols.due_at, cols.id]  # type: ignore[attr-defined]
    return [cols.id]  # type: ignore[attr-defined]


def _capped_count(sources: list[list[sa.ColumnElement[bool]]]) -> sa.ScalarSelect[int]:
    """Exact up to COUNT_CAP; beyond that the inbox says "1000+" instead of counting on.

    Each source walks at most COUNT_CAP + 1 entries of its index (ids only), so the cost is
    bounded however many tasks are open (10^6 in the benchmark).
    """
    capped = [sa.select(HumanTask.id).where(*criteria).limit(COUNT_CAP + 1).subquery()
              for criteria in sources]
    union = sa.union_all(*[sa.select(branch) for branch in capped]).subquery()
    return sa.select(sa.func.count()).select_from(union).scalar_subquery()
