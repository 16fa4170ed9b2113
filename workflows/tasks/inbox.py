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

# The statement names the table briefly: the driver reuses its parsing of a statement only
# while the text stays short (4 KiB), and the text grows with every source.
_T = HumanTask.__table__.alias("t")
# The two open statuses written into the text (constants, not bind parameters): shorter.
_READY = sa.literal_column(f"'{TaskStatus.READY.value}'", sa.String)
_CLAIMED = sa.literal_column(f"'{TaskStatus.CLAIMED.value}'", sa.String)
# What a page row carries: what the list shows (api.schemas.tasks.TaskListItemSchema) and what
# the task summaries look up (definition_id). Only open tasks are listed: their completion
# columns are always empty, so they come as NULL instead of being read from every source.
_PAGE_COLUMNS = ("id", "instance_id", "task_name", "title", "process_id", "business_key",
                 "candidate_group", "assignee_id", "status", "definition_id", "form_ref", "due_at",
                 "created_at", "claimed_at")
_NEVER_SET = ("completed_at", "completed_by")


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
    tasks: Sequence[sa.Row[Any]]  # read-only rows with the list's columns as attributes
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
    # Plain rows through the connection, not ORM objects: the page is only read and dumped.
    connection = session.connection()
    shape = _Shape(groups=len(groups), mine=mine, group_filter=filters.group is not None,
                   process=bool(filters.process_id), business_key=_key_match(filters.business_key),
                   overdue=filters.overdue, sort=filters.sort, positions=len(positions),
                   outside_directory=actor.tenant_id is None,
                   nested_limits=connection.dialect.name != "sqlite")
    params: dict[str, Any] = {f"group_{i}": group for i, group in enumerate(groups)}
    for i, (role, unit_id) in enumerate(positions):
        params[f"role_{i}"], params[f"unit_{i}"] = role, unit_id
    params.update(actor_id=actor.id, tenant_id=actor.tenant_id, group=filters.group,
                  process_id=filters.process_id,
                  business_key=filters.business_key, now=now,
                  business_key_like=_like_prefix(filters.business_key),
                  limit=page * per_page, per_page=per_page, offset=(page - 1) * per_page,
                  cap=COUNT_CAP + 1)
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
    nested_limits: bool = True  # the database takes "(SELECT ... LIMIT n) UNION ALL (...)"


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
    centre = (_T.c.tenant_id.is_(None) if shape.outside_directory
              else _T.c.tenant_id == sa.bindparam("tenant_id"))
    sources: list[list[sa.ColumnElement[bool]]] = [
        [centre, _T.c.address_unit_id.is_(None),
         _T.c.candidate_group == sa.bindparam(f"group_{i}"),
         _T.c.status == _READY]
        for i in range(shape.groups)]
    sources += [
        [_T.c.address_unit_id == sa.bindparam(f"unit_{i}"),
         _T.c.candidate_group == sa.bindparam(f"role_{i}"),
         _T.c.status == _READY]
        for i in range(shape.positions)]
    if shape.mine:
        mine = [_T.c.assignee_id == sa.bindparam("actor_id"),
                _T.c.status == _CLAIMED]
        if shape.group_filter:
            mine.append(_T.c.candidate_group == sa.bindparam("group"))
        sources.append(mine)
    return [criteria + _filters(shape) for criteria in sources]


def _filters(shape: _Shape) -> list[sa.ColumnElement[bool]]:
    criteria: list[sa.ColumnElement[bool]] = []
    if shape.process:
        criteria.append(_T.c.process_id == sa.bindparam("process_id"))
    if shape.business_key == "prefix":  # "NC-RZ*": every key that starts with NC-RZ
        criteria.append(_T.c.business_key.like(sa.bindparam("business_key_like"),
                                                    escape="/"))
    elif shape.business_key == "exact":
        criteria.append(_T.c.business_key == sa.bindparam("business_key"))
    now = sa.bindparam("now", type_=_T.c.due_at.type)
    if shape.overdue is True:
        criteria.append(_T.c.due_at < now)
    elif shape.overdue is False:
        criteria.append(sa.or_(_T.c.due_at.is_(None), _T.c.due_at >= now))
    return criteria


@functools.lru_cache(maxsize=256)
def _page_statement(shape: _Shape) -> sa.Select[Any]:
    """The page and its capped total in one statement, built once per shape.

    Each source is an index-ordered, limited scan that reads the page's columns itself: the
    database merges the sources in index order and stops once the page is full, so no more
    rows are read than it shows (plus one per source), and no join back to the table is
    planned. The capped total rides along as an uncorrelated scalar subquery: one round trip.
    Building the statement cost more CPU than running it, so it is built once and only its
    parameters change.
    """
    order = _order(shape.sort)
    limit = sa.bindparam("limit", type_=sa.Integer)
    columns = [_T.c[name] for name in _PAGE_COLUMNS]
    branches = [sa.select(*columns).where(*criteria).order_by(*order).limit(limit)
                for criteria in _sources(shape)]
    page = _union(shape, branches).subquery("p")
    return (sa.select(*[page.c[name] for name in _PAGE_COLUMNS],
                      *[sa.null().label(name) for name in _NEVER_SET],
                      _capped_count(shape).label("capped_total"))
            .order_by(*_order(shape.sort, page.c))
            .limit(sa.bindparam("per_page", type_=sa.Integer))
            .offset(sa.bindparam("offset", type_=sa.Integer)))


def _union(shape: _Shape, branches: list[sa.Select[Any]]) -> sa.CompoundSelect[Any]:
    """``UNION ALL`` of ordered, limited SELECTs: parenthesised where the database accepts
    that (PostgreSQL plans fewer nodes), each wrapped in a subquery where it does not
    (SQLite)."""
    if shape.nested_limits:
        return sa.union_all(*branches)
    return sa.union_all(*[sa.select(branch.subquery()) for branch in branches])


def _order(sort: str, columns: object = None) -> list[sa.ColumnElement[object]]:
    cols = columns if columns is not None else _T.c
    if sort == "due":
        return [cols.due_at.is_(None), cols.due_at, cols.id]  # type: ignore[attr-defined]
    return [cols.id]  # type: ignore[attr-defined]


def _capped_count(shape: _Shape) -> sa.ScalarSelect[int]:
    """Exact up to COUNT_CAP; beyond that the inbox says "1000+" instead of counting on.

    The sources hold disjoint tasks, so their union is counted without removing duplicates,
    and it stops at COUNT_CAP + 1 entries in all (ids only, read from the indexes), not per
    source: the count reads as many index entries with four sources as with one, however
    many tasks are open (10^6 in the benchmark).
    """
    cap = sa.bindparam("cap", type_=sa.Integer)
    capped = [sa.select(_T.c.id).where(*criteria).limit(cap) for criteria in _sources(shape)]
    union = (capped[0] if len(capped) == 1 else _union(shape, capped).limit(cap)).subquery()
    return sa.select(sa.func.count()).select_from(union).scalar_subquery()
