"""Read models for auditors: an instance's timeline, data diffs, instance search, activity.

Read-only: nothing here writes. Every function is for roles that see all instances (auditor,
admin); the API layer enforces the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (
    AuditAccessLog,
    HumanTask,
    Person,
    ProcessDefinition,
    ProcessEvent,
    ProcessInstance,
    User,
)
from workflows.audit.anchor import adoption_of
from workflows.audit.data_diff import json_diff
from workflows.audit.replay import replay_instance
from workflows.audit.replayer import Snapshot
from workflows.audit.verify import chain_problem
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotFound
from workflows.core.history import UNKEYED, EventKind
from workflows.core.runtime import RunContext
from workflows.definitions import spec_cache
from workflows.directory import scope
from workflows.engine import element_names


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items, "total": self.total, "page": self.page,
                "per_page": self.per_page}


def user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "username": user.username,
                                      "display_name": user.display_name}


def instance_summary(instance: ProcessInstance, users: dict[int, User],
                     version: int | None = None) -> dict[str, Any]:
    return {"id": instance.id, "process_id": instance.process_id,
            "definition_id": instance.definition_id, "definition_version": version,
            "business_key": instance.business_key, "status": instance.status,
            "started_by": user_ref(users.get(instance.started_by or 0)),
            "started_at": instance.started_at, "ended_at": instance.ended_at,
            "last_event_seq": instance.last_event_seq}


def timeline(session: Session, instance_id: int, *, key: bytes, actor: Actor) -> dict[str, Any]:
    """Every event in order with who did it, what task, what was submitted or decided; and
    whether the chain holds under the chain ``key``."""
    instance = case_of_centre(session, instance_id, actor)
    definition = session.get(ProcessDefinition, instance.definition_id)
    events = list(session.scalars(sa.select(ProcessEvent).where(
        ProcessEvent.instance_id == instance_id).order_by(ProcessEvent.seq)))
    users = _users(session, {e.actor_id for e in events} | {instance.started_by})
    row_titles = dict(session.execute(sa.select(HumanTask.id, HumanTask.title)
                                      .where(HumanTask.instance_id == instance_id)).all())
    titles = _element_titles(definition)
    adoption = (adoption_of(session) if any(e.hash_version == UNKEYED for e in events)
                else None)
    broken = chain_problem(events, key=key, unkeyed_until=adoption.unkeyed_until(instance_id)
                           if adoption else None)
    return {
        "instance": instance_summary(instance, users, definition.version if definition else None),
        "chain": {"intact": broken is None and bool(events)
                  and events[-1].hash == instance.last_event_hash,
                  "first_broken": None if broken is None else {"seq": broken[0],
                                                               "problem": broken[1]}},
        "events": [_entry(e, users, row_titles, titles) for e in events],
    }


def _entry(event: ProcessEvent, users: dict[int, User], row_titles: dict[int, str],
           titles: dict[str, str]) -> dict[str, Any]:
    payload = event.payload or {}
    task_id = payload.get("task_id")
    outcome: Any = None
    if event.kind == EventKind.DECISION_TAKEN:
        outcome = payload.get("outputs")
    elif event.kind == EventKind.GATEWAY_PASSED:
        outcome = {"taken": payload.get("taken")}
    elif event.kind == EventKind.INSTANCE_COMPLETED:
        outcome = {"outcome": payload.get("outcome")}
    elif event.kind == EventKind.INSTANCE_FAILED:
        outcome = payload.get("error")
    title = row_titles.get(task_id) if isinstance(task_id, int) else None
    return {
        "seq": event.seq, "at": event.at, "kind": event.kind,
        "actor": user_ref(users.get(event.actor_id or 0)),
        "task_name": event.task_name,
        "task_title": title or (titles.get(event.task_name) if event.task_name else None),
        "task_id": task_id, "data": payload.get("data"), "outcome": outcome,
        "payload": payload, "hash": event.hash,
    }


def data_diff(session: Session, instance_id: int, from_seq: int, to_seq: int, *,
              context: RunContext | None = None) -> dict[str, Any]:
    """How the process data changed between two points, each rebuilt by replay."""
    if from_seq > to_seq:
        raise InvalidInput("'from' must not be after 'to'")
    result = replay_instance(session, instance_id, upto=to_seq, snapshots_at=(from_seq, to_seq),
                             context=context)
    before, after = result.snapshots[from_seq], result.snapshots[to_seq]
    return {"instance_id": instance_id, "from": _point(before), "to": _point(after),
            "changes": json_diff(before.data, after.data),
            "findings": result.snapshot.findings}


def _point(snapshot: Snapshot) -> dict[str, Any]:
    return {"seq": snapshot.seq, "status": snapshot.status,
            "open_tasks": [t.task_name for t in snapshot.open_tasks]}


def search_instances(session: Session, *, actor: Actor, business_key: str | None = None,
                     applicant: str | None = None, process_id: str | None = None,
                     status: str | None = None, started_from: datetime | None = None,
                     started_to: datetime | None = None, page: int = 1,
                     per_page: int = 50) -> Page:
    """All instances of the actor's centre by business key (``ABC*`` for a prefix),
    applicant, process, time."""
    query = sa.select(ProcessInstance).where(scope.in_centre(ProcessInstance.tenant_id, actor))
    if business_key:
        query = query.where(
            ProcessInstance.business_key.startswith(business_key[:-1], autoescape=True)
            if business_key.endswith("*") else ProcessInstance.business_key == business_key)
    if applicant:
        query = query.where(ProcessInstance.started_by.in_(_matching_users(applicant)))
    if process_id:
        query = query.where(ProcessInstance.process_id == process_id)
    if status:
        query = query.where(ProcessInstance.status == status)
    if started_from:
        query = query.where(ProcessInstance.started_at >= started_from)
    if started_to:
        query = query.where(ProcessInstance.started_at < started_to)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(ProcessInstance.started_at.desc(),
                                               ProcessInstance.id.desc())
                                .limit(per_page).offset((page - 1) * per_page)))
    users = _users(session, {r.started_by for r in rows})
    versions = dict(session.execute(sa.select(ProcessDefinition.id, ProcessDefinition.version)
                                    .where(ProcessDefinition.id.in_({r.definition_id
                                                                     for r in rows}))).all())
    items = [instance_summary(r, users, versions.get(r.definition_id)) for r in rows]
    return Page(items, total, page, per_page)


def _matching_users(applicant: str) -> sa.Select[Any]:
    """An applicant given as user id, user name or display name."""
    condition = sa.or_(User.username == applicant, User.display_name == applicant)
    if applicant.isascii() and applicant.isdigit() and int(applicant) < 2**31:
        condition = sa.or_(condition, User.id == int(applicant))
    return sa.select(User.id).where(condition)


def user_activity(session: Session, user_id: int, *, actor: Actor,
                  since: datetime | None = None,
                  until: datetime | None = None, page: int = 1, per_page: int = 50
                  ) -> dict[str, Any]:
    """What one person did, newest first: each event they caused, on which instance."""
    user = session.get(User, user_id)
    if user is None or session.scalar(users_of_centre(actor).where(User.id == user_id)) is None:
        raise NotFound(f"user {user_id} does not exist")
    query = sa.select(ProcessEvent).where(ProcessEvent.actor_id == user_id,
                                          scope.case_in_centre(ProcessEvent.instance_id, actor))
    if since:
        query = query.where(ProcessEvent.at >= since)
    if until:
        query = query.where(ProcessEvent.at < until)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    events = list(session.scalars(query.order_by(ProcessEvent.id.desc())
                                  .limit(per_page).offset((page - 1) * per_page)))
    instances = {i.id: i for i in session.scalars(sa.select(ProcessInstance).where(
        ProcessInstance.id.in_({e.instance_id for e in events if e.instance_id})))}
    titles = dict(session.execute(sa.select(HumanTask.id, HumanTask.title).where(
        HumanTask.id.in_({e.payload.get("task_id") for e in events
                          if isinstance((e.payload or {}).get("task_id"), int)}))).all())
    items = []
    for event in events:
        instance = instances.get(event.instance_id or 0)
        task_id = (event.payload or {}).get("task_id")
        items.append({
            "at": event.at, "kind": event.kind, "instance_id": event.instance_id,
            "seq": event.seq, "business_key": instance.business_key if instance else None,
            "process_id": instance.process_id if instance else None,
            "task_name": event.task_name,
            "task_title": titles.get(task_id) if isinstance(task_id, int) else None,
            "data": (event.payload or {}).get("data"),
        })
    return {"user": {**(user_ref(user) or {}), "role": user.role},
            **Page(items, total, page, per_page).to_dict()}


def access_log(session: Session, *, actor: Actor, actor_id: int | None = None,
               instance_id: int | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Who read what: the record of auditors' reads of personal data, newest first."""
    query = sa.select(AuditAccessLog).where(AuditAccessLog.actor_id.in_(users_of_centre(actor)))
    if actor_id is not None:
        query = query.where(AuditAccessLog.actor_id == actor_id)
    if instance_id is not None:
        query = query.where(AuditAccessLog.instance_id == instance_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(AuditAccessLog.id.desc())
                                .limit(per_page).offset((page - 1) * per_page)))
    users = _users(session, {r.actor_id for r in rows})
    items = [{"id": r.id, "at": r.at, "actor": user_ref(users.get(r.actor_id)),
              "role": r.role, "action": r.action, "resource": r.resource,
              "instance_id": r.instance_id, "detail": r.detail} for r in rows]
    return Page(items, total, page, per_page)


def case_of_centre(session: Session, instance_id: int, actor: Actor) -> ProcessInstance:
    """A case of the actor's centre; another centre's is as absent (404)."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not scope.same_centre(actor, instance.tenant_id):
        raise NotFound(f"instance {instance_id} does not exist")
    return instance


def users_of_centre(actor: Actor) -> sa.Select[Any]:
    """SQL: the accounts of the actor's centre (accounts outside the directory: of none)."""
    return (sa.select(User.id).outerjoin(Person, Person.id == User.person_id)
            .where(scope.in_centre(Person.tenant_id, actor)))


def _users(session: Session, ids: set[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(wanted)))}


def _element_titles(definition: ProcessDefinition | None) -> dict[str, str]:
    """Task spec name -> title: the deploy-time task titles, else the diagram's names."""
    if definition is None:
        return {}
    titles = element_names(*_specs(definition))
    titles.update({name: meta["title"] for name, meta in (definition.task_meta or {}).items()
                   if meta.get("title")})
    return titles


def _specs(definition: ProcessDefinition) -> tuple[Any, dict[str, Any]]:
    cached = spec_cache.get(definition)
    return cached.spec, cached.subprocess_specs
