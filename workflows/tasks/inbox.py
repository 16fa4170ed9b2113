"""The task inbox: one indexed query per source (each group, my claims), merged.

An ``OR`` over group and assignee defeats the indexes; a ``UNION ALL`` of index-ordered scans
stays fast with a million open tasks, so each source is its own ordered, limited SELECT.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask
from models.statuses import TaskStatus
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, Problem
from workflows.directory import acting

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
    tasks: Sequence[sa.Row[Any]]  # read-only rows with HumanTask's column names as attributes
    total: int
    total_is_exact: bool
    page: int
    per_page: int


def list_inbox(session: Session, actor: Actor, filters: InboxFilter, *, now: datetime,
               page: int = 1, per_page: int = 50) -> InboxPage:
    """Tasks the actor can act on: unclaimed in their groups, or claimed by them (``now``
    decides which are overdue)."""
    if filters.group is not None and filters.group not in actor.groups and not any(
            role == filters.group for role, _ in _positions(session, actor, now)):
        raise InvalidInput("只能按本人所在的小组筛选", detail_en="you can only filter by one of "
                           "your own groups", problems=[
            Problem(f"您不是小组 {filters.group} 的成员", pointer="/group",
                    english=f"not a member of group '{filters.group}'")])
    groups = _ready_groups(actor, filters)
    positions = _ready_positions(session, actor, filters, now)
    mine = filters.status in (None, TaskStatus.CLAIMED)
    if not groups and not positions and not mine:
        return InboxPage([], 0, True, page, per_page)
    shape = _Shape(groups=len(groups), mine=mine, group_filter=filters.group is not None,
                   process=bool(filters.process_id), business_key=_key_match(filters.business_key),
                   overdue=filters.overdue, sort=filters.sort, positions=len(positions),
                   outside_directory=actor.tenant_id is None)
    params: dict[str, Any] = {f"group_{i}": group for i, group in enumerate(groups)}
    for i, (role, unit_id) in enumerate(positions):
        params[f"role_{i}"], params[f"unit_{i}"] = role, unit_id
    params.update(actor_id=actor.id, tenant_id=actor.tenant_id, group=filters.group,
                  process_id=filters.process_id,
                  business_key=filters.business_key, now=now,
                  business_key_like=_like_prefix(filters.business_key),
                  limit=page * per_page, per_page=per_page, offset=(page - 1) * per_page,
                  cap=COUNT_CAP + 1)
    # Plain rows through the connection, not ORM objects: the page is only read and dumped.
    connection = session.connection()
    found = connection.execute(_page_statement(shape), params).all()
    if found:
        total = int(found[0].capped_total)
    elif page == 1:
        total = 0
    else:  # past the end: the page is empty, so the total is asked for alone
        total = int(connection.execute(sa.select(_capped_count(shape)), params).scalar() or 0)
    return InboxPage(found, min(total, COUNT_CAP), total <= COUNT_CAP, page, per_page)


@dataclass(frozen=True)
class _Shape:
    """What decides the statement's SQL text; the values go in as bind parameters."""

    groups: int  # how many "unclaimed in group" sources
    mine: bool  # whether "claimed by me" is a source
    group_filter: bool
    process: bool
    business_key: str | None  # "exact", "prefix" (a key ending in *) or None
    overdue: bool | None
    sort: str
    positions: int = 0  # how many "unclaimed, addressed to a role I hold at a unit" sources
    outside_directory: bool = False  # an account without a centre reads tasks without one


def _key_match(business_key: str | None) -> str | None:
    if not business_key:
        return None
    return "prefix" if business_key.endswith("*") else "exact"


def _like_prefix(business_key: str | None) -> str | None:
    """``NC-RZ*`` as a LIKE pattern (``NC-RZ%``), its own ``%``, ``_`` and ``/`` escaped."""
    if not business_key or not business_key.endswith("*"):
        return None
    escaped = business_key[:-1].replace("/", "//").replace("%", "/%").replace("_", "/_")
    return escaped + "%"


def _ready_groups(actor: Actor, filters: InboxFilter) -> list[str]:
    if filters.status not in (None, TaskStatus.READY) or actor.role == "applicant":
        return []
    return [filters.group] if filters.group else sorted(actor.groups)


def _positions(session: Session, actor: Actor, now: datetime) -> list[tuple[str, int]]:
    return acting.acting_positions(session, actor, today=acting.today_at(now))


def _ready_positions(session: Session, actor: Actor, filters: InboxFilter,
                     now: datetime) -> list[tuple[str, int]]:
    """The positions whose addressed, unclaimed tasks the actor is offered."""
    if filters.status not in (None, TaskStatus.READY) or actor.person_id is None:
        return []
    return [(role, unit) for role, unit in _positions(session, actor, now)
            if filters.group is None or role == filters.group]


