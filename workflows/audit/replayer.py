"""Rebuild an instance's state at any event by re-running its pinned definition.

Replay is a pure function of (parsed definition, recorded events): it starts the definition with
the recorded start data, then applies each recorded *external input* (a person completing a
task; later timers firing, messages arriving, service results) in seq order, letting the engine
run after each input exactly as the live use case did. Everything else in the history (tasks
becoming ready, claims, decisions, gateway passes) is *observed* output: replay does not apply
it, but uses ``task_ready`` to link history's task ids to the replay's engine tasks, and keeps
the engine's own decisions so the caller can compare them with what was recorded.

State "at seq N" is the state after every input with seq <= N was applied and the engine ran
to its next wait, i.e. the state the transaction holding event N committed.

Extension point: an event kind that feeds the engine registers an applier with
``@input_kind("<kind>")``; a kind that is neither registered nor in ``OBSERVED_KINDS`` stops the
replay with a finding instead of being skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from models.statuses import InstanceStatus
from workflows.core.history import EventKind
from workflows.core.runtime import RunContext
from workflows.definitions.spec_cache import CachedDefinition
from workflows.engine import EngineFailure, PathRecorder, Run, RunawayRun


@dataclass(frozen=True)
class RecordedEvent:
    """One history row as plain values (replay never touches the database)."""

    seq: int
    kind: str
    at: datetime
    actor_id: int | None
    task_name: str | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, row: Any) -> RecordedEvent:
        return cls(row.seq, row.kind, row.at, row.actor_id, row.task_name, row.payload or {})


@dataclass(frozen=True)
class OpenTask:
    task_name: str
    title: str
    bpmn_id: str
    group: str | None
    task_id: int | None  # the human_task row history linked to it, once known


@dataclass(frozen=True)
class Snapshot:
    """What the instance looked like after the events up to ``seq``."""

    seq: int
    status: str
    data: dict[str, Any]
    open_tasks: list[OpenTask]
    path: list[str]
    error: dict[str, Any] | None
    engine_steps: list[dict[str, Any]]
    findings: list[dict[str, Any]]


# Rows that record what happened without being input to the engine.
OBSERVED_KINDS = frozenset({
    EventKind.TASK_READY, EventKind.TASK_CLAIMED, EventKind.TASK_RELEASED,
    EventKind.TASK_CANCELLED, EventKind.DECISION_TAKEN, EventKind.GATEWAY_PASSED,
    EventKind.INSTANCE_COMPLETED, EventKind.INSTANCE_FAILED,
    # An administrator's suspension changes who may act, never the engine state.
    EventKind.INSTANCE_SUSPENDED, EventKind.INSTANCE_RESUMED,
    # Who a task is addressed to changes who may act, never the engine state.
    EventKind.TASK_ADDRESS_FALLBACK, EventKind.TASK_HANDED_OVER,
})
ENGINE_STEP_KINDS = frozenset({EventKind.DECISION_TAKEN, EventKind.GATEWAY_PASSED})

InputApplier = Callable[["Replayer", RecordedEvent], None]
INPUT_APPLIERS: dict[str, InputApplier] = {}


def input_kind(kind: str) -> Callable[[InputApplier], InputApplier]:
    """Register how an event kind feeds the engine (the extension point for new inputs)."""

    def register(applier: InputApplier) -> InputApplier:
        INPUT_APPLIERS[str(kind)] = applier
        return applier

    return register


class Replayer:
    """Applies recorded events one by one to a fresh run of the pinned definition."""

    def __init__(self, definition: CachedDefinition, *,
                 context: RunContext | None = None) -> None:
        self.definition = definition
        # Time stands at each recorded event while it is applied: a timer started by it is
        # computed from the event's time, with the calendar in effect then (``calendar_at``).
        self._base = context or RunContext()
        self._at: datetime | None = None
        self.context = replace(self._base, now=self._now)
        self.run: Run | None = None
        self.seq = 0
        self.failure: dict[str, Any] | None = None
        self.diverged = False
        # Set by ``instance_terminated``: the engine state stays as it was, the instance ended.
        self.ended_as: str | None = None
        # Set when the start's first run went past its budget: live, it was rolled back and
        # the instance kept only its start data (workflows/instances/runaway.py).
        self.halted_data: dict[str, Any] | None = None
        self.findings: list[dict[str, Any]] = []
        self.engine_steps: list[dict[str, Any]] = []
        self.recorder = PathRecorder()
        self._ready_before: set[str] = set()  # engine tasks ready after the previous input
        self._unlinked: list[tuple[str, str]] = []  # (spiff id, task name) awaiting task_ready
        self._spiff_by_row: dict[int, str] = {}
        self._row_by_spiff: dict[str, int] = {}

    def _now(self) -> datetime:
        return self._at if self._at is not None else self._base.now()

    # --- applying ------------------------------------------------------------------------
    def apply(self, event: RecordedEvent) -> None:
        self.seq = event.seq
        self._at = event.at
        if self.diverged:
            return
        if event.kind == EventKind.INSTANCE_TERMINATED:
            self.ended_as = InstanceStatus.CANCELLED
        elif event.kind in INPUT_APPLIERS and self.ended_as is not None:
            self.finding(event, "an input was recorded after the instance was terminated")
        elif event.kind in INPUT_APPLIERS:
            if self.halted_data is not None and event.kind != EventKind.INCIDENT_RAISED:
                self.finding(event, "an input was recorded after the first run was stopped "
                                    "at its budget")
                return
            if self.failure is not None:
                self.finding(event, "an input was recorded after the instance failed")
                return
            INPUT_APPLIERS[event.kind](self, event)
        elif event.kind == EventKind.TASK_READY:
            self._link(event)
        elif event.kind not in OBSERVED_KINDS:
            self.finding(event, f"event kind '{event.kind}' cannot be replayed: no applier is "
                                "registered (workflows.audit.replayer.input_kind)", stop=True)

    def drive(self, action: Callable[[], None], *,
              start_data: dict[str, Any] | None = None) -> None:
        """Run one input and let the engine continue until it waits, as the use case did.

        ``start_data``: the input is the start, whose runaway run live kept only that data.
        """
        assert self.run is not None
        try:
            action()
            self.run.advance()
        except RunawayRun as runaway:
            if start_data is not None:
                self.run.take_steps()
                self.halted_data = start_data
                return
            self.failure = runaway.to_dict()  # live, this input was never recorded
        except EngineFailure as failure:
            self.failure = failure.to_dict()
        for step in self.run.take_steps():
            self.engine_steps.append({"kind": step.kind, "task_name": step.task_name,
                                      "payload": step.payload})
        ready = self.run.ready_user_tasks()
        self._unlinked += [(t.spiff_task_id, t.task_name) for t in ready
                           if t.spiff_task_id not in self._ready_before]
        self._ready_before = {t.spiff_task_id for t in ready}
        self.recorder.step(self.run)

    def ready_task_for(self, event: RecordedEvent) -> str | None:
        """The engine task a recorded completion refers to: linked by id, else by name/order."""
        assert self.run is not None
        ready = self.run.ready_user_tasks()
        linked = self._spiff_by_row.get(_row_id(event) or 0)
        if linked is not None and any(t.spiff_task_id == linked for t in ready):
            return linked
        return next((t.spiff_task_id for t in ready if t.task_name == event.task_name), None)

    def finding(self, event: RecordedEvent, message: str, *, stop: bool = False) -> None:
        self.findings.append({"kind": "replay", "seq": event.seq, "event_kind": event.kind,
                              "detail": message})
        self.diverged = self.diverged or stop

    def _link(self, event: RecordedEvent) -> None:
        row_id = _row_id(event)
        for index, (spiff_id, name) in enumerate(self._unlinked):
            if name == event.task_name:
                del self._unlinked[index]
                if row_id is not None:
                    self._spiff_by_row[row_id] = spiff_id
                    self._row_by_spiff[spiff_id] = row_id
                return
        self.finding(event, f"history says task '{event.task_name}' became ready, but the "
                            "replayed engine has no such new task")

    # --- reading -------------------------------------------------------------------------
    def snapshot(self, seq: int | None = None) -> Snapshot:
        """The state now; ``seq`` labels it (defaults to the last event applied)."""
        seq = self.seq if seq is None else seq
        run = self.run
        if self.halted_data is not None:
            return Snapshot(seq, self.ended_as or InstanceStatus.RUNNING, self.halted_data, [],
                            [], None, list(self.engine_steps), list(self.findings))
        if run is None:
            return Snapshot(seq, "not_started", {}, [], [], None, list(self.engine_steps),
                            list(self.findings))
        status = (self.ended_as or (InstanceStatus.FAILED if self.failure is not None
                  else InstanceStatus.COMPLETED if run.completed else InstanceStatus.RUNNING))
        open_tasks = [] if self.failure is not None or self.ended_as else [
            self._open_task(t.spiff_task_id, t.task_name, t.bpmn_id, t.title)
            for t in run.ready_user_tasks()]
        return Snapshot(seq, status, run.data(), open_tasks, list(self.recorder.path),
                        self.failure, list(self.engine_steps), list(self.findings))

    def _open_task(self, spiff_id: str, name: str, bpmn_id: str, title: str) -> OpenTask:
        meta = self.definition.task_meta.get(name, {})
        return OpenTask(name, meta.get("title") or title, bpmn_id, meta.get("group"),
                        self._row_by_spiff.get(spiff_id))


def _row_id(event: RecordedEvent) -> int | None:
    """The human_task id an event names, if it names a sensible one."""
    value = event.payload.get("task_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@input_kind(EventKind.INSTANCE_STARTED)
def _started(replayer: Replayer, event: RecordedEvent) -> None:
    if replayer.run is not None:
        replayer.finding(event, "the instance was started twice", stop=True)
        return
    definition = replayer.definition
    data = dict(event.payload.get("data") or {})
    try:
        replayer.run = Run.start(definition.spec, definition.subprocess_specs, data,
                                 context=replayer.context)
    except RunawayRun:  # as live: nothing of the run is kept
        replayer.halted_data = data
        return
    replayer.drive(lambda: None, start_data=data)


@input_kind(EventKind.TASK_COMPLETED)
def _task_completed(replayer: Replayer, event: RecordedEvent) -> None:
    if replayer.run is None:
        replayer.finding(event, "a task was completed before the instance started", stop=True)
        return
    spiff_id = replayer.ready_task_for(event)
    if spiff_id is None:
        replayer.finding(event, f"no ready task '{event.task_name}' to complete in the "
                                "replayed engine", stop=True)
        return
    run = replayer.run
    data = dict(event.payload.get("data") or {})
    replayer.drive(lambda: run.complete(spiff_id, data))


# Timer firings, received messages and service-task results are external inputs too: their
# appliers register here with @input_kind once those event kinds exist in workflows.core.history.


@dataclass
class ReplayResult:
    final: Snapshot
    at: dict[int, Snapshot] = field(default_factory=dict)
    replayer: Replayer | None = None


def replay(definition: CachedDefinition, events: Iterable[RecordedEvent], *,
           upto: int | None = None, snapshots_at: Iterable[int] = (),
           context: RunContext | None = None) -> ReplayResult:
    """Replay ``events`` (in seq order) up to ``upto``; also snapshot at ``snapshots_at``.

    ``context``: the runtime's script limit, clock and calendar (default: certflow's own)."""
    replayer = Replayer(definition, context=context)
    wanted = sorted(set(snapshots_at))
    taken: dict[int, Snapshot] = {}
    for event in events:
        if upto is not None and event.seq > upto:
            break
        while wanted and wanted[0] < event.seq:
            point = wanted.pop(0)
            taken[point] = replayer.snapshot(point)
        replayer.apply(event)
    for point in wanted:
        taken[point] = replayer.snapshot(point)
    return ReplayResult(replayer.snapshot(), taken, replayer)
