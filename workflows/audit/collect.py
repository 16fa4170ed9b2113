"""Collect one instance, or everything in a time range, into a signed audit export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import AuditAnchor, ProcessDefinition, ProcessEvent, ProcessInstance, User
from workflows.audit import export_format as audit_export
from workflows.audit.anchor import Adoption, adoption_of
from workflows.audit.files import attached_files
from workflows.audit.verify import chain_problem
from workflows.core.actors import Actor
from workflows.core.blobs import BlobMissing, BlobStore
from workflows.core.errors import InvalidInput, NotFound
from workflows.core.history import chain_key
from workflows.directory import scope as centre

MAX_EVENTS = 200_000


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    manifest: dict[str, Any]
    instance_ids: list[int]


def build_export(session: Session, *, exporter: Actor, key: str, now: datetime,
                 instance_id: int | None = None, since: datetime | None = None,
                 until: datetime | None = None, store: BlobStore | None = None) -> Export:
    """A zip an auditor can verify offline (see ``workflows.audit.export_format``), made
    ``now``."""
    if (instance_id is None) == (since is None and until is None):
        raise InvalidInput("请指定一个案件（instance_id）或一个时间段（from/to），二者选其一",
                           detail_en="export either one instance (instance_id) or a time range "
                           "(from/to), not both and not neither")
    query = sa.select(ProcessEvent)
    if instance_id is not None:
        found = session.get(ProcessInstance, instance_id)
        if found is None or not centre.same_centre(exporter, found.tenant_id):
            raise NotFound(f"instance {instance_id} does not exist")
        query = query.where(ProcessEvent.instance_id == instance_id)
        scope: dict[str, Any] = {"instance_id": instance_id}
    else:
        if since is not None and until is not None and since >= until:
            raise InvalidInput("'from' must be before 'to'")
        if since is not None:
            query = query.where(ProcessEvent.at >= since)
        if until is not None:
            query = query.where(ProcessEvent.at < until)
        # The cases of the exporter's centre, and the deployments every centre shares.
        query = query.where(sa.or_(ProcessEvent.instance_id.is_(None),
                                   centre.case_in_centre(ProcessEvent.instance_id, exporter)))
        scope = {"from": since.isoformat() if since else None,
                 "to": until.isoformat() if until else None}
    count = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    if count > MAX_EVENTS:
        raise InvalidInput(f"{count} events match; export at most {MAX_EVENTS} at a time "
                           "(narrow the time range)")
    events = list(session.scalars(query.order_by(
        ProcessEvent.instance_id.is_not(None), ProcessEvent.instance_id, ProcessEvent.seq)))
    instance_ids = sorted({e.instance_id for e in events if e.instance_id is not None})
    instances = _by_id(session, ProcessInstance, instance_ids)
    files = {
        audit_export.EVENTS: audit_export.jsonl(_event_row(e) for e in events),
        "instances.jsonl": audit_export.jsonl(_instance_row(instances[i]) for i in instance_ids),
        "actors.jsonl": audit_export.jsonl(_actors(session, events, instances.values())),
        "definitions.jsonl": audit_export.jsonl(_definitions(session, instances.values())),
        **(_attached_files(store, events) if store is not None else {}),
    }
    adoption = adoption_of(session)
    manifest = {
        "created_at": now.isoformat(), "scope": scope, "event_count": len(events),
        "instance_count": len(instance_ids),
        "exporter": {"id": exporter.id, "username": exporter.username,
                     "display_name": exporter.display_name, "role": exporter.role},
        "chains": _chains(events, instances, chain_key(key), adoption),
        "latest_anchor": _latest_anchor(session),
        # The anchor that adopted the unkeyed events (null: none yet, unkeyed still accepted).
        "keyed_since_anchor": adoption.anchor_id if adoption else None,
    }
    content = audit_export.pack(files, manifest, key)
    label = f"instance-{instance_id}" if instance_id is not None else "range"
    filename = f"certflow-audit-{label}-{now.strftime('%Y%m%dT%H%M%SZ')}.zip"
    return Export(filename, content, manifest, instance_ids)


def _attached_files(store: BlobStore, events: list[ProcessEvent]) -> dict[str, bytes]:
    """The files the exported events attached, as the store holds them now (one that is
    missing is left out, and the offline verifier reports it)."""
    files = {}
    for item in attached_files(events):
        name = audit_export.attachment_name(str(item.get("sha256", "")))
        if name in files:
            continue
        try:
            files[name] = b"".join(store.read(str(item.get("sha256", ""))))
        except (BlobMissing, ValueError):
            continue
    return files


def _event_row(event: ProcessEvent) -> dict[str, Any]:
    return {"instance_id": event.instance_id, "seq": event.seq, "kind": event.kind,
            "at": event.at.isoformat(), "actor_id": event.actor_id,
            "task_name": event.task_name, "payload": event.payload,
            "prev_hash": event.prev_hash, "hash": event.hash,
            "hash_version": event.hash_version}


def _instance_row(instance: ProcessInstance) -> dict[str, Any]:
    return {"id": instance.id, "process_id": instance.process_id,
            "definition_id": instance.definition_id, "business_key": instance.business_key,
            "status": instance.status, "data": instance.data, "error": instance.error,
            "started_by": instance.started_by, "started_at": instance.started_at.isoformat(),
            "ended_at": instance.ended_at.isoformat() if instance.ended_at else None,
            "last_event_seq": instance.last_event_seq,
            "last_event_hash": instance.last_event_hash}


def _chains(events: list[ProcessEvent], instances: dict[int, ProcessInstance], key: bytes,
            adoption: Adoption | None) -> list[dict[str, Any]]:
    """Per chain: the exported span, the stored head, whether the span verified here, and up
    to which seq unkeyed events are accepted (signed with the manifest, for the verifier)."""
    spans: dict[int | None, list[ProcessEvent]] = {}
    for event in events:
        spans.setdefault(event.instance_id, []).append(event)
    chains = []
    for chain_id, span in spans.items():
        instance = instances.get(chain_id) if chain_id is not None else None
        unkeyed_until = adoption.unkeyed_until(chain_id) if adoption else None
        broken = chain_problem(span, key=key, unkeyed_until=unkeyed_until,
                               first_seq=span[0].seq, prev=span[0].prev_hash)
        chains.append({
            "chain": "definitions" if chain_id is None else str(chain_id),
            "first_seq": span[0].seq, "first_prev_hash": span[0].prev_hash,
            "last_seq": span[-1].seq, "last_hash": span[-1].hash,
            "head_seq": instance.last_event_seq if instance else None,
            "head_hash": instance.last_event_hash if instance else None,
            "unkeyed_until": unkeyed_until,
            "verified_at_export": broken is None,
            "problem_at_export": None if broken is None else {"seq": broken[0],
                                                              "problem": broken[1]},
        })
    return chains


def _actors(session: Session, events: list[ProcessEvent],
            instances: Any) -> list[dict[str, Any]]:
    ids = {e.actor_id for e in events} | {i.started_by for i in instances}
    users = _by_id(session, User, sorted(i for i in ids if i is not None))
    return [{"id": u.id, "username": u.username, "display_name": u.display_name,
             "role": u.role} for u in users.values()]


def _definitions(session: Session, instances: Any) -> list[dict[str, Any]]:
    rows = _by_id(session, ProcessDefinition, sorted({i.definition_id for i in instances}))
    return [{"id": d.id, "process_id": d.process_id, "version": d.version,
             "content_hash": d.content_hash, "deployed_at": d.deployed_at.isoformat()}
            for d in rows.values()]


def _latest_anchor(session: Session) -> dict[str, Any] | None:
    anchor = session.scalars(sa.select(AuditAnchor).order_by(AuditAnchor.id.desc())
                             .limit(1)).first()
    return {"id": anchor.id, "hash": anchor.hash,
            "created_at": anchor.created_at.isoformat()} if anchor else None


def _by_id(session: Session, model: Any, ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update({row.id: row for row in session.scalars(
            sa.select(model).where(model.id.in_(chunk)))})
    return dict(sorted(found.items()))
