"""Append-only, hash-chained history of everything that happens to an instance.

Each event's hash covers its content and its predecessor's hash. Since chains are keyed
(``KEYED``, the version every new event is written with) that hash is an HMAC-SHA256 under the
chain key, derived from the audit signing key, which the database does not hold: someone who
can write to the database but lacks the key cannot append an event that verifies. Events
written before (``UNKEYED``) keep their plain SHA-256; ``docs/audit.md`` says which of them the
audit verification still accepts.
"""

from __future__ import annotations

import hashlib
import hmac
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
    TIMER_BROUGHT_FORWARD = "timer_brought_forward"  # demo only: an administrator fired it early
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
    # The approval actions (workflows/tasks/approval_actions/): 转交, 退回, 加签, 撤回, 催办, 抄送,
    # comments. 退回 and 撤回 are inputs to the engine; the others are observed.
    TASK_TRANSFERRED = "task_transferred"
    TASK_SENT_BACK = "task_sent_back"
    OPINION_REQUESTED = "opinion_requested"
    OPINION_GIVEN = "opinion_given"
    INSTANCE_WITHDRAWN = "instance_withdrawn"
    INSTANCE_REMINDED = "instance_reminded"
    INSTANCE_COPIED = "instance_copied"
    CASE_COMMENTED = "case_commented"
    # The directory (workflows/directory): nobody held the role a task asked for, so the unit's
    # administrators got it; a position changed hands and the open tasks went with it.
    TASK_ADDRESS_FALLBACK = "task_address_fallback"
    TASK_HANDED_OVER = "task_handed_over"


UNKEYED = 1  # plain SHA-256, the rule before chains were keyed
KEYED = 2  # HMAC-SHA256 under the chain key


def chain_key(audit_signing_key: str) -> bytes:
    """The key of event hashes: derived from the audit signing key, so one secret kept outside
    the database serves anchors, exports and chains, and each use has its own key."""
    return hmac.digest(audit_signing_key.encode(), b"certflow event chain", "sha256")


def event_hash(*, instance_id: int | None, seq: int, kind: str, at: datetime,
               actor_id: int | None, task_name: str | None, payload: dict[str, Any],
               prev_hash: str, key: bytes | None) -> str:
    """The hash of an event: HMAC-SHA256 under ``key`` of the canonical JSON of the event and
    its predecessor's hash (``KEYED``), or its plain SHA-256 without a key (``UNKEYED``)."""
    canonical = json.dumps({
        "instance_id": instance_id, "seq": seq, "kind": kind, "at": at.isoformat(),
        "actor_id": actor_id, "task_name": task_name, "payload": payload, "prev": prev_hash,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return hmac.digest(key, canonical, "sha256").hex()


def stored_event_hash(event: Any, *, prev_hash: str, key: bytes) -> str | None:
    """What a stored event's hash must be under its ``hash_version`` (None: unknown version)."""
    if event.hash_version not in (UNKEYED, KEYED):
        return None
    return event_hash(instance_id=event.instance_id, seq=event.seq, kind=event.kind,
                      at=event.at, actor_id=event.actor_id, task_name=event.task_name,
                      payload=event.payload, prev_hash=prev_hash,
                      key=key if event.hash_version == KEYED else None)


def _event_values(kind: EventKind, *, instance_id: int | None, seq: int, prev: str,
                  actor_id: int | None, task_name: str | None,
                  payload: dict[str, Any] | None, at: datetime, key: bytes) -> dict[str, Any]:
    """An event's column values, its keyed hash linking it to ``prev``."""
    payload = payload or {}
    digest = event_hash(instance_id=instance_id, seq=seq, kind=kind.value, at=at,
                        actor_id=actor_id, task_name=task_name, payload=payload, prev_hash=prev,
                        key=key)
    return {"instance_id": instance_id, "seq": seq, "kind": kind.value, "at": at,
            "actor_id": actor_id, "task_name": task_name, "payload": payload,
            "prev_hash": prev, "hash": digest, "hash_version": KEYED}


def next_event(kind: EventKind, *, instance: ProcessInstance, actor_id: int | None,
               at: datetime, key: bytes, task_name: str | None = None,
               payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """The instance's next event as column values, linked to the chain head (which moves).

    The caller inserts it in the same transaction; the instance row (locked) holds the head.
    """
    values = _event_values(kind, instance_id=instance.id, seq=instance.last_event_seq + 1,
                           prev=instance.last_event_hash or GENESIS, actor_id=actor_id,
                           task_name=task_name, payload=payload, at=at, key=key)
    instance.last_event_seq, instance.last_event_hash = values["seq"], values["hash"]
    return values


def append_unscoped_event(session: Session, kind: EventKind, *, actor_id: int | None,
                          at: datetime, key: bytes, task_name: str | None = None,
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
                                         payload=payload, at=at, key=key))
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


def verify_instance_chain(events: list[ProcessEvent], *, key: bytes) -> int | None:
    """Seq of the first event whose link or content does not verify, or None if intact.

    The quick check of a restore: links and hashes, and no unkeyed event after a keyed one.
    ``certflow audit verify`` also holds unkeyed events to the anchors (``docs/audit.md``).
    """
    prev, keyed = GENESIS, False
    for expected_seq, event in enumerate(events, start=1):
        digest = stored_event_hash(event, prev_hash=prev, key=key)
        keyed = keyed or event.hash_version == KEYED
        if (event.seq != expected_seq or event.prev_hash != prev or event.hash != digest
                or (keyed and event.hash_version != KEYED)):
            return event.seq
        prev = event.hash
    return None