def _sources(shape: _Shape) -> list[list[sa.ColumnElement[bool]]]:
    """The WHERE criteria of each source (one per group, one per position held, plus
    "claimed by me"). A group's source holds only tasks offered to the group as a whole (no
    unit) of the reader's centre: a task addressed by relation reaches the holders of its role
    at its unit only (a unit is of one centre)."""
    centre = (HumanTask.tenant_id.is_(None) if shape.outside_directory
              else HumanTask.tenant_id == sa.bindparam("tenant_id"))
    sources: list[list[sa.ColumnElement[bool]]] = [
        [centre, HumanTask.address_unit_id.is_(None),
         HumanTask.candidate_group == sa.bindparam(f"group_{i}"),
         HumanTask.status == TaskStatus.READY]
        for i in range(shape.groups)]
    sources += [
        [HumanTask.address_unit_id == sa.bindparam(f"unit_{i}"),
         HumanTask.candidate_group == sa.bindparam(f"role_{i}"),
         HumanTask.status == TaskStatus.READY]
        for i in range(shape.positions)]
    if shape.mine:
        mine = [HumanTask.assignee_id == sa.bindparam("actor_id"),
                HumanTask.status == TaskStatus.CLAIMED]
        if shape.group_filter:
            mine.append(HumanTask.candidate_group == sa.bindparam("group"))
        sources.append(mine)
    return [criteria + _filters(shape) for criteria in sources]


def _filters(shape: _Shape) -> list[sa.ColumnElement[bool]]:
    criteria: list[sa.ColumnElement[bool]] = []
    if shape.process:
        criteria.append(HumanTask.process_id == sa.bindparam("process_id"))
    if shape.business_key == "prefix":  # "NC-RZ*": every key that starts with NC-RZ
        criteria.append(HumanTask.business_key.like(sa.bindparam("business_key_like"),
                                                    escape="/"))
    elif shape.business_key == "exact":
        criteria.append(HumanTask.business_key == sa.bindparam("business_key"))
    now = sa.bindparam("now", type_=HumanTask.__table__.c.due_at.type)
    if shape.overdue is True:
        criteria.append(HumanTask.due_at < now)
    elif shape.overdue is False:
        criteria.append(sa.or_(HumanTask.due_at.is_(None), HumanTask.due_at >= now))
    return criteria


@functools.lru_cache(maxsize=256)
def _page_statement(shape: _Shape) -> sa.Select[Any]:
    """The page and its capped total in one statement, built once per shape.

    Each source is an index-ordered, limited scan of ids (index-only); the page of ids is cut
    from their union and joined to its rows, and the capped total rides along as an
    uncorrelated scalar subquery: one round trip. Building the statement cost more CPU than
    running it, so it is built once and only its parameters change.
    """
    sources = _sources(shape)
    order = _order(shape.sort)
    branches = [sa.select(HumanTask.id, HumanTask.due_at).where(*criteria).order_by(*order)
                .limit(sa.bindparam("limit", type_=sa.Integer)).subquery()
                for criteria in sources]
    union = sa.union_all(*[sa.select(branch) for branch in branches]).subquery()
    page_ids = (sa.select(union.c.id, union.c.due_at)
                .order_by(*_order(shape.sort, union.c))
                .limit(sa.bindparam("per_page", type_=sa.Integer))
                .offset(sa.bindparam("offset", type_=sa.Integer)).subquery())
    table = HumanTask.__table__
    return (sa.select(*table.c, _capped_count(shape).label("capped_total"))
            .join(page_ids, table.c.id == page_ids.c.id)
            .order_by(*_order(shape.sort, page_ids.c)))


def _order(sort: str, columns: object = None) -> list[sa.ColumnElement[object]]:
    cols = columns if columns is not None else HumanTask.__table__.c
    if sort == "due":
        return [cols.due_at.is_(None), cols.due_at, cols.id]  # type: ignore[attr-defined]
    return [cols.id]  # type: ignore[attr-defined]


def _capped_count(shape: _Shape) -> sa.ScalarSelect[int]:
    """Exact up to COUNT_CAP; beyond that the inbox says "1000+" instead of counting on.

    Each source walks at most COUNT_CAP + 1 entries of its index (ids only), so the cost is
    bounded however many tasks are open (10^6 in the benchmark).
    """
    capped = [sa.select(HumanTask.id).where(*criteria)
              .limit(sa.bindparam("cap", type_=sa.Integer)).subquery()
              for criteria in _sources(shape)]
    union = sa.union_all(*[sa.select(branch) for branch in capped]).subquery()
    return sa.select(sa.func.count()).select_from(union).scalar_subquery()
