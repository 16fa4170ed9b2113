"""certflow's versions of the engine pieces that wait: timers and service tasks.

SpiffWorkflow compares timers with the wall clock (``datetime.now``) and reads naive dates in the
server's local zone; it also runs service tasks inline, inside whatever request reached them.
certflow swaps, once per parsed spec, the classes of those spec objects for subclasses that

- compute a timer's due time once, with the runtime's clock (``RunContext``), its working-day
  extension (``P<n>WD``) and the calendar's time zone, and then fire **only** when certflow says so
  (``event_fired`` set by the firing job) — the ``timer`` table is the source of truth for when;
- park a service task in STARTED until the worker hands it a result.

Swapping classes (rather than a custom parser) keeps deployed diagrams, the parser and the
serialized state exactly SpiffWorkflow's: the subclasses add no state of their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.spiff.specs.defaults import ServiceTask
from SpiffWorkflow.task import Task as SpiffTask

from workflows.core import working_days
from workflows.core.runtime import RunContext
from workflows.engine.decisions import swap_engine
from workflows.engine.timing import add_iso_duration, window_end

SERVICE_RESULT = "certflow_service_result"


def timer_due(value: str, *, start: datetime,
              calendar: working_days.WorkCalendar | None = None) -> datetime:
    """When a timer expression's value is due: ``P<n>WD``, an ISO 8601 duration, a window
    ``<period>;last_day|next_working_day`` (24:00 of its last day) or a date."""
    text = str(value).strip()
    deadline = working_days.parse_deadline(text)
    if deadline is not None:
        return window_end(start, *deadline, calendar=calendar)
    days = working_days.parse_working_days(text)
    if days is not None:
        return working_days.add_working_days(start, days, calendar)
    if text.upper().startswith("P"):
        return add_iso_duration(start, text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:  # naive dates are read in the calendar's zone, not the server's
        moment = moment.replace(tzinfo=working_days.local_zone(calendar))
    return moment.astimezone(UTC)


class _CertflowTimer:
    """Due time computed once with certflow's clock; fires only when certflow fires it."""

    expression: str

    def has_fired(self, my_task: SpiffTask) -> bool:
        ensure_due(self, my_task)
        return bool(my_task._get_internal_data("event_fired", False))


class CertflowDurationTimer(_CertflowTimer, DurationTimerEventDefinition):
    pass


class CertflowDateTimer(_CertflowTimer, TimeDateEventDefinition):
    pass


CERTFLOW_TIMERS = (CertflowDurationTimer, CertflowDateTimer)


def ensure_due(definition: Any, my_task: SpiffTask) -> datetime:
    """The timer's due time, stored in the task's ``event_value`` on first sight."""
    stored = my_task._get_internal_data("event_value")
    if stored is None:
        engine = my_task.workflow.script_engine
        value = engine.evaluate(my_task, definition.expression)
        context = getattr(engine, "certflow_context", None) or RunContext()
        now, calendar = context.calendar_now()
        try:
            due = timer_due(str(value), start=now, calendar=calendar)
        except Exception as exc:
            raise WorkflowTaskException(
                f"timer expression {value!r} is not an ISO 8601 duration, date, P<n>WD or "
                "window (P15D;next_working_day)",
                task=my_task, exception=exc) from exc
        stored = due.isoformat()
        my_task._set_internal_data(event_value=stored, certflow_expression=str(value),
                                   certflow_calendar=calendar.version if calendar else None)
    return datetime.fromisoformat(stored)


class DeferredServiceTask(ServiceTask):
    """Waits in STARTED until the worker supplies the registered function's result."""

    def _execute(self, task: SpiffTask) -> bool | None:
        if SERVICE_RESULT not in task.internal_data:
            return None  # STARTED: certflow enqueues the call after the transaction commits
        result = task.internal_data.pop(SERVICE_RESULT)
        # Only a declared resultVariable receives the result (SpiffWorkflow invents a
        # ``spiff__<id>_result`` name otherwise, which would clutter the process data).
        if result is not None and not self.result_variable.startswith("spiff__"):
            task.data[self.result_variable] = result
        return True


def install(spec: Any, subprocess_specs: dict[str, Any]) -> frozenset[str]:
    """Swap timer and service-task classes in parsed specs (idempotent, cheap after once).

    Returns the kinds of wait the definition can produce ("timer", "message", "service"), so
    callers skip bookkeeping a diagram cannot need.
    """
    kinds = getattr(spec, "_certflow_wait_kinds", None)
    if kinds is not None:
        return kinds
    found: set[str] = set()
    for process_spec in [spec, *subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            _swap_event(definition)
            swap_engine(task_spec)  # UNIQUE decision tables refuse two matches
            found.update(_wait_kinds(definition))
            if type(task_spec) is ServiceTask:
                task_spec.__class__ = DeferredServiceTask
            if isinstance(task_spec, DeferredServiceTask):
                found.add("service")
    spec._certflow_wait_kinds = kinds = frozenset(found)
    return kinds


def _wait_kinds(definition: Any) -> set[str]:
    if isinstance(definition, MultipleEventDefinition):
        return {k for inner in definition.event_definitions for k in _wait_kinds(inner)}
    if isinstance(definition, TimerEventDefinition):
        return {"timer"}
    if isinstance(definition, MessageEventDefinition):
        return {"message"}
    return set()


def _swap_event(definition: Any) -> None:
    if type(definition) is DurationTimerEventDefinition:
        definition.__class__ = CertflowDurationTimer
    elif type(definition) is TimeDateEventDefinition:
        definition.__class__ = CertflowDateTimer
    elif isinstance(definition, MultipleEventDefinition):
        for inner in definition.event_definitions:
            _swap_event(inner)
