"""Read-only views of a workflow for the audit trail: the path taken and a state fingerprint.

Kept apart from ``runtime`` so the facade only gains two thin delegating methods; nothing here
changes a workflow.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from workflows.engine.pruning import prune_finished_history


def completed_path(workflow: BpmnWorkflow) -> list[str]:
    """BPMN ids of the completed flow elements, in the order they completed.

    Engine-internal tasks (the root, the implicit end) have no BPMN id and are left out. Ties in
    ``last_state_change`` (a float clock) fall back to tree order, where a parent precedes what
    it caused.
    """
    finished = []
    for position, task in enumerate(workflow.get_tasks_iterator()):
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if bpmn_id is not None and task.state == TaskState.COMPLETED:
            finished.append((task.last_state_change, position, bpmn_id))
    return [bpmn_id for _, _, bpmn_id in sorted(finished)]


class PathRecorder:
    """The path of a run that drops its finished history as it goes, as the live system does.

    A replay that kept every task would pay for the whole tree on every step (SpiffWorkflow
    walks it to find what is ready), so replaying 200 events would cost O(n^2). After each
    input the recorder appends what completed since the last call, then prunes like
    ``dump_state`` does after each live transaction, so every step costs what the live step did.
    """

    def __init__(self) -> None:
        self.path: list[str] = []
        self._recorded: set[Any] = set()

    def step(self, run: Any) -> None:
        workflow: BpmnWorkflow = run._workflow  # same package: the Run facade's workflow
        finished = []
        for position, task in enumerate(workflow.get_tasks_iterator()):
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if (bpmn_id is not None and task.state == TaskState.COMPLETED
                    and task.id not in self._recorded):
                finished.append((task.last_state_change, position, task.id, bpmn_id))
        finished.sort()
        self.path += [bpmn_id for *_, bpmn_id in finished]
        prune_finished_history(workflow)
        self._recorded = {task_id for task_id, task in workflow.tasks.items()
                          if task.state == TaskState.COMPLETED}


def task_state_counts(workflow: BpmnWorkflow) -> dict[str, int]:
    """How many unfinished tasks of each spec are in each state: equal futures, equal counts.

    Task ids and timestamps differ between a live run and its replay, and the stored state
    drops finished history (``pruning``), so only what can still happen is compared: the
    waiting, ready and predicted tasks, by spec name and state.
    """
    counts: Counter[str] = Counter(
        f"{task.task_spec.name}:{TaskState.get_name(task.state)}"
        for task in workflow.get_tasks_iterator()
        if not task.has_state(TaskState.FINISHED_MASK))
    return dict(sorted(counts.items()))


def element_names(spec: Any, subprocess_specs: dict[str, Any]) -> dict[str, str]:
    """Task spec name -> the element's display name (its BPMN name, else its id)."""
    names: dict[str, str] = {}
    for process_spec in [spec, *subprocess_specs.values()]:
        for name, task_spec in process_spec.task_specs.items():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id is not None:
                names[name] = getattr(task_spec, "bpmn_name", None) or bpmn_id
    return names
