"""Replay a stored instance and, at its last event, hold the replay against what is stored.

A mismatch is an integrity finding returned to the caller (``integrity.matches`` false with
the differences), never an exception and never hidden: a replay that disagrees with the stored
state means the history, the state, or the engine changed behind the audit trail's back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import workflows.audit.replay_approval  # 退回/撤回 appliers register here
import workflows.audit.replay_inputs  # noqa: F401  (timer/message/service appliers register here)
from models import HumanTask, ProcessDefinition, ProcessEvent, ProcessInstance, Timer
from models.statuses import OPEN_TASK_STATUSES, OPEN_TIMER_STATUSES, InstanceStatus
from workflows.audit.data_diff import json_diff
from workflows.audit.replayer import (
    ENGINE_STEP_KINDS,
    RecordedEvent,
    ReplayResult,
    Snapshot,
    replay,
)
from workflows.core.errors import InvalidInput, NotFound
from workflows.core.runtime import RunContext
from workflows.definitions import spec_cache
from workflows.engine import Run


@dataclass(frozen=True)
class InstanceReplay:
    instance: ProcessInstance
    definition: ProcessDefinition
    upto: int
    snapshot: Snapshot
    snapshots: dict[int, Snapshot]
    integrity: dict[str, Any]


def load_events(session: Session, instance_id: int, upto: int | None = None
                ) -> list[RecordedEvent]:
    query = (sa.select(ProcessEvent.seq, ProcessEvent.kind, ProcessEvent.at,
                       ProcessEvent.actor_id, ProcessEvent.task_name, ProcessEvent.payload)
             .where(ProcessEvent.instance_id == instance_id).order_by(ProcessEvent.seq))
    if upto is not None:
        query = query.where(ProcessEvent.seq <= upto)
    return [RecordedEvent.of(row) for row in session.execute(query)]


def replay_instance(session: Session, instance_id: int, *, upto: int | None = None,
                    snapshots_at: tuple[int, ...] = (), context: RunContext | None = None
                    ) -> InstanceReplay:
    """Replay up to ``upto`` (default: the last event); check integrity when at the end."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"instance {instance_id} does not exist")
    last = instance.last_event_seq
    upto = last if upto is None else upto
    for point in (upto, *snapshots_at):
        if not 1 <= point <= last:
            raise InvalidInput(f"事件序号 {point} 不在本案件的记录范围内（1..{last}）",
                               detail_en=f"seq {point} is outside this instance's history "
                               f"(1..{last})")
    definition = session.get(ProcessDefinition, instance.definition_id)
    if definition is None:
        raise NotFound(f"definition {instance.definition_id} of instance {instance_id} is gone")
    events = load_events(session, instance_id)
    result = replay(spec_cache.get(definition), events, upto=upto, snapshots_at=snapshots_at,
                    context=context)
    if upto == last:
        integrity = check_integrity(session, instance, definition, events, result)
    else:
        findings = result.final.findings
        integrity = {"checked": False, "matches": None if not findings else False,
                     "differences": findings,
                     "note": "stored state is compared only when replaying to the last event"}
    return InstanceReplay(instance, definition, upto, result.final, result.at, integrity)


# An instance in ``incident`` is running, its failed service task waiting for a retry: the
# engine state is the same, and incidents are observed, not replayed (replay_inputs.py).
# A suspended one is running too: suspension only stops people and workers moving it on.
STATUS_AS_REPLAYED: dict[str, str] = {InstanceStatus.INCIDENT: InstanceStatus.RUNNING,
                                      InstanceStatus.SUSPENDED: InstanceStatus.RUNNING}


def check_integrity(session: Session, instance: ProcessInstance,
                    definition: ProcessDefinition, events: list[RecordedEvent],
                    result: ReplayResult) -> dict[str, Any]:
    """Compare the replay's end state with the stored instance, tasks, decisions and tree."""
    final = result.final
    differences: list[dict[str, Any]] = list(final.findings)
    if STATUS_AS_REPLAYED.get(instance.status, instance.status) != final.status:
        differences.append({"kind": "status", "stored": instance.status,
                            "replayed": final.status})
    differences += [{"kind": "data", **change}
                    for change in json_diff(_plain(instance.data or {}), final.data)]
    stored_open = sorted(session.scalars(
        sa.select(HumanTask.task_name).where(HumanTask.instance_id == instance.id,
                                             HumanTask.status.in_(OPEN_TASK_STATUSES))))
    replayed_open = sorted(t.task_name for t in final.open_tasks)
    if stored_open != replayed_open:
        differences.append({"kind": "open_tasks", "stored": stored_open,
                            "replayed": replayed_open})
    recorded_steps = [{"kind": e.kind, "task_name": e.task_name, "payload": e.payload}
                      for e in events if e.kind in ENGINE_STEP_KINDS]
    if _plain(recorded_steps) != _plain(final.engine_steps):
        differences.append({"kind": "decisions", "stored": recorded_steps,
                            "replayed": final.engine_steps})
    differences += _tree_differences(instance, definition, result)
    differences += _timer_differences(session, instance, result)
    return {"checked": True, "matches": not differences, "differences": differences}


def _tree_differences(instance: ProcessInstance, definition: ProcessDefinition,
                      result: ReplayResult) -> list[dict[str, Any]]:
    """The stored engine state and the replayed one must hold the same tasks in each state."""
    replayer = result.replayer
    if replayer is None or replayer.run is None or not instance.state:
        return []
    cached = spec_cache.get(definition)
    try:
        stored_run = Run.resume(instance.state, cached.spec, cached.subprocess_specs,
                                context=replayer.context)
        stored = stored_run.task_state_counts()
    except Exception as error:  # an unreadable state is itself the finding
        return [{"kind": "engine_state", "detail": f"stored state cannot be loaded: {error}"}]
    replayed = replayer.run.task_state_counts()
    if stored == replayed:
        return []
    keys = sorted(set(stored) | set(replayed))
    return [{"kind": "engine_state", "task": key, "stored": stored.get(key, 0),
             "replayed": replayed.get(key, 0)}
            for key in keys if stored.get(key, 0) != replayed.get(key, 0)]


# Due times are recomputed from the events' times, which the live use case read a moment
# before recording them: a calendar or rule change moves a deadline by hours or days.
DUE_TOLERANCE = timedelta(minutes=1)


def _timer_differences(session: Session, instance: ProcessInstance,
                       result: ReplayResult) -> list[dict[str, Any]]:
    """Every waiting timer must be due when the stored one is: a deadline recomputed with the
    calendar in effect when it was first computed (not today's) lands on the same instant."""
    replayer = result.replayer
    if replayer is None or replayer.run is None or result.final.status != InstanceStatus.RUNNING:
        return []
    stored = {name: due for name, due in session.execute(
        sa.select(Timer.task_name, Timer.due_at).where(
            Timer.instance_id == instance.id, Timer.status.in_(OPEN_TIMER_STATUSES)))}
    try:
        replayed = {t.task_name: t.due_at for t in replayer.run.waiting_timers()}
    except Exception as error:  # a timer that cannot be computed is itself the finding
        return [{"kind": "timer", "detail": f"replayed timers cannot be read: {error}"}]
    return [{"kind": "timer", "task": name, "stored": _iso(stored.get(name)),
             "replayed": _iso(replayed.get(name))}
            for name in sorted(set(stored) | set(replayed))
            if stored.get(name) is None or replayed.get(name) is None
            or abs(stored[name] - replayed[name]) > DUE_TOLERANCE]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
