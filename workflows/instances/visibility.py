"""What the applicant may read of their own case: the fields the diagram declares.

A diagram declares on its start event which data fields the person who started the case may
read, and which only once a flag is set (``applicantReads``, ``applicantReadsWhen``;
``workflows/engine/reader_fields.py``): the certification case shows its candidate no score,
examiner note or review comment before ``results_published``. Everyone else who may see the
case (staff who work on it, administrators, auditors) reads it whole. The API applies this
wherever it hands out case data: the case itself, its history, the answers of the steps the
applicant takes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from models import ProcessInstance
from workflows.core.actors import Actor
from workflows.definitions import spec_cache

START_KEY = "__start__"
# History payload keys that carry free text of staff, never process data the diagram names.
_STAFF_TEXT = ("comment", "opinion", "note", "reason")
_STAFF_EVENTS = frozenset({"opinion_requested", "opinion_given", "case_commented"})


def reads_restricted(instance: ProcessInstance, actor: Actor) -> bool:
    """The actor reads this case as its applicant (not as administrator or auditor)."""
    return (instance.started_by == actor.id and not actor.is_admin
            and not actor.is_auditor)


def readable_fields(session: Session, instance: ProcessInstance) -> set[str] | None:
    """The data fields the applicant may read now; None when the diagram declares none."""
    meta = spec_cache.get_by_id(session, instance.definition_id).task_meta
    reads = (meta.get(START_KEY) or {}).get("applicant_reads")
    if not reads:
        return None
    data = instance.data or {}
    fields = set(reads.get("always", []))
    for flag, names in (reads.get("when") or {}).items():
        if data.get(flag) is True:
            fields.update(names)
    return fields


def _keep(value: Any, fields: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k in fields}
    return value


def readable_data(session: Session, instance: ProcessInstance, actor: Actor) -> dict[str, Any]:
    """The case data as this actor may read it."""
    data: dict[str, Any] = dict(instance.data or {})
    if not reads_restricted(instance, actor):
        return data
    fields = readable_fields(session, instance)
    return data if fields is None else _keep(data, fields)


def readable_payload(session: Session, instance: ProcessInstance, actor: Actor, kind: str,
                     payload: dict[str, Any] | None, *, fields: set[str] | None = None,
                     known: bool = False) -> dict[str, Any] | None:
    """One history event's payload as this actor may read it: the data it carries (a step's
    answers, a message, a decision, a service result) reduced to the readable fields; staff's
    internal remarks (加签 opinions, comments) dropped."""
    if payload is None or not reads_restricted(instance, actor):
        return payload
    if not known:
        fields = readable_fields(session, instance)
    if fields is None:
        return payload
    kept: dict[str, Any] = {}
    for key, value in payload.items():
        if kind in _STAFF_EVENTS and key in _STAFF_TEXT:
            continue
        kept[key] = _keep(value, fields) if key not in ("error", "attachments") else value
    if isinstance(kept.get("attachments"), list):
        # A file is listed only when a field the applicant may read cites it (staff's files,
        # an incident's evidence, stay with staff).
        cited = _strings({k: v for k, v in kept.items() if k != "attachments"}, set())
        kept["attachments"] = [item for item in kept["attachments"]
                               if not isinstance(item, dict) or item.get("id") in cited]
        if not kept["attachments"]:
            del kept["attachments"]
    return kept


def _strings(value: Any, found: set[str]) -> set[str]:
    """Every string inside ``value`` (attachment fields hold public ids, alone or in lists)."""
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings(item, found)
    return found


def cited_ids(session: Session, instance: ProcessInstance, actor: Actor) -> set[str] | None:
    """The attachment ids the applicant may read of their case (those cited by a field they
    may read); None when the actor reads the case whole."""
    if not reads_restricted(instance, actor) or readable_fields(session, instance) is None:
        return None
    return _strings(readable_data(session, instance, actor), set())
