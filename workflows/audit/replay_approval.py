"""How the approval actions replay (``workflows/tasks/approval_actions/``).

退回 and 撤回 move the engine, so they are inputs: replay resets to the same earlier step with
the same data, or cancels the workflow, exactly as the live use case did. 转交, 加签, 催办, 抄送
and comments change who holds or reads a case, never the engine: they are observed.
Registered by importing ``workflows.audit.replay``.
"""

from __future__ import annotations

from models.statuses import InstanceStatus
from workflows.audit.replayer import RecordedEvent, Replayer, input_kind
from workflows.core.history import EventKind


@input_kind(EventKind.TASK_SENT_BACK)
def _sent_back(replayer: Replayer, event: RecordedEvent) -> None:
    run = replayer.run
    spiff_id = None if run is None else replayer.ready_task_for(event)
    if run is None or spiff_id is None:
        replayer.finding(event, f"no ready task '{event.task_name}' to send back from in the "
                                "replayed engine", stop=True)
        return
    target = str(event.payload.get("to") or "")
    data = dict(event.payload.get("data") or {})
    try:
        replayer.drive(lambda: run.send_back(spiff_id, target, data))
    except LookupError as error:
        replayer.finding(event, f"the replayed engine cannot send back to '{target}': {error}",
                         stop=True)


@input_kind(EventKind.INSTANCE_WITHDRAWN)
def _withdrawn(replayer: Replayer, event: RecordedEvent) -> None:
    if replayer.run is None:
        replayer.finding(event, "the instance was withdrawn before it started", stop=True)
        return
    replayer.run.cancel()
    replayer.ended_as = InstanceStatus.WITHDRAWN


def _observed(replayer: Replayer, event: RecordedEvent) -> None:
    """Who holds, reads or is reminded of a case: nothing to apply to the engine."""


for _kind in (EventKind.TASK_TRANSFERRED, EventKind.OPINION_REQUESTED, EventKind.OPINION_GIVEN,
              EventKind.INSTANCE_REMINDED, EventKind.INSTANCE_COPIED, EventKind.CASE_COMMENTED):
    input_kind(_kind)(_observed)
