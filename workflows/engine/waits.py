"""What a workflow waits on besides people, and the three ways certflow ends a wait.

Read after every engine run (timers, message catches, parked service tasks) so certflow can keep
its ``timer``, ``message_subscription`` and ``service_job`` rows in step; acted on by the firing
job, ``POST /messages`` and the service-task worker. Only plain values leave this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from workflows.engine.deferred import (
    CERTFLOW_TIMERS,
    SERVICE_RESULT,
    DeferredServiceTask,
    ensure_due,
)
from workflows.engine.serialization import to_plain

ESCALATES_TO = "escalatesTo"


@dataclass(frozen=True)
class WaitingTimer:
    spiff_task_id: str
    task_name: str
    element_id: str
    kind: str  # boundary, intermediate, start, gateway
    interrupting: bool | None
    attached_to: str | None
    expression: str
    due_at: datetime
    # The group an interrupting timer hands the work to (property ``escalatesTo``), if any.
    escalates_to: str | None = None
    # The working-day calendar its due time was computed with (WorkCalendar.version).
    calendar_version: str | None = None


@dataclass(frozen=True)
class WaitingMessage:
    spiff_task_id: str
    task_name: str
    element_id: str
    message_name: str


@dataclass(frozen=True)
class ParkedServiceTask:
    spiff_task_id: str
    task_name: str
    element_id: str
    operation: str


@dataclass(frozen=True)
class ServiceCall:
    """A parked service task's operation with its parameters evaluated against task data."""

    task_name: str
    element_id: str
    operation: str
    params: dict[str, Any]
    declared_types: dict[str, str]


def _waiting_event_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    tasks = [t for t in workflow.event_manager.tasks.values() if t.state == TaskState.WAITING]
    return sorted(tasks, key=lambda t: str(t.id))


def _definitions(definition: Any) -> list[Any]:
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    found = []
    for task in _waiting_event_tasks(workflow):
        spec = task.task_spec
        for definition in _definitions(spec.event_definition):
            if not isinstance(definition, CERTFLOW_TIMERS):
                continue
            due = ensure_due(definition, task)
            kind, interrupting, attached = _placement(task)
            found.append(WaitingTimer(
                spiff_task_id=str(task.id), task_name=spec.name,
                element_id=_element_id(spec, definition), kind=kind, interrupting=interrupting,
                attached_to=attached, due_at=due, escalates_to=_property(spec, ESCALATES_TO),
                expression=str(task._get_internal_data("certflow_expression", "")
                               or definition.expression)[:255],
                calendar_version=task._get_internal_data("certflow_calendar")))
    return found


def _element_id(spec: Any, definition: Any) -> str:
    """The diagram element waiting: for an event-based gateway, the event behind it (the
    engine moves its children's definitions into the gateway, in outgoing-flow order)."""
    if isinstance(spec.event_definition, MultipleEventDefinition):
        index = spec.event_definition.event_definitions.index(definition)
        if index < len(spec.outputs):
            child = spec.outputs[index]
            return child.bpmn_id or child.name
    return spec.bpmn_id or spec.name


def _property(spec: Any, name: str) -> str | None:
    properties = (getattr(spec, "extensions", None) or {}).get("properties", {})
    return properties.get(name) or None


def _placement(task: SpiffTask) -> tuple[str, bool | None, str | None]:
    spec = task.task_spec
    if isinstance(spec, BoundaryEvent):
        main = next((c for c in task.parent.children
                     if not isinstance(c.task_spec, BoundaryEvent)), None)
        attached = (main.task_spec.bpmn_id or main.task_spec.name) if main else None
        return "boundary", bool(spec.cancel_activity), attached
    if isinstance(spec.event_definition, MultipleEventDefinition):
        return "gateway", None, None
    if isinstance(spec, StartEvent):
        return "start", None, None
    return "intermediate", None, None


def waiting_messages(workflow: BpmnWorkflow) -> list[WaitingMessage]:
    found = []
    for task in _waiting_event_tasks(workflow):
        spec = task.task_spec
        for definition in _definitions(spec.event_definition):
            if isinstance(definition, MessageEventDefinition) and definition.name:
                found.append(WaitingMessage(str(task.id), spec.name,
                                            _element_id(spec, definition), definition.name))
    return found


def parked_service_tasks(workflow: BpmnWorkflow) -> list[ParkedServiceTask]:
    tasks = workflow.get_tasks(state=TaskState.STARTED)
    return [ParkedServiceTask(str(t.id), t.task_spec.name, t.task_spec.bpmn_id or t.task_spec.name,
                              t.task_spec.operation_name)
            for t in tasks if isinstance(t.task_spec, DeferredServiceTask)]


def fire_timer(workflow: BpmnWorkflow, spiff_task_id: str) -> None:
    """Mark a waiting timer as fired and let the engine make its task ready."""
    task = _task(workflow, spiff_task_id, TaskState.WAITING)
    definitions = _definitions(task.task_spec.event_definition)
    if not any(isinstance(d, CERTFLOW_TIMERS) for d in definitions):
        raise LookupError(f"engine task {spiff_task_id} is not a timer")
    task._set_internal_data(event_fired=True)
    task.task_spec._update(task)


def deliver_message(workflow: BpmnWorkflow, spiff_task_id: str, name: str,
                    payload: dict[str, Any]) -> None:
    """Hand a correlated message to one waiting catch event / receive task."""
    task = _task(workflow, spiff_task_id, TaskState.WAITING)
    definition = next((d for d in _definitions(task.task_spec.event_definition)
                       if isinstance(d, MessageEventDefinition) and d.name == name), None)
    if definition is None:
        raise LookupError(f"engine task {spiff_task_id} does not wait for message {name!r}")
    task.task_spec.catch(task, BpmnEvent(definition, payload=payload))
    if getattr(definition, "message_var", None) is None and isinstance(payload, dict):
        task.data.update(payload)  # no messageVariable: the payload's fields become data
    task.task_spec._update(task)


def service_call(workflow: BpmnWorkflow, spiff_task_id: str) -> ServiceCall:
    task = _task(workflow, spiff_task_id, TaskState.STARTED)
    spec = task.task_spec
    if not isinstance(spec, DeferredServiceTask):
        raise LookupError(f"engine task {spiff_task_id} is not a service task")
    evaluated = spec.evaluate_params(task)
    return ServiceCall(spec.name, spec.bpmn_id or spec.name, spec.operation_name,
                       to_plain({k: v["value"] for k, v in evaluated.items()}),
                       {k: str(v.get("type") or "any") for k, v in spec.operation_params.items()})


def complete_service_task(workflow: BpmnWorkflow, spiff_task_id: str, result: Any) -> None:
    task = _task(workflow, spiff_task_id, TaskState.STARTED)
    if not isinstance(task.task_spec, DeferredServiceTask):
        raise LookupError(f"engine task {spiff_task_id} is not a service task")
    task.internal_data[SERVICE_RESULT] = result
    task.run()


def _task(workflow: BpmnWorkflow, spiff_task_id: str, state: TaskState) -> SpiffTask:
    try:
        task = workflow.get_task_from_id(UUID(spiff_task_id))
    except Exception:  # TaskNotFoundException: pruned or never existed
        task = None
    if task is None or task.state != state:
        raise LookupError(f"engine task {spiff_task_id} is not {TaskState.get_name(state)}")
    return task
