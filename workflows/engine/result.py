"""What one engine run leaves behind, as one plain value: the store reads it and nothing else.

Taken once at the end of a unit of work (``Run.result``), so storing a run costs one call into
the engine instead of a conversation: the steps it took, the user tasks now ready, what else it
waits on (timers, messages, parked service tasks), whether it finished, its serialized state
and its data; with the plain values it is made of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflows.engine.errors import EngineFailure
    from workflows.engine.waits import ParkedServiceTask, WaitingMessage, WaitingTimer


@dataclass(frozen=True)
class ReadyUserTask:
    """A user task waiting for a person, identified by the engine's task id."""

    spiff_task_id: str
    task_name: str
    bpmn_id: str
    title: str


@dataclass(frozen=True)
class EngineStep:
    """Something the engine did on its own that history must show (a decision taken)."""

    kind: str
    task_name: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class RunResult:
    """One run's outcome. After a failure the run waits on nothing: no tasks, no waits."""

    steps: tuple[EngineStep, ...]  # decisions and gateways since the previous result
    ready: tuple[ReadyUserTask, ...]
    timers: tuple[WaitingTimer, ...]
    messages: tuple[WaitingMessage, ...]
    parked: tuple[ParkedServiceTask, ...]
    # Service tasks parked when the state was loaded or the previous result taken: with
    # ``parked``, whether any service task started or stopped waiting since.
    parked_before: frozenset[str]
    # What besides people the definition can wait on at all ("timer", "message", "service").
    wait_kinds: frozenset[str]
    completed: bool
    state: str
    serializer_version: str
    data: dict[str, Any] = field(default_factory=dict)
    failure: EngineFailure | None = None
