"""A running workflow as certflow sees it: start, resume, complete a user task, advance.

Callers get plain values (ids, names, data dicts, decision records); no SpiffWorkflow object
leaves this package.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from workflows.core.runtime import RunContext
from workflows.engine import approval, deferred, waits
from workflows.engine.budget import RunawayRun, RunBudget, check_cut_off, reached_end
from workflows.engine.errors import EngineFailure
from workflows.engine.result import EngineStep, ReadyUserTask, RunResult
from workflows.engine.script_env import ScriptError, make_script_engine
from workflows.engine.serialization import SERIALIZER_VERSION, dump_state, load_state, to_plain


class Run:
    """One workflow in memory for the length of one unit of work."""

    def __init__(self, workflow: BpmnWorkflow,
                 wait_kinds: frozenset[str] = frozenset({"timer", "message", "service"}),
                 budget: RunBudget | None = None, state_before: str = "") -> None:
        self._workflow = workflow
        self._wait_kinds = wait_kinds
        # Each run (up to the next ``result``) gets a step and time budget (engine/budget.py);
        # a run past it is thrown away, and the state it started from is what remains.
        self._budget = budget or RunBudget(None)
        self._state_before = state_before
        self._steps: list[EngineStep] = []
        # Service tasks parked at load or at the previous result (see ``RunResult``).
        self._parked: frozenset[str] = frozenset()

    @classmethod
    def start(cls, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
              data: dict[str, Any], *, context: RunContext | None = None) -> Run:
        """A new workflow; ``context`` (the runtime's limits, clock, calendar) runs with it.

        Building it counts against the first run's time: SpiffWorkflow predicts the whole
        diagram here, which for ten thousand parallel flows takes seconds.
        """
        kinds = deferred.install(spec, subprocess_specs)
        budget = RunBudget(context)
        workflow = budget.run(lambda: BpmnWorkflow(
            spec, subprocess_specs, script_engine=make_script_engine(context=context)))
        run = cls(workflow, kinds, budget)
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        return run

    @classmethod
    def resume(cls, state: str, spec: BpmnProcessSpec,
               subprocess_specs: dict[str, BpmnProcessSpec], *,
               context: RunContext | None = None) -> Run:
        kinds = deferred.install(spec, subprocess_specs)
        workflow = load_state(state, spec, subprocess_specs)
        workflow.script_engine = make_script_engine(context=context)
        run = cls(workflow, kinds, RunBudget(context), state)
        if "service" in kinds:
            run._parked = frozenset(
                p.spiff_task_id for p in waits.parked_service_tasks(workflow))
        return run

    # --- the outcome ---------------------------------------------------------------------
    def result(self, failure: EngineFailure | None = None) -> RunResult:
        """Everything the store needs, read once; ``failure``: the run stopped on it.

        Serializing prunes finished history, so this ends the unit of work's use of the run
        (another action may follow, e.g. the next due timer, then another result).
        """
        kinds = self._wait_kinds
        self._budget.reset()
        if isinstance(failure, RunawayRun):  # half done: nothing of it is kept
            self._steps = []
            return RunResult(
                steps=(), ready=(), timers=(), messages=(), parked=(),
                parked_before=self._parked, wait_kinds=kinds, completed=False,
                state=self._state_before, serializer_version=SERIALIZER_VERSION, data={},
                failure=failure)
        ready: list[ReadyUserTask] = []
        timers: list[waits.WaitingTimer] = []
        messages: list[waits.WaitingMessage] = []
        parked: list[waits.ParkedServiceTask] = []
        if failure is None:
            ready = self.ready_user_tasks()
            timers = self.waiting_timers() if "timer" in kinds else []
            messages = self.waiting_messages() if "message" in kinds else []
            parked = self.parked_service_tasks() if "service" in kinds else []
        parked_before, self._parked = self._parked, frozenset(p.spiff_task_id for p in parked)
        completed = failure is None and self.completed
        state = self._state_before = self.dump()
        return RunResult(
            steps=tuple(self.take_steps()), ready=tuple(ready), timers=tuple(timers),
            messages=tuple(messages), parked=tuple(parked), parked_before=parked_before,
            wait_kinds=kinds, completed=completed, state=state,
            serializer_version=SERIALIZER_VERSION, data=self.data(), failure=failure)

    def take_steps(self) -> list[EngineStep]:
        """The decisions and gateway passes since the last call (history records them)."""
        steps, self._steps = self._steps, []
        return steps

    # --- reading -------------------------------------------------------------------------
    @property
    def completed(self) -> bool:
        """Only by reaching the end: a run cut off deep down is not finished (budget.py)."""
        return reached_end(self._workflow)

    def ready_user_tasks(self) -> list[ReadyUserTask]:
        tasks = self._workflow.get_tasks(state=TaskState.READY, manual=True)
        return [ReadyUserTask(str(t.id), t.task_spec.name, t.task_spec.bpmn_id or t.task_spec.name,
                              t.task_spec.bpmn_name or t.task_spec.name) for t in tasks]

    def data(self) -> dict[str, Any]:
        """Process data now: the workflow's data once finished, else the latest task data."""
        workflow = self._workflow
        if workflow.is_completed():
            return to_plain(workflow.data)
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        source = ready[0] if ready else workflow.last_task
        return to_plain(source.data if source is not None else {})

    def dump(self) -> str:
        return dump_state(self._workflow)

    # --- acting --------------------------------------------------------------------------
    def complete(self, spiff_task_id: str, data: dict[str, Any]) -> None:
        """Complete one READY user task with validated form data."""
        task = self._workflow.get_task_from_id(UUID(spiff_task_id))
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise LookupError(f"engine task {spiff_task_id} is not a ready user task")
        task.data.update(data)
        self._guarded(task.run)

    def advance(self) -> None:
        """Run engine tasks (gateways, scripts, decisions) until only people or timers remain."""
        def steps() -> None:
            self._workflow.do_engine_steps(will_complete_task=self._before,
                                           did_complete_task=self._after)
            check_cut_off(self._workflow)

        self._guarded(steps)

    def cancel(self) -> None:
        self._workflow.cancel()

    def send_back(self, spiff_task_id: str, target: str, data: dict[str, Any]) -> None:
        """退回: reset the case to the newest run of the earlier user task ``target`` that the
        ready task allows (``approval.send_back``, SpiffWorkflow's own reset)."""
        self._guarded(lambda: approval.send_back(self._workflow, spiff_task_id, target, data))

    # --- waits besides people: timers, messages, service tasks (engine/waits.py) ---------
    @property
    def wait_kinds(self) -> frozenset[str]:
        """What besides people this definition can wait on: timer, message, service."""
        return self._wait_kinds

    def waiting_timers(self) -> list[waits.WaitingTimer]:
        return self._read(waits.waiting_timers)

    def waiting_messages(self) -> list[waits.WaitingMessage]:
        return waits.waiting_messages(self._workflow)

    def parked_service_tasks(self) -> list[waits.ParkedServiceTask]:
        return waits.parked_service_tasks(self._workflow)

    def fire_timer(self, spiff_task_id: str) -> None:
        """Fire one waiting timer (certflow decided it is due); ``advance`` runs what follows."""
        self._guarded(lambda: waits.fire_timer(self._workflow, spiff_task_id))

    def deliver_message(self, spiff_task_id: str, name: str, payload: dict[str, Any]) -> None:
        self._guarded(lambda: waits.deliver_message(self._workflow, spiff_task_id, name,
                                                    payload))

    def service_call(self, spiff_task_id: str) -> waits.ServiceCall:
        """The parked service task's operation and evaluated parameters."""
        return self._read(lambda wf: waits.service_call(wf, spiff_task_id))

    def complete_service_task(self, spiff_task_id: str, result: Any) -> None:
        self._guarded(lambda: waits.complete_service_task(self._workflow, spiff_task_id,
                                                          result))

    def _read(self, reader: Any) -> Any:
        result: list[Any] = []
        self._guarded(lambda: result.append(reader(self._workflow)), reading=True)
        return result[0]

    # --- internals -----------------------------------------------------------------------
    def _before(self, task: SpiffTask) -> None:
        self._budget.step(task)
        if getattr(task.task_spec, "dmnEngine", None) is not None:
            task.internal_data["certflow_before_keys"] = sorted(task.data)

    def _after(self, task: SpiffTask) -> None:
        spec = task.task_spec
        if getattr(spec, "dmnEngine", None) is not None:
            table = spec.dmnEngine.decision_table
            before = set(task.internal_data.pop("certflow_before_keys", []))
            outputs = {o.name or o.label for o in table.outputs}
            result = {k: v for k, v in task.data.items() if k in outputs or k not in before}
            self._steps.append(EngineStep("decision_taken", spec.name, {
                "element_id": spec.bpmn_id, "decision": table.id, "outputs": to_plain(result)}))
        elif getattr(spec, "cond_task_specs", None):
            chosen = [c.task_spec.bpmn_id or c.task_spec.name for c in task.children
                      if c.has_state(TaskState.DEFINITE_MASK | TaskState.FINISHED_MASK)
                      and not c.has_state(TaskState.CANCELLED)]
            self._steps.append(EngineStep("gateway_passed", spec.name, {
                "element_id": spec.bpmn_id, "taken": chosen}))

    def _guarded(self, action: Any, *, reading: bool = False) -> None:
        try:
            if reading:
                self._budget.read(action)
            else:
                self._budget.run(action)
        except SpiffWorkflowException as exc:
            stopped = exc.__cause__ or exc.__context__
            if isinstance(stopped, RunawayRun):  # e.g. an ambiguous decision, wrapped
                raise stopped from None
            raise _failure_from(exc) from exc
        except ScriptError as exc:  # paths where SpiffWorkflow calls the environment directly
            raise EngineFailure(message=exc.message, line=exc.line, kind=exc.kind) from exc

    # --- reading for the audit trail (replay); see workflows/engine/trace.py ---------------
    def completed_path(self) -> list[str]:
        """BPMN ids of the completed flow elements in completion order (the path taken)."""
        from workflows.engine.trace import completed_path

        return completed_path(self._workflow)

    def task_state_counts(self) -> dict[str, int]:
        """A fingerprint of the unfinished tasks (spec:state -> count) to compare two runs."""
        from workflows.engine.trace import task_state_counts

        return task_state_counts(self._workflow)


def _failure_from(exc: SpiffWorkflowException) -> EngineFailure:
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None)
    cause = getattr(exc, "error", None) or exc.__cause__
    kind = getattr(cause, "kind", None) or "runtime"
    message = getattr(cause, "message", None) or str(exc).split("\n")[0]
    line = getattr(exc, "line_number", None) or getattr(cause, "line", None) or None
    return EngineFailure(
        message=str(message), element_id=getattr(spec, "bpmn_id", None),
        task_name=getattr(spec, "name", None), line=line or None, kind=str(kind),
        details={"notes": list(getattr(exc, "notes", []) or [])[:5]} if getattr(
            exc, "notes", None) else {},
    )
