"""How timer firings, received messages and service results replay
(``workflows/audit/replayer.py``).

Each live use case records its input with the engine task spec name in ``task_name`` and the
input in the payload; replay finds the replayed engine's matching wait by that spec name (task
ids differ between runs) and applies the same input, then lets the engine run, exactly as the
use case did. Escalations, failed attempts and incidents are observed, not inputs: their
appliers do nothing. Registered by importing ``workflows.audit.replay``, the replay use case.
"""

from __future__ import annotations

from workflows.audit.replayer import RecordedEvent, Replayer, input_kind
from workflows.core.history import EventKind


@input_kind(EventKind.TIMER_FIRED)
def _timer_fired(replayer: Replayer, event: RecordedEvent) -> None:
    run = replayer.run
    if run is None:
        replayer.finding(event, "a timer fired before the instance started", stop=True)
        return
    timer = next((t for t in run.waiting_timers() if t.task_name == event.task_name), None)
    if timer is None:
        replayer.finding(event, f"no waiting timer '{event.task_name}' in the replayed engine",
                         stop=True)
        return
    replayer.drive(lambda: run.fire_timer(timer.spiff_task_id))


@input_kind(EventKind.MESSAGE_RECEIVED)
def _message_received(replayer: Replayer, event: RecordedEvent) -> None:
    run = replayer.run
    name = str(event.payload.get("message") or "")
    waiting = None if run is None else next(
        (m for m in run.waiting_messages()
         if m.task_name == event.task_name and m.message_name == name), None)
    if run is None or waiting is None:
        replayer.finding(event, f"nothing in the replayed engine waits for message '{name}' "
                                f"at '{event.task_name}'", stop=True)
        return
    payload = dict(event.payload.get("payload") or {})
    replayer.drive(lambda: run.deliver_message(waiting.spiff_task_id, name, payload))


@input_kind(EventKind.SERVICE_TASK_COMPLETED)
def _service_completed(replayer: Replayer, event: RecordedEvent) -> None:
    run = replayer.run
    parked = None if run is None else next(
        (p for p in run.parked_service_tasks() if p.task_name == event.task_name), None)
    if run is None or parked is None:
        replayer.finding(event, f"no parked service task '{event.task_name}' in the replayed "
                                "engine", stop=True)
        return
    result = event.payload.get("result")
    replayer.drive(lambda: run.complete_service_task(parked.spiff_task_id, result))


def _observed(replayer: Replayer, event: RecordedEvent) -> None:
    """History of what happened around an input; nothing to apply."""


for _kind in (EventKind.TASK_ESCALATED, EventKind.SERVICE_TASK_FAILED,
              EventKind.INCIDENT_RAISED, EventKind.INCIDENT_RETRIED,
              EventKind.TIMER_BROUGHT_FORWARD):  # the firing that follows is the input
    input_kind(_kind)(_observed)
