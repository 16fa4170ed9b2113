"""The approval actions a user task allows, as its diagram declares them, and 退回 in the engine.

A user task lists the actions its holder may take besides completing it in the
``spiffworkflow:properties`` of the diagram:

* ``approvalActions``: a comma-separated subset of ``ACTIONS`` (``transfer``, ``send_back``,
  ``consult``, ``copy``, ``comment``); omitted, only comments are allowed;
* ``sendBackTo``: the ids of the earlier user tasks a case may be sent back to (required with
  ``send_back``).

Sending back is SpiffWorkflow's own ``reset_from_task_id`` on the newest completed run of the
target task: the engine drops everything after it and offers that task again. Finished history
is pruned from the stored state (``pruning.py``), so the newest completed run of every task an
open task may send back to is kept (``send_back_anchors``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

ACTIONS_PROPERTY = "approvalActions"
SEND_BACK_PROPERTY = "sendBackTo"
ACTIONS = ("transfer", "send_back", "consult", "copy", "comment")
DEFAULT_ACTIONS = ("comment",)


def split_list(value: str | None) -> list[str]:
    """A comma- or whitespace-separated property value as a list, without blanks."""
    return [part for part in (value or "").replace(",", " ").split() if part]


def declared_actions(properties: dict[str, Any]) -> list[str]:
    """The actions a task's properties declare (unknown names are left for deploy to report)."""
    if ACTIONS_PROPERTY not in properties:
        return list(DEFAULT_ACTIONS)
    return split_list(properties.get(ACTIONS_PROPERTY))


def _properties(task: Task) -> dict[str, Any]:
    extensions = getattr(task.task_spec, "extensions", None) or {}
    return extensions.get("properties", {}) or {}


def latest_completed(workflow: BpmnWorkflow, bpmn_id: str) -> Task | None:
    """The newest completed run of the task with this BPMN id, if the tree still holds it."""
    done = [t for t in workflow.get_tasks_iterator()
            if getattr(t.task_spec, "bpmn_id", None) == bpmn_id
            and t.state == TaskState.COMPLETED]
    return max(done, key=lambda t: t.last_state_change, default=None)


def send_back_anchors(workflow: BpmnWorkflow) -> list[Task]:
    """The completed tasks an unfinished task may send the case back to (kept by pruning).

    Runs at every store: one walk of the tree finds both the ready tasks' targets and the
    newest completed run of each task id (a walk per target made it the costliest part of
    pruning)."""
    targets: list[str] = []
    newest: dict[str, Task] = {}
    for task in workflow.get_tasks_iterator():
        if task.state == TaskState.READY:
            targets += split_list(_properties(task).get(SEND_BACK_PROPERTY))
        elif task.state == TaskState.COMPLETED:
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if bpmn_id is not None and (bpmn_id not in newest or task.last_state_change
                                        > newest[bpmn_id].last_state_change):
                newest[bpmn_id] = task
    # Its parent too: a reset reads the parent's data and, for a task with boundary events,
    # resets every branch of the parent split.
    return [found.parent or found for found in (newest.get(t) for t in targets)
            if found is not None]


def send_back(workflow: BpmnWorkflow, spiff_task_id: str, target: str,
              data: dict[str, Any]) -> None:
    """Reset the case to the newest run of ``target`` (an earlier user task the ready task
    ``spiff_task_id`` names in ``sendBackTo``), adding ``data`` to what that task sees."""
    task = workflow.get_task_from_id(UUID(spiff_task_id))
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise LookupError(f"engine task {spiff_task_id} is not a ready user task")
    if target not in split_list(_properties(task).get(SEND_BACK_PROPERTY)):
        raise LookupError(f"task {task.task_spec.name} may not send back to {target}")
    earlier = latest_completed(workflow, target)
    if earlier is None:
        raise LookupError(f"task {target} has not run in this case")
    removed = workflow.reset_from_task_id(earlier.id)
    # SpiffWorkflow 3.2's reset drops the tasks but not their registration as waiting events
    # (e.g. the escalation timer of the task sent back from), which the next engine step
    # would still try to update: unregister them through the event manager's own call.
    for task in removed:
        workflow.event_manager.remove_task(task)
    earlier.data.update(data)
