"""Append-only, hash-chained history of everything that happens to an instance."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ProcessEvent, ProcessInstance
from workflows.core.errors import NotFound

GENESIS = "0" * 64


class EventKind(StrEnum):
    DEFINITION_DEPLOYED = "definition_deployed"
    INSTANCE_STARTED = "instance_started"
    TASK_READY = "task_ready"
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    TASK_COMPLETED = "task_completed"
    TASK_CANCELLED = "task_cancelled"
    DECISION_TAKEN = "decision_taken"
    GATEWAY_PASSED = "gateway_passed"
    INSTANCE_COMPLETED = "instance_completed"
    INSTANCE_FAILED = "instance_failed"
    # Timers, messages and background steps (every external input carries what replay needs:
    # the engine task spec name in ``task_name`` and the input itself in the payload).
    TIMER_FIRED = "timer_fired"
    TASK_ESCALATED = "task_escalated"
    MESSAGE_RECEIVED = "message_received"
    SERVICE_TASK_COMPLETED = "service_task_completed"
    SERVICE_TASK_FAILED = "service_task_failed"
    INCIDENT_RAISED = "incident_raised"
    INCIDENT_RETRIED = "incident_retried"
    # An administrator's control of an instance (workflows/instances/control.py).
    INSTANCE_SUSPENDED = "instance_suspended"
    INSTANCE_RESUMED = "instance_resumed"
    INSTANCE_TERMINATED = "instance_terminated"


def event_hash(*, instance_id: int | None, seq: int, kind: str, at: datetime,
               actor_id: int | None, task_name: str | None, payload: dict[str, Any],
               prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of an event and its predecessor's hash."""
    canonical = json.dumps({
        "instance_id": instance_id, "seq": seq, "kind": kind, "at": at.isoformat(),
        "actor_id": actor_id, "task_name": task_name, "payload": payload, "prev": prev_hash,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _event_values(kind: EventKind, *, instance_id: int | None, seq: int, prev: str,
                  actor_id: int | None, task_name: str | None,
                  payload: dict[str, Any] | None, at: datetime) -> dict[str, Any]:
    """An event's column values, its hash linking it to ``prev``."""
    payload = payload or {}
    digest = event_hash(instance_id=instance_id, seq=seq, kind=kind.value, at=at,
                        actor_id=actor_id, task_name=task_name, payload=payload, prev_hash=prev)
    return {"instance_id": instance_id, "seq": seq, "kind": kind.value, "at": at,
            "actor_id": actor_id, "task_name": task_name, "payload": payload,
            "prev_hash": prev, "hash": digest}


def next_event(kind: EventKind, *, instance: ProcessInstance, actor_id: int | None,
               at: datetime, task_name: str | None = None,
               payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """The instance's next event as column values, linked to the chain head (which moves).

    The caller inserts it in the same transaction; the instance row (locked) holds the head.
    """
    values = _event_values(kind, instance_id=instance.id, seq=instance.last_event_seq + 1,
                           prev=instance.last_event_hash or GENESIS, actor_id=actor_id,
                           task_name=task_name, payload=payload, at=at)
    instance.last_event_seq, instance.last_event_hash = values["seq"], values["hash"]
    return values


def append_unscoped_event(session: Session, kind: EventKind, *, actor_id: int | None,
                          at: datetime, task_name: str | None = None,
                          payload: dict[str, Any] | None = None) -> ProcessEvent:
    """Add an event of no instance (a definition deployed), chained on the newest such event."""
    last = session.execute(
        sa.select(ProcessEvent.seq, ProcessEvent.hash)
        .where(ProcessEvent.instance_id.is_(None))
        .order_by(ProcessEvent.id.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = ProcessEvent(**_event_values(kind, instance_id=None, seq=seq, prev=prev,
                                         actor_id=actor_id, task_name=task_name,
                                         payload=payload, at=at))
    session.add(event)
    return event


def list_events(session: Session, instance_id: int) -> list[ProcessEvent]:
    """An instance's history in order; NotFound if the instance does not exist."""
    if session.get(ProcessInstance, instance_id) is None:
        raise NotFound(f"instance {instance_id} does not exist")
    return list(session.scalars(
        sa.select(ProcessEvent).where(ProcessEvent.instance_id == instance_id)
        .order_by(ProcessEvent.seq)
    ))


def verify_instance_chain(events: list[ProcessEvent]) -> int | None:
    """Seq of the first event whose link or content does not verify, or None if intact."""
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        digest = event_hash(instance_id=event.instance_id, seq=event.seq, kind=event.kind,
                            at=event.at, actor_id=event.actor_id, task_name=event.task_name,
                            payload=event.payload, prev_hash=prev)
        if event.seq != expected_seq or event.prev_hash != prev or event.hash != digest:
            return event.seq
        prev = event.hash
    return None
